// Package fastconvert runs bragg convert while the program is still
// initialising its packages, before the GUI (Fyne) and the workbook
// (Excelize) packages initialise: the command needs neither, and their
// initialisation (translations, number-format tables) took three quarters
// of a short convert's 25 ms. Go initialises packages in the order of
// their import paths among those whose imports are done (The Go
// Programming Language Specification, "Package initialization", since Go
// 1.21); this package imports only the scan readers and writers, so its
// init runs after about 3 ms of the runtime and standard library, and
// before fyne.io/fyne/v2/lang and github.com/xuri/excelize/v2.
//
// It is still needed although the command line (package cli) links no GUI:
// the one bragg binary links Fyne and Excelize through main, and their
// package inits run in every process. Measured on a 2-core machine, a
// convert of a UXD file takes 24 ms with this package and 35 ms without.
//
// It handles only a convert that succeeds, with the code of package
// cli/convert that the command line also runs. Anything else — --help, a
// flag or usage error, a file that cannot be read — is left to the
// command line proper, which runs the same conversion again with its
// messages and exit statuses: outputs are written atomically, so a batch
// done twice leaves the same files.
package fastconvert

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bragg-xrd/bragg/cli/convert"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

func init() {
	if len(os.Args) < 3 || os.Args[1] != "convert" {
		return
	}
	if rc, ok := try(os.Args[2:]); ok {
		os.Exit(rc)
	}
}

// try converts; ok is false when the command line proper must handle args
// (see the package comment).
func try(args []string) (rc int, ok bool) {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o convert.Options
	convert.Flags(fs, &o)
	if cmdline.AsksHelp(args) {
		return 0, false
	}
	files, err := cmdline.ParseInterspersed(fs, args)
	if err != nil || len(files) == 0 {
		return 0, false
	}
	var out bytes.Buffer
	warned := false
	if err := convert.Run(o, files, &out, func(string, ...any) { warned = true }); err != nil || warned {
		return 0, false
	}
	if _, err := os.Stdout.Write(out.Bytes()); err != nil {
		fmt.Fprintf(os.Stderr, "bragg: %v\n", err)
		return 1, true
	}
	return 0, true
}
