package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// Stick is one reference line drawn as a vertical bar from the bottom of
// the plot.
type Stick struct {
	TwoTheta float64 // position, degrees
	Height   float64 // length in the scan's intensity units
}

// Overlay is the stick pattern of one reference phase.
type Overlay struct {
	Name   string // shown in the legend
	Color  color.NRGBA
	Sticks []Stick
}

// PatternView is an interactive plot of a powder pattern: the measured
// trace, its background, markers over the peaks found and the stick
// patterns of reference phases. The mouse wheel zooms the 2θ axis about the
// pointer, dragging pans, a double click shows the whole scan, and hovering
// reads out 2θ, d and the intensity there. With Points set it edits a
// manual background: see Points.
//
// The exported fields are its state: set them and call Refresh.
type PatternView struct {
	widget.BaseWidget

	Scan       *diffraction.Scan  // the data trace; nil shows a hint
	Background []float64          // one value per point of Scan, or nil
	Peaks      []diffraction.Peak // marked with a tick above the trace
	Overlays   []Overlay          // reference sticks, in legend order

	// XMin and XMax bound the visible 2θ range in degrees; when XMax <= XMin
	// the whole scan is shown.
	XMin, XMax float64

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

	r       *patternRenderer // set by CreateRenderer, for hover and hit tests
	dragged bool
	grab    int           // index in Points of the handle being dragged, -1 for none
	pressed bool          // a mouse button is down…
	pressAt fyne.Position // …since it went down here
}

// NewPatternView returns an empty view.
func NewPatternView() *PatternView {
	v := &PatternView{Selected: -1, grab: -1, Empty: "Open a scan: File ▸ Open… (Ctrl+O)"}
	v.ExtendBaseWidget(v)
	return v
}

// SetScan shows a new pattern at full range and clears the overlays and
// the selection.
func (v *PatternView) SetScan(s *diffraction.Scan, background []float64, peaks []diffraction.Peak) {
	v.Scan, v.Background, v.Peaks = s, background, peaks
	v.Overlays = nil
	v.XMin, v.XMax = 0, 0
	v.Selected = -1
	v.Refresh()
}

// ResetZoom shows the whole scan.
func (v *PatternView) ResetZoom() {
	v.XMin, v.XMax = 0, 0
	v.Refresh()
}

// Zoom narrows (factor < 1) or widens (factor > 1) the visible 2θ range,
// keeping the angle keep in place.
func (v *PatternView) Zoom(factor, keep float64) {
	lo, hi := v.visibleRange()
	if !(factor > 0) || !(hi > lo) {
		return
	}
	v.setRange(keep-(keep-lo)*factor, keep+(hi-keep)*factor)
}

// Pan shifts the visible range by delta degrees.
func (v *PatternView) Pan(delta float64) {
	lo, hi := v.visibleRange()
	v.setRange(lo+delta, hi+delta)
}

// VisibleRange returns the 2θ range on screen.
func (v *PatternView) VisibleRange() (lo, hi float64) { return v.visibleRange() }

func (v *PatternView) fullRange() (lo, hi float64, ok bool) {
	if v.Scan == nil || len(v.Scan.TwoTheta) < 2 {
		return 0, 0, false
	}
	return v.Scan.TwoTheta[0], v.Scan.TwoTheta[len(v.Scan.TwoTheta)-1], true
}

func (v *PatternView) visibleRange() (lo, hi float64) {
	flo, fhi, ok := v.fullRange()
	if !ok {
		return 0, 1
	}
	if v.XMax <= v.XMin {
		return flo, fhi
	}
	return v.XMin, v.XMax
}

