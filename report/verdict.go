package report

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// accepted is one phase the report concludes is in the sample, with what
// search-match and the whole-pattern fit found for it.
type accepted struct {
	phase *refdb.Phase
	match *match.Candidate    // its search-match result; nil when it has none
	fit   *refine.PhaseResult // its refined values; nil without a fit
}

// accepted returns the phases the report concludes present: those of the
// whole-pattern fit when there is one (with their search-match results
// where search-match proposed them), else those search-match accepted.
// The i-th has colour palette.Phase(i).
func (in *Input) accepted() []accepted {
	if in.Fit == nil {
		out := make([]accepted, len(in.Result.Phases))
		for i := range in.Result.Phases {
			out[i] = accepted{phase: in.Result.Phases[i].Phase, match: &in.Result.Phases[i]}
		}
		return out
	}
	out := make([]accepted, len(in.Fit.Phases))
	for i := range in.Fit.Phases {
		a := accepted{phase: in.FitPhases[i], fit: &in.Fit.Phases[i]}
		for j := range in.Result.Phases {
			if in.Result.Phases[j].Phase.ID == a.phase.ID {
				a.match = &in.Result.Phases[j]
			}
		}
		out[i] = a
	}
	return out
}

// weight returns the phase's weight per cent and its standard uncertainty:
// Hill and Howard's from the fit, else the RIR estimate of search-match
// (no uncertainty); ok is false when there is neither.
func (a accepted) weight() (wt, esd float64, ok bool) {
	if a.fit != nil {
		return 100 * a.fit.WeightFraction, 100 * a.fit.WeightFractionESD, true
	}
	if a.match != nil && a.match.WeightPercent > 0 {
		return a.match.WeightPercent, 0, true
	}
	return 0, 0, false
}

// assignment is one reference line of an accepted phase matched to an
// observed peak.
type assignment struct {
	phase int // index in accepted
	pair  match.Pair
	ka2   bool // the peak is the line's resolved Kα2 component
}

// assignments lists the matched lines of every accepted phase that has a
// search-match result: its Kα1 pairs and the resolved Kα2 components.
func (in *Input) assignments(acc []accepted) []assignment {
	var out []assignment
	for i, a := range acc {
		if a.match == nil {
			continue
		}
		for _, p := range a.match.Pairs {
			out = append(out, assignment{phase: i, pair: p})
		}
		for _, p := range a.match.Ka2Pairs {
			out = append(out, assignment{phase: i, pair: p, ka2: true})
		}
	}
	return out
}

// calc returns the line's d-spacing at the phase's fitted cell and the 2θ
// where the model puts it: at the refined cell and 2θ axis of the
// whole-pattern fit, else with the d-spacings scaled by the strain
// search-match applied (so that Δ2θ shows what neither explains). ok is
// false when the line is beyond 2θ = 180°.
func (in *Input) calc(a accepted, l refdb.Line, ka2 bool) (d, tt float64, ok bool) {
	w := in.Scan.Wavelength
	lambda := in.lambda()
	if ka2 {
		lambda = w.Ka2
	}
	if a.fit != nil {
		d = a.fit.Cell.DSpacing(l.H, l.K, l.L)
		tt, ok = diffraction.TwoTheta(d, lambda)
		// The fit's reflection of the same spacing has the refined axis
		// shift in its position (Kα1); the Kα2 line is shifted alike.
		for _, r := range a.fit.Reflections {
			if math.Abs(r.D-d) <= 1e-6*d {
				if t1, ok1 := diffraction.TwoTheta(d, in.lambda()); ok1 {
					tt += r.TwoTheta - t1
				}
				break
			}
		}
		return d, tt, ok
	}
	strain := 0.0
	if a.match != nil {
		strain = a.match.Strain
	}
	d = l.D * (1 + strain)
	tt, ok = diffraction.TwoTheta(d, lambda)
	return d, tt, ok
}

