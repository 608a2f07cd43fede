package app

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// decideButtons returns the accept and reject buttons of candidate row in
// the rendered candidate table, found by screen position.
func decideButtons(t *testing.T, u *testUI, row int) (accept, reject *widget.Button) {
	t.Helper()
	u.phases.tabs.SelectIndex(1)
	var found []*widget.Button
	walk(u.cands, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Visible() && (b.Text == "✓" || b.Text == "✗") {
			found = append(found, b)
		}
	})
	d := fyne.CurrentApp().Driver()
	sort.SliceStable(found, func(i, j int) bool {
		pi, pj := d.AbsolutePositionForObject(found[i]), d.AbsolutePositionForObject(found[j])
		return pi.Y < pj.Y || pi.Y == pj.Y && pi.X < pj.X
	})
	if 2*row+1 >= len(found) {
		t.Fatalf("only %d decide buttons in the candidate table", len(found))
	}
	return found[2*row], found[2*row+1]
}

// shortcut types a keyboard shortcut in the main window.
func shortcut(u *testUI, key fyne.KeyName, mod fyne.KeyModifier) {
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&desktop.CustomShortcut{KeyName: key, Modifier: mod})
}

// TestPhaseControl: two scans open; on the second, accept a candidate
// and reject a phase of the answer, each re-fitting; identify in the
// residual; undo goes back to the state before, at once, and redo
// forward again; the other scan is left alone throughout.
func TestPhaseControl(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.win.Resize(fyne.NewSize(1200, 900))
	u.Open("/data/one.xy", "/data/two.xy")
	u.wait()
	e := u.current
	if e.path != "/data/two.xy" || !slices.Equal(answerNames(e.a), []string{"Quartz", "Calcite"}) {
		t.Fatalf("shown %q with the answer %v, want two.xy, quartz and calcite", e.path, answerNames(e.a))
	}
	// The phase table: quartz first, its weight fraction ± esd (fakeFit:
	// 0.642 of 0.642 + 0.358), cell and size.
	if n, _ := u.phases.table.Length(); n != 2 {
		t.Errorf("phase table has %d rows, want 2", n)
	}
	q := e.rows[u.phases.answerRows[0]]
	if got := []string{answerCell(q, 0), answerCell(q, 1), answerCell(q, 2), answerCell(q, 3)}; !slices.Equal(got,
		[]string{"Quartz", "64.2 ± 0.4", "a 4.9134(2), c 5.4052(15)", "85 ± 6"}) {
		t.Errorf("quartz's row %q", got)
	}
	if got := u.phases.head.Text; got != "Phases: 2 · Rwp 8.23 % · GoF 1.90" {
		t.Errorf("phase head %q", got)
	}
	if got, imp := u.phases.unexplain.Text, u.phases.unexplain.Importance; got != "All 27 peaks explained" || imp != widget.SuccessImportance {
		t.Errorf("unexplained: %q (importance %v)", got, imp)
	}

	// Accept corundum with its button in the candidate table.
	accept, _ := decideButtons(t, u, rowOf(e, corundum.ID))
	test.Tap(accept)
	u.wait()
	c, _ := b.lastCall()
	if c.path != "/data/two.xy" || !slices.Equal(c.opt.Fit.Require, []string{corundum.ID}) {
		t.Fatalf("accepting corundum ran %q with Require %v", c.path, c.opt.Fit.Require)
	}
	if got := answerNames(e.a); !slices.Equal(got, []string{"Corundum", "Quartz", "Calcite"}) {
		t.Errorf("answer after accepting corundum: %v", got)
	}
	if r := e.rows[rowOf(e, corundum.ID)]; r.status() != userAccepts || !r.identified || !r.shown {
		t.Errorf("corundum's row: status %q, identified %v, shown %v", r.status(), r.identified, r.shown)
	}

	// Reject calcite from the phase table: its peaks are left unexplained,
	// the strongest 46.7 % of the strongest peak (calcite's 100 line, 28
	// counts per unit against quartz's 60): a warning.
	i := slices.IndexFunc(u.phases.answerRows, func(k int) bool { return e.rows[k].c.Phase == calcite })
	u.RejectPhase(e.rows[u.phases.answerRows[i]].c.Phase.ID)
	u.wait()
	c, _ = b.lastCall()
	if !slices.Equal(c.opt.Fit.Require, []string{corundum.ID}) || !slices.Equal(c.opt.Fit.Reject, []string{calcite.ID}) {
		t.Errorf("rejecting calcite ran with Require %v, Reject %v", c.opt.Fit.Require, c.opt.Fit.Reject)
	}
	if got := answerNames(e.a); !slices.Equal(got, []string{"Corundum", "Quartz"}) {
		t.Errorf("answer after rejecting calcite: %v", got)
	}
	if got := u.phases.unexplain.Text; !strings.HasPrefix(got, "14 of 27 peaks unexplained") || !strings.Contains(got, "strongest 47 %") ||
		u.phases.unexplain.Importance != widget.WarningImportance || !u.phases.warn.Visible() {
		t.Errorf("unexplained: %q, importance %v, icon %v; want 14 of 27 as a warning", got, u.phases.unexplain.Importance, u.phases.warn.Visible())
	}
	if got := e.peakCell(1, 3); got != "unexplained" { // calcite's 104 at 23.0°
		t.Errorf("peak 2 explained by %q, want unexplained", got)
	}
	// The plot sets the 14 apart: their ticks, and a legend entry.
	if n := u.view.unexplainedPeaks(); n != 14 || !u.view.unexplained(1) {
		t.Errorf("the plot sets %d peaks apart (peak 2: %v), want 14", n, u.view.unexplained(1))
	}
	if !slices.ContainsFunc(u.view.r.legendEntries(), func(l legendEntry) bool { return l.name == "Unexplained (14)" }) {
		t.Errorf("legend %v lacks the unexplained peaks", u.view.r.legendEntries())
	}
	if got := candCell(e.rows[rowOf(e, calcite.ID)], candStatus); got != userRejects {
		t.Errorf("calcite's status %q", got)
	}

	// Identify in the residual: the answer's phases required.
	u.IdentifyInResidual()
	u.wait()
	c, _ = b.lastCall()
	if !slices.Equal(c.opt.Fit.Require, []string{corundum.ID, quartz.ID}) || !slices.Equal(c.opt.Fit.Reject, []string{calcite.ID}) {
		t.Errorf("identify in the residual ran with Require %v, Reject %v", c.opt.Fit.Require, c.opt.Fit.Reject)
	}
	if u.undoItem.Label != "Undo Identify in the residual" {
		t.Errorf("Edit menu: %q", u.undoItem.Label)
	}

	// Undo (Ctrl+Z): the state before the residual search, shown at once
	// from the history, without identifying again.
	n := b.nanalyses()
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{}) // Ctrl+Z as the driver reports it
	u.wait()
	if b.nanalyses() != n {
		t.Errorf("undo ran %d analyses, want none", b.nanalyses()-n)
	}
	if !slices.Equal(e.opt.Fit.Require, []string{corundum.ID}) || !slices.Equal(answerNames(e.a), []string{"Corundum", "Quartz"}) || !e.full {
		t.Errorf("after undo: Require %v, answer %v", e.opt.Fit.Require, answerNames(e.a))
	}
	if u.undoItem.Label != "Undo Reject Calcite" || u.redoItem.Label != "Redo Identify in the residual" {
		t.Errorf("Edit menu after undo: %q, %q", u.undoItem.Label, u.redoItem.Label)
	}
	u.Undo()
	u.Undo()
	if len(e.opt.Fit.Require)+len(e.opt.Fit.Reject) != 0 || !slices.Equal(answerNames(e.a), []string{"Quartz", "Calcite"}) || !u.undoItem.Disabled {
		t.Errorf("all undone: Require %v, Reject %v, answer %v", e.opt.Fit.Require, e.opt.Fit.Reject, answerNames(e.a))
	}
	if got := u.phases.unexplain.Importance; got != widget.SuccessImportance {
		t.Errorf("all undone: the unexplained count's importance %v", got)
	}
	// Redo (Ctrl+Shift+Z twice, Ctrl+Y once): forward to the residual
	// search.
	shortcut(u, fyne.KeyZ, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	shortcut(u, fyne.KeyZ, fyne.KeyModifierShortcutDefault|fyne.KeyModifierShift)
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutRedo{})
	u.wait()
	if !slices.Equal(e.opt.Fit.Require, []string{corundum.ID, quartz.ID}) || b.nanalyses() != n {
		t.Errorf("redone: Require %v after %d analyses", e.opt.Fit.Require, b.nanalyses()-n)
	}
	if o := u.entries[0].opt; len(o.Fit.Require)+len(o.Fit.Reject) != 0 || len(u.entries[0].hist.undo) != 0 {
		t.Errorf("the other scan changed: %+v", o.Fit)
	}
}

