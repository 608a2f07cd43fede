package app

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// Phase control: the phases the whole-pattern identification accepted
// (with their weight fractions, cells and sizes), the search's ranked
// candidates, and the user's decisions on them. Every decision is a
// change of the scan's analysis.Options.Fit (Require, Reject, Phases),
// undoable (history.go), after which the identification runs again.

// The user's decisions on a phase (candRow.user).
const (
	userAccepts = "accepted by you"
	userRejects = "rejected by you"
)

// strongUnexplained is the relative intensity (per cent of the strongest
// peak) from which an unexplained peak turns the count of unexplained
// peaks into a warning: a peak a tenth as high as the strongest stands
// far above the detection limit of a routine scan (0.1–1 %), and no
// analyst would leave it unassigned.
const strongUnexplained = 10

// phasePanel is the right half under the plot: the phases of the answer
// over the candidates, with the count of the peaks the answer leaves
// unexplained always in view.
type phasePanel struct {
	u   *UI
	box fyne.CanvasObject

	head       *widget.Label // "Phases: 3 · Rwp 3.75 % · GoF 2.60"
	unexplain  *widget.Label
	warn       *widget.Icon
	table      *table // the phases of the answer
	fixed      *widget.Check
	residual   *widget.Button
	details    *widget.Button
	cands      *table
	add        *widget.Button
	reason     *widget.Label // the decision on the selected candidate
	tabs       *paneTabs
	candsStale bool  // the candidate table waits to be fitted to the scan on display
	answerRows []int // indices in the current scan's rows of the answer's phases
}

func newPhasePanel(u *UI) *phasePanel {
	p := &phasePanel{u: u}
	bold := fyne.TextStyle{Bold: true}
	p.head = widget.NewLabelWithStyle("Phases", fyne.TextAlignLeading, bold)
	p.unexplain = widget.NewLabel("")
	p.unexplain.Wrapping = fyne.TextWrapWord // a warning is read whole
	p.warn = widget.NewIcon(theme.WarningIcon())
	p.warn.Hide()
	p.table = p.newAnswerTable()
	p.fixed = widget.NewCheck("Refine only these", func(on bool) { u.RefineOnly(on) })
	p.residual = widget.NewButtonWithIcon("Identify in the residual", theme.SearchIcon(), u.IdentifyInResidual)
	p.details = widget.NewButtonWithIcon("Decisions…", theme.InfoIcon(), u.ShowDecisions)
	for _, b := range []*widget.Button{p.residual, p.details} {
		b.Importance = widget.LowImportance
	}
	p.cands = u.newCandidateTable()
	p.add = widget.NewButtonWithIcon("Add from the database…", theme.ContentAddIcon(), u.ShowBrowser)
	p.add.Importance = widget.LowImportance
	p.reason = widget.NewLabel("") // the decision on the candidate selected
	p.reason.Truncation = fyne.TextTruncateEllipsis
	p.reason.Importance = widget.LowImportance

	phases := container.NewBorder(nil, container.NewHBox(p.fixed, layout.NewSpacer(), p.residual, p.details), nil, nil, p.table)
	cands := container.NewBorder(nil, container.NewBorder(nil, nil, nil, p.add, p.reason), nil, nil, p.cands)
	p.tabs = newPaneTabs([]string{"Phases", "Candidates"}, phases, cands)
	p.tabs.onShow = func(i int) {
		if i == 1 && p.candsStale {
			u.fitCandidates()
		}
	}
	head := container.NewVBox(p.head,
		container.NewBorder(nil, nil, container.NewCenter(p.tabs.bar), nil, container.NewBorder(nil, nil, container.NewCenter(p.warn), nil, p.unexplain)))
	p.box = container.NewBorder(head, nil, nil, nil, container.NewThemeOverride(p.tabs.box, denseTheme{}))
	return p
}

// paneTabs shows one of several panes, chosen with a row of buttons: a
// light stand-in for container.AppTabs, whose renderer costs as much as
// the rest of the main window to build.
type paneTabs struct {
	buttons []*widget.Button
	panes   []fyne.CanvasObject
	bar     *fyne.Container // the buttons
	box     *fyne.Container // the panes, one shown
	shown   int
	onShow  func(i int) // called when pane i is shown
}

