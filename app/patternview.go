package app

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/figure"
)

// Overlay is the stick pattern of one reference phase, drawn as a row of
// the stick pane under the pattern: refdb.Phase.Sticks at the scan's
// wavelength, heights relative to the phase's strongest line.
type Overlay struct {
	Name   string // shown in the legend and the read-out
	Color  color.NRGBA
	Sticks []refdb.Stick
}

// Trace is another scan drawn with the one on display (overlay or
// waterfall).
type Trace struct {
	Name  string
	Color color.NRGBA
	Scan  *diffraction.Scan
}

// PatternView is an interactive plot of a powder pattern: the measured
// trace, its background, markers over the peaks found, other scans
// overlaid or offset (waterfall), a whole-pattern fit with its difference
// curve in a strip under the pattern, and the stick patterns of reference
// phases in a pane under that, one row each. The horizontal axis shows 2θ,
// d or Q, the intensity a linear, square-root or log scale.
//
// The mouse wheel zooms the horizontal axis about the pointer (with Ctrl,
// the intensity axis, its bottom fixed); dragging pans; Shift+drag (or a
// drag with BoxZoom set) draws a box to zoom into on both axes; dragging
// up or down over the intensity labels zooms the intensity only; a double
// click shows everything again. Hovering reads out 2θ, d and the intensity
// there, and over the stick pane the phase, hkl, d and intensity of the
// nearest line. With Points set it edits a manual background: see Points.
//
// The exported fields are its state: set them and call Refresh.
type PatternView struct {
	widget.BaseWidget

	Scan       *diffraction.Scan  // the data trace; nil shows a hint
	Name       string             // the scan's name: the legend's with other traces (else "Measured"), an export's title
	Color      color.NRGBA        // of the data trace; the zero value is the theme's
	Background []float64          // one value per point of Scan, or nil
	Peaks      []diffraction.Peak // marked with a tick above the trace
	// Unexplained, when as long as Peaks, sets apart the peaks no phase
	// explains: their ticks have a colour of their own.
	Unexplained []bool
	Overlays    []Overlay // reference sticks, one pane row each, in legend order
	Traces      []Trace   // other scans, drawn under Scan
	// Offset separates the traces of a waterfall: trace i (Scan is 0) is
	// lifted by i·Offset times the height of Scan on the intensity scale.
	// 0 overlays them.
	Offset float64
	Fit    *Fit // a whole-pattern fit of Scan, or nil

	// XUnit and YScale are the axis unit (2θ, d, Q) and the intensity
	// scale. A d or Q axis needs the scan's wavelength; without one the
	// axis stays in 2θ.
	XUnit  figure.XUnit
	YScale figure.YScale
	// Labels writes the hkl of the strongest lines of each stick row.
	Labels bool
	// BoxZoom makes a drag draw a zoom box (Shift+drag pans); otherwise a
	// drag pans and Shift+drag draws the box.
	BoxZoom bool

	// XMin and XMax bound the visible range, as angles 2θ of Scan in
	// degrees whatever the unit; when XMax <= XMin everything is shown.
	XMin, XMax float64
	// YMin and YMax bound the intensity range, in the scan's units; when
	// YMax <= YMin it follows the data in view.
	YMin, YMax float64

	// Selected is the index into Peaks of a highlighted peak, -1 for none.
	Selected int

	// Empty is the hint shown when Scan is nil.
	Empty string

	// OnHover, if not nil, is called as the pointer moves over the plot
	// with the 2θ under it, the d-spacing (NaN when the wavelength is
	// unknown) and the scan's intensity at that 2θ; ok is false when the
	// pointer leaves.
	OnHover func(twoTheta, d, intensity float64, ok bool)

	// Points are the control points of a manual background, sorted by 2θ,
	// drawn as handles: dragging a handle moves it, a secondary click on
	// the plot adds a point and one on a handle removes it (never below
	// two). Empty shows no handles and edits nothing.
	Points []peaks.Point
	// OnPointsChanged, if not nil, receives a copy of Points when a drag
	// of a handle ends or a point is added or removed.
	OnPointsChanged func([]peaks.Point)

	r        *patternRenderer // set by CreateRenderer, for hover and hit tests
	drag     dragKind         // what the drag in progress does
	grab     int              // index in Points of the handle being dragged, -1 for none
	pressed  bool             // a mouse button is down…
	pressAt  fyne.Position    // …since it went down here…
	pressMod fyne.KeyModifier // …with these modifiers
	boxFrom  fyne.Position    // where the zoom box started
}

// dragKind is what a drag does, decided where it starts.
type dragKind int

const (
	dragNone   dragKind = iota
	dragPan             // moves the view
	dragHandle          // moves a background control point
	dragBox             // draws a zoom box
	dragY               // zooms the intensity (over the intensity labels)
)

