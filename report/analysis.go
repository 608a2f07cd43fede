package report

import "github.com/bragg-xrd/bragg/diffraction/analysis"

// FromAnalysis is the report of an analysis, as the command line and the
// GUI both write it.
func FromAnalysis(a *analysis.Analysis, generator string) Input {
	return Input{
		File:       a.File,
		Format:     a.Format,
		Scan:       a.Scan,
		Background: a.Background,
		Peaks:      a.Peaks,
		Result:     a.Match,
		Generator:  generator,
		Settings:   a.Settings,
	}
}
