package app

import (
	"context"
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// testUI is the window with its own UI queue: results that the desktop
// driver would run on its goroutine are run by wait, on the test's.
type testUI struct {
	*UI
	queue chan func()
}

// newTestUI builds the window over b in a temporary test app and never
// asks the desktop portal.
func newTestUI(t testing.TB, b *fakeServices) *testUI {
	t.Helper()
	a := test.NewTempApp(t)
	u := &testUI{UI: New(a, b.services()), queue: make(chan func(), 64)}
	u.portal = false
	u.do = func(f func()) { u.queue <- f }
	t.Cleanup(u.win.Close)
	return u
}

// waitWorkers runs the queued UI work until the workers are idle.
func (u *testUI) waitWorkers(ws ...*worker) {
	for {
		busy := false
		for _, w := range ws {
			w.mu.Lock()
			busy = busy || w.busy
			w.mu.Unlock()
		}
		select {
		case f := <-u.queue:
			f()
			continue
		default:
		}
		if !busy {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// wait runs the queued UI work until every step of work on the scans
// and every export has finished, the steps that finishing ones start
// included.
func (u *testUI) wait() {
	for {
		select {
		case f := <-u.queue:
			f()
			continue
		default:
		}
		if u.working.Load() == 0 && !slices.ContainsFunc(u.entries, func(e *entry) bool { return e.step != "" }) {
			select {
			case f := <-u.queue: // pushed as the last goroutine returned
				f()
				continue
			default:
				return
			}
		}
		select {
		case f := <-u.queue:
			f()
		case <-time.After(time.Millisecond):
		}
	}
}

// walk calls fn for o and every visible object below it, through
// containers and widget renderers.
func walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walk(c, fn)
		}
	}
}

// texts collects the text of every label under o.
func texts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

func overlayTexts(u *testUI) string {
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return strings.Join(texts(top), "\n")
}

func TestOpenShowsAnalysis(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/sample-1.xy")
	u.wait()

	if len(u.entries) != 1 || u.current != u.entries[0] {
		t.Fatalf("after Open: %d entries, current %v", len(u.entries), u.current)
	}
	e := u.current
	want := synthetic(b.n, b.wl)
	if rows, cols := u.peaks.Length(); rows != len(want.Peaks) || cols != len(peakColumns()) {
		t.Errorf("peak table is %d×%d, want %d×%d", rows, cols, len(want.Peaks), len(peakColumns()))
	}
	if got := e.peakCell(0, 1); got != "20.860" {
		t.Errorf("first peak 2θ cell = %q, want 20.860 (quartz 100 at Cu Kα1)", got)
	}
	if got := e.peakCell(2, 3); got != "Quartz" {
		t.Errorf("phase explaining the strongest peak = %q, want Quartz", got)
	}
	if rows, _ := u.cands.Length(); rows != 5 {
		t.Errorf("candidate table has %d rows, want 5", rows)
	}
	if got := candCell(e.rows[0], candPhase); got != "✓ Quartz" {
		t.Errorf("first candidate = %q, want ✓ Quartz", got)
	}
	if got := candCell(e.rows[0], candWeight); got != "64.2" {
		t.Errorf("quartz wt%% = %q, want 64.2", got)
	}
	if got := candCell(e.rows[2], candWeight); got != "" {
		t.Errorf("unidentified corundum wt%% = %q, want empty", got)
	}
	// Identified phases are overlaid from the start.
	if n := len(u.view.Overlays); n != 2 {
		t.Errorf("%d overlays shown, want 2 (the identified phases)", n)
	}
	if u.view.Scan != e.a.Scan || len(u.view.Peaks) != len(want.Peaks) {
		t.Error("pattern view does not show the opened scan")
	}
	if got := u.fileLabel.Text; got != "sample-1.xy" {
		t.Errorf("status file = %q", got)
	}
	if got := u.pointsLabel.Text; got != "3751 points" {
		t.Errorf("status points = %q", got)
	}
	if got := u.rangeLabel.Text; !strings.Contains(got, "5.00–80.00°") {
		t.Errorf("status range = %q", got)
	}
	if got := u.wlLabel.Text; !strings.Contains(got, "from file") || u.wlIcon.Visible() {
		t.Errorf("status wavelength = %q (warning icon %v), want a wavelength from file and no warning", got, u.wlIcon.Visible())
	}
	if got := u.win.Title(); got != "Bragg — sample-1.xy" {
		t.Errorf("title = %q", got)
	}
}

func TestAssumedWavelengthWarning(t *testing.T) {
	b := newFake()
	b.wl = diffraction.CuKa
	b.wl.Source = diffraction.Assumed
	u := newTestUI(t, b)
	u.Open("/data/no-wavelength.xy")
	u.wait()
	if got, want := u.wlLabel.Text, "Cu Kα assumed (file has no wavelength)"; got != want {
		t.Errorf("wavelength status = %q, want %q", got, want)
	}
	if u.wlLabel.Importance != widget.WarningImportance || !u.wlIcon.Visible() {
		t.Error("assumed wavelength is not shown as a warning")
	}
}

func TestToggleCandidateOverlay(t *testing.T) {
	u := newTestUI(t, newFake())
	u.win.Resize(fyne.NewSize(1200, 900))
	u.Open("/data/a.xy")
	u.wait()
	before := len(u.view.Overlays)

	// Tick the check box of the third candidate (corundum) in the table.
	chk := findCheck(t, u, 2)
	test.Tap(chk)
	if got := len(u.view.Overlays); got != before+1 {
		t.Fatalf("after ticking corundum: %d overlays, want %d", got, before+1)
	}
	last := u.view.Overlays[len(u.view.Overlays)-1]
	if last.Name != "Corundum" || len(last.Sticks) == 0 || last.Color != palette.Phase(2) {
		t.Errorf("new overlay = %q with %d sticks, colour %v", last.Name, len(last.Sticks), last.Color)
	}
	// The sticks are corundum's lines at Cu Kα1: its 100 % line, d =
	// 2.552 Å, at 2θ = 35.14°.
	if s := last.Sticks[1]; s.I != 100 || math.Abs(s.TwoTheta-35.137) > 1e-3 {
		t.Errorf("corundum's second stick %+v, want I 100 at 35.137°", s)
	}
	u.SetOverlay(2, false)
	if got := len(u.view.Overlays); got != before {
		t.Errorf("after unticking: %d overlays, want %d", got, before)
	}
	u.SetOverlay(0, false)
	u.SetOverlay(1, false)
	if got := len(u.view.Overlays); got != 0 {
		t.Errorf("all unticked: %d overlays", got)
	}
}

// findCheck returns the check box of candidate row in the rendered table.
// Cells are reused in no particular order, so it goes by screen position.
func findCheck(t *testing.T, u *testUI, row int) *widget.Check {
	t.Helper()
	u.phases.tabs.SelectIndex(1) // the candidates
	var found []*widget.Check
	walk(u.cands, func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Visible() {
			found = append(found, c)
		}
	})
	d := fyne.CurrentApp().Driver()
	sort.Slice(found, func(i, j int) bool {
		return d.AbsolutePositionForObject(found[i]).Y < d.AbsolutePositionForObject(found[j]).Y
	})
	if row >= len(found) {
		t.Fatalf("only %d check boxes in the candidate table", len(found))
	}
	return found[row]
}