// unexplained reports whether the i-th peak is set apart as unexplained.
func (v *PatternView) unexplained(i int) bool {
	return len(v.Unexplained) == len(v.Peaks) && v.Unexplained[i]
}

// unexplainedPeaks counts the peaks set apart as unexplained.
func (v *PatternView) unexplainedPeaks() int {
	n := 0
	for i := range v.Peaks {
		if v.unexplained(i) {
			n++
		}
	}
	return n
}

// NewPatternView returns an empty view.
func NewPatternView() *PatternView {
	v := &PatternView{Selected: -1, grab: -1, Empty: "Open a scan: File ▸ Open… (Ctrl+O)"}
	v.ExtendBaseWidget(v)
	return v
}

// SetScan shows a new pattern at full range and clears the overlays, the
// fit and the selection.
func (v *PatternView) SetScan(s *diffraction.Scan, background []float64, peaks []diffraction.Peak) {
	v.Scan, v.Background, v.Peaks = s, background, peaks
	v.Overlays, v.Fit, v.Unexplained = nil, nil, nil
	v.XMin, v.XMax, v.YMin, v.YMax = 0, 0, 0, 0
	v.Selected = -1
	v.Refresh()
}

// SetXUnit shows the horizontal axis in u, keeping the range in view.
func (v *PatternView) SetXUnit(u figure.XUnit) {
	v.XUnit = u
	v.Refresh()
}

// SetYScale shows the intensity on scale s, following the data in view.
func (v *PatternView) SetYScale(s figure.YScale) {
	v.YScale = s
	v.YMin, v.YMax = 0, 0
	v.Refresh()
}

// ResetZoom shows everything: the whole horizontal range and the
// intensities in it.
func (v *PatternView) ResetZoom() {
	v.XMin, v.XMax, v.YMin, v.YMax = 0, 0, 0, 0
	v.Refresh()
}

// Zoom narrows (factor < 1) or widens (factor > 1) the visible range,
// keeping the angle keep (2θ of Scan) in place on the axis.
func (v *PatternView) Zoom(factor, keep float64) {
	lo, hi := v.visibleCoords()
	if !(factor > 0) || !(hi > lo) {
		return
	}
	k := v.coord(keep)
	v.setCoords(k-(k-lo)*factor, k+(hi-k)*factor)
}

// ZoomY narrows (factor < 1) or widens (factor > 1) the intensity range on
// its scale, keeping its bottom: an intensity zoom into the weak peaks.
func (v *PatternView) ZoomY(factor float64) {
	if v.r == nil || !(factor > 0) {
		return
	}
	lo, hi := v.r.ymin, v.r.ymax
	v.setYCoords(lo, lo+(hi-lo)*factor)
}

// Pan shifts the visible range by delta degrees of 2θ (measured at the
// middle of the view on a d or Q axis).
func (v *PatternView) Pan(delta float64) {
	lo, hi := v.VisibleRange()
	m := (lo + hi) / 2
	d := v.coord(m+delta/2) - v.coord(m-delta/2)
	clo, chi := v.visibleCoords()
	v.setCoords(clo+d, chi+d)
}

// VisibleRange returns the range on screen as angles 2θ of Scan.
func (v *PatternView) VisibleRange() (lo, hi float64) {
	clo, chi := v.visibleCoords()
	return v.twoTheta(clo), v.twoTheta(chi)
}

// unit is the unit the axis can show: 2θ when the scan's wavelength is
// unknown.
func (v *PatternView) unit() figure.XUnit {
	if v.Scan == nil || !v.Scan.Wavelength.Known() {
		return figure.TwoTheta
	}
	return v.XUnit
}

func (v *PatternView) lambda() float64 {
	if v.Scan == nil {
		return 0
	}
	return v.Scan.Wavelength.Ka1
}

// coord maps an angle 2θ of Scan to the axis coordinate, and twoTheta
// back.
func (v *PatternView) coord(twoTheta float64) float64 {
	return v.unit().Coord(twoTheta, v.lambda())
}

func (v *PatternView) twoTheta(c float64) float64 { return v.unit().TwoThetaAt(c, v.lambda()) }

// traceCoords returns the axis coordinates of the first and last point of
// s, with ok false when s cannot be shown on the axis (no wavelength for
// a d or Q axis).
func (v *PatternView) traceCoords(s *diffraction.Scan) (lo, hi float64, ok bool) {
	u := v.unit()
	if s == nil || s.Len() < 2 || (u != figure.TwoTheta && !s.Wavelength.Known()) {
		return 0, 0, false
	}
	l := s.Wavelength.Ka1
	return u.Coord(s.TwoTheta[0], l), u.Coord(s.TwoTheta[s.Len()-1], l), true
}

