package app

import (
	"context"
	"errors"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// Analysis is everything the window shows for one scan: the data, its
// background, the peaks found and the identification; the same type the
// command line works with.
type Analysis = analysis.Analysis

// Services is the domain work the window asks for. main wires in the real
// ones (scan.ReadFileAs and scan.DecodeAll, analysis.Pipeline over a
// refdb.Store, report.WriteFile, the Store itself); tests pass fakes. They
// are called off the UI goroutine and must not touch widgets. A nil
// function makes its feature report that it is not available in this
// build.
type Services struct {
	// Read reads every scan of the file at path (several for a
	// multi-range Bruker RAW or a multi-scan XRDML file, in file order),
	// in format (a scan.Formats name; "" detects it), and returns them
	// with the format's name; path "" gives the built-in demo pattern
	// (analysis.DemoScan). Errors name the file.
	Read func(path, format string) ([]*diffraction.Scan, string, error)
	// Analyse runs analysis.Pipeline.Analyse on s, named file, with opt,
	// up to and including the stage until ("" runs every stage; until
	// analysis.StagePeaks stops after the peaks), telling progress each
	// stage. It may change s.Wavelength (analysis.ResolveWavelength) and
	// nothing else of s. ctx is cancelled when the result is no longer
	// wanted.
	Analyse func(ctx context.Context, file string, s *diffraction.Scan, opt analysis.Options, until string, progress analysis.Progress) (*Analysis, error)
	// Instrument reads an instrument file, or fits the instrument to a
	// scan of a line-profile standard analysed with opt
	// (analysis.Pipeline.Instrument).
	Instrument func(ctx context.Context, path string, opt analysis.Options) (refine.Instrument, error)
	// Export writes a report of a to path (an .xlsx workbook).
	Export func(path string, a *Analysis) error
	// Store is the reference database (bundled and the user's) that the
	// database browser searches, imports into and removes from, and the
	// teaching mode picks phases from; nil: no database in this build.
	Store *refdb.Store
	// Version is the program version, for About.
	Version string
}

// read calls s.Read.
func (s Services) read(path, format string) ([]*diffraction.Scan, string, error) {
	if s.Read == nil {
		return nil, "", errNotAvailable("opening scans")
	}
	return s.Read(path, format)
}

// analyse calls s.Analyse.
func (s Services) analyse(ctx context.Context, file string, sc *diffraction.Scan, opt analysis.Options, until string, progress analysis.Progress) (*Analysis, error) {
	if s.Analyse == nil {
		return nil, errNotAvailable("analysing scans")
	}
	return s.Analyse(ctx, file, sc, opt, until, progress)
}

// instrument calls s.Instrument.
func (s Services) instrument(ctx context.Context, path string, opt analysis.Options) (refine.Instrument, error) {
	if s.Instrument == nil {
		return refine.Instrument{}, errNotAvailable("fitting the instrument")
	}
	return s.Instrument(ctx, path, opt)
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

// superseded reports whether err only says that the work was cancelled.
func superseded(err error) bool { return errors.Is(err, context.Canceled) }