// TestRefineOnlyAndAdd: "Refine only these" makes the answer the user's
// list (identify.Options.Phases), which Accept extends; a phase from the
// database browser is added, overlaid and required.
func TestRefineOnlyAndAdd(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/a.xy")
	u.wait()
	u.phases.fixed.SetChecked(true) // "Refine only these"
	u.wait()
	c, _ := b.lastCall()
	if !slices.Equal(c.opt.Fit.Phases, []string{quartz.ID, calcite.ID}) {
		t.Fatalf("refine only these: Phases %v", c.opt.Fit.Phases)
	}
	u.AcceptPhase(halite.ID)
	u.wait()
	c, _ = b.lastCall()
	if !slices.Equal(c.opt.Fit.Phases, []string{quartz.ID, calcite.ID, halite.ID}) || len(c.opt.Fit.Require) != 0 {
		t.Errorf("accept in the user's list: Phases %v, Require %v", c.opt.Fit.Phases, c.opt.Fit.Require)
	}
	if !strings.HasSuffix(u.phases.head.Text, "your list") {
		t.Errorf("phase head %q", u.phases.head.Text)
	}
	u.RefineOnly(false)
	u.wait()
	if c, _ = b.lastCall(); len(c.opt.Fit.Phases) != 0 {
		t.Errorf("back to the identification: Phases %v", c.opt.Fit.Phases)
	}
	if err := u.AddPhase(hematite); err != nil {
		t.Fatal(err)
	}
	u.wait()
	c, _ = b.lastCall()
	r := u.current.rows[rowOf(u.current, hematite.ID)]
	if !slices.Contains(c.opt.Fit.Require, hematite.ID) || !r.identified || !r.shown {
		t.Errorf("added hematite: Require %v, identified %v, shown %v", c.opt.Fit.Require, r.identified, r.shown)
	}
}