func newPaneTabs(names []string, panes ...fyne.CanvasObject) *paneTabs {
	t := &paneTabs{panes: panes, bar: container.NewHBox(), box: container.NewStack(panes...)}
	for i, name := range names {
		b := widget.NewButton(name, func() { t.SelectIndex(i) })
		t.buttons = append(t.buttons, b)
		t.bar.Add(b)
	}
	t.SelectIndex(0)
	return t
}

// SelectIndex shows pane i.
func (t *paneTabs) SelectIndex(i int) {
	t.shown = i
	for k, p := range t.panes {
		b := t.buttons[k]
		if k == i {
			p.Show()
			b.Importance = widget.HighImportance
		} else {
			p.Hide()
			b.Importance = widget.LowImportance
		}
		b.Refresh()
	}
	if t.onShow != nil {
		t.onShow(i)
	}
}

// update shows the current scan's answer in the headers, the count of
// unexplained peaks and the state of the buttons.
func (p *phasePanel) update() {
	e := p.u.current
	p.answerRows = p.answerRows[:0]
	if e != nil {
		for i, r := range e.rows {
			if r.identified {
				p.answerRows = append(p.answerRows, i)
			}
		}
	}
	text, imp := unexplainedText(e)
	if p.unexplain.Importance != imp || p.unexplain.Text != text {
		p.unexplain.Importance = imp
		p.unexplain.SetText(text)
	}
	if imp == widget.WarningImportance {
		p.warn.Show()
	} else {
		p.warn.Hide()
	}
	setText(p.head, answerHead(e))
	if head := candidatesHead(e); p.tabs.buttons[1].Text != head {
		p.tabs.buttons[1].SetText(head)
	}
	fixed := e != nil && len(e.opt.Fit.Phases) > 0
	if p.fixed.Checked != fixed {
		p.fixed.OnChanged = nil
		p.fixed.SetChecked(fixed)
		p.fixed.OnChanged = func(on bool) { p.u.RefineOnly(on) }
	}
	if e == nil || e.a == nil || len(p.answerRows) == 0 || e.opt.Fit.PeaksOnly {
		p.residual.Disable()
		p.fixed.Disable()
	} else {
		p.residual.Enable()
		p.fixed.Enable()
	}
	if e != nil && e.a != nil && e.a.Identification != nil {
		p.details.Enable()
	} else {
		p.details.Disable()
	}
	if p.u.services.Store == nil {
		p.add.Disable()
	}
}

// answerHead is the phase table's title: how many phases, and the fit's
// agreement.
func answerHead(e *entry) string {
	switch {
	case e == nil || e.a == nil:
		return "Phases"
	case !e.full && e.held == nil:
		return "Phases: identifying…"
	}
	n, open := 0, 0
	for _, r := range e.rows {
		switch {
		case r.identified && r.open != "":
			open++
		case r.identified:
			n++
		}
	}
	id := e.a.Identification
	switch {
	case id == nil && e.aopt.Fit.PeaksOnly:
		return fmt.Sprintf("Phases: %d (peak search only, wt %% by RIR)", n)
	case id == nil || id.Fit == nil:
		return fmt.Sprintf("Phases: %d", n)
	case n+open == 0:
		return "Phases: none identified"
	}
	head := fmt.Sprintf("Phases: %d", n)
	if open > 0 {
		head += fmt.Sprintf(" (+%d of open chemistry)", open)
	}
	head += fmt.Sprintf(" · Rwp %.2f %% · GoF %.2f", 100*id.Fit.Rwp, id.Fit.GoF)
	if len(e.aopt.Fit.Phases) > 0 {
		head += " · your list"
	}
	return head
}

// candidatesHead is the candidate table's title.
func candidatesHead(e *entry) string {
	if e == nil || e.a == nil || len(e.rows) == 0 {
		return "Candidates"
	}
	return fmt.Sprintf("Candidates (%d)", len(e.rows))
}

