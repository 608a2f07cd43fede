package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// phases writes the Phases sheet: one row per accepted phase with its
// amount, its search-match figures, its database card (symmetry, cell,
// source, citation, licence) and, with a whole-pattern fit, its refined
// values.
func (b *book) phases() {
	const sh = SheetPhases
	fit := b.in.fit() != nil
	cols := []column{
		{title: "No.", width: 5, style: b.st.integer},
		{title: "Phase", wrap: true, width: 20},
		{title: "Formula"},
		{title: "ID", whole: true},
		{title: "Conclusion", width: 22, wrap: true},
		{title: "Weight %", width: 9, style: b.st.int1},
		{title: "± wt %", width: 8, style: b.st.int1},
		{title: "FOM", width: 7, style: b.st.int1},
		{title: "Matched lines", width: 9, style: b.st.integer},
		{title: "Δ cell (%)", width: 8, style: b.st.part},
	}
	po := false // a column for preferred orientation when a phase has it
	for _, a := range b.acc {
		po = po || (a.fit != nil && a.fit.Orientation != [3]int{})
	}
	if fit {
		cols = append(cols,
			column{title: "Refined cell (Å, °)", width: 22, wrap: true},
			column{title: "Size (nm)", width: 9, style: b.st.int1},
			column{title: "± nm", width: 7, style: b.st.int1})
		if po {
			cols = append(cols, column{title: "Preferred orientation", width: 14, wrap: true})
		}
	}
	cols = append(cols,
		column{title: "Space group", width: 12, wrap: true},
		column{title: "Reference cell (Å, °)", width: 20, wrap: true},
		column{title: "Source", width: 24, wrap: true},
		column{title: "Citation", width: 28, wrap: true},
		column{title: "Licence", width: 22, wrap: true})
	var rows [][]any
	for i, a := range b.acc {
		p := a.phase
		r := []any{i + 1, p.DisplayName(), p.Formula, p.ID, "present"}
		if a.open != "" {
			r[4] = identify.ChemistryOpen + ": " + a.open
		}
		if wt, esd, ok := a.weight(); ok {
			r = append(r, wt, orNil(esd))
		} else {
			r = append(r, "n/a", nil)
		}
		if m := a.match; m != nil {
			r = append(r, m.FOM, len(m.Pairs))
		} else {
			r = append(r, nil, nil)
		}
		if c, ok := a.cellChange(); ok {
			r = append(r, 100*c)
		} else {
			r = append(r, nil)
		}
		if fit {
			f := a.fit
			r = append(r, cellText(f.Cell, &f.CellESD, p.System))
			if sizeMeasured(f.Size, f.SizeESD) {
				r = append(r, f.Size, orNil(f.SizeESD))
			} else {
				r = append(r, nil, nil)
			}
			if po {
				r = append(r, orientation(f.Orientation, f.PO, f.POESD))
			}
		}
		st := p.Structure
		r = append(r, st.SpaceGroupName(), cellText(st.Cell, nil, p.System), p.Source, citation(p), p.License)
		rows = append(rows, r)
	}
	if u := b.v.Unidentified; u > 0 {
		// What the unexplained peaks weigh, so that the column sums to 100.
		r := make([]any, len(cols))
		r[0], r[1], r[4], r[5] = len(rows)+1, "Unidentified (estimate)", "the unexplained peaks, weighed by their intensity", u
		rows = append(rows, r)
	}
	n := "Conclusion: present, or chemistry open when look-alikes of other elements fit as well or better. Weight % by the " + b.v.Quantification + ". FOM 0–100 and matched lines from search-match (see Candidates). " +
		"Δ cell: the change of the cell from the database's that lines the phase up with the data"
	if fit {
		n += ", from the refined volume. Refined values with their standard uncertainties in parentheses (last digits), scaled by the goodness of fit; " +
			"a size is given when the lines are measurably broader than the instrument's."
	} else {
		n += ": the strain search-match applied to all d-spacings."
	}
	b.tableSheet(sh, cols, rows, "No phase identified.", n, "landscape", 0)
}

