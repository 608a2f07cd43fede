package report

import (
	"fmt"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
)

// FromAnalysis is the report of an analysis, as the command line and the
// GUI both write it; the caller adds the lab's fields (Input.Lab).
func FromAnalysis(a *analysis.Analysis, generator string) Input {
	in := Input{
		File:           a.File,
		Format:         a.Format,
		Scan:           a.Scan,
		Background:     a.Background,
		Peaks:          a.Peaks,
		Broad:          a.Broad,
		Result:         a.Match,
		Identification: a.Identification,
		Options:        a.Options,
		AxisFit:        a.AxisFit,
		Generator:      generator,
	}
	if a.DatabaseVersion != "" {
		in.Database = fmt.Sprintf("Bragg reference database %s, %d phases", a.DatabaseVersion, a.DatabasePhases)
	}
	return in
}
