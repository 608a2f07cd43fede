package app

import (
	"context"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/report"
)

// Generator names the program in exported reports. main may set it to
// include the version ("Bragg 0.1.0") before building the window.
var Generator = "Bragg"

// NewBackend returns the Backend of the real program: analysis.Open and
// analysis.Demo with the embedded reference database and default options,
// and report.WriteFile for exports. The same calls serve the command line,
// so the window and `bragg report` give the same answers.
func NewBackend() Backend {
	opt := analysis.DefaultOptions()
	return Funcs{
		OpenFunc: func(path string) (*Analysis, error) {
			db, err := assets.All()
			if err != nil {
				return nil, err
			}
			a, err := analysis.Open(context.Background(), path, db, opt)
			if err != nil {
				return nil, err
			}
			return a, nil
		},
		DemoFunc: func() (*Analysis, error) {
			db, err := assets.All()
			if err != nil {
				return nil, err
			}
			a, err := analysis.Demo(context.Background(), db, opt)
			if err != nil {
				return nil, err
			}
			return a, nil
		},
		ExportFunc: func(path string, a *Analysis) error {
			return report.WriteFile(path, report.FromAnalysis(a, Generator))
		},
	}
}