// tableSheet lays out a table sheet (book.table), says empty under the
// header when there are no rows, explains the table in a note below it,
// and prints it in the orientation, one page wide, and one page tall when
// it has at most short rows (0: as many pages as it takes).
//
// The printed report is the Summary, the Phases and the Peaks, and the
// Data sheet's chart (issue 14); the Candidates and the Assignments, the
// audit trail that the workbook holds in full, print as one page each, an
// overview.
func (b *book) tableSheet(sh string, cols []column, rows [][]any, empty, note, orientation string, short int) {
	last := b.table(sh, cols, rows)
	if len(rows) == 0 {
		b.note(sh, 0, len(cols), empty)
		last = 2
	}
	b.note(sh, last, len(cols), note)
	tall := 0
	if len(rows) <= short {
		tall = 1
	}
	b.pageSetup(sh, orientation, tall)
}

// onePage is the most rows of a portrait table printed on one page: an A4
// page holds about 51 rows of 15 pt within its margins, 100 with the
// header and the note at half the size, which keeps 11 pt text at 5.5 pt,
// the size of a powder diffraction file's card. A longer table is printed
// across pages at the size its width allows.
const onePage = 100

// sizeMeasured says whether a refined crystallite size is measured: the
// lines broader than the instrument's, to within half the size (the rule of
// the command line's identify output).
func sizeMeasured(size, esd float64) bool {
	return size > 0 && size < 2000 && esd < size/2
}

// orNil is v, or nil (an empty cell) for 0.
func orNil(v float64) any {
	if v == 0 {
		return nil
	}
	return v
}

// cellText writes a cell with the parameters its crystal system leaves
// free, with standard uncertainties in parentheses when esd is given:
// "a = 3.78521(9), c = 9.5140(4)".
func cellText(c crystal.Cell, esd *crystal.Cell, system string) string {
	type par struct {
		name string
		v, e float64
		deg  bool
	}
	var e crystal.Cell
	if esd != nil {
		e = *esd
	}
	a := par{"a", c.A, e.A, false}
	b := par{"b", c.B, e.B, false}
	cc := par{"c", c.C, e.C, false}
	al := par{"α", c.Alpha, e.Alpha, true}
	be := par{"β", c.Beta, e.Beta, true}
	ga := par{"γ", c.Gamma, e.Gamma, true}
	var ps []par
	switch system {
	case "cubic":
		ps = []par{a}
	case "tetragonal", "hexagonal":
		ps = []par{a, cc}
	case "trigonal":
		if c.A == c.C && c.Alpha == c.Gamma { // rhombohedral axes
			ps = []par{a, al}
		} else {
			ps = []par{a, cc}
		}
	case "orthorhombic":
		ps = []par{a, b, cc}
	case "monoclinic":
		ps = []par{a, b, cc, be}
	default:
		ps = []par{a, b, cc, al, be, ga}
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		digits := 4
		if p.deg {
			digits = 2
		}
		parts[i] = p.name + " = " + analysis.WithESD(p.v, p.e, digits)
	}
	return strings.Join(parts, ", ")
}

// orientation describes a March–Dollase preferred orientation.
func orientation(dir [3]int, r, esd float64) any {
	if dir == [3]int{} || r == 0 {
		return "none"
	}
	return fmt.Sprintf("(%d %d %d), r = %s", dir[0], dir[1], dir[2], analysis.WithESD(r, esd, 3))
}

// citation is the phase's citation, or what the source says about it.
func citation(p *refdb.Phase) string {
	c := p.Citation
	if c == "" {
		c = p.Structure.Citation
	}
	if p.Computed {
		if c != "" {
			c += "; "
		}
		c += "computed structure"
	}
	return c
}

