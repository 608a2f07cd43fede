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
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/bragg-xrd/bragg/app"
	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/cli"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
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

// newServices wires the window to the domain: the analysis pipeline over
// store, workbooks written by package report, and the store itself (the
// database browser's search, import and removal).
func newServices(store *refdb.Store, version string) app.Services {
	return app.Services{
		Analyse: func(ctx context.Context, path string, opt analysis.Options, progress analysis.Progress) (*analysis.Analysis, error) {
			p := &analysis.Pipeline{Store: store, Options: opt}
			if path == "" {
				return p.Demo(ctx, progress)
			}
			return p.Open(ctx, path, progress)
		},
		Export: func(path string, a *analysis.Analysis) error {
			return report.WriteFile(path, report.FromAnalysis(a, "Bragg "+version))
		},
		Store:   store,
		Version: version,
	}
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
