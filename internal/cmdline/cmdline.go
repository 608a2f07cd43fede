// Package cmdline holds the command-line conventions that the bragg
// commands share, including bragg convert, which runs without the rest of
// the command package (see internal/fastconvert).
package cmdline

import (
	"errors"
	"flag"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// ErrUsage marks an error in how a command was called (exit status 2).
var ErrUsage = errors.New("usage")

// ParseInterspersed parses flags that may stand before, between or after
// the positional arguments (`bragg peaks FILE --json`), which the flag
// package alone stops at; "--" ends the flags. It returns the positional
// arguments.
func ParseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// AsksHelp reports whether the arguments ask for help (-h, -help or
// --help before any "--").
func AsksHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "-help" || a == "--help" {
			return true
		}
	}
	return false
}

// FormatFlag declares --format, which names the scan format instead of
// detecting it.
func FormatFlag(fs *flag.FlagSet, format *string) {
	var names []string
	for _, f := range scan.Formats() {
		names = append(names, f.Name)
	}
	fs.StringVar(format, "format", "", "read the file as this format instead of detecting it: "+strings.Join(names, ", "))
}