// unexplainedWarn is the relative height (per cent of the strongest peak)
// and the share of the summed peak area (per cent) from which unexplained
// peaks make a warning. The peak search keeps peaks down to 0.1 % of the
// strongest at 3σ (peaks.DefaultOptions); a peak twenty times that is no
// ripple in a strong peak's tail, and a phase present at a few weight per
// cent has its strongest lines at a few per cent: left unexplained, it
// says that a phase may be missing from the answer.
const unexplainedWarn = 2.0

// Verdict is a report's conclusion in brief: the phases and their amounts,
// the agreement of the fit, what is left unexplained and the warnings. It
// is what the Summary sheet opens with and what a batch summary lists for
// each scan.
type Verdict struct {
	Phases []VerdictPhase
	// Quantification says how the weight fractions were obtained.
	Quantification string
	// Rwp is the weighted profile R of the whole-pattern fit (0–1), 0
	// when there is none.
	Rwp float64
	// Peaks is the number of peaks found; Unexplained the number no
	// accepted phase explains.
	Peaks, Unexplained int
	// Strongest is the strongest unexplained peak (relative height in %
	// of the strongest peak, and its 2θ); zero when none.
	Strongest, StrongestAt float64
	// UnexplainedArea is the share of the summed net peak area in
	// unexplained peaks, 0–1.
	UnexplainedArea float64
	// Warnings say, in a sentence each, what a reader must not miss.
	Warnings []string
	// peaksWarning is the index in Warnings of the one about unexplained
	// peaks, −1 when there is none.
	peaksWarning int
}

// VerdictPhase is one accepted phase in a Verdict.
type VerdictPhase struct {
	ID, Name, Formula string
	// WeightPercent and ESD are the weight per cent and its standard
	// uncertainty (0 when unknown); HasWeight is false when no amount
	// could be estimated.
	WeightPercent, ESD float64
	HasWeight          bool
}

// Verdict returns the conclusion of the report for in, which must be
// valid (Write checks it).
func (in *Input) Verdict() Verdict {
	acc := in.accepted()
	v := Verdict{Peaks: len(in.Peaks), Quantification: "RIR method (Chung 1974), semi-quantitative", peaksWarning: -1}
	if in.Fit != nil {
		v.Rwp = in.Fit.Rwp
		v.Quantification = "whole-pattern (Rietveld) fit, Hill & Howard (1987)"
	}
	for _, a := range acc {
		wt, esd, ok := a.weight()
		v.Phases = append(v.Phases, VerdictPhase{ID: a.phase.ID, Name: phaseLabel(a.phase), Formula: a.phase.Formula,
			WeightPercent: wt, ESD: esd, HasWeight: ok})
	}
	explained := in.explained(acc)
	var total, left float64
	for i, pk := range in.Peaks {
		total += pk.Area
		if explained[i] {
			continue
		}
		v.Unexplained++
		left += pk.Area
		if pk.RelIntensity > v.Strongest {
			v.Strongest, v.StrongestAt = pk.RelIntensity, pk.TwoTheta
		}
	}
	if total > 0 {
		v.UnexplainedArea = left / total
	}

	switch {
	case len(in.Peaks) == 0:
		v.Warnings = append(v.Warnings, "No peaks were found: nothing could be identified.")
	case len(acc) == 0:
		v.peaksWarning = len(v.Warnings)
		v.Warnings = append(v.Warnings, fmt.Sprintf("No phase identified: all %d peaks are unexplained.", len(in.Peaks)))
	case v.Strongest >= unexplainedWarn || 100*v.UnexplainedArea >= unexplainedWarn:
		v.peaksWarning = len(v.Warnings)
		v.Warnings = append(v.Warnings, v.unexplainedText()+": a phase may be missing.")
	}
	if w := in.Scan.Wavelength; w.Source == diffraction.Assumed {
		v.Warnings = append(v.Warnings, "The wavelength is assumed ("+lineName(w)+"): the scan file gives none.")
	}
	for _, b := range in.Broad {
		v.Warnings = append(v.Warnings, fmt.Sprintf("A broad feature at 2θ ≈ %.0f° (FWHM %.0f°), amorphous scattering? Its amount is not measured.", b.TwoTheta, b.FWHM))
	}
	if in.Fit != nil && !in.Fit.Converged {
		v.Warnings = append(v.Warnings, "The whole-pattern fit did not converge: its values are its best state.")
	}
	return v
}