// candidates writes the Candidates sheet: the ranked search-match list
// with the parts of each figure of merit, and, with a whole-pattern
// identification, what the fit did with each candidate it tried and why
// (identify.Decision); candidates it tried from its own searches follow
// the ranked ones.
func (b *book) candidates() {
	const sh = SheetCandidates
	in := b.in
	cols := []column{
		{title: "Rank", width: 6, style: b.st.integer},
		{title: "ID", whole: true},
		{title: "Phase", width: 30, wrap: true},
		{title: "Formula"},
		{title: "FOM", width: 7, style: b.st.int1},
		{title: "Coverage C", width: 9, style: b.st.part},
		{title: "Explained E", width: 9, style: b.st.part},
		{title: "Position P", width: 9, style: b.st.part},
		{title: "Intensity A", width: 9, style: b.st.part},
		{title: "Strain S", width: 8, style: b.st.part},
		{title: "Chance G", width: 8, style: b.st.part},
		{title: "Significance", width: 11, style: b.st.int1},
		{title: "Matched lines", width: 9, style: b.st.integer},
		{title: "Strain (%)", width: 8, style: b.st.part},
		{title: "Accepted", width: 9, style: b.st.flag},
	}
	id := in.Identification
	if id != nil {
		cols = append(cols, column{title: "Fit", width: 14, wrap: true}, column{title: "Why", width: 70, wrap: true})
	}
	// What the fit decided for each ID, in the order it decided.
	decided := map[string][]identify.Decision{}
	var order []string
	if id != nil {
		for _, d := range id.Decisions {
			if _, ok := decided[d.ID]; !ok {
				order = append(order, d.ID)
			}
			decided[d.ID] = append(decided[d.ID], d)
		}
	}
	accepted := func(pid string) string {
		for _, a := range b.acc {
			if a.phase.ID == pid {
				return "yes"
			}
		}
		return ""
	}
	// fit returns the Fit and Why cells of an ID, once.
	fit := func(pid string) []any {
		if id == nil {
			return nil
		}
		var verdicts, reasons []string
		for _, d := range decided[pid] {
			verdicts, reasons = append(verdicts, d.Verdict), append(reasons, d.Reason)
		}
		delete(decided, pid)
		if len(verdicts) == 0 {
			return []any{nil, nil}
		}
		return []any{strings.Join(verdicts, "; "), strings.Join(reasons, "; ")}
	}
	var rows [][]any
	for i, c := range in.Result.Candidates {
		p := c.Parts
		name := c.Phase.DisplayName()
		if c.Phase.Computed {
			name += " (computed)"
		}
		r := []any{i + 1, c.Phase.ID, name, c.Phase.Formula, c.FOM,
			p.Coverage, p.Explained, p.Position, p.Intensity, p.Strain, p.Chance,
			c.Significance, len(c.Pairs), 100 * c.Strain, accepted(c.Phase.ID)}
		rows = append(rows, append(r, fit(c.Phase.ID)...))
	}
	for _, pid := range order {
		if ds, left := decided[pid]; left {
			r := []any{nil, pid, ds[0].Name, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, accepted(pid)}
			rows = append(rows, append(r, fit(pid)...))
		}
	}
	note := "FOM = 100 · C · (0.6 + 0.4 E) · (0.7 + 0.3 P) · (0.7 + 0.3 A) · S · G. C: share of the phase's reference intensity observed; " +
		"E: share of the observed intensity it accounts for; P: position agreement; A: intensity agreement; S: penalty for the strain applied; " +
		"G: weight of the match's significance (−log10 of the chance that as many lines match at random)."
	if id != nil {
		note += " Fit and Why: what the whole-pattern identification did with each candidate it tried, in the order it tried them, and the numbers that decided; " +
			"rows without a rank are candidates its own searches of the unexplained peaks proposed."
	}
	b.tableSheet(sh, cols, rows, "No candidates.", note, "landscape", math.MaxInt)
}

// assignments writes the Assignments sheet: for each accepted phase its
// reference lines matched to observed peaks, with the d-spacing and 2θ at
// the phase's fitted cell, so that Δ2θ shows what the model leaves.
func (b *book) assignments() {
	const sh = SheetAssignments
	in := b.in
	cols := []column{
		{title: "Phase", width: 18},
		{title: "hkl", width: 14, wrap: true},
		{title: "Line", width: 6},
		{title: "d ref (Å)", width: 10, style: b.st.d},
		{title: "d fitted (Å)", width: 10, style: b.st.d},
		{title: "2θ calc (°)", width: 10, style: b.st.angle},
		{title: "2θ obs (°)", width: 10, style: b.st.angle},
		{title: "Δ2θ (°)", width: 9, style: b.st.angle},
		{title: "I calc (%)", width: 9, style: b.st.int1},
		{title: "I obs (%)", width: 9, style: b.st.int1},
		{title: "Peak no.", width: 8, style: b.st.integer},
	}
	var rows [][]any
	for _, as := range in.assignments(b.acc) {
		a, pk := b.acc[as.phase], in.Peaks[as.peak]
		line := "Kα1"
		if as.ka2 {
			line = "Kα2"
		}
		r := []any{a.phase.ShortName(), as.hkl, line, orNil(as.dRef), as.dFit}
		if finite(as.tt) {
			r = append(r, as.tt, pk.TwoTheta, pk.TwoTheta-as.tt)
		} else {
			r = append(r, nil, pk.TwoTheta, nil)
		}
		rows = append(rows, append(r, as.iRef, pk.RelIntensity, as.peak+1))
	}
	how := fmt.Sprintf("with the d-spacings scaled by the strain search-match applied, by Bragg's law at λ(Kα1) = %.6f Å (Kα2 lines at their own wavelength); "+
		"I calc: the database's intensity", in.lambda())
	if in.fit() != nil {
		how = "at the refined cell and 2θ axis (zero shift, specimen displacement) of the whole-pattern fit, each reflection on the nearest peak the fit says the phase explains; " +
			"I calc: the fit's integrated intensity"
	}
	b.tableSheet(sh, cols, rows, "No lines assigned.", "d ref: the database's; d fitted and 2θ calc "+how+
		", relative to the phase's strongest line. Δ2θ = 2θ obs − 2θ calc. I obs: peak height relative to the strongest peak.", "portrait", math.MaxInt)
}