// unexplainedText says how much of the scan the answer leaves
// unexplained, and how loudly: a warning when a peak at least
// strongUnexplained per cent of the strongest is unexplained.
func unexplainedText(e *entry) (string, widget.Importance) {
	if e == nil || e.a == nil || !e.full {
		return "", widget.MediumImportance
	}
	a := e.a
	id := a.Identification
	if id == nil || id.Peaks == nil {
		return "", widget.MediumImportance
	}
	n := len(a.Peaks)
	if id.UnexplainedPeaks == 0 {
		return fmt.Sprintf("All %d peaks explained", n), widget.SuccessImportance
	}
	text := fmt.Sprintf("%d of %d peaks unexplained · %.1f %% of the intensity · strongest %.0f %%",
		id.UnexplainedPeaks, n, 100*id.UnexplainedIntensity, id.StrongestUnexplained)
	if id.Unidentified > 0 {
		// identify weighs the unexplained peaks as unidentified matter.
		text += fmt.Sprintf(" · unidentified ≈ %.0f wt %%", 100*id.Unidentified)
	}
	if id.StrongestUnexplained >= strongUnexplained {
		if id.Absolute == nil && id.Unidentified == 0 {
			// Hill & Howard's fractions are normalised over the phases
			// refined.
			text += " · wt % of the identified phases alone"
		}
		return text, widget.WarningImportance
	}
	return text, widget.MediumImportance
}

// answerNames are the short names of the phases concluded present.
func answerNames(a *Analysis) []string {
	var names []string
	for _, p := range answerPhases(a) {
		names = append(names, p.ShortName())
	}
	return names
}

// answerPhases are the phases concluded present: the whole-pattern
// identification's (not those whose chemistry it leaves open), or the
// peak search's in quick mode.
func answerPhases(a *Analysis) []*refdb.Phase {
	var out []*refdb.Phase
	switch {
	case a == nil:
	case a.Identification != nil:
		for _, p := range a.Identification.Phases {
			if p.Concluded() {
				out = append(out, p.Entry)
			}
		}
	default:
		for _, c := range a.Match.Phases {
			out = append(out, c.Phase)
		}
	}
	return out
}

// setAnalysis stores a, a full analysis of e with e.aopt, and derives the
// rows of the phase and candidate tables: the phases of the answer, the
// ranked candidates, then the phases the user decided on or overlaid that
// neither lists. The answer's phases are overlaid, the others not, except
// that a re-run keeps the user's choice for a phase that neither entered
// nor left the answer. e.wantShown, when set, decides instead.
func (u *UI) setAnalysis(e *entry, a *Analysis) {
	prev := make(map[string]candRow, len(e.rows))
	for _, r := range e.rows {
		prev[phaseKey(r.c)] = r
	}
	e.a = a
	rank := map[string]int{}
	for i, c := range a.Match.Candidates {
		rank[phaseKey(c)] = i + 1
	}
	var rows []candRow
	seen := map[string]bool{}
	add := func(r candRow) {
		k := phaseKey(r.c)
		if seen[k] || r.c.Phase == nil {
			return
		}
		seen[k] = true
		if i := rank[k]; i > 0 && r.rank == 0 {
			r.rank = i
			if len(r.c.Pairs) == 0 {
				r.c = a.Match.Candidates[i-1]
			}
		}
		rows = append(rows, r)
	}
	if id := a.Identification; id != nil {
		for _, p := range id.Phases {
			add(candRow{c: match.Candidate{Phase: p.Entry}, identified: true, fit: p.Fit, open: p.Open()})
		}
	} else {
		for _, c := range a.Match.Phases {
			add(candRow{c: c, identified: true})
		}
	}
	for _, c := range a.Match.Candidates {
		add(candRow{c: c})
	}
	f := e.aopt.Fit
	for _, ids := range [][]string{f.Phases, f.Require, f.Reject} {
		for _, id := range ids {
			if p := u.lookupPhase(id, prev); p != nil {
				add(candRow{c: match.Candidate{Phase: p}})
			}
		}
	}
	for _, r := range e.rows { // overlaid by the user (the database browser)
		if r.shown {
			add(candRow{c: r.c})
		}
	}

	decided := map[string]identify.Decision{}
	if id := a.Identification; id != nil {
		for _, d := range id.Decisions {
			decided[d.ID] = d // the last decision on a phase stands
		}
	}
	slot := 0
	for i := range rows {
		if rows[i].identified {
			rows[i].color = palette.Phase(slot) // as the report's figure has them
			slot++
		}
	}
	for i := range rows {
		r := &rows[i]
		id := r.c.Phase.ID
		if d, ok := decided[id]; ok {
			r.verdict, r.reason = d.Verdict, d.Reason
		}
		if r.open != "" {
			r.verdict, r.reason = identify.ChemistryOpen, r.open
		}
		switch {
		case slices.Contains(f.Reject, id):
			r.user = userRejects
		case slices.Contains(f.Require, id) || slices.Contains(f.Phases, id):
			r.user = userAccepts
		}
		if !r.identified {
			r.color = palette.Phase(slot)
			slot++
		}
		old, ok := prev[phaseKey(r.c)]
		switch {
		case e.wantShown != nil:
			r.shown = e.wantShown[phaseKey(r.c)]
		case ok && old.identified == r.identified:
			r.shown = old.shown
		default: // new, or it entered or left the answer
			r.shown = r.identified
		}
	}
	e.wantShown = nil
	e.rows = rows
	e.peakPhase = explainedBy(a)
}