func TestFailingOpenShowsErrorAndStaysUsable(t *testing.T) {
	b := newFake()
	b.fail["/data/broken.raw"] = errors.New("scan: unknown format")
	u := newTestUI(t, b)

	u.Open("/data/broken.raw")
	u.wait()
	msg := overlayTexts(u)
	if !strings.Contains(msg, "broken.raw") || !strings.Contains(msg, "unknown format") {
		t.Errorf("error dialog says %q; want the file name and the cause", msg)
	}
	if len(u.entries) != 0 || u.current != nil {
		t.Errorf("failed file left %d entries in the list", len(u.entries))
	}
	if u.fileLabel.Text != "No scan open" {
		t.Errorf("status after failure = %q", u.fileLabel.Text)
	}
	u.win.Canvas().Overlays().Top().Hide()
	u.win.Canvas().Overlays().Remove(u.win.Canvas().Overlays().Top())

	// The window still works: a good file opens next to the failure.
	u.Open("/data/good.xy", "/data/broken.raw")
	u.wait()
	if len(u.entries) != 1 || u.current == nil || u.current.path != "/data/good.xy" {
		t.Fatalf("after a good and a bad file: %d entries, current %+v", len(u.entries), u.current)
	}
	if rows, _ := u.peaks.Length(); rows == 0 {
		t.Error("peak table empty after a good open")
	}
}

