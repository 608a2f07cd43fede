package app

import (
	"image/png"
	"math"
	"os"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// manualUI opens a scan and chooses "Manual points" in the settings panel.
func manualUI(t *testing.T) (*testUI, *fakeServices) {
	t.Helper()
	b := newFake()
	u := newTestUI(t, b)
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/a.xy")
	u.wait()
	u.settings.background.SetSelected("Manual points")
	u.wait()
	if u.view.r == nil {
		test.WidgetRenderer(u.view)
	}
	return u, b
}

// lastPoints returns the control points of the latest analysis call.
func lastPoints(t *testing.T, b *fakeServices) []peaks.Point {
	t.Helper()
	c, _ := b.lastCall()
	if c.opt.Peaks.Background.Method != peaks.BackgroundManual {
		t.Fatalf("last call with background %q, want manual", c.opt.Peaks.Background.Method)
	}
	return c.opt.Peaks.Background.Points
}

func at(p fyne.Position) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: p}}
}

// TestManualBackgroundStarts: choosing "Manual points" samples the fitted
// background at 12 angles spread over the scan, shows them as handles and
// re-runs the analysis with them.
func TestManualBackgroundStarts(t *testing.T) {
	u, b := manualUI(t)
	pts := lastPoints(t, b)
	if len(pts) != manualStartPoints || pts[0].TwoTheta != 5 || pts[len(pts)-1].TwoTheta != 80 {
		t.Fatalf("points sent: %v, want %d from 5° to 80°", pts, manualStartPoints)
	}
	bg := &diffraction.Scan{TwoTheta: u.current.a.Scan.TwoTheta, Intensity: u.current.a.Background}
	for i, p := range pts {
		if want := bg.IntensityAt(p.TwoTheta); math.Abs(p.Intensity-want) > 1e-9 {
			t.Errorf("point %d at %g°: %g, background there %g", i, p.TwoTheta, p.Intensity, want)
		}
	}
	if len(u.view.Points) != len(pts) {
		t.Errorf("view shows %d handles, want %d", len(u.view.Points), len(pts))
	}
	if !strings.Contains(u.settingsLabel.Text, "manual background (12 points)") {
		t.Errorf("status shows %q", u.settingsLabel.Text)
	}
	if ws := u.workspace(); len(ws.ScanSettings[0].Peaks.Background.Points) != manualStartPoints {
		t.Error("the workspace does not keep the scan's control points")
	}

	// Another method hides the handles and, applied, drops the points.
	u.settings.background.SetSelected("SNIP")
	if len(u.view.Points) != 0 {
		t.Error("handles still shown with SNIP chosen")
	}
	u.ApplySettings()
	u.wait()
	if c, _ := b.lastCall(); c.opt.Peaks.Background.Method == peaks.BackgroundManual || c.opt.Peaks.Background.Points != nil {
		t.Errorf("after SNIP: background %+v", c.opt.Peaks.Background)
	}
}

// TestManualBackgroundDrag: dragging a handle moves that point (not the
// plot) and re-runs the analysis once, when the drag ends; a point cannot
// pass its neighbours or leave the plot; a drag off the handles pans.
func TestManualBackgroundDrag(t *testing.T) {
	u, b := manualUI(t)
	v := u.view
	before := append([]peaks.Point(nil), v.Points...)
	lo, hi := v.VisibleRange()
	n := b.ncalls()

	start := v.r.handlePos(v.Points[3])
	v.MouseDown(at(start))
	end := start.AddXY(15, -40)
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.AddXY(5, -10)}, Dragged: fyne.NewDelta(5, -10)})
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: end}, Dragged: fyne.NewDelta(10, -30)})
	if b.ncalls() != n {
		t.Error("the analysis re-ran during the drag")
	}
	v.MouseUp(at(end))
	v.DragEnd()
	u.wait()
	if b.ncalls() != n+1 {
		t.Fatalf("drag end made %d analysis calls, want 1", b.ncalls()-n)
	}
	if l, h := v.VisibleRange(); l != lo || h != hi {
		t.Errorf("dragging a handle panned the plot to %g–%g", l, h)
	}
	got := lastPoints(t, b)
	want := peaks.Point{TwoTheta: v.r.dataX(end.X), Intensity: v.r.dataY(end.Y)}
	if len(got) != len(before) || math.Abs(got[3].TwoTheta-want.TwoTheta) > 1e-9 || math.Abs(got[3].Intensity-want.Intensity) > 1e-9 {
		t.Fatalf("point 3 sent as %+v, want %+v", got[3], want)
	}
	if !(got[3].TwoTheta > before[3].TwoTheta && got[3].Intensity > before[3].Intensity) {
		t.Errorf("point 3 moved from %+v to %+v, want right and up", before[3], got[3])
	}
	for i := range got {
		if i != 3 && got[i] != before[i] {
			t.Errorf("point %d moved from %+v to %+v", i, before[i], got[i])
		}
	}

	// Far right and far up: stops short of its neighbour and at the top.
	start = v.r.handlePos(v.Points[3])
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start.AddXY(2000, -2000)}, Dragged: fyne.NewDelta(0, 0)})
	v.DragEnd()
	u.wait()
	got = lastPoints(t, b)
	if !(got[3].TwoTheta < got[4].TwoTheta) || got[3].Intensity > v.r.ymax+1e-9 {
		t.Errorf("point 3 dragged far: %+v, next %+v, top %g", got[3], got[4], v.r.ymax)
	}

	// A drag away from the handles pans and re-runs nothing.
	v.Zoom(0.5, 40)
	lo, _ = v.VisibleRange()
	n = b.ncalls()
	p := fyne.NewPos(v.r.plotPos.X+v.r.plotSize.Width/2, v.r.plotPos.Y+10)
	v.MouseDown(at(p))
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p.AddXY(50, 0)}, Dragged: fyne.NewDelta(50, 0)})
	v.MouseUp(at(p.AddXY(50, 0)))
	v.DragEnd()
	u.wait()
	if l, _ := v.VisibleRange(); !(l < lo) || b.ncalls() != n {
		t.Errorf("drag off the handles: low edge %g (was %g), %d analysis calls", l, lo, b.ncalls()-n)
	}
}

