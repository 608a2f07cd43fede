package app

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/internal/figure"
)

func newTestView(t *testing.T) (*PatternView, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	v := NewPatternView()
	a := synthetic(3751, diffraction.CuKa)
	v.SetScan(a.Scan, a.Background, a.Peaks)
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(800, 400))
	return v, w
}

func TestPatternViewZoomPanReset(t *testing.T) {
	v, w := newTestView(t)
	lo, hi := v.VisibleRange()
	if lo != 5 || hi != 80 {
		t.Fatalf("initial range %g–%g, want 5–80", lo, hi)
	}
	// One wheel notch up over the plot's middle zooms in about the pointer.
	// (test.Scroll does not pass the position: call the handler.)
	mid := v.r.plotPos.X + v.r.plotSize.Width/2
	x := v.r.dataX(mid)
	v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(mid, 100)}, Scrolled: fyne.NewDelta(0, 25)})
	lo, hi = v.VisibleRange()
	if math.Abs((hi-lo)-0.8*75) > 1e-9 {
		t.Errorf("after one notch the range is %g wide, want %g", hi-lo, 0.8*75)
	}
	if math.Abs(v.r.dataX(mid)-x) > 1e-6 {
		t.Errorf("the angle under the pointer moved from %g to %g", x, v.r.dataX(mid))
	}
	// Dragging right shows lower angles.
	test.Drag(w.Canvas(), fyne.NewPos(mid, 100).Add(v.Position()), 50, 0)
	lo2, _ := v.VisibleRange()
	if !(lo2 < lo) {
		t.Errorf("drag right: low edge %g, want below %g", lo2, lo)
	}
	// Panning never leaves the scan.
	v.Pan(-1000)
	if lo, _ := v.VisibleRange(); lo != 5 {
		t.Errorf("pan far left: low edge %g, want 5", lo)
	}
	test.DoubleTap(v)
	if lo, hi := v.VisibleRange(); lo != 5 || hi != 80 || v.XMax != 0 {
		t.Errorf("double tap: range %g–%g, want the whole scan", lo, hi)
	}
	// Zooming never goes below a few steps.
	v.Zoom(1e-6, 30)
	if lo, hi := v.VisibleRange(); hi-lo < 0.05-1e-12 {
		t.Errorf("zoomed to %g°, narrower than the 0.05° limit", hi-lo)
	}
}

func TestPatternViewHover(t *testing.T) {
	v, w := newTestView(t)
	var got []float64
	v.OnHover = func(x, d, y float64, ok bool) {
		if ok {
			got = []float64{x, d, y}
		} else {
			got = nil
		}
	}
	pos := v.Position().Add(fyne.NewPos(v.r.plotPos.X+v.r.screenX(26.64), v.r.plotPos.Y+20))
	test.MoveMouse(w.Canvas(), pos)
	if got == nil {
		t.Fatal("no hover read-out over the plot")
	}
	if math.Abs(got[0]-26.64) > 0.1 || math.Abs(got[1]-3.3435) > 0.02 || got[2] < 1000 {
		t.Errorf("read-out over quartz 101 = 2θ %g, d %g, I %g", got[0], got[1], got[2])
	}
	if s := v.r.hoverText.Text; !strings.Contains(s, "2θ 26.6") || !strings.Contains(s, "d 3.3") {
		t.Errorf("hover text %q", s)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if got != nil || v.r.hoverText.Visible() {
		t.Error("read-out still shown after leaving the plot")
	}
}

func TestPatternViewLabelsDoNotOverlap(t *testing.T) {
	for _, width := range []float32{360, 800, 1600} {
		v, w := newTestView(t)
		w.Resize(fyne.NewSize(width, 400))
		v.Refresh()
		labels := v.r.xLabels
		if len(labels) < 3 {
			t.Errorf("width %g: only %d x tick labels", width, len(labels))
		}
		for i := 1; i < len(labels); i++ {
			if labels[i-1].Position().X+labels[i-1].Size().Width+4 > labels[i].Position().X {
				t.Errorf("width %g: x labels %q and %q overlap", width, labels[i-1].Text, labels[i].Text)
			}
		}
		for i := 1; i < len(v.r.yLabels); i++ {
			a, b := v.r.yLabels[i-1], v.r.yLabels[i]
			if b.Position().Y+b.Size().Height > a.Position().Y {
				t.Errorf("width %g: y labels %q and %q overlap", width, a.Text, b.Text)
			}
		}
	}
}

func TestPatternViewEmpty(t *testing.T) {
	test.NewTempApp(t)
	v := NewPatternView()
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(400, 300))
	if !v.r.empty.Visible() || !strings.Contains(v.r.empty.Text, "Open") {
		t.Error("empty view shows no hint")
	}
	test.Scroll(w.Canvas(), fyne.NewPos(200, 150), 0, 25) // must not panic
	test.DoubleTap(v)
	img := w.Canvas().Capture()
	if img.Bounds().Dx() == 0 {
		t.Error("empty view did not render")
	}
}

func TestPolylineDecimationMatchesExtent(t *testing.T) {
	// A dense zig-zag squeezed into few columns must paint each column from
	// its minimum to its maximum.
	var c canvasRGBA
	c.resize(10, 100)
	c.fill(white)
	n := 1000
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = float64(i) / float64(n-1)
		y[i] = float64(i % 2) // 0,1,0,1…
	}
	tr := transform{x0: 0, sx: 9.999, y0: -0.5, sy: 50, oy: 99, scale: figure.Linear}
	c.polyline(x, y, 0, n-1, tr, 1, black)
	for col := range 10 {
		for _, row := range []int{int(tr.py(0)), int(tr.py(1)), int((tr.py(0) + tr.py(1)) / 2)} {
			if c.img.RGBAAt(col, row) != black {
				t.Errorf("column %d row %d not painted", col, row)
			}
		}
	}
}