// setRange clamps [lo, hi] into the scan, keeps it at least a few steps
// wide, and refreshes.
func (v *PatternView) setRange(lo, hi float64) {
	flo, fhi, ok := v.fullRange()
	if !ok {
		return
	}
	minW := math.Max(10*v.Scan.Step(), 0.05)
	if hi-lo < minW {
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
	v.XMin, v.XMax = lo, hi
	v.Refresh()
}

// Scrolled zooms about the pointer (vertical wheel) or pans (horizontal).
func (v *PatternView) Scrolled(ev *fyne.ScrollEvent) {
	if v.r == nil || v.Scan == nil {
		return
	}
	if ev.Scrolled.DY != 0 {
		// 25 units is one wheel notch with the desktop driver on Linux and
		// Windows; each notch zooms by 20 %.
		f := math.Pow(0.8, float64(ev.Scrolled.DY)/25)
		v.Zoom(f, v.r.dataX(ev.Position.X))
		return
	}
	if ev.Scrolled.DX != 0 {
		lo, hi := v.visibleRange()
		v.Pan(-float64(ev.Scrolled.DX) / float64(max(v.r.plotSize.Width, 1)) * (hi - lo))
	}
}

// Dragged moves the background handle the drag started on, or else pans
// the plot with the pointer.
func (v *PatternView) Dragged(ev *fyne.DragEvent) {
	if v.r == nil || v.Scan == nil {
		return
	}
	if !v.dragged {
		start := ev.Position.Subtract(ev.Dragged)
		if v.pressed {
			start = v.pressAt
		}
		v.grab = v.handleAt(start)
	}
	v.dragged = true
	if v.grab >= 0 && v.grab < len(v.Points) {
		v.movePoint(v.grab, ev.Position)
		v.r.hoverAt(ev.Position)
		return
	}
	lo, hi := v.visibleRange()
	v.Pan(-float64(ev.Dragged.DX) / float64(max(v.r.plotSize.Width, 1)) * (hi - lo))
	v.r.hoverAt(ev.Position)
}

// DragEnd ends a pan or the move of a handle, which it reports
// (OnPointsChanged).
func (v *PatternView) DragEnd() {
	v.dragged = false
	if v.grab >= 0 {
		v.grab = -1
		v.Refresh()
		v.pointsChanged()
	}
}

// MouseDown remembers where a drag may start: the desktop driver reports a
// drag only once the pointer has moved a little.
func (v *PatternView) MouseDown(ev *desktop.MouseEvent) { v.pressed, v.pressAt = true, ev.Position }

// MouseUp ends the press.
func (v *PatternView) MouseUp(*desktop.MouseEvent) { v.pressed = false }

// DoubleTapped shows the whole scan.
func (v *PatternView) DoubleTapped(*fyne.PointEvent) { v.ResetZoom() }

// MouseIn starts the read-out.
func (v *PatternView) MouseIn(ev *desktop.MouseEvent) { v.MouseMoved(ev) }

// MouseMoved updates the read-out of 2θ, d and intensity.
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
	r := &patternRenderer{v: v}
	r.raster = canvas.NewRaster(r.draw)
	r.xTitle = canvas.NewText("2θ (°)", color.Black)
	r.yTitle = canvas.NewText("Intensity (counts)", color.Black)
	r.empty = canvas.NewText("", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.legendBg = canvas.NewRectangle(color.White)
	r.hoverBg = canvas.NewRectangle(color.White)
	r.hoverText = canvas.NewText("", color.Black)
	r.cursor = canvas.NewLine(color.Black)
	r.hoverBg.Hide()
	r.hoverText.Hide()
	r.cursor.Hide()
	v.r = r
	r.applyTheme()
	return r
}

// scheme holds the plot's colours for the current theme variant.
type scheme struct {
	bg, frame, grid, trace, backg, marker, selected color.RGBA
}

func rgba(c color.Color) color.RGBA {
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

type patternRenderer struct {
	v      *PatternView
	raster *canvas.Raster
	cv     canvasRGBA

	xLabels, yLabels []*canvas.Text
	xTitle, yTitle   *canvas.Text
	empty            *canvas.Text
	legendBg         *canvas.Rectangle
	legendSw         []*canvas.Rectangle
	legendTx         []*canvas.Text
	hoverBg          *canvas.Rectangle
	hoverText        *canvas.Text
	cursor           *canvas.Line

	pal scheme

	// Geometry and scales, computed by Layout and used by draw.
	size                   fyne.Size
	plotPos                fyne.Position
	plotSize               fyne.Size
	xmin, xmax, ymin, ymax float64
	xStep, yStep           float64
	xTicks, yTicks         []float64
	labelW                 float32 // widest y label so far, for a steady margin
	shown                  *diffraction.Scan
}

func (r *patternRenderer) applyTheme() {
	th := r.v.Theme()
	vr := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, vr)
	bg := rgba(th.Color(theme.ColorNameBackground, vr))
	dark := 0.299*float64(bg.R)+0.587*float64(bg.G)+0.114*float64(bg.B) < 128
	if dark {
		r.pal = scheme{
			bg: color.RGBA{0x1e, 0x1f, 0x24, 0xff}, frame: color.RGBA{0xc8, 0xc8, 0xc8, 0xff},
			grid: color.RGBA{0x34, 0x36, 0x3c, 0xff}, trace: color.RGBA{0x8a, 0xb4, 0xf8, 0xff},
			backg: color.RGBA{0x90, 0x90, 0x90, 0xff}, marker: color.RGBA{0xff, 0x6b, 0x6b, 0xff},
			selected: color.RGBA{0xff, 0xd5, 0x4f, 0xff},
		}
	} else {
		r.pal = scheme{
			bg: color.RGBA{0xff, 0xff, 0xff, 0xff}, frame: color.RGBA{0x30, 0x30, 0x30, 0xff},
			grid: color.RGBA{0xea, 0xea, 0xea, 0xff}, trace: color.RGBA{0x1f, 0x3f, 0x9f, 0xff},
			backg: color.RGBA{0xa0, 0xa0, 0xa0, 0xff}, marker: color.RGBA{0xd6, 0x27, 0x28, 0xff},
			selected: color.RGBA{0xff, 0x9f, 0x00, 0xff},
		}
	}
	for _, t := range []*canvas.Text{r.xTitle, r.yTitle, r.empty, r.hoverText} {
		t.Color = fg
	}
	for _, t := range r.xLabels {
		t.Color = fg
	}
	for _, t := range r.yLabels {
		t.Color = fg
	}
	for _, t := range r.legendTx {
		t.Color = fg
	}
	lb := color.NRGBA{r.pal.bg.R, r.pal.bg.G, r.pal.bg.B, 0xe6}
	r.legendBg.FillColor = lb
	r.legendBg.StrokeColor = th.Color(theme.ColorNameSeparator, vr)
	r.legendBg.StrokeWidth = 1
	r.hoverBg.FillColor = lb
	r.hoverBg.StrokeColor = r.legendBg.StrokeColor
	r.hoverBg.StrokeWidth = 1
	r.cursor.StrokeColor = color.NRGBA{0x80, 0x80, 0x80, 0xa0}
	r.cursor.StrokeWidth = 1
	ts := th.Size(theme.SizeNameText)
	r.xTitle.TextSize, r.yTitle.TextSize = ts, ts
	r.empty.TextSize = ts * 1.15
	r.hoverText.TextSize = th.Size(theme.SizeNameCaptionText) + 1
	r.hoverText.TextStyle = fyne.TextStyle{Monospace: true}
}

func (r *patternRenderer) Destroy() {}

func (r *patternRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *patternRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 8+len(r.xLabels)+len(r.yLabels)+2*len(r.legendTx))
	objs = append(objs, r.raster, r.cursor, r.xTitle, r.yTitle, r.empty)
	for _, t := range r.xLabels {
		objs = append(objs, t)
	}
	for _, t := range r.yLabels {
		objs = append(objs, t)
	}
	objs = append(objs, r.legendBg)
	for i := range r.legendTx {
		objs = append(objs, r.legendSw[i], r.legendTx[i])
	}
	return append(objs, r.hoverBg, r.hoverText)
}

