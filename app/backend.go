package app

import "github.com/bragg-xrd/bragg/diffraction/analysis"

// Analysis is everything the window shows for one scan: the data, its
// background, the peaks found and the identification; the same type the
// command line works with.
type Analysis = analysis.Analysis

// Backend is the domain work the window asks for. Its methods are called
// from a goroutine other than the UI's and must not touch widgets.
type Backend interface {
	// Open reads the scan at path, finds its peaks and identifies phases
	// with the settings opt (analysis.Open).
	Open(path string, opt analysis.Options) (*Analysis, error)
	// Demo returns the built-in demonstration pattern, analysed with opt.
	Demo(opt analysis.Options) (*Analysis, error)
	// Export writes a report of a to path (an .xlsx workbook).
	Export(path string, a *Analysis) error
	// Import adds the structures of CIF files to the user database and
	// returns the new entries' IDs; err names the files that failed.
	Import(paths []string) ([]string, error)
}

// Funcs adapts four functions to a Backend, which is the shortest way for
// main to wire the real packages in. A nil function makes its method return
// an error saying the feature is not available.
type Funcs struct {
	OpenFunc   func(path string, opt analysis.Options) (*Analysis, error)
	DemoFunc   func(opt analysis.Options) (*Analysis, error)
	ExportFunc func(path string, a *Analysis) error
	ImportFunc func(paths []string) ([]string, error)
}

// Open calls f.OpenFunc.
func (f Funcs) Open(path string, opt analysis.Options) (*Analysis, error) {
	if f.OpenFunc == nil {
		return nil, errNotAvailable("opening files")
	}
	return f.OpenFunc(path, opt)
}

// Demo calls f.DemoFunc.
func (f Funcs) Demo(opt analysis.Options) (*Analysis, error) {
	if f.DemoFunc == nil {
		return nil, errNotAvailable("the demo pattern")
	}
	return f.DemoFunc(opt)
}

// Export calls f.ExportFunc.
func (f Funcs) Export(path string, a *Analysis) error {
	if f.ExportFunc == nil {
		return errNotAvailable("exporting reports")
	}
	return f.ExportFunc(path, a)
}

// Import calls f.ImportFunc.
func (f Funcs) Import(paths []string) ([]string, error) {
	if f.ImportFunc == nil {
		return nil, errNotAvailable("importing structures")
	}
	return f.ImportFunc(paths)
}

type errNotAvailable string

func (e errNotAvailable) Error() string {
	return "app: " + string(e) + " is not available in this build"
}