// TestPeriodicPicker: the picker starts from the panel's restraints and
// shows analysis.Options.Validate's message for a contradiction typed
// there; clicks step elements through must, may and must not, and Apply
// writes AllOf, Only and NoneOf back into the fields and analyses again.
func TestPeriodicPicker(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/a.xy")
	u.wait()
	u.settings.require.SetText("Ti")
	u.settings.exclude.SetText("Ti")
	p := u.newPeriodicPicker()
	o := u.Options()
	o.Match.Elements = match.Elements{AllOf: []string{"Ti"}, NoneOf: []string{"Ti"}}
	if want := o.Validate(); want == nil || p.msg.Text != want.Error() || !p.apply.Disabled() {
		t.Errorf("contradiction: picker says %q (Apply disabled %v), want %v", p.msg.Text, p.apply.Disabled(), want)
	}
	test.Tap(p.cells["Ti"]) // must (AllOf wins) → may
	if p.marks["Ti"] != markMay || p.msg.Text != "" || p.apply.Disabled() {
		t.Errorf("Ti clicked: mark %q, message %q", p.marks["Ti"], p.msg.Text)
	}
	test.Tap(p.cells["Ti"])
	test.Tap(p.cells["Ti"]) // must not → unmarked
	for sym, clicks := range map[string]int{"Ti": 1, "O": 1, "F": 2, "Pb": 3} {
		for range clicks {
			test.Tap(p.cells[sym])
		}
	}
	if got := p.summary.Text; got != "Phases with O, Ti, of O, F, Ti only, without Pb." {
		t.Errorf("summary %q", got)
	}
	if p.cells["F"].Importance != widget.HighImportance || p.cells["Pb"].Importance != widget.DangerImportance {
		t.Error("the marks are not coloured")
	}
	p.applyMarks()
	u.wait()
	c, _ := b.lastCall()
	want := match.Elements{AllOf: []string{"O", "Ti"}, Only: []string{"O", "F", "Ti"}, NoneOf: []string{"Pb"}}
	el := c.opt.Match.Elements
	if !slices.Equal(el.AllOf, want.AllOf) || !slices.Equal(el.Only, want.Only) || !slices.Equal(el.NoneOf, want.NoneOf) {
		t.Errorf("restraints applied %+v, want %+v", el, want)
	}
	if s := u.settings; s.require.Text != "O, Ti" || s.only.Text != "O, F, Ti" || s.exclude.Text != "Pb" {
		t.Errorf("fields %q, %q, %q", s.require.Text, s.only.Text, s.exclude.Text)
	}
	// The fields and the picker agree: opened again, it shows the marks.
	if q := u.newPeriodicPicker(); q.marks["Ti"] != markMust || q.marks["F"] != markMay || q.marks["Pb"] != markNot || len(q.marks) != 4 {
		t.Errorf("reopened: %v", q.marks)
	}
}