func (r *patternRenderer) Refresh() {
	r.applyTheme()
	r.Layout(r.size)
	r.raster.Refresh()
	for _, o := range r.Objects()[1:] {
		o.Refresh()
	}
}

// textPool grows or shrinks *pool to n texts of the given size.
func (r *patternRenderer) textPool(pool *[]*canvas.Text, n int, size float32) {
	for len(*pool) < n {
		t := canvas.NewText("", color.Black)
		*pool = append(*pool, t)
	}
	*pool = (*pool)[:n]
	fg := r.v.Theme().Color(theme.ColorNameForeground, fyne.CurrentApp().Settings().ThemeVariant())
	for _, t := range *pool {
		t.TextSize = size
		t.Color = fg
	}
}

// visibleY returns the intensity range over the visible 2θ range,
// including background and stick tops.
func (r *patternRenderer) visibleY(lo, hi int) (ymin, ymax float64) {
	s := r.v.Scan
	ymin, ymax = math.Inf(1), math.Inf(-1)
	for i := lo; i <= hi; i++ {
		ymin = math.Min(ymin, s.Intensity[i])
		ymax = math.Max(ymax, s.Intensity[i])
	}
	for _, o := range r.v.Overlays {
		for _, st := range o.Sticks {
			if st.TwoTheta >= r.xmin && st.TwoTheta <= r.xmax {
				ymax = math.Max(ymax, st.Height)
			}
		}
	}
	if ymin > 0 {
		ymin = 0 // counts: keep the zero line, as diffraction programs do
	}
	if !(ymax > ymin) {
		ymax = ymin + 1
	}
	// Headroom for the peak markers above the tallest peak.
	ymax += 0.1 * (ymax - ymin)
	return ymin, ymax
}