// lookupPhase finds the database entry id among the rows of before, else
// in the database; nil if it is in neither.
func (u *UI) lookupPhase(id string, before map[string]candRow) *refdb.Phase {
	if r, ok := before[id]; ok {
		return r.c.Phase
	}
	return entryByID(u.services.Store, id)
}

// explainedBy names, for each peak of a, the phases of the answer that
// explain it: those the whole-pattern fit says make up its calculated
// intensity (identify.PeakExplanation), or the peak search's phases
// matched to it in quick mode. "" for none.
func explainedBy(a *Analysis) []string {
	out := make([]string, len(a.Peaks))
	if id := a.Identification; id != nil {
		for i, x := range id.Peaks {
			if i >= len(out) {
				break
			}
			var names []string
			for _, j := range x.Phases {
				if j >= 0 && j < len(id.Phases) {
					names = append(names, id.Phases[j].Entry.ShortName())
				}
			}
			out[i] = strings.Join(names, ", ")
		}
		return out
	}
	for _, c := range a.Match.Phases {
		for _, p := range c.Pairs {
			if p.Peak < 0 || p.Peak >= len(out) {
				continue
			}
			name := c.Phase.ShortName()
			switch cur := out[p.Peak]; {
			case cur == "":
				out[p.Peak] = name
			case !slices.Contains(strings.Split(cur, ", "), name):
				out[p.Peak] = cur + ", " + name
			}
		}
	}
	return out
}

// peakExplanation is the identification's account of peak i of e, if
// there is one.
func (e *entry) peakExplanation(i int) (identify.PeakExplanation, bool) {
	if e.a == nil || e.a.Identification == nil || !e.full || i >= len(e.a.Identification.Peaks) {
		return identify.PeakExplanation{}, false
	}
	return e.a.Identification.Peaks[i], true
}

// status says what became of a candidate: the user's decision, else the
// identification's.
func (r candRow) status() string {
	switch {
	case r.user != "":
		return r.user
	case r.verdict != "":
		return r.verdict
	case r.identified:
		return "identified"
	case r.rank == 0:
		return "overlaid"
	}
	return "not tried"
}

// answerColumns are the columns of the phase table.
var answerColumns = []column{
	{"Phase", 140, false, true},
	{"wt %", 84, true, false},
	{"Cell (Å, °)", 190, false, true},
	{"Size (nm)", 72, true, false},
	{"", 32, false, false}, // the button that rejects it
}

// answerCell returns the text of one cell of the phase table.
func answerCell(r candRow, col int) string {
	f := r.fit
	switch col {
	case 0:
		name := r.c.Phase.ShortName()
		switch {
		case r.user == userAccepts:
			name += " (you)"
		case r.open != "":
			name += " (" + identify.ChemistryOpen + ")"
		}
		return name
	case 1:
		switch {
		case f != nil:
			return analysis.PlusMinus(100*f.WeightFraction, 100*f.WeightFractionESD, 1)
		case r.c.WeightPercent > 0:
			return fmt.Sprintf("%.1f (RIR)", r.c.WeightPercent)
		}
		return "–"
	case 2:
		if f != nil {
			return cellText(f)
		}
		return "–"
	case 3:
		if f != nil && f.SizeMeasured() {
			return analysis.PlusMinus(f.Size, f.SizeESD, 0)
		}
		return "–"
	}
	return ""
}

