// Package clocale maps the POSIX "C" locale to English before Fyne reads
// the locale, so that a command-line run under LANG=C.UTF-8 (scripts, CI,
// containers) does not print Fyne's "Error parsing user locale C" on
// standard error. The C locale means "no localisation", which for Fyne is
// its English fallback anyway.
//
// It is still needed although the command line (package cli) links no GUI:
// the one bragg binary links Fyne through main, and Fyne's lang package
// reads the locale in its init, which runs in every process, whatever the
// command.
//
// main imports it for its side effect. It must be initialised before
// fyne.io/fyne/v2/lang: Go initialises packages, among those whose imports
// are done, in the order of their import paths (The Go Programming
// Language Specification, "Package initialization"), and this package,
// importing only the standard library, sorts before the locale packages
// Fyne's lang package waits for (github.com/jeandeaual/go-locale,
// github.com/nicksnyder/go-i18n). TestCLocale in main checks the effect.
package clocale

import (
	"os"
	"strings"
)

func init() {
	// The variables in the order POSIX gives them precedence.
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			continue
		}
		if isC(v) {
			os.Setenv(name, "en_US.UTF-8")
		}
		return // the first one set decides
	}
}

// isC reports whether a locale name is the C/POSIX locale, with or without
// a codeset ("C.UTF-8").
func isC(v string) bool {
	base, _, _ := strings.Cut(v, ".")
	return base == "C" || base == "POSIX"
}
