// Command bragg is an open program for powder X-ray diffraction: with no
// arguments it opens the GUI on a built-in demo pattern, with file names it
// opens them, and with a subcommand (info, convert, peaks, identify, report,
// gui --snapshot) it runs headless. See bragg --help.
//
// main builds the pieces once and passes them in: the reference database
// (bundled and the user's), the analysis pipeline, report export and the
// window. The command line (package cli) links no GUI toolkit; only this
// package imports Fyne's driver.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/bragg-xrd/bragg/app"
	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/cli"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/diffraction/scan"
	"github.com/bragg-xrd/bragg/report"

	// Maps LANG=C to English before Fyne's lang package reads the locale,
	// so that a command-line run prints no locale error.
	_ "github.com/bragg-xrd/bragg/internal/clocale"
	// Runs bragg convert before the GUI and workbook packages initialise.
	_ "github.com/bragg-xrd/bragg/internal/fastconvert"
)

// version is the program version, printed by --version and in reports.
const version = "0.1.0"

func main() {
	// No configuration directory: no user database (Store says so on
	// import).
	user, _ := refdb.UserPath()
	store := refdb.NewStore(assets.RefDB, user)
	services := newServices(store, version)
	cfg := cli.Config{
		Version: version,
		Store:   store,
		GUI:     func(view string, files []string) error { return openGUI(services, view, files) },
		Snapshot: func(out string, width, height float32, view string, files []string) error {
			return app.Snapshot(out, fyne.NewSize(width, height), view, services, files...)
		},
	}
	os.Exit(cli.Run(cfg, os.Args[1:], os.Stdout, os.Stderr))
}

// newServices wires the window to the domain: scan files read by package
// scan (every scan of a multi-scan file), the analysis pipeline over
// store, workbooks written by package report, and the store itself (the
// database browser's search, import and removal).
func newServices(store *refdb.Store, version string) app.Services {
	return app.Services{
		Read: func(path, format string) ([]*diffraction.Scan, string, error) {
			if path == "" {
				db, err := store.Bundled()
				if err != nil {
					return nil, "", err
				}
				s, err := analysis.DemoScan(db)
				return []*diffraction.Scan{s}, "simulated", err
			}
			return readAll(path, format)
		},
		Analyse: func(ctx context.Context, file string, s *diffraction.Scan, opt analysis.Options, until string, progress analysis.Progress) (*analysis.Analysis, error) {
			p := &analysis.Pipeline{Store: store, Options: opt, Until: until}
			return p.Analyse(ctx, file, s, progress)
		},
		Instrument: func(ctx context.Context, path string, opt analysis.Options) (refine.Instrument, error) {
			p := &analysis.Pipeline{Store: store, Options: opt}
			return p.Instrument(ctx, path)
		},
		Export: func(path string, a *analysis.Analysis) error {
			return report.WriteFile(path, report.FromAnalysis(a, "Bragg "+version))
		},
		Store:   store,
		Version: version,
	}
}

// readAll reads the scan file at path as scan.ReadFileAs does (the
// extension breaking ties between formats) and, when the file says it
// holds several scans or ranges, reads them all (scan.DecodeAll).
func readAll(path, format string) ([]*diffraction.Scan, string, error) {
	s, name, err := scan.ReadFileAs(path, format)
	if err != nil {
		return nil, name, err
	}
	n, _ := strconv.Atoi(s.Meta["ranges"])
	if m, _ := strconv.Atoi(s.Meta["scans"]); m > n {
		n = m
	}
	if n < 2 {
		return []*diffraction.Scan{s}, name, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, name, err
	}
	defer f.Close()
	all, allName, err := scan.DecodeAll(f)
	switch {
	case err != nil:
		return nil, name, fmt.Errorf("%s: %w", path, err)
	case allName != name || len(all) < 2: // a format read one scan at a time
		return []*diffraction.Scan{s}, name, nil
	}
	return all, name, nil
}

// openGUI runs the Fyne application on files (the demo when there are
// none), with the window of view over it, until the main window closes.
func openGUI(s app.Services, view string, files []string) error {
	a := fyneapp.NewWithID("io.github.bragg-xrd.bragg")
	a.SetIcon(fyne.NewStaticResource("Icon.png", assets.IconPNG()))
	ui := app.New(a, s)
	ui.Open(files...)
	w := ui.Window()
	w.SetMaster()
	w.Show()
	if _, err := ui.ShowView(view); err != nil {
		return err
	}
	a.Run()
	return nil
}