// TestManualBackgroundPerScan: a manual background belongs to the scan it
// was placed on; scans of different 2θ ranges keep their own points
// through switches, and switching runs no analysis.
func TestManualBackgroundPerScan(t *testing.T) {
	b := newFake()
	b.ranges["/data/wide.xy"] = [2]float64{5, 80}
	b.ranges["/data/narrow.xy"] = [2]float64{20, 50}
	u := newTestUI(t, b)
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/wide.xy", "/data/narrow.xy")
	u.wait()
	manual := func() []float64 {
		u.settings.background.SetSelected("Manual points")
		u.wait()
		var x []float64
		for _, p := range u.current.opt.Peaks.Background.Points {
			x = append(x, p.TwoTheta)
		}
		return x
	}
	u.list.Select(0)
	u.wait()
	wide := manual()
	u.list.Select(1)
	u.wait()
	if u.settings.background.Selected != "SNIP" || len(u.view.Points) != 0 || backgroundMethod(u.current.opt) != "snip" {
		t.Fatalf("narrow.xy took the wide scan's background: %q, %d handles", u.settings.background.Selected, len(u.view.Points))
	}
	narrow := manual()
	if wide[0] != 5 || wide[len(wide)-1] != 80 || narrow[0] != 20 || narrow[len(narrow)-1] != 50 {
		t.Fatalf("control points span %g–%g° and %g–%g°, want each scan's range", wide[0], wide[len(wide)-1], narrow[0], narrow[len(narrow)-1])
	}
	n := b.nanalyses()
	for _, c := range []struct {
		i    int
		want []float64
	}{{0, wide}, {1, narrow}, {0, wide}} {
		u.list.Select(c.i)
		u.wait()
		var got []float64
		for _, p := range u.view.Points {
			got = append(got, p.TwoTheta)
		}
		if !slices.Equal(got, c.want) || u.settings.background.Selected != "Manual points" {
			t.Errorf("scan %d shown: handles at %v (%q), want %v", c.i, got, u.settings.background.Selected, c.want)
		}
	}
	if b.nanalyses() != n {
		t.Errorf("switching scans ran %d analyses", b.nanalyses()-n)
	}
}