// indexRange returns the indices of the first and last points to draw for
// the visible range: one beyond each edge so lines leave the plot cleanly.
func (r *patternRenderer) indexRange() (lo, hi int) {
	x := r.v.Scan.TwoTheta
	lo = sort.SearchFloat64s(x, r.xmin) - 1
	hi = sort.SearchFloat64s(x, r.xmax)
	return max(lo, 0), min(hi, len(x)-1)
}

func (r *patternRenderer) Layout(size fyne.Size) {
	r.size = size
	v := r.v
	th := v.Theme()
	pad := th.Size(theme.SizeNamePadding)
	small := th.Size(theme.SizeNameCaptionText) + 1
	labelH := fyne.MeasureText("0", small, fyne.TextStyle{}).Height
	titleH := fyne.MeasureText("2θ", r.xTitle.TextSize, fyne.TextStyle{}).Height

	r.raster.Move(fyne.NewPos(0, 0))
	if v.Scan == nil || len(v.Scan.TwoTheta) < 2 {
		r.textPool(&r.xLabels, 0, small)
		r.textPool(&r.yLabels, 0, small)
		r.layoutLegend(nil, small)
		r.xTicks, r.yTicks = nil, nil
		r.plotPos, r.plotSize = fyne.NewPos(0, 0), size
		r.raster.Resize(size)
		r.xTitle.Hide()
		r.yTitle.Hide()
		r.empty.Text = v.Empty
		r.empty.Show()
		es := r.empty.MinSize()
		r.empty.Move(fyne.NewPos(0, (size.Height-es.Height)/2))
		r.empty.Resize(fyne.NewSize(size.Width, es.Height))
		r.hoverAt(fyne.NewPos(-1, -1))
		return
	}
	if r.shown != v.Scan {
		r.shown, r.labelW = v.Scan, 0
	}
	r.empty.Hide()
	r.xTitle.Show()
	r.yTitle.Show()

	r.xmin, r.xmax = v.visibleRange()
	lo, hi := r.indexRange()
	r.ymin, r.ymax = r.visibleY(lo, hi)

	top := titleH + pad
	bottom := labelH + titleH + 2*pad
	right := 2 * pad
	plotH := max(size.Height-top-bottom, 10)

	// Y ticks about every 40 units of height.
	r.yStep = niceStep(r.ymax-r.ymin, max(int(plotH/40), 2))
	r.yTicks = ticks(r.ymin, r.ymax, r.yStep)
	r.textPool(&r.yLabels, len(r.yTicks), small)
	labelW := float32(0)
	for i, t := range r.yTicks {
		r.yLabels[i].Text = tickLabel(t, r.yStep)
		labelW = max(labelW, r.yLabels[i].MinSize().Width)
	}
	// The margin only grows while a scan is shown, so that zooming does not
	// shift the plot sideways under the pointer.
	r.labelW = max(r.labelW, labelW)
	left := r.labelW + 2*pad
	plotW := max(size.Width-left-right, 10)
	r.plotPos = fyne.NewPos(left, top)
	r.plotSize = fyne.NewSize(plotW, plotH)
	r.raster.Move(r.plotPos)
	r.raster.Resize(r.plotSize)

	// X ticks: spacing from the widest label so labels never touch.
	wide := fyne.MeasureText(tickLabel(r.xmax, niceStep(r.xmax-r.xmin, 10))+"00", small, fyne.TextStyle{}).Width
	n := max(int(plotW/max(wide+3*pad, 60)), 2)
	r.xStep = niceStep(r.xmax-r.xmin, n)
	r.xTicks = ticks(r.xmin, r.xmax, r.xStep)
	r.textPool(&r.xLabels, len(r.xTicks), small)
	for i, t := range r.xTicks {
		l := r.xLabels[i]
		l.Text = tickLabel(t, r.xStep)
		ms := l.MinSize()
		x := r.plotPos.X + r.screenX(t) - ms.Width/2
		l.Move(fyne.NewPos(x, top+plotH+pad/2))
		l.Resize(ms)
	}
	for i, t := range r.yTicks {
		l := r.yLabels[i]
		ms := l.MinSize()
		y := top + r.screenY(t) - ms.Height/2
		l.Move(fyne.NewPos(left-pad-ms.Width, y))
		l.Resize(ms)
	}
	xs := r.xTitle.MinSize()
	r.xTitle.Move(fyne.NewPos(left+(plotW-xs.Width)/2, top+plotH+pad/2+labelH+pad/2))
	r.xTitle.Resize(xs)
	ys := r.yTitle.MinSize()
	r.yTitle.Move(fyne.NewPos(pad, (top-ys.Height)/2))
	r.yTitle.Resize(ys)

	r.layoutLegend(r.legendEntries(), small)
}