func TestOpenSeveralAndSelect(t *testing.T) {
	u := newTestUI(t, newFake())
	u.Open("/data/one.xy", "/data/two.xy", "/data/three.xy")
	u.wait()
	if len(u.entries) != 3 {
		t.Fatalf("%d entries, want 3", len(u.entries))
	}
	if u.current == nil || u.current.path != "/data/three.xy" {
		t.Errorf("shown after opening three: %v, want the last", u.current)
	}
	u.list.Select(0)
	if u.current.path != "/data/one.xy" || u.fileLabel.Text != "one.xy" {
		t.Errorf("after selecting the first: showing %q, status %q", u.current.path, u.fileLabel.Text)
	}
	// Re-opening a file reloads it in place.
	u.Open("/data/two.xy")
	u.wait()
	if len(u.entries) != 3 || u.current.path != "/data/two.xy" {
		t.Errorf("re-open: %d entries, showing %q", len(u.entries), u.current.path)
	}
}

func TestDemo(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.OpenDemo()
	u.wait()
	if u.current == nil || u.current.name != "Demo pattern" {
		t.Fatalf("demo not shown: %+v", u.current)
	}
	if c, _ := b.lastCall(); c.path != "" {
		t.Errorf("the demo was asked for as %q, want \"\"", c.path)
	}
}

func TestExport(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.ShowExportDialog() // nothing open: says so
	if msg := overlayTexts(u); !strings.Contains(msg, "nothing to export") {
		t.Errorf("export with nothing open: %q", msg)
	}
	u.Open("/data/run 7.xrdml")
	u.wait()
	if got := exportName(u.current); got != "run 7.xlsx" {
		t.Errorf("suggested report name = %q, want %q", got, "run 7.xlsx")
	}
	u.Export("/out/report", u.current.a)
	u.wait()
	if len(b.exported) != 1 || b.exported[0] != "/out/report.xlsx" {
		t.Errorf("exported %q", b.exported)
	}
}

func TestOpenDialogFallsBackToFyne(t *testing.T) {
	u := newTestUI(t, newFake())
	u.ShowOpenDialog() // portal off: Fyne's dialog
	if u.win.Canvas().Overlays().Top() == nil {
		t.Error("no file dialog shown")
	}
}

func TestWavelengthText(t *testing.T) {
	mo, _ := diffraction.AnodeWavelength("Mo")
	mo.Source = diffraction.FromFile
	mono := diffraction.Wavelength{Ka1: 0.7093, Source: diffraction.FromFlag}
	assumed := diffraction.CuKa
	assumed.Source = diffraction.Assumed
	cases := []struct {
		name string
		in   diffraction.Wavelength
		want string
	}{
		{"unknown", diffraction.Wavelength{}, "Wavelength unknown"},
		{"assumed", assumed, "Cu Kα assumed (file has no wavelength)"},
		{"doublet from file", mo, "Mo Kα1 0.70932 Å + Kα2 (from file)"},
		{"monochromatic flag", mono, "λ 0.70930 Å (given)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := wavelengthText(tc.in); got != tc.want {
				t.Errorf("got %q want %q", got, tc.want)
			}
		})
	}
}

// TestSupersededLoadIsCancelled: opening a scan again while its first load
// is still running cancels that load (its context) and drops its result;
// meanwhile the scan list shows the stage the load is at.
func TestSupersededLoadIsCancelled(t *testing.T) {
	b := newFake()
	started := make(chan struct{})
	var first error
	b.gate = func(ctx context.Context, n int) error {
		if n != 1 {
			return nil
		}
		close(started)
		select {
		case <-ctx.Done():
			first = ctx.Err()
		case <-time.After(10 * time.Second):
			first = errors.New("not cancelled within 10 s")
		}
		return first
	}
	u := newTestUI(t, b)
	errs := captureErrors(u)
	u.Open("/data/slow.xy")
	for waiting := true; waiting; { // run the UI until the peaks are searched
		select {
		case f := <-u.queue:
			f()
		case <-started:
			waiting = false
		}
	}
	for u.entries[0].stage != analysis.StagePeaks {
		(<-u.queue)() // the first load's progress
	}
	if got := u.entries[0].summary(); got != analysis.StagePeaks+"…" {
		t.Errorf("scan list shows %q while the peaks are searched", got)
	}
	u.Open("/data/slow.xy") // again: supersedes the first load
	u.wait()
	if !errors.Is(first, context.Canceled) {
		t.Errorf("the superseded load's context: %v, want cancelled", first)
	}
	// The first load's peak search, then the second's and its identification.
	if len(u.entries) != 1 || u.current == nil || u.current.a == nil || len(*errs) > 0 || b.nanalyses() != 3 || b.ncalls() != 1 {
		t.Errorf("after the second load: %d entries, shown %v, errors %q, %d analyses, %d identifications",
			len(u.entries), u.current, *errs, b.nanalyses(), b.ncalls())
	}
}