// unexplainedText states the unexplained peaks: "16 of 60 peaks
// unexplained, the strongest 79 % (2θ 31.7°), 22 % of the peak area".
func (v Verdict) unexplainedText() string {
	if v.Unexplained == 0 {
		return fmt.Sprintf("All %d peaks explained", v.Peaks)
	}
	return fmt.Sprintf("%d of %d peaks unexplained, the strongest %s %% (2θ %.2f°), %s %% of the peak area",
		v.Unexplained, v.Peaks, percent(v.Strongest), v.StrongestAt, percent(100*v.UnexplainedArea))
}

// PhasesText lists the phases and amounts in one line: "Anatase (TiO2)
// 72.4 ± 1.2 wt %, Bunsenite (NiO) 27.6 ± 1.2 wt %", or "none".
func (v Verdict) PhasesText() string {
	if len(v.Phases) == 0 {
		return "none identified"
	}
	parts := make([]string, len(v.Phases))
	for i, p := range v.Phases {
		parts[i] = p.Name + " " + p.amount()
	}
	return strings.Join(parts, ", ")
}

// amount writes the weight per cent, with its uncertainty when known.
func (p VerdictPhase) amount() string {
	switch {
	case !p.HasWeight:
		return "(amount not estimated)"
	case p.ESD > 0:
		return fmt.Sprintf("%.1f ± %.1f wt %%", p.WeightPercent, p.ESD)
	}
	return fmt.Sprintf("%.1f wt %%", p.WeightPercent)
}

// percent writes a percentage with two significant figures, at most one
// decimal: "79", "2.4", "0.3".
func percent(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// explained reports for every peak whether an accepted phase explains it.
func (in *Input) explained(acc []accepted) []bool {
	out := make([]bool, len(in.Peaks))
	for _, as := range in.assignments(acc) {
		out[as.pair.Peak] = true
	}
	return out
}

// Title is the short name of the report's scan, for titles: the sample
// (Lab.Sample, else the file's sample name) or else the file's name
// without folder and extension.
func (in *Input) Title() string {
	if s := in.sample(); s != "" {
		return s
	}
	return strings.TrimSuffix(filepath.Base(in.File), filepath.Ext(in.File))
}

// sample is the sample's name: the lab's, else the scan file's.
func (in *Input) sample() string {
	if in.Lab.Sample != "" {
		return in.Lab.Sample
	}
	for _, k := range []string{"sample", "sample_id"} {
		if v := strings.TrimSpace(in.Scan.Meta[k]); v != "" {
			return oneLine(v)
		}
	}
	return ""
}

// oneLine joins the lines of s with spaces and shortens it to 120
// characters: metadata can hold a whole comment block.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return s
}

// sortedAssignments returns the assignments by phase, then by decreasing
// d, Kα1 before Kα2.
func (in *Input) sortedAssignments(acc []accepted) []assignment {
	as := in.assignments(acc)
	slices.SortStableFunc(as, func(a, b assignment) int {
		if a.phase != b.phase {
			return a.phase - b.phase
		}
		da, db := acc[a.phase].phase.Lines[a.pair.Line].D, acc[b.phase].phase.Lines[b.pair.Line].D
		switch {
		case da > db:
			return -1
		case da < db:
			return 1
		case a.ka2 != b.ka2 && !a.ka2:
			return -1
		case a.ka2 != b.ka2:
			return 1
		}
		return 0
	})
	return as
}