type legendEntry struct {
	name  string
	color color.Color
	thick bool
}

func (r *patternRenderer) legendEntries() []legendEntry {
	v := r.v
	e := []legendEntry{{"Measured", r.pal.trace, false}}
	if len(v.Background) == len(v.Scan.TwoTheta) {
		e = append(e, legendEntry{"Background", r.pal.backg, false})
	}
	if len(v.Peaks) > 0 {
		e = append(e, legendEntry{fmt.Sprintf("Peaks (%d)", len(v.Peaks)), r.pal.marker, true})
	}
	for _, o := range v.Overlays {
		e = append(e, legendEntry{o.Name, o.Color, true})
	}
	return e
}

// layoutLegend places the legend in the top-right corner of the plot.
func (r *patternRenderer) layoutLegend(entries []legendEntry, size float32) {
	r.textPool(&r.legendTx, len(entries), size)
	for len(r.legendSw) < len(entries) {
		r.legendSw = append(r.legendSw, canvas.NewRectangle(color.Black))
	}
	r.legendSw = r.legendSw[:len(entries)]
	if len(entries) == 0 {
		r.legendBg.Hide()
		return
	}
	r.legendBg.Show()
	pad := r.v.Theme().Size(theme.SizeNamePadding)
	const swW = 18
	w, rowH := float32(0), float32(0)
	for i, e := range entries {
		r.legendTx[i].Text = e.name
		ms := r.legendTx[i].MinSize()
		w = max(w, ms.Width)
		rowH = max(rowH, ms.Height)
	}
	boxW := pad + swW + pad + w + pad
	boxH := pad + rowH*float32(len(entries)) + pad/2
	x0 := r.plotPos.X + r.plotSize.Width - boxW - 2*pad
	y0 := r.plotPos.Y + 2*pad
	r.legendBg.Move(fyne.NewPos(x0, y0))
	r.legendBg.Resize(fyne.NewSize(boxW, boxH))
	for i, e := range entries {
		y := y0 + pad/2 + rowH*float32(i)
		h := float32(2)
		if e.thick {
			h = 4
		}
		sw := r.legendSw[i]
		sw.FillColor = e.color
		sw.Move(fyne.NewPos(x0+pad, y+rowH/2-h/2))
		sw.Resize(fyne.NewSize(swW, h))
		r.legendTx[i].Move(fyne.NewPos(x0+pad+swW+pad, y))
		r.legendTx[i].Resize(fyne.NewSize(w, rowH))
	}
}