// cellText writes a refined cell with its standard uncertainties in the
// crystallographer's notation, "a 4.1759(1)", giving only the lengths and
// angles the symmetry leaves free: a for a cubic cell, a and c when a = b,
// a and α for a rhombohedral cell, and otherwise each angle that is not
// 90° (nor γ = 120° of a hexagonal cell).
func cellText(f *refine.PhaseResult) string {
	c, e := f.Cell, f.CellESD
	same := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), 1) }
	parts := []string{"a " + withESD(c.A, e.A)}
	if same(c.A, c.B) && same(c.B, c.C) && same(c.Alpha, c.Beta) && same(c.Beta, c.Gamma) {
		if !same(c.Alpha, 90) {
			parts = append(parts, "α "+withESD(c.Alpha, e.Alpha)+"°")
		}
		return strings.Join(parts, ", ")
	}
	if !same(c.B, c.A) {
		parts = append(parts, "b "+withESD(c.B, e.B))
	}
	parts = append(parts, "c "+withESD(c.C, e.C))
	hexagonal := same(c.A, c.B) && same(c.Gamma, 120)
	for _, ang := range []struct {
		name   string
		v, esd float64
	}{{"α", c.Alpha, e.Alpha}, {"β", c.Beta, e.Beta}, {"γ", c.Gamma, e.Gamma}} {
		if ang.v != 0 && !same(ang.v, 90) && !(hexagonal && ang.name == "γ") {
			parts = append(parts, ang.name+" "+withESD(ang.v, ang.esd)+"°")
		}
	}
	return strings.Join(parts, ", ")
}

// withESD writes v with its standard uncertainty in parentheses
// (analysis.WithESD), v to 4 decimals when it has none.
func withESD(v, esd float64) string { return analysis.WithESD(v, esd, 4) }

func (p *phasePanel) newAnswerTable() *table {
	u := p.u
	var t *table
	t = newTable(answerColumns,
		func() (int, int) { return len(p.answerRows), len(t.cols) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			b := widget.NewButton("✗", nil) // text: see newCandidateTable
			b.Importance = widget.LowImportance
			sw := canvas.NewRectangle(palette.Phase(0))
			sw.SetMinSize(fyne.NewSize(4, 14))
			return container.NewStack(container.NewBorder(nil, nil, container.NewCenter(sw), nil, l), b)
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			st := o.(*fyne.Container)
			row := st.Objects[0].(*fyne.Container)
			l := row.Objects[0].(*widget.Label)
			sw := row.Objects[1].(*fyne.Container).Objects[0].(*canvas.Rectangle)
			b := st.Objects[1].(*widget.Button)
			e := u.current
			if e == nil || id.Row >= len(p.answerRows) || p.answerRows[id.Row] >= len(e.rows) {
				row.Hide()
				b.Hide()
				return
			}
			r := e.rows[p.answerRows[id.Row]]
			if id.Col == len(answerColumns)-1 {
				row.Hide()
				b.Show()
				pid := r.c.Phase.ID
				b.OnTapped = func() { u.RejectPhase(pid) }
				return
			}
			b.Hide()
			row.Show()
			sw.FillColor = r.color
			if id.Col == 0 {
				sw.Show()
			} else {
				sw.Hide()
			}
			sw.Refresh()
			t.cols[id.Col].style(l)
			l.SetText(answerCell(r, id.Col))
		})
	t.OnSelected = func(id widget.TableCellID) {
		if e := u.current; e != nil && id.Row < len(p.answerRows) {
			p.explain(e.rows[p.answerRows[id.Row]])
		}
		t.Unselect(id)
	}
	return t
}

// explain shows the decision on r under the candidates.
func (p *phasePanel) explain(r candRow) {
	text := r.c.Phase.DisplayName() + " (" + r.c.Phase.ID + "): " + r.status()
	if r.reason != "" && r.reason != r.verdict {
		text += " — " + r.reason
	}
	p.reason.SetText(text)
}