// fullCoords is the axis range of everything drawn: Scan and the traces,
// up to where Scan's wavelength reaches (2θ = 180°).
func (v *PatternView) fullCoords() (lo, hi float64, ok bool) {
	lo, hi, ok = v.traceCoords(v.Scan)
	if !ok {
		return 0, 0, false
	}
	for _, t := range v.Traces {
		if a, b, ok := v.traceCoords(t.Scan); ok {
			lo, hi = min(lo, a), max(hi, b)
		}
	}
	if v.unit() != figure.TwoTheta {
		hi = min(hi, v.coord(179.9))
	}
	return lo, hi, true
}

func (v *PatternView) visibleCoords() (lo, hi float64) {
	flo, fhi, ok := v.fullCoords()
	if !ok {
		return 0, 1
	}
	if v.XMax <= v.XMin {
		return flo, fhi
	}
	return v.coord(v.XMin), v.coord(v.XMax)
}

// setCoords shows the axis coordinates lo–hi, clamped into the full range
// and at least a few steps of Scan wide, and refreshes.
func (v *PatternView) setCoords(lo, hi float64) {
	flo, fhi, ok := v.fullCoords()
	if !ok || math.IsNaN(lo+hi) {
		return
	}
	mid := v.twoTheta((lo + hi) / 2)
	w := math.Max(10*v.Scan.Step(), 0.05) / 2
	if minW := v.coord(mid+w) - v.coord(mid-w); hi-lo < minW {
		c := (lo + hi) / 2
		lo, hi = c-minW/2, c+minW/2
	}
	if hi-lo >= fhi-flo {
		v.XMin, v.XMax = 0, 0
		v.Refresh()
		return
	}
	if lo < flo {
		lo, hi = flo, hi+flo-lo
	}
	if hi > fhi {
		lo, hi = lo-(hi-fhi), fhi
	}
	v.XMin, v.XMax = v.twoTheta(lo), v.twoTheta(hi)
	v.Refresh()
}

// setYCoords shows the intensity-scale coordinates lo–hi.
func (v *PatternView) setYCoords(lo, hi float64) {
	if !(hi > lo) || math.IsInf(hi-lo, 0) {
		return
	}
	v.YMin, v.YMax = v.YScale.Value(lo), v.YScale.Value(hi)
	v.Refresh()
}

// Scrolled zooms about the pointer (vertical wheel; with Ctrl, the
// intensity) or pans (horizontal).
func (v *PatternView) Scrolled(ev *fyne.ScrollEvent) {
	if v.r == nil || v.Scan == nil {
		return
	}
	if ev.Scrolled.DY != 0 {
		// 25 units is one wheel notch with the desktop driver on Linux and
		// Windows; each notch zooms by 20 %.
		f := math.Pow(0.8, float64(ev.Scrolled.DY)/25)
		if keyModifiers()&fyne.KeyModifierControl != 0 {
			v.ZoomY(f)
			return
		}
		v.Zoom(f, v.r.dataX(ev.Position.X))
		return
	}
	if ev.Scrolled.DX != 0 {
		lo, hi := v.visibleCoords()
		d := -float64(ev.Scrolled.DX) / float64(max(v.r.plotSize.Width, 1)) * (hi - lo)
		v.setCoords(lo+d, hi+d)
	}
}

// keyModifiers returns the keyboard modifiers held, as the desktop driver
// knows them (none with other drivers). Tests replace it.
var keyModifiers = func() fyne.KeyModifier {
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()
	}
	return 0
}

// Dragged moves the background handle the drag started on, zooms the
// intensity (a drag over its labels), draws a zoom box or pans.
func (v *PatternView) Dragged(ev *fyne.DragEvent) {
	if v.r == nil || v.Scan == nil {
		return
	}
	if v.drag == dragNone {
		start := ev.Position.Subtract(ev.Dragged)
		mod := fyne.KeyModifier(0)
		if v.pressed {
			start, mod = v.pressAt, v.pressMod
		}
		v.drag = v.dragKindAt(start, mod)
		v.boxFrom = start
	}
	r := v.r
	switch v.drag {
	case dragHandle:
		v.movePoint(v.grab, ev.Position)
	case dragBox:
		r.showBox(v.boxFrom, ev.Position)
	case dragY:
		lo, hi := r.ymin, r.ymax
		// Up magnifies: 100 units double or halve the range.
		v.setYCoords(lo, lo+(hi-lo)*math.Pow(2, float64(ev.Dragged.DY)/100))
	default:
		lo, hi := v.visibleCoords()
		d := -float64(ev.Dragged.DX) / float64(max(r.plotSize.Width, 1)) * (hi - lo)
		if v.YMax > v.YMin { // a zoomed intensity pans too
			dy := float64(ev.Dragged.DY) / float64(max(r.plotSize.Height, 1)) * (r.ymax - r.ymin)
			v.YMin, v.YMax = v.YScale.Value(r.ymin+dy), v.YScale.Value(r.ymax+dy)
		}
		v.setCoords(lo+d, hi+d)
	}
	r.hoverAt(ev.Position)
}