// screenX and screenY map data to widget units relative to the plot area.
func (r *patternRenderer) screenX(x float64) float32 {
	return float32((x - r.xmin) / (r.xmax - r.xmin) * float64(r.plotSize.Width))
}

func (r *patternRenderer) screenY(y float64) float32 {
	return float32((r.ymax - y) / (r.ymax - r.ymin) * float64(r.plotSize.Height))
}

// dataX maps a widget x position to 2θ.
func (r *patternRenderer) dataX(px float32) float64 {
	return r.xmin + float64(px-r.plotPos.X)/float64(max(r.plotSize.Width, 1))*(r.xmax-r.xmin)
}

// hoverAt updates the read-out for a pointer at pos; a position outside the
// plot hides it.
func (r *patternRenderer) hoverAt(pos fyne.Position) {
	v := r.v
	inside := v.Scan != nil && len(v.Scan.TwoTheta) >= 2 &&
		pos.X >= r.plotPos.X && pos.X <= r.plotPos.X+r.plotSize.Width &&
		pos.Y >= r.plotPos.Y && pos.Y <= r.plotPos.Y+r.plotSize.Height
	if !inside {
		if r.hoverText.Visible() {
			r.hoverText.Hide()
			r.hoverBg.Hide()
			r.cursor.Hide()
			if v.OnHover != nil {
				v.OnHover(math.NaN(), math.NaN(), math.NaN(), false)
			}
		}
		return
	}
	x := r.dataX(pos.X)
	y := v.Scan.IntensityAt(x)
	d := math.NaN()
	if v.Scan.Wavelength.Known() {
		d = diffraction.D(x, v.Scan.Wavelength.Ka1)
	}
	r.hoverText.Text = hoverLabel(x, d, y)
	r.hoverText.Refresh()
	th := v.Theme()
	pad := th.Size(theme.SizeNamePadding)
	ms := r.hoverText.MinSize()
	p := fyne.NewPos(r.plotPos.X+2*pad, r.plotPos.Y+2*pad)
	r.hoverBg.Move(p)
	r.hoverBg.Resize(fyne.NewSize(ms.Width+2*pad, ms.Height+pad))
	r.hoverText.Move(p.AddXY(pad, pad/2))
	r.hoverText.Resize(ms)
	r.cursor.Position1 = fyne.NewPos(pos.X, r.plotPos.Y)
	r.cursor.Position2 = fyne.NewPos(pos.X, r.plotPos.Y+r.plotSize.Height)
	for _, o := range []fyne.CanvasObject{r.hoverBg, r.hoverText, r.cursor} {
		o.Show()
		o.Refresh()
	}
	if v.OnHover != nil {
		v.OnHover(x, d, y, true)
	}
}

// hoverLabel formats the read-out.
func hoverLabel(twoTheta, d, intensity float64) string {
	ds := "d –"
	if !math.IsNaN(d) {
		ds = fmt.Sprintf("d %.4f Å", d)
	}
	return fmt.Sprintf("2θ %.3f°   %s   I %.0f", twoTheta, ds, intensity)
}