// TestManualBackgroundAddRemove: a secondary click on the plot adds a
// point there, one on a handle removes it; two points always remain.
func TestManualBackgroundAddRemove(t *testing.T) {
	u, b := manualUI(t)
	v := u.view
	// Between points 2 and 3, low in the plot.
	x := (v.Points[2].TwoTheta + v.Points[3].TwoTheta) / 2
	pos := fyne.NewPos(v.r.plotPos.X+v.r.screenX(x), v.r.plotPos.Y+v.r.plotSize.Height-20)
	test.TapSecondaryAt(v, pos)
	u.wait()
	got := lastPoints(t, b)
	if len(got) != manualStartPoints+1 || math.Abs(got[3].TwoTheta-v.r.dataX(pos.X)) > 1e-9 {
		t.Fatalf("after adding: %d points, point 3 at %g°, want %d and %g°", len(got), got[3].TwoTheta,
			manualStartPoints+1, v.r.dataX(pos.X))
	}
	for i := 1; i < len(got); i++ {
		if !(got[i].TwoTheta > got[i-1].TwoTheta) {
			t.Fatalf("points not sorted: %v", got)
		}
	}

	test.TapSecondaryAt(v, v.r.handlePos(v.Points[5]))
	u.wait()
	if got2 := lastPoints(t, b); len(got2) != manualStartPoints || got2[5] != got[6] {
		t.Fatalf("after removing point 5: %d points, point 5 %+v, want %d and %+v", len(got2), got2[5],
			manualStartPoints, got[6])
	}

	for len(v.Points) > 2 {
		test.TapSecondaryAt(v, v.r.handlePos(v.Points[1]))
		u.wait()
	}
	n := b.ncalls()
	test.TapSecondaryAt(v, v.r.handlePos(v.Points[0]))
	u.wait()
	if len(v.Points) != 2 || b.ncalls() != n || len(lastPoints(t, b)) != 2 {
		t.Errorf("removing below two: %d handles, %d calls", len(v.Points), b.ncalls()-n)
	}

	if dir := os.Getenv("BRAGG_CAPTURE"); dir != "" {
		u.settings.points = nil
		u.settings.background.SetSelected("SNIP")
		u.ApplySettings()
		u.wait()
		u.settings.background.SetSelected("Manual points")
		u.wait()
		f, err := os.Create(dir + "/manual.png")
		if err == nil {
			png.Encode(f, u.win.Canvas().Capture())
			f.Close()
		}
	}
}

// TestManualBackgroundNoScan: with no scan there is nothing to sample; the
// choice waits, and Apply says why.
func TestManualBackgroundNoScan(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	errs := captureErrors(u)
	u.settings.background.SetSelected("Manual points")
	u.ApplySettings()
	u.wait()
	if len(*errs) != 1 || !strings.Contains((*errs)[0], "2 control points") || b.ncalls() != 0 {
		t.Errorf("errors %q, %d calls", *errs, b.ncalls())
	}
}