// fitAnswer fits the phase table's columns to the scan on display.
func (p *phasePanel) fitAnswer() {
	e := p.u.current
	p.table.update(func() {
		p.table.scrollToTop()
		if e == nil {
			return
		}
		p.table.fit(len(p.answerRows), func(r, c int) string {
			if c == len(answerColumns)-1 {
				return "MM"
			}
			return answerCell(e.rows[p.answerRows[r]], c)
		}, 200)
	})
}

// decide records the user's decision on the database phase id for the
// scan on display (userAccepts, userRejects, or "" to take a decision
// back) and identifies again. An accepted phase is required in the
// model (identify.Options.Require), or added to the user's list when the
// scan refines one (Options.Fit.Phases); a rejected one is never
// considered (Reject) and leaves the list.
func (u *UI) decide(id, what string) {
	e := u.current
	if e == nil || id == "" {
		return
	}
	o := cloneOptions(e.opt)
	f := &o.Fit
	list := len(f.Phases) > 0
	drop := func(ids []string) []string { return slices.DeleteFunc(ids, func(x string) bool { return x == id }) }
	f.Require, f.Reject, f.Phases = drop(f.Require), drop(f.Reject), drop(f.Phases)
	switch what {
	case userAccepts:
		if list {
			f.Phases = append(f.Phases, id)
		} else {
			f.Require = append(f.Require, id)
		}
	case userRejects:
		f.Reject = append(f.Reject, id)
	}
	name := id
	if i := slices.IndexFunc(e.rows, func(r candRow) bool { return r.c.Phase.ID == id }); i >= 0 {
		name = e.rows[i].c.Phase.ShortName()
	}
	label := map[string]string{userAccepts: "Accept " + name, userRejects: "Reject " + name, "": "Undecide " + name}[what]
	u.change(e, o, label)
}

// AcceptPhase accepts the database phase id in the scan on display: it is
// in the model whatever the data say.
func (u *UI) AcceptPhase(id string) { u.decide(id, userAccepts) }

// RejectPhase rejects the database phase id in the scan on display: the
// identification never considers it.
func (u *UI) RejectPhase(id string) { u.decide(id, userRejects) }

// UndecidePhase takes back the user's decision on phase id.
func (u *UI) UndecidePhase(id string) { u.decide(id, "") }

// AddPhase accepts a database entry that the search did not list (the
// database browser's): its row appears, its sticks shown, and the
// identification runs with it required.
func (u *UI) AddPhase(p *refdb.Phase) error {
	if err := u.overlayReference(p); err != nil {
		return err
	}
	u.AcceptPhase(p.ID)
	return nil
}

// IdentifyInResidual requires the phases of the answer and identifies
// again: the identification then looks for more phases in what they
// leave unexplained (identify.Run with Options.Require).
func (u *UI) IdentifyInResidual() {
	e := u.current
	if e == nil || e.a == nil {
		return
	}
	o := cloneOptions(e.opt)
	o.Fit.Phases = nil
	for _, r := range e.rows {
		if r.identified && !slices.Contains(o.Fit.Require, r.c.Phase.ID) {
			o.Fit.Require = append(o.Fit.Require, r.c.Phase.ID)
		}
	}
	o.Fit.Reject = slices.DeleteFunc(o.Fit.Reject, func(id string) bool { return slices.Contains(o.Fit.Require, id) })
	u.change(e, o, "Identify in the residual")
}

// RefineOnly makes the phases of the answer the user's own list,
// refined as they are with no search and no decision
// (identify.Options.Phases): weight fractions and fit recomputed for
// that set, which Accept and Reject then change. Off, the
// identification decides again.
func (u *UI) RefineOnly(on bool) {
	e := u.current
	if e == nil || e.a == nil || (len(e.opt.Fit.Phases) > 0) == on {
		return
	}
	o := cloneOptions(e.opt)
	o.Fit.Phases = nil
	label := "Let the identification decide"
	if on {
		for _, r := range e.rows {
			if r.identified && r.user != userRejects {
				o.Fit.Phases = append(o.Fit.Phases, r.c.Phase.ID)
			}
		}
		if len(o.Fit.Phases) == 0 {
			return
		}
		label = "Refine only these phases"
	}
	u.change(e, o, label)
}

