package analysis

import (
	"fmt"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// OptionsError is a setting that cannot be used. Its message names the
// setting and the bad value, in words the command line and the window both
// show as they are ("required elements: \"si\" is not an element symbol:
// symbols start with a capital letter, \"Si\"").
type OptionsError struct{ Err error }

func (e *OptionsError) Error() string { return e.Err.Error() }

func (e *OptionsError) Unwrap() error { return e.Err }

// Validate reports the first setting that cannot be used, as an
// *OptionsError: a wavelength no diffractometer has, a scan format Bragg
// does not read, and the rules of the peak search (peaks.Options.Validate),
// of the size analysis (peaks.SizeOptions.Validate) and of search-match
// (match.Options.Validate: element symbols, restraints, tolerances,
// counts), of the subset of the database (refdb.Subset.Validate: kinds of
// entry, collection names; whether the collections exist is said when the
// database is read) and of the whole-pattern fit
// (identify.Options.Validate). It is the one check of settings: the
// command line, the window, workspace files and the Pipeline all call it.
func (o Options) Validate() error {
	for _, check := range []func() error{
		func() error {
			if err := o.Wavelength.Check(); err != nil {
				return fmt.Errorf("%w (give it in Å or as an anode line such as CuKa)", err)
			}
			return nil
		},
		func() error {
			if o.Format != "" && !slices.ContainsFunc(scan.Formats(), func(f scan.Format) bool { return f.Name == o.Format }) {
				return fmt.Errorf("scan format %q: Bragg reads no such format", o.Format)
			}
			return nil
		},
		o.Peaks.Validate,
		o.Size.Validate,
		o.Match.Validate,
		o.Subset.Validate,
		func() error {
			fit := o.Fit
			fit.Standard = o.Standard
			return fit.Validate()
		},
	} {
		if err := check(); err != nil {
			return &OptionsError{err}
		}
	}
	return nil
}
