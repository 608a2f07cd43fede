package app

import (
	"image/color"

	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// Fit is a whole-pattern fit of the scan on display, as the view draws it:
// the calculated pattern over the data, each phase's contribution standing
// on the background, and the difference in a strip under the pattern.
type Fit struct {
	TwoTheta   []float64 // angles of the curves, degrees
	Calculated []float64 // background included
	Background []float64
	Difference []float64 // observed − calculated
	Phases     []FitPhase
}

// FitPhase is one phase's calculated contribution (background excluded).
type FitPhase struct {
	Name         string
	Color        color.NRGBA
	Contribution []float64
}

// FitOf is the view of a refinement result; phase names each refined phase
// (PhaseResult.ID) and gives its colour (the candidate's, from
// internal/palette). A nil result is no fit.
func FitOf(r *refine.Result, phase func(id string) (string, color.NRGBA)) *Fit {
	if r == nil || len(r.TwoTheta) < 2 {
		return nil
	}
	f := &Fit{TwoTheta: r.TwoTheta, Calculated: r.Calculated, Background: r.Background, Difference: r.Difference}
	for _, p := range r.Phases {
		name, col := phase(p.ID)
		f.Phases = append(f.Phases, FitPhase{Name: name, Color: col, Contribution: p.Contribution})
	}
	return f
}

// valid reports whether every curve has a value at every angle.
func (f *Fit) valid() bool {
	n := len(f.TwoTheta)
	if n < 2 || len(f.Calculated) != n || len(f.Difference) != n || (f.Background != nil && len(f.Background) != n) {
		return false
	}
	for _, p := range f.Phases {
		if len(p.Contribution) != n {
			return false
		}
	}
	return true
}

// fitOf is the whole-pattern fit of e's analysis (its Identification) as
// the view draws it, each phase named and coloured as in the candidate
// table (the palette's next colours for a phase the table does not
// list); nil without a fit.
func fitOf(e *entry) *Fit {
	if e == nil || e.a == nil || e.a.Identification == nil {
		return nil
	}
	id := e.a.Identification
	extra := len(e.rows)
	return FitOf(id.Fit, func(pid string) (string, color.NRGBA) {
		for _, r := range e.rows {
			if r.c.Phase != nil && r.c.Phase.ID == pid {
				return r.c.Phase.ShortName(), r.color
			}
		}
		name := pid
		for _, p := range id.Phases {
			if p.Entry != nil && p.Entry.ID == pid {
				name = p.Entry.ShortName()
			}
		}
		extra++
		return name, palette.Phase(extra - 1)
	})
}

// unexplainedOf flags, for each peak of e's analysis, whether the
// whole-pattern identification leaves it unexplained; nil without one.
func unexplainedOf(e *entry) []bool {
	if e == nil || e.a == nil {
		return nil
	}
	var out []bool
	for i := range e.a.Peaks {
		x, ok := e.peakExplanation(i)
		if !ok {
			return nil
		}
		out = append(out, x.Unexplained)
	}
	return out
}
