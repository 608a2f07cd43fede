package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// setting is one label and its value on the Summary sheet.
type setting struct{ label, value string }

// processingRows describes in words every setting of the processing that
// changes the peaks: background, smoothing, Kα2, the search's thresholds,
// the profile, the axis correction and the size analysis. The wavelength
// is stated once, with the measurement.
func processingRows(in *Input) []setting {
	o := in.Options.Peaks
	rows := []setting{
		{"Background", backgroundWords(o.Background, o.BackgroundIterations)},
		{"Smoothing", "Savitzky–Golay, " + pointsOrAuto(o.SmoothWindow, "window")},
		{"Kα2", ka2Words(o.StripKa2, in.Scan.Wavelength)},
		{"Peak search", fmt.Sprintf("net height at least %s σ of the counts and %s %% of the strongest peak", num(o.MinSignificance), num(o.MinRelHeight))},
		{"Peak profile", profileWords(o.Profile)},
		{"2θ correction", axisWords(in)},
	}
	k := in.Options.Size.K
	if k == 0 {
		k = peaks.DefaultScherrerK
	}
	inst := "no instrumental width removed (sizes are lower bounds)"
	if c := in.Options.Size.Instrument; c != (peaks.Caglioti{}) {
		inst = fmt.Sprintf("instrumental width FWHM² = U tan²θ + V tanθ + W removed, U = %s, V = %s, W = %s deg²", num(c.U), num(c.V), num(c.W))
	}
	rows = append(rows, setting{"Crystallite size", fmt.Sprintf("Scherrer, K = %s; %s", num(k), inst)})
	return rows
}

// searchRows describes the search-match: database, element restraints,
// matching window and strain, and the rules a phase must pass to be
// accepted.
func searchRows(in *Input) []setting {
	m := in.Options.Match
	db := "not recorded"
	if in.Database != "" {
		db = in.Database
	}
	// With the whole-pattern fit deciding, search-match's own conclusion
	// is only the quick estimate.
	acceptance := "Acceptance"
	if !in.Options.Fit.PeaksOnly {
		acceptance = "Quick estimate"
	}
	return []setting{
		{"Reference database", db},
		{"Element restraints", elementWords(m.Elements.AllOf, m.Elements.NoneOf, m.Elements.Only)},
		{"Matching", fmt.Sprintf("a line matches a peak within ±%s° 2θ (up to half the peak's FWHM for broad peaks); d-spacings scaled by up to ±%s %% (±%s %% for computed structures)",
			num(m.Tolerance), num(100*m.MaxStrain), num(100*m.MaxStrainComputed))},
		{acceptance, fmt.Sprintf("FOM at least %s and %d matched lines; a further phase explains at least %s %% of the intensity left unexplained, with %s %% of its reference intensity on peaks of its own; at most %d phases",
			num(m.MinFOM), m.MinLines, num(100*m.MinNew), num(100*m.MinUnique), m.MaxPhases)},
		{"Candidates listed", strconv.Itoa(m.Top)},
	}
}