// draw renders the plot area (grid, sticks, background, trace, markers,
// frame and tick marks) into the reused image. It is the raster's
// generator and receives the size in pixels.
func (r *patternRenderer) draw(w, h int) image.Image {
	c := &r.cv
	c.resize(w, h)
	c.fill(r.pal.bg)
	v := r.v
	if v.Scan == nil || len(v.Scan.TwoTheta) < 2 || !(r.xmax > r.xmin) || !(r.ymax > r.ymin) {
		return c.img
	}
	// Pixels per widget unit: 1 on a normal screen, 2 on a HiDPI one.
	s := float64(w) / math.Max(float64(r.plotSize.Width), 1)
	lw := max(1, int(math.Round(s)))
	tr := transform{
		x0: r.xmin, sx: float64(w) / (r.xmax - r.xmin),
		y0: r.ymin, sy: float64(h-1) / (r.ymax - r.ymin), oy: float64(h - 1),
	}

	// Grid.
	for _, t := range r.xTicks {
		c.vrun(int(tr.px(t)), 0, h-1, 1, r.pal.grid)
	}
	for _, t := range r.yTicks {
		c.hrun(0, w-1, int(math.Round(tr.py(t))), 1, r.pal.grid)
	}

	// Reference sticks, from the bottom of the plot.
	sw := max(2, int(math.Round(2*s)))
	base := int(math.Round(tr.py(math.Max(r.ymin, 0))))
	for _, o := range v.Overlays {
		col := rgba(o.Color)
		for _, st := range o.Sticks {
			if st.TwoTheta < r.xmin || st.TwoTheta > r.xmax || !(st.Height > 0) {
				continue
			}
			x := int(tr.px(st.TwoTheta))
			c.vrun(x, base, int(math.Round(tr.py(math.Max(r.ymin, 0)+st.Height))), sw, col)
		}
	}

	lo, hi := r.indexRange()
	if len(v.Background) == len(v.Scan.TwoTheta) {
		c.polyline(v.Scan.TwoTheta, v.Background, lo, hi, tr, lw, r.pal.backg)
	}
	c.polyline(v.Scan.TwoTheta, v.Scan.Intensity, lo, hi, tr, lw, r.pal.trace)

	// Peak markers: a short tick a few pixels above the trace.
	gap, tick := int(4*s), int(9*s)
	for i, p := range v.Peaks {
		if p.TwoTheta < r.xmin || p.TwoTheta > r.xmax {
			continue
		}
		x := int(tr.px(p.TwoTheta))
		y := int(math.Round(tr.py(v.Scan.IntensityAt(p.TwoTheta))))
		col, wid := r.pal.marker, lw+1
		if i == v.Selected {
			col = r.pal.selected
			c.vrun(x, 0, h-1, lw, col)
			wid++
		}
		c.vrun(x, y-gap-tick, y-gap, wid, col)
	}

	r.drawHandles(c, tr, s)

	// Frame and inward tick marks.
	c.hrun(0, w-1, 0, lw, r.pal.frame)
	c.hrun(0, w-1, h-1, lw, r.pal.frame)
	c.vrun(0, 0, h-1, lw, r.pal.frame)
	c.vrun(w-1, 0, h-1, lw, r.pal.frame)
	major, minor := int(6*s), int(3*s)
	for _, t := range ticks(r.xmin, r.xmax, minorStep(r.xStep)) {
		x := int(tr.px(t))
		c.vrun(x, h-1-minor, h-1, 1, r.pal.frame)
		c.vrun(x, 0, minor, 1, r.pal.frame)
	}
	for _, t := range r.xTicks {
		x := int(tr.px(t))
		c.vrun(x, h-1-major, h-1, lw, r.pal.frame)
		c.vrun(x, 0, major, lw, r.pal.frame)
	}
	for _, t := range ticks(r.ymin, r.ymax, minorStep(r.yStep)) {
		y := int(math.Round(tr.py(t)))
		c.hrun(0, minor, y, 1, r.pal.frame)
		c.hrun(w-1-minor, w-1, y, 1, r.pal.frame)
	}
	for _, t := range r.yTicks {
		y := int(math.Round(tr.py(t)))
		c.hrun(0, major, y, lw, r.pal.frame)
		c.hrun(w-1-major, w-1, y, lw, r.pal.frame)
	}
	return c.img
}