// ShowDecisions shows the whole-pattern fit of the scan on display and
// every decision the identification made, with its reason.
func (u *UI) ShowDecisions() {
	e := u.current
	if e == nil || e.a == nil || e.a.Identification == nil {
		dialog.ShowInformation("Fit and decisions", "There is no whole-pattern identification of the scan on display (quick mode, or not run yet).", u.win)
		return
	}
	id := e.a.Identification
	var items []fyne.CanvasObject
	para := func(s string, style fyne.TextStyle) {
		l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, style)
		l.Wrapping = fyne.TextWrapWord
		items = append(items, l)
	}
	para(fitSummary(id), fyne.TextStyle{})
	for _, p := range id.Phases {
		if why := p.Open(); why != "" {
			para("Not concluded: "+why+".", fyne.TextStyle{})
		}
	}
	if text, _ := unexplainedText(e); text != "" {
		para(text+".", fyne.TextStyle{})
	}
	for i, x := range id.Peaks {
		if x.Unexplained && i < len(e.a.Peaks) {
			p := e.a.Peaks[i]
			para(fmt.Sprintf("    unexplained: 2θ %.3f°, d %.4f Å, I %.0f %%", p.TwoTheta, p.D, p.RelIntensity), fyne.TextStyle{Monospace: true})
		}
	}
	items = append(items, widget.NewSeparator())
	for _, d := range id.Decisions {
		para(fmt.Sprintf("%s (%s): %s", d.Name, d.ID, d.Verdict), fyne.TextStyle{Bold: true})
		if d.Reason != "" && d.Reason != d.Verdict {
			para(d.Reason, fyne.TextStyle{})
		}
	}
	scroll := container.NewVScroll(container.NewVBox(items...))
	d := dialog.NewCustom("Fit and decisions — "+e.displayName(), "Close", scroll, u.win)
	d.Resize(fyne.NewSize(760, 560))
	d.Show()
}

// fitSummary describes the final refinement in a sentence.
func fitSummary(id *identify.Result) string {
	r := id.Fit
	if r == nil {
		return "No whole-pattern fit: the scan has no peaks to identify."
	}
	phases := fmt.Sprintf("%d phases", len(id.Phases))
	if len(id.Phases) == 1 {
		phases = "1 phase"
	}
	s := fmt.Sprintf("Whole-pattern fit of %s: Rwp %.2f %%, Rexp %.2f %%, GoF %.2f, Durbin–Watson %.2f; zero shift %s°, specimen displacement %s mm; %d points, %d parameters.",
		phases, 100*r.Rwp, 100*r.Rexp, r.GoF, r.DurbinWatson, withESD(r.Zero, r.ZeroESD), withESD(r.Displacement, r.DisplacementESD), r.N, r.P)
	if src := r.Instrument.Source; src != "" {
		s += " Instrument: " + src + "."
	}
	if ab := id.Absolute; ab != nil {
		s += " Amorphous or unidentified (internal standard): " + analysis.PlusMinus(100*ab.Amorphous, 100*ab.AmorphousESD, 1) + " wt %."
	}
	if u := id.Unidentified; u > 0 {
		s += fmt.Sprintf(" Unidentified (estimate): %.1f wt %%, the unexplained peaks weighed as matter that scatters as much per unit mass as the identified phases.", 100*u)
	}
	return s
}

// cloneOptions copies o with slices of its own, so that editing the copy
// leaves o (kept in the undo history) as it was.
func cloneOptions(o analysis.Options) analysis.Options {
	o.Peaks.Background.Points = slices.Clone(o.Peaks.Background.Points)
	el := &o.Match.Elements
	el.AllOf, el.NoneOf, el.Only = slices.Clone(el.AllOf), slices.Clone(el.NoneOf), slices.Clone(el.Only)
	f := &o.Fit
	f.Require, f.Reject, f.Phases = slices.Clone(f.Require), slices.Clone(f.Reject), slices.Clone(f.Phases)
	return o
}