// TestCancelAndRerun: the identification of the scan on display shows its
// progress in the status bar; Cancel stops it (its context), keeps the
// peaks on show and does not start it again until asked.
func TestCancelAndRerun(t *testing.T) {
	b := newFake()
	gate := make(chan struct{})
	b.gate = func(ctx context.Context, n int) error {
		if n != 2 { // the first identification
			return nil
		}
		close(gate)
		<-ctx.Done()
		return ctx.Err()
	}
	u := newTestUI(t, b)
	u.Open("/data/a.xy")
	for waiting := true; waiting; {
		select {
		case f := <-u.queue:
			f()
		case <-gate:
			waiting = false
		}
	}
	for u.current == nil || u.current.stage != analysis.StagePeaks || u.current.step != stepIdentify {
		(<-u.queue)()
	}
	if !u.progressBox.Visible() || !strings.HasPrefix(u.progressLabel.Text, analysis.StagePeaks) || u.current.a == nil {
		t.Errorf("while identifying: progress shown %v (%q), peaks shown %v", u.progressBox.Visible(), u.progressLabel.Text, u.current.a != nil)
	}
	test.Tap(u.cancelBtn)
	u.wait()
	e := u.current
	if e == nil || e.a == nil || e.full || e.step != "" || u.progressBox.Visible() || b.ncalls() != 1 {
		t.Fatalf("after cancel: %+v", e)
	}
	if got := u.phases.head.Text; got != "Phases" && !strings.HasPrefix(got, "Phases:") {
		t.Errorf("phase head %q", got)
	}
	shortcut(u, fyne.KeyR, fyne.KeyModifierShortcutDefault) // Re-run
	u.wait()
	if !e.full || b.ncalls() != 2 || len(answerNames(e.a)) != 2 {
		t.Errorf("re-run: identified %v after %d identifications", e.full, b.ncalls())
	}
}

// TestCellText: the refined cell in the crystallographer's notation,
// with only the free parameters of its symmetry.
func TestCellText(t *testing.T) {
	for _, c := range []struct {
		r    refine.PhaseResult
		want string
	}{
		{refine.PhaseResult{Cell: cell(4.1759, 4.1759, 4.1759, 90, 90, 90), CellESD: cell(0.0001, 0.0001, 0.0001, 0, 0, 0)}, "a 4.17590(10)"},
		{refine.PhaseResult{Cell: cell(3.7844, 3.7844, 9.5124, 90, 90, 90), CellESD: cell(0.0002, 0.0002, 0.0003, 0, 0, 0)}, "a 3.7844(2), c 9.5124(3)"},
		{refine.PhaseResult{Cell: cell(8.3566, 4.9744, 6.1946, 90, 114.8, 90), CellESD: cell(0.0015, 0.0008, 0.001, 0, 0.02, 0)}, "a 8.3566(15), b 4.9744(8), c 6.1946(10), β 114.80(2)°"},
		{refine.PhaseResult{Cell: cell(5, 5, 5, 90, 90, 90)}, "a 5.0000"},
		{refine.PhaseResult{Cell: cell(4.9134, 4.9134, 5.4052, 90, 90, 120)}, "a 4.9134, c 5.4052"},
		{refine.PhaseResult{Cell: cell(5.4, 5.4, 5.4, 55.3, 55.3, 55.3)}, "a 5.4000, α 55.3000°"},
	} {
		if got := cellText(&c.r); got != c.want {
			t.Errorf("cellText = %q, want %q", got, c.want)
		}
	}
}

func cell(a, b, c, alpha, beta, gamma float64) crystal.Cell {
	return crystal.Cell{A: a, B: b, C: c, Alpha: alpha, Beta: beta, Gamma: gamma}
}

// field returns the advanced settings' field labelled label.
func field(t *testing.T, f *advancedForm, label string) *widget.Entry {
	t.Helper()
	for i, fl := range optFields {
		if fl.label == label {
			return f.fields[i]
		}
	}
	t.Fatalf("no field %q", label)
	return nil
}

