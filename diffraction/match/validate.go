package match

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// ParseElements splits a list of element symbols written by a user ("Ti,
// O", "Ti O", "Ti;O") into the symbols, each once, as they are written:
// Elements.Validate judges them.
func ParseElements(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Validate reports the first restraint that cannot be meant: a symbol that
// is not an element's as chemistry writes it ("Si", not "si" or "Xx"), or
// restraints no phase can meet (an element both required and excluded, or
// required and not among the only ones allowed).
func (e Elements) Validate() error {
	for _, l := range []struct {
		name string
		syms []string
	}{{"required elements", e.AllOf}, {"excluded elements", e.NoneOf}, {"allowed elements", e.Only}} {
		for _, s := range l.syms {
			if err := crystal.CheckSymbol(s); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
		}
	}
	for _, x := range e.AllOf {
		if slices.Contains(e.NoneOf, x) {
			return fmt.Errorf("element restraints: %s is both required and excluded", x)
		}
		if len(e.Only) > 0 && !slices.Contains(e.Only, x) {
			return fmt.Errorf("element restraints: %s is required but not among the allowed elements %s", x, strings.Join(e.Only, ","))
		}
	}
	return nil
}

// Validate reports the first setting that cannot be used, naming it and
// its value. The bounds are those beyond which an identification means
// nothing: a matching window wider than 2° 2θ (ten times a laboratory
// peak's width) matches any line to some peak, and a strain beyond 10 %
// turns one phase into another.
func (o Options) Validate() error {
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	between := func(v, lo, hi float64) bool { return finite(v) && v >= lo && v <= hi }
	switch {
	case !(finite(o.Tolerance) && o.Tolerance > 0 && o.Tolerance <= 2):
		return fmt.Errorf("matching tolerance %g° is outside (0°, 2°]", o.Tolerance)
	case !between(o.MaxStrain, 0, 0.1):
		return fmt.Errorf("largest strain %g is outside 0–0.1", o.MaxStrain)
	case !between(o.MaxStrainComputed, 0, 0.1):
		return fmt.Errorf("largest strain of computed structures %g is outside 0–0.1", o.MaxStrainComputed)
	case !between(o.MinFOM, 0, 100):
		return fmt.Errorf("smallest figure of merit %g is outside 0–100", o.MinFOM)
	case !between(o.MinNew, 0, 1):
		return fmt.Errorf("smallest share of new intensity %g is outside 0–1", o.MinNew)
	case !between(o.MinUnique, 0, 1):
		return fmt.Errorf("smallest unique share %g is outside 0–1", o.MinUnique)
	case o.MinLines < 1:
		return fmt.Errorf("smallest number of matched lines %d is below 1", o.MinLines)
	case o.MaxPhases < 1:
		return fmt.Errorf("largest number of phases %d is below 1", o.MaxPhases)
	case o.Top < 0:
		return fmt.Errorf("candidate list length %d is negative", o.Top)
	}
	return o.Elements.Validate()
}