// fitRows describes the whole-pattern identification: how it decides,
// the instrument, the microabsorption correction, the user's own choices
// of phases and, with a fit, the 2θ axis it refined.
func fitRows(in *Input) []setting {
	f := in.Options.Fit
	if f.PeaksOnly {
		return []setting{{"Decision", "by the peak search alone (a quick estimate): no whole-pattern fit"}}
	}
	rows := []setting{{"Decision", fmt.Sprintf("the search's %d best candidates refined against every point of the scan (Rietveld), added one at a time: "+
		"a phase is accepted when it lowers χ² significantly (F test at α = %s, the residuals' serial correlation allowed for) and its scale stands "+
		"%s standard uncertainties from zero; at most %d phases", f.Pool, num(f.Alpha), num(f.MinScaleSigma), f.MaxPhases)}}
	if len(f.Phases) > 0 {
		rows[0] = setting{"Decision", "none: the phases given refined as they are (" + strings.Join(f.Phases, ", ") + ")"}
	}
	inst := "the default laboratory instrument for the wavelength; line widths and asymmetry refined with the phases"
	if fit := in.fit(); fit != nil && !f.Calibrated {
		if k := fit.Instrument.WidthScale; k > 0 {
			inst = fmt.Sprintf("the default laboratory instrument for the wavelength, its widths scaled by %.2f to the scan's lines; line widths and asymmetry refined with the phases", k)
		}
	}
	if f.Calibrated {
		inst = "calibrated on " + f.Instrument.Source + ": line widths and asymmetry held"
	}
	rows = append(rows, setting{"Instrument", inst})
	micro := "none"
	if f.ParticleSize > 0 {
		micro = fmt.Sprintf("Brindley's correction for grains of %s µm", num(f.ParticleSize))
	}
	rows = append(rows, setting{"Microabsorption", micro})
	if len(f.Require) > 0 {
		rows = append(rows, setting{"Phases required", strings.Join(f.Require, ", ")})
	}
	if len(f.Reject) > 0 {
		rows = append(rows, setting{"Phases rejected", strings.Join(f.Reject, ", ")})
	}
	if in.Options.Standard != "" && f.StandardWeight > 0 {
		rows = append(rows, setting{"Internal standard", fmt.Sprintf("%s, %s %% of the measured mixture by weight: absolute fractions and the amorphous content", in.Options.Standard, num(100*f.StandardWeight))})
	}
	if r := in.fit(); r != nil {
		rows = append(rows, setting{"2θ axis refined", fmt.Sprintf("zero shift %s°, specimen displacement %s mm", analysis.WithESD(r.Zero, r.ZeroESD, 4), analysis.WithESD(r.Displacement, r.DisplacementESD, 3))})
	}
	return rows
}

// elementWords states the element restraints, "none" when there are none.
func elementWords(allOf, noneOf, only []string) string {
	var parts []string
	if len(allOf) > 0 {
		parts = append(parts, "required "+strings.Join(allOf, ", "))
	}
	if len(noneOf) > 0 {
		parts = append(parts, "excluded "+strings.Join(noneOf, ", "))
	}
	if len(only) > 0 {
		parts = append(parts, "only "+strings.Join(only, ", "))
	}
	if len(parts) == 0 {
		return "none (every phase of the database searched)"
	}
	return strings.Join(parts, "; ")
}

func backgroundWords(b peaks.Background, window int) string {
	switch b.Method {
	case peaks.BackgroundPoly:
		order := b.Order
		if order == 0 {
			order = peaks.DefaultPolyOrder
		}
		return fmt.Sprintf("Chebyshev polynomial of degree %d through automatically chosen points", order)
	case peaks.BackgroundManual:
		return fmt.Sprintf("drawn by hand: a spline through %d control points", len(b.Points))
	case peaks.BackgroundNone:
		return "none subtracted"
	}
	return "SNIP (Ryan et al. 1988), " + pointsOrAuto(window, "clipping window")
}

func pointsOrAuto(n int, what string) string {
	if n == 0 {
		return "automatic " + what + " (from the typical peak width)"
	}
	return fmt.Sprintf("%s of %d points", what, n)
}

func ka2Words(strip bool, w diffraction.Wavelength) string {
	switch {
	case !(w.Ka2 > 0):
		return "none in the beam (monochromatic)"
	case strip:
		return "stripped (Rachinger)"
	}
	return "kept; profiles fitted as Kα1 + Kα2 doublets"
}

func profileWords(p peaks.Profile) string {
	switch p {
	case peaks.ProfilePseudoVoigt:
		return "pseudo-Voigt fitted to every peak"
	case peaks.ProfilePearsonVII:
		return "Pearson VII fitted to every peak"
	case peaks.ProfileNone:
		return "none: positions and widths from the search"
	}
	return string(p)
}

// axisWords states the correction of the 2θ axis: the one fitted to an
// internal standard, one given by the user, or none.
func axisWords(in *Input) string {
	ax := in.Options.Peaks.Axis
	radius := ax.Radius
	if radius == 0 {
		radius = peaks.DefaultRadius
	}
	if f := in.AxisFit; f != nil {
		return fmt.Sprintf("fitted to the internal standard %s (R = %s mm): %s", in.Options.Standard, num(radius), f)
	}
	if ax.IsZero() {
		return "none"
	}
	return fmt.Sprintf("zero shift %+g°, specimen displacement %+g mm (R = %s mm)", ax.ZeroShift, ax.Displacement, num(radius))
}

// num writes a setting's number as briefly as it was given.
func num(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