// TestAdvancedSettings: the advanced settings reach analysis.Options, a
// value Validate refuses shows its message and disables Apply, and the
// instrument is taken from a standard's scan through the services and
// held in the fit.
func TestAdvancedSettings(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	inst := refine.Instrument{Wavelength: diffraction.CuKa, U: 0.004, V: -0.002, W: 0.003, Y: 0.02, Source: "LaB6.raw"}
	var asked string
	s := b.services()
	s.Instrument = func(_ context.Context, path string, _ analysis.Options) (refine.Instrument, error) {
		asked = path
		return inst, nil
	}
	u.services = s
	u.Open("/data/a.xy")
	u.wait()
	f := u.newAdvanced()
	for label, v := range map[string]string{"SNIP window": "40", "Tolerance": "0,1", "Particle size": "10", "Significance α": "0.01",
		"Scherrer K": "0.94", "Candidates listed": "30", "Internal standard": "test:corundum", "Standard weight": "0.2"} {
		field(t, f, label).SetText(v)
	}
	field(t, f, "Tolerance").SetText("5")
	o := u.Options()
	o.Match.Tolerance = 5
	if want := o.Validate(); want == nil || !strings.Contains(f.msg.Text, "matching tolerance 5°") || !f.apply.Disabled() {
		t.Errorf("tolerance 5°: message %q, Apply disabled %v; want %v", f.msg.Text, f.apply.Disabled(), want)
	}
	field(t, f, "Tolerance").SetText("0,1")
	f.takeInstrument("/data/LaB6.raw")
	u.wait()
	if asked != "/data/LaB6.raw" || !strings.HasPrefix(f.instLbl.Text, "LaB6.raw: U 0.004") {
		t.Errorf("instrument asked of %q, shown as %q", asked, f.instLbl.Text)
	}
	test.Tap(f.apply)
	u.wait()
	c, _ := b.lastCall()
	p, m, fit := c.opt.Peaks, c.opt.Match, c.opt.Fit
	if p.BackgroundIterations != 40 || m.Tolerance != 0.1 || fit.ParticleSize != 10 || fit.Alpha != 0.01 || c.opt.Size.K != 0.94 ||
		m.Top != 30 || c.opt.Standard != "test:corundum" || fit.StandardWeight != 0.2 || !fit.Calibrated || fit.Instrument != inst {
		t.Errorf("applied: %+v", c.opt)
	}
	if u.undoItem.Label != "Undo Change the settings" {
		t.Errorf("Edit menu: %q", u.undoItem.Label)
	}
}

// TestOpenChemistry shows a phase whose chemistry the identification
// leaves open (identify.Phase.Unresolved): counted apart in the table's
// head, marked in its row and its status, and left out of the answer's
// names.
func TestOpenChemistry(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/one.xy")
	u.wait()
	e := u.current
	id := e.a.Identification
	k := slices.IndexFunc(id.Phases, func(p identify.Phase) bool { return p.Entry == calcite })
	id.Phases[k].Unresolved, id.Phases[k].LookAlikes = true, []*refdb.Phase{corundum}
	u.setAnalysis(e, e.a)
	u.phases.update()
	if got := u.phases.head.Text; got != "Phases: 1 (+1 of open chemistry) · Rwp 8.23 % · GoF 1.90" {
		t.Errorf("phase head %q", got)
	}
	if got := answerNames(e.a); !slices.Equal(got, []string{"Quartz"}) {
		t.Errorf("answer %v, want quartz alone", got)
	}
	r := e.rows[slices.IndexFunc(e.rows, func(r candRow) bool { return r.c.Phase == calcite })]
	if answerCell(r, 0) != "Calcite (chemistry open)" || candCell(r, candPhase) != "? Calcite" || r.status() != identify.ChemistryOpen || r.reason != id.Phases[k].Open() {
		t.Errorf("calcite's rows %q and %q, status %q, reason %q", answerCell(r, 0), candCell(r, candPhase), r.status(), r.reason)
	}
}
