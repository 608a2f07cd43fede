package report

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/identify"
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
	// open says why the identification does not conclude it present
	// (identify.Phase.Open), "" when it does.
	open string
}

// fit is the whole-pattern fit of the identification, nil when there is
// none.
func (in *Input) fit() *refine.Result {
	if in.Identification == nil {
		return nil
	}
	return in.Identification.Fit
}

// accepted returns the phases the report concludes present: those of the
// whole-pattern identification when there is one (with their search-match
// results where search-match ranked them), else those search-match
// accepted. The i-th has colour palette.Phase(i).
func (in *Input) accepted() []accepted {
	id := in.Identification
	if id == nil {
		out := make([]accepted, len(in.Result.Phases))
		for i := range in.Result.Phases {
			out[i] = accepted{phase: in.Result.Phases[i].Phase, match: &in.Result.Phases[i]}
		}
		return out
	}
	out := make([]accepted, len(id.Phases))
	for i, p := range id.Phases {
		a := accepted{phase: p.Entry, fit: p.Fit, open: p.Open()}
		for _, list := range [][]match.Candidate{in.Result.Phases, in.Result.Candidates} {
			for j := range list {
				if a.match == nil && list[j].Phase.ID == p.Entry.ID {
					a.match = &list[j]
				}
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

// cellChange is the relative change of the phase's cell that lines it up
// with the data: the cube root of the refined over the reference volume
// with a fit, else the strain search-match applied to its d-spacings.
func (a accepted) cellChange() (float64, bool) {
	if a.fit != nil {
		if v0 := a.phase.Structure.Cell.Volume(); v0 > 0 && a.fit.Volume > 0 {
			return math.Cbrt(a.fit.Volume/v0) - 1, true
		}
		return 0, false
	}
	if a.match != nil {
		return a.match.Strain, true
	}
	return 0, false
}

// assignment is one reflection of an accepted phase placed by the model,
// and the observed peak it falls on.
type assignment struct {
	phase int    // index in accepted
	peak  int    // index in Input.Peaks
	hkl   string // its Miller indices, "4 3 1 / 4 1 3" for reflections at one d
	// dRef is the database's d-spacing, dFit the one at the phase's
	// fitted cell (at the strain search-match applied, without a fit);
	// tt the 2θ where the model puts the line; iRef its intensity
	// relative to the phase's strongest line (0–100).
	dRef, dFit, tt, iRef float64
	ka2                  bool // the peak is the line's resolved Kα2 component
}

// assignments lists the lines of every accepted phase that fall on
// observed peaks. With a whole-pattern fit, the fit's reflections (at the
// refined cell and 2θ axis) each on the nearest peak within the matching
// window that the identification says the phase explains; without one,
// the lines search-match paired with peaks, Kα2 components included.
// They come by phase, then by decreasing d, Kα1 before Kα2.
func (in *Input) assignments(acc []accepted) []assignment {
	var out []assignment
	for i, a := range acc {
		switch {
		case a.fit != nil:
			out = append(out, in.fitAssignments(i, a)...)
		case a.match != nil:
			out = append(out, in.matchAssignments(i, a)...)
		}
	}
	slices.SortStableFunc(out, func(a, b assignment) int {
		switch {
		case a.phase != b.phase:
			return a.phase - b.phase
		case a.dRef > b.dRef:
			return -1
		case a.dRef < b.dRef:
			return 1
		case a.ka2 != b.ka2 && !a.ka2:
			return -1
		case a.ka2 != b.ka2:
			return 1
		}
		return 0
	})
	return out
}

// matchAssignments are the pairs search-match made for phase i.
func (in *Input) matchAssignments(i int, a accepted) []assignment {
	var out []assignment
	add := func(p match.Pair, ka2 bool) {
		l := a.phase.Lines[p.Line]
		lambda := in.lambda()
		if ka2 {
			lambda = in.Scan.Wavelength.Ka2
		}
		d := l.D * (1 + a.match.Strain)
		tt, ok := diffraction.TwoTheta(d, lambda)
		if !ok {
			tt = math.NaN()
		}
		out = append(out, assignment{phase: i, peak: p.Peak, hkl: hkl(l.H, l.K, l.L), dRef: l.D, dFit: d, tt: tt, iRef: l.I, ka2: ka2})
	}
	for _, p := range a.match.Pairs {
		add(p, false)
	}
	for _, p := range a.match.Ka2Pairs {
		add(p, true)
	}
	return out
}

// minFitLine is the smallest intensity (per cent of the phase's strongest
// reflection) of a fitted reflection placed on a peak: weaker lines are
// below what a routine scan shows.
const minFitLine = 1.0

// fitAssignments places the fit's reflections of phase i on the observed
// peaks the identification says the phase explains (any peak, when it
// gives no explanation): the nearest within the search's matching window,
// widened to half the peak's FWHM for broad peaks. Reflections at the same
// d (4 3 1 and 4 1 3 of a cubic phase of Laue class m-3: distinct forms,
// one line) make one line, as a powder diffraction file lists them, with
// their intensities summed.
func (in *Input) fitAssignments(i int, a accepted) []assignment {
	type line struct {
		refine.Line
		hkl string
	}
	refl := slices.Clone(a.fit.Reflections)
	slices.SortStableFunc(refl, func(x, y refine.Line) int { return cmp.Compare(y.D, x.D) })
	var lines []line
	var top float64
	for _, r := range refl {
		if n := len(lines); n > 0 && math.Abs(lines[n-1].D-r.D) <= sameD*r.D {
			lines[n-1].Intensity += r.Intensity
			lines[n-1].hkl += " / " + hkl(r.H, r.K, r.L)
		} else {
			lines = append(lines, line{r, hkl(r.H, r.K, r.L)})
		}
		top = math.Max(top, lines[len(lines)-1].Intensity)
	}
	if !(top > 0) {
		return nil
	}
	var expl []identify.PeakExplanation
	if in.Identification != nil {
		expl = in.Identification.Peaks
	}
	tol := in.Options.Match.Tolerance
	var out []assignment
	for _, r := range lines {
		if 100*r.Intensity/top < minFitLine {
			continue
		}
		best, bestD := -1, math.Inf(1)
		for k, pk := range in.Peaks {
			d := math.Abs(pk.TwoTheta - r.TwoTheta)
			if d > math.Max(tol, pk.FWHM/2) || d >= bestD {
				continue
			}
			if expl != nil && !slices.Contains(expl[k].Phases, i) {
				continue
			}
			best, bestD = k, d
		}
		if best < 0 {
			continue
		}
		out = append(out, assignment{phase: i, peak: best, hkl: r.hkl,
			dRef: a.phase.Structure.Cell.DSpacing(r.H, r.K, r.L), dFit: r.D, tt: r.TwoTheta, iRef: 100 * r.Intensity / top})
	}
	return out
}

// sameD is the relative difference of d-spacings within which two
// reflections of a phase are one line: far below any instrument's
// resolution (1e-4 in d at best), far above the rounding of a d computed
// from a cell (1e-15).
const sameD = 1e-9

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
	// Unidentified is the estimated weight per cent of the matter behind
	// the unexplained peaks (identify.Result.Unidentified), 0 when there
	// is none or an internal standard measures it.
	Unidentified float64
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
	// Open says why the phase is not concluded present (its chemistry is
	// open: identify.Phase.Open), "" when it is.
	Open string
}

// Verdict returns the conclusion of the report for in, which must be
// valid (Write checks it).
func (in *Input) Verdict() Verdict {
	acc := in.accepted()
	v := Verdict{Peaks: len(in.Peaks), Quantification: "RIR method (Chung 1974), semi-quantitative", peaksWarning: -1}
	fit := in.fit()
	if fit != nil {
		v.Rwp = fit.Rwp
		v.Quantification = "whole-pattern (Rietveld) fit, Hill & Howard (1987)"
		if d := in.Options.Fit.ParticleSize; d > 0 {
			v.Quantification += fmt.Sprintf(", Brindley's microabsorption correction for grains of %s µm", num(d))
		}
		if u := in.Identification.Unidentified; u > 0 {
			v.Unidentified = 100 * u
			v.Quantification += "; the unexplained peaks weighed as unidentified matter that scatters as much per unit mass as the identified phases (an estimate)"
		}
	}
	for _, a := range acc {
		wt, esd, ok := a.weight()
		v.Phases = append(v.Phases, VerdictPhase{ID: a.phase.ID, Name: phaseLabel(a.phase), Formula: a.phase.Formula,
			WeightPercent: wt, ESD: esd, HasWeight: ok, Open: a.open})
		if a.open != "" {
			v.Warnings = append(v.Warnings, "Not concluded: "+a.open+".")
		}
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
	if id := in.Identification; id != nil && len(id.Peaks) == len(in.Peaks) {
		// The identification weighs each peak by the share of it the
		// model explains, not all or nothing.
		v.UnexplainedArea = id.UnexplainedIntensity
	}

	switch {
	case len(in.Peaks) == 0:
		v.Warnings = append(v.Warnings, "No peaks were found: nothing could be identified.")
	case len(acc) == 0:
		v.peaksWarning = len(v.Warnings)
		v.Warnings = append(v.Warnings, fmt.Sprintf("No phase identified: all %d peaks are unexplained.", len(in.Peaks)))
	case v.Strongest >= unexplainedWarn || 100*v.UnexplainedArea >= unexplainedWarn:
		v.peaksWarning = len(v.Warnings)
		w := v.unexplainedText() + ": a phase may be missing"
		switch id := in.Identification; {
		case id != nil && id.Absolute != nil:
		case v.Unidentified > 0:
			w += fmt.Sprintf(", of about %s wt %% by its intensity; the weight fractions are estimates (an internal standard gives absolute ones)", percent(v.Unidentified))
		default:
			w += ", and the weight fractions are of the identified phases alone (an internal standard gives absolute ones)"
		}
		v.Warnings = append(v.Warnings, w+".")
	}
	if w := in.Scan.Wavelength; w.Source == diffraction.Assumed {
		v.Warnings = append(v.Warnings, "The wavelength is assumed ("+lineName(w)+"): the scan file gives none.")
	}
	for _, b := range in.Broad {
		v.Warnings = append(v.Warnings, fmt.Sprintf("A broad feature at 2θ ≈ %.0f° (FWHM %.0f°), amorphous scattering? Its amount is not measured.", b.TwoTheta, b.FWHM))
	}
	if fit != nil && !fit.Converged {
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
// 72.4 ± 1.2 wt %, Bunsenite (NiO) 27.6 ± 1.2 wt %", or "none"; a phase
// not concluded is marked "(chemistry open)"; the estimate of what is
// unidentified ends it ("unidentified ≈ 12 wt %").
func (v Verdict) PhasesText() string {
	if len(v.Phases) == 0 {
		return "none identified"
	}
	parts := make([]string, len(v.Phases))
	for i, p := range v.Phases {
		parts[i] = p.Name + " " + p.amount()
		if p.Open != "" {
			parts[i] += " (" + identify.ChemistryOpen + ")"
		}
	}
	if v.Unidentified > 0 {
		parts = append(parts, fmt.Sprintf("unidentified ≈ %s wt %%", percent(v.Unidentified)))
	}
	return strings.Join(parts, ", ")
}

// amount writes the weight per cent, with its uncertainty when known.
func (p VerdictPhase) amount() string {
	switch {
	case !p.HasWeight:
		return "(amount not estimated)"
	}
	return analysis.PlusMinus(p.WeightPercent, p.ESD, 1) + " wt %"
}

// percent writes a percentage with two significant figures, at most one
// decimal: "79", "2.4", "0.3".
func percent(v float64) string {
	if v >= 10 {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

// explained reports for every peak whether the accepted phases explain
// it: as the whole-pattern identification judges it (PeakExplanation),
// else when search-match paired a line of an accepted phase with it.
func (in *Input) explained(acc []accepted) []bool {
	out := make([]bool, len(in.Peaks))
	if id := in.Identification; id != nil && len(id.Peaks) == len(in.Peaks) {
		for i, e := range id.Peaks {
			out[i] = !e.Unexplained
		}
		return out
	}
	for _, as := range in.assignments(acc) {
		out[as.peak] = true
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