// peaks writes the Peaks sheet: the columns of every peak list
// (analysis.PeakColumns, with their decimals), the crystallite size by
// Scherrer's equation, with a whole-pattern identification the share of
// the peak the model explains, and the phases and reflections that explain
// each peak; unexplained peaks that matter are marked.
func (b *book) peaks() {
	const sh = SheetPeaks
	in := b.in
	var expl []identify.PeakExplanation
	if id := in.Identification; id != nil && len(id.Peaks) == len(in.Peaks) {
		expl = id.Peaks
	}
	cols := []column{{title: "No.", width: 6, style: b.st.integer}}
	for _, c := range analysis.PeakColumns {
		t := c.Header(in.Scan.Units())
		cols = append(cols, column{title: t, width: max(10, float64(len([]rune(t)))+2), style: b.decimals(c.Decimals)})
	}
	cols = append(cols, column{title: "Size (nm)", width: 9, style: b.st.int1})
	if expl != nil {
		cols = append(cols, column{title: "Explained (%)", width: 10, style: b.st.int1})
	}
	cols = append(cols,
		column{title: "Phase", width: 30, style: b.st.text},
		column{title: "hkl", width: 16, style: b.st.text})
	// The phases of each peak: the identification's (the largest share
	// first), else those whose lines search-match put on it.
	names := make([][]string, len(in.Peaks))
	hkls := make([][]string, len(in.Peaks))
	for i, e := range expl {
		for _, k := range e.Phases {
			names[i] = append(names[i], b.acc[k].phase.ShortName())
		}
	}
	for _, as := range in.assignments(b.acc) {
		h := as.hkl
		if as.ka2 {
			h += " (Kα2)"
		}
		if expl == nil {
			if name := b.acc[as.phase].phase.ShortName(); !slices.Contains(names[as.peak], name) {
				names[as.peak] = append(names[as.peak], name)
			}
		}
		hkls[as.peak] = append(hkls[as.peak], h)
	}
	explained := in.explained(b.acc)
	lambda := in.lambda()
	var rows [][]any
	for i, pk := range in.Peaks {
		r := []any{i + 1}
		for _, c := range analysis.PeakColumns {
			if v := c.Value(pk); finite(v) {
				r = append(r, v)
			} else {
				r = append(r, nil)
			}
		}
		if size, err := peaks.Scherrer(pk, lambda, in.Options.Size); err == nil && finite(size) {
			r = append(r, size/10)
		} else {
			r = append(r, nil)
		}
		if expl != nil {
			r = append(r, 100*expl[i].Explained)
		}
		switch {
		case explained[i]:
			r = append(r, strings.Join(names[i], "; "), strings.Join(hkls[i], "; "))
		case len(b.acc) == 0:
			r = append(r, nil, nil)
		case pk.RelIntensity >= unexplainedWarn:
			r = append(r, styled{"unexplained", b.st.strong}, nil)
		default:
			r = append(r, styled{"unexplained", b.st.unexplained}, nil)
		}
		rows = append(rows, r)
	}
	note := "Net height and area above the background; I rel: height relative to the strongest peak. Size: Scherrer's equation from the FWHM (see Summary, Processing). "
	if expl != nil {
		note += "Explained: the calculated net intensity at the peak over the observed one; a peak is unexplained when the fit accounts for less than half of it " +
			"and the rest stands more than three standard uncertainties above the model; the phases listed make a fifth or more of the calculated intensity there. "
	}
	b.tableSheet(sh, cols, rows, "No peaks.", note+fmt.Sprintf("Unexplained peaks of %s %% or more of the strongest are marked.", num(unexplainedWarn)), "portrait", onePage)
}
