package app

import (
	"context"
	"errors"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/report"
)

// Generator names the program in exported reports. main may set it to
// include the version ("Bragg 0.1.0") before building the window.
var Generator = "Bragg"

// NewBackend returns the Backend of the real program: analysis.Open and
// analysis.Demo with the embedded reference database (plus the user's) and
// the options the window passes, and report.WriteFile for exports. The same
// calls serve the command line, so the window and `bragg report` give the
// same answers for the same settings.
func NewBackend() Backend {
	return Funcs{
		OpenFunc: func(path string, opt analysis.Options) (*Analysis, error) {
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
		DemoFunc: func(opt analysis.Options) (*Analysis, error) {
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
		ImportFunc: importCIFs,
		ExportFunc: func(path string, a *Analysis) error {
			return report.WriteFile(path, report.FromAnalysis(a, Generator))
		},
	}
}

// importCIFs adds the structures of CIF files to the user database, as
// bragg db import does (assets.Import): a bad file is reported while the
// rest import.
func importCIFs(paths []string) ([]string, error) {
	ps, failed, err := assets.Import(paths)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids, errors.Join(failed...)
}
