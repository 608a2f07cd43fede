package app

import (
	"context"
	"errors"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Analysis is everything the window shows for one scan: the data, its
// background, the peaks found and the identification; the same type the
// command line works with.
type Analysis = analysis.Analysis

// Services is the domain work the window asks for. main wires in the real
// ones (analysis.Pipeline over a refdb.Store, report.WriteFile, the
// Store itself); tests pass fakes. They are called off the UI goroutine
// and must not touch widgets. A nil function makes its feature report that
// it is not available in this build.
type Services struct {
	// Analyse reads the scan at path and analyses it with opt
	// (analysis.Pipeline.Open), or the built-in demo pattern when path is
	// "" (Pipeline.Demo), telling progress each stage. ctx is cancelled
	// when a newer load of the same scan supersedes this one.
	Analyse func(ctx context.Context, path string, opt analysis.Options, progress analysis.Progress) (*Analysis, error)
	// Export writes a report of a to path (an .xlsx workbook).
	Export func(path string, a *Analysis) error
	// Store is the reference database (bundled and the user's) that the
	// database browser searches, imports into and removes from, and the
	// teaching mode picks phases from; nil: no database in this build.
	Store *refdb.Store
	// Version is the program version, for About.
	Version string
}

// analyse calls s.Analyse.
func (s Services) analyse(ctx context.Context, path string, opt analysis.Options, progress analysis.Progress) (*Analysis, error) {
	if s.Analyse == nil {
		return nil, errNotAvailable("opening scans")
	}
	return s.Analyse(ctx, path, opt, progress)
}

// export calls s.Export.
func (s Services) export(path string, a *Analysis) error {
	if s.Export == nil {
		return errNotAvailable("exporting reports")
	}
	return s.Export(path, a)
}

type errNotAvailable string

func (e errNotAvailable) Error() string {
	return "app: " + string(e) + " is not available in this build"
}

// superseded reports whether err only says that a newer load took over.
func superseded(err error) bool { return errors.Is(err, context.Canceled) }
