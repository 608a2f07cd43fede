// Command bragg is an open program for powder X-ray diffraction: with no
// arguments it opens the GUI on a built-in demo pattern, with file names it
// opens them, and with a subcommand (info, convert, peaks, identify, report,
// gui --snapshot) it runs headless. See bragg --help.
package main

import (
	// Runs bragg convert before the GUI and workbook packages initialise.
	_ "github.com/bragg-xrd/bragg/internal/fastconvert"

	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/bragg-xrd/bragg/app"
	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/cli"
)

func main() {
	cli.OpenGUI = openGUI
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}

// openGUI runs the Fyne application; only this package links the driver.
func openGUI(files []string) error {
	a := fyneapp.NewWithID("io.github.bragg-xrd.bragg")
	a.SetIcon(assets.Icon)
	app.Generator = "Bragg " + cli.Version
	ui := app.New(a, app.NewBackend())
	ui.Open(files...)
	ui.Window().ShowAndRun()
	return nil
}