// dragKindAt decides what a drag starting at pos with the modifiers mod
// does.
func (v *PatternView) dragKindAt(pos fyne.Position, mod fyne.KeyModifier) dragKind {
	r := v.r
	if v.grab = v.handleAt(pos); v.grab >= 0 {
		return dragHandle
	}
	if pos.X < r.plotPos.X && pos.Y >= r.plotPos.Y && pos.Y <= r.plotPos.Y+r.plotSize.Height {
		return dragY
	}
	if v.BoxZoom != (mod&fyne.KeyModifierShift != 0) {
		return dragBox
	}
	return dragPan
}

// DragEnd ends a drag: it zooms into the box drawn, or reports the move
// of a handle (OnPointsChanged).
func (v *PatternView) DragEnd() {
	kind := v.drag
	v.drag = dragNone
	switch {
	case kind == dragBox && v.r != nil:
		v.zoomToBox(v.r.hideBox())
	case v.grab >= 0:
		v.grab = -1
		v.Refresh()
		v.pointsChanged()
	}
}

// zoomToBox shows the box with corners from and to (widget coordinates):
// its horizontal extent, and its vertical one when it starts in the
// pattern (not in the strip or pane under it). A box less than a few
// units wide or high leaves that axis alone.
func (v *PatternView) zoomToBox(from, to fyne.Position) {
	r := v.r
	const least = 5
	x0, x1 := min(from.X, to.X), max(from.X, to.X)
	y0, y1 := min(from.Y, to.Y), max(from.Y, to.Y)
	inPattern := from.Y <= r.plotPos.Y+r.plotSize.Height
	if y1-y0 >= least && inPattern {
		y1 = min(y1, r.plotPos.Y+r.plotSize.Height)
		v.YMin, v.YMax = v.YScale.Value(r.coordY(y1)), v.YScale.Value(r.coordY(y0))
	}
	if x1-x0 >= least {
		v.setCoords(r.coordX(x0), r.coordX(x1))
		return
	}
	v.Refresh()
}

// MouseDown remembers where a drag may start and with which modifiers:
// the desktop driver reports a drag only once the pointer has moved a
// little.
func (v *PatternView) MouseDown(ev *desktop.MouseEvent) {
	v.pressed, v.pressAt, v.pressMod = true, ev.Position, ev.Modifier
}

// MouseUp ends the press.
func (v *PatternView) MouseUp(*desktop.MouseEvent) { v.pressed = false }

// DoubleTapped shows everything.
func (v *PatternView) DoubleTapped(*fyne.PointEvent) { v.ResetZoom() }

// MouseIn starts the read-out.
func (v *PatternView) MouseIn(ev *desktop.MouseEvent) { v.MouseMoved(ev) }

// MouseMoved updates the read-out.
func (v *PatternView) MouseMoved(ev *desktop.MouseEvent) {
	if v.r != nil {
		v.r.hoverAt(ev.Position)
	}
}

// MouseOut hides the read-out.
func (v *PatternView) MouseOut() {
	if v.r != nil {
		v.r.hoverAt(fyne.NewPos(-1, -1))
	}
}

// Cursor is a crosshair over the plot.
func (v *PatternView) Cursor() desktop.Cursor { return desktop.CrosshairCursor }

// MinSize keeps room for axes and a readable trace.
func (v *PatternView) MinSize() fyne.Size { return fyne.NewSize(320, 200) }

// CreateRenderer returns the view's renderer.
func (v *PatternView) CreateRenderer() fyne.WidgetRenderer {
	r := &patternRenderer{v: v, stickAt: noStick}
	r.raster = canvas.NewRaster(r.draw)
	r.xTitle = canvas.NewText("2θ (°)", color.Black)
	r.yTitle = canvas.NewText("Intensity (counts)", color.Black)
	r.empty = canvas.NewText("", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.legendBg = canvas.NewRectangle(color.White)
	r.hoverBg = canvas.NewRectangle(color.White)
	r.hoverText = canvas.NewText("", color.Black)
	r.cursor = canvas.NewLine(color.Black)
	r.box = canvas.NewRectangle(color.Transparent)
	for _, o := range []fyne.CanvasObject{r.hoverBg, r.hoverText, r.cursor, r.box} {
		o.Hide()
	}
	v.r = r
	r.applyTheme()
	return r
}
