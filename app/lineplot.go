package app

import (
	"cmp"
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/internal/figure"
)

// linePlot draws a simulated powder pattern on a relative intensity scale
// (the strongest line 100): the lines as sticks labelled with their hkl,
// their profile, and optionally a measured scan to compare with. Tapping
// near a line selects it (at once: there is no double tap to wait for);
// the wheel zooms 2θ about the pointer, out to the whole range; hovering
// reads out the line under the pointer.
//
// The exported fields are its state: set them and call Refresh.
type linePlot struct {
	widget.BaseWidget

	Sim      *simulation    // nil shows Empty
	Name     string         // of the phase, in the legend
	Measured *measuredTrace // a scan to compare with, or nil
	Color    color.NRGBA    // of the sticks and the profile
	Selected int            // index into Sim.Lines, -1 for none
	Empty    string         // the hint shown without a simulation
	// OnSelect, if set, receives the index of a line tapped.
	OnSelect func(int)

	lo, hi float64 // visible 2θ; hi <= lo: the simulation's range
	r      *linePlotRenderer
}

// measuredTrace is a scan drawn under a simulation: its net intensity
// scaled so that its highest point is 100.
type measuredTrace struct {
	Name string
	X, Y []float64
}

func newLinePlot() *linePlot {
	p := &linePlot{Selected: -1, Color: color.NRGBA{0x1f, 0x5f, 0xbf, 0xff}}
	p.ExtendBaseWidget(p)
	return p
}

// visible returns the 2θ range on show.
func (p *linePlot) visible() (lo, hi float64) {
	if p.Sim == nil {
		return 0, 1
	}
	if p.hi > p.lo {
		return max(p.lo, p.Sim.Lo), min(p.hi, p.Sim.Hi)
	}
	return p.Sim.Lo, p.Sim.Hi
}

// ResetZoom shows the whole simulated range.
func (p *linePlot) ResetZoom() {
	p.lo, p.hi = 0, 0
	p.Refresh()
}

// Scrolled zooms 2θ about the pointer.
func (p *linePlot) Scrolled(ev *fyne.ScrollEvent) {
	r := p.r
	if p.Sim == nil || r == nil || r.plotSize.Width <= 0 {
		return
	}
	lo, hi := p.visible()
	at := r.dataX(ev.Position.X)
	f := 0.8
	if ev.Scrolled.DY < 0 {
		f = 1 / f
	}
	nlo, nhi := at-(at-lo)*f, at+(hi-at)*f
	if nhi-nlo < 0.2 {
		return
	}
	p.lo, p.hi = max(nlo, p.Sim.Lo), min(nhi, p.Sim.Hi)
	if p.lo <= p.Sim.Lo && p.hi >= p.Sim.Hi {
		p.lo, p.hi = 0, 0
	}
	p.Refresh()
}

// Tapped selects the line nearest the pointer, within a few pixels.
func (p *linePlot) Tapped(ev *fyne.PointEvent) {
	if p.r == nil {
		return
	}
	if i := p.r.lineAt(ev.Position); i >= 0 {
		p.Selected = i
		p.Refresh()
		if p.OnSelect != nil {
			p.OnSelect(i)
		}
	}
}

// MouseIn, MouseMoved and MouseOut drive the read-out.
func (p *linePlot) MouseIn(ev *desktop.MouseEvent)    { p.MouseMoved(ev) }
func (p *linePlot) MouseMoved(ev *desktop.MouseEvent) { p.hover(ev.Position, true) }
func (p *linePlot) MouseOut()                         { p.hover(fyne.Position{}, false) }

func (p *linePlot) hover(pos fyne.Position, in bool) {
	if p.r != nil {
		p.r.hoverAt(pos, in)
	}
}

// MinSize is small: the plot takes the room it is given.
func (p *linePlot) MinSize() fyne.Size { return fyne.NewSize(300, 180) }

func (p *linePlot) CreateRenderer() fyne.WidgetRenderer {
	r := &linePlotRenderer{p: p}
	r.raster = canvas.NewRaster(r.draw)
	r.xTitle = canvas.NewText("2θ (°)", color.Black)
	r.yTitle = canvas.NewText("Relative intensity", color.Black)
	r.empty = canvas.NewText("", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.readBg = canvas.NewRectangle(color.White)
	r.readout = canvas.NewText("", color.Black)
	r.legendBg = canvas.NewRectangle(color.White)
	r.readBg.Hide()
	r.readout.Hide()
	p.r = r
	return r
}

// linePlotRenderer lays out the texts over a raster of the plot area.
type linePlotRenderer struct {
	p      *linePlot
	raster *canvas.Raster
	cv     canvasRGBA

	xLabels, yLabels, hklTexts []*canvas.Text
	legend                     []*canvas.Text
	legendBg                   *canvas.Rectangle
	xTitle, yTitle, empty      *canvas.Text
	readBg                     *canvas.Rectangle
	readout                    *canvas.Text

	plotPos      fyne.Position
	plotSize     fyne.Size
	size         fyne.Size
	lo, hi, ymax float64
	xTicks       []figure.Tick // labelled
	yTicks       []float64
	hklLine      []int // the line each visible hkl text names
}

// plotHeadroom leaves room above the strongest line for its label.
const plotHeadroom = 1.22

func (r *linePlotRenderer) Destroy() {}

func (r *linePlotRenderer) MinSize() fyne.Size { return r.p.MinSize() }

func (r *linePlotRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.raster, r.xTitle, r.yTitle, r.empty}
	for _, pool := range [][]*canvas.Text{r.xLabels, r.yLabels, r.hklTexts} {
		for _, t := range pool {
			objs = append(objs, t)
		}
	}
	objs = append(objs, r.legendBg)
	for _, t := range r.legend {
		objs = append(objs, t)
	}
	return append(objs, r.readBg, r.readout)
}

func (r *linePlotRenderer) Refresh() {
	r.Layout(r.size)
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

// colour returns a colour of the widget's theme.
func (r *linePlotRenderer) colour(n fyne.ThemeColorName) color.Color {
	return r.p.Theme().Color(n, fyne.CurrentApp().Settings().ThemeVariant())
}

// texts sizes *pool to n texts of the given size and style, in the
// foreground colour.
func (r *linePlotRenderer) texts(pool *[]*canvas.Text, n int, size float32, style fyne.TextStyle) {
	for len(*pool) < n {
		*pool = append(*pool, canvas.NewText("", color.Black))
	}
	*pool = (*pool)[:n]
	fg := r.colour(theme.ColorNameForeground)
	for _, t := range *pool {
		t.TextSize, t.TextStyle, t.Color = size, style, fg
	}
}

func (r *linePlotRenderer) Layout(size fyne.Size) {
	r.size = size
	p := r.p
	th := p.Theme()
	pad := th.Size(theme.SizeNamePadding)
	ts := th.Size(theme.SizeNameText)
	small := th.Size(theme.SizeNameCaptionText) + 1
	fg := r.colour(theme.ColorNameForeground)
	for _, t := range []*canvas.Text{r.xTitle, r.yTitle, r.empty, r.readout} {
		t.Color = fg
	}
	r.xTitle.TextSize, r.yTitle.TextSize, r.empty.TextSize = ts, ts, ts
	r.readout.TextSize = small
	r.readout.TextStyle = fyne.TextStyle{Monospace: true}
	bg := r.colour(theme.ColorNameBackground)
	for _, b := range []*canvas.Rectangle{r.readBg, r.legendBg} {
		b.FillColor = withAlpha(bg, 0xe6)
		b.StrokeColor = r.colour(theme.ColorNameSeparator)
		b.StrokeWidth = 1
	}

	r.raster.Move(fyne.NewPos(0, 0))
	if p.Sim == nil {
		r.texts(&r.xLabels, 0, small, fyne.TextStyle{})
		r.texts(&r.yLabels, 0, small, fyne.TextStyle{})
		r.texts(&r.hklTexts, 0, small, fyne.TextStyle{})
		r.layoutLegend(small)
		r.xTicks, r.yTicks, r.hklLine = nil, nil, nil
		r.plotPos, r.plotSize = fyne.Position{}, size
		r.raster.Resize(size)
		layoutEmpty(r.empty, p.Empty, size, r.xTitle, r.yTitle)
		return
	}
	r.empty.Hide()
	r.xTitle.Show()
	r.yTitle.Show()

	r.lo, r.hi = p.visible()
	r.ymax = 100 * plotHeadroom
	labelH := fyne.MeasureText("0", small, fyne.TextStyle{}).Height
	titleH := fyne.MeasureText("2θ", ts, fyne.TextStyle{}).Height
	top := titleH + pad
	bottom := labelH + titleH + 2*pad
	left := fyne.MeasureText("100", small, fyne.TextStyle{}).Width + 2*pad
	r.plotPos = fyne.NewPos(left, top)
	r.plotSize = fyne.NewSize(max(size.Width-left-2*pad, 10), max(size.Height-top-bottom, 10))
	r.raster.Move(r.plotPos)
	r.raster.Resize(r.plotSize)

	wide := fyne.MeasureText("100.0", small, fyne.TextStyle{}).Width
	r.xTicks = labelled(figure.TwoTheta.Ticks(r.lo, r.hi, float64(r.plotSize.Width), float64(max(wide+3*pad, 60))))
	r.texts(&r.xLabels, len(r.xTicks), small, fyne.TextStyle{})
	for i, t := range r.xTicks {
		l := r.xLabels[i]
		l.Text = t.Label
		ms := l.MinSize()
		l.Move(fyne.NewPos(r.plotPos.X+r.screenX(t.Coord)-ms.Width/2, top+r.plotSize.Height+pad/2))
		l.Resize(ms)
	}
	r.yTicks = []float64{0, 25, 50, 75, 100}
	r.texts(&r.yLabels, len(r.yTicks), small, fyne.TextStyle{})
	for i, t := range r.yTicks {
		l := r.yLabels[i]
		l.Text = strconv.FormatFloat(t, 'f', -1, 64)
		ms := l.MinSize()
		l.Move(fyne.NewPos(left-pad-ms.Width, top+r.screenY(t)-ms.Height/2))
		l.Resize(ms)
	}
	xs := r.xTitle.MinSize()
	r.xTitle.Move(fyne.NewPos(left+(r.plotSize.Width-xs.Width)/2, top+r.plotSize.Height+pad/2+labelH+pad/2))
	r.xTitle.Resize(xs)
	ys := r.yTitle.MinSize()
	r.yTitle.Move(fyne.NewPos(pad, (top-ys.Height)/2))
	r.yTitle.Resize(ys)

	r.layoutHKL(small)
	r.layoutLegend(small)
}

// layoutHKL labels the visible lines, strongest first, each just above
// its stick or, when that place is taken, up to two rows higher; a label
// that finds no free place is left out. The selected line is always
// labelled, in bold.
func (r *linePlotRenderer) layoutHKL(size float32) {
	p := r.p
	var order []int
	for i, l := range p.Sim.Lines {
		if l.TwoTheta >= r.lo && l.TwoTheta <= r.hi && (l.I >= 1 || i == p.Selected) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if a == p.Selected {
			return -1
		}
		if b == p.Selected {
			return 1
		}
		return cmp.Compare(p.Sim.Lines[b].I, p.Sim.Lines[a].I)
	})
	order = order[:min(len(order), 80)]
	r.texts(&r.hklTexts, len(order), size, fyne.TextStyle{})
	r.hklLine = r.hklLine[:0]
	var taken []fyne.Position // top-left corners…
	var sizes []fyne.Size     // …and sizes of the labels placed
	overlaps := func(pos fyne.Position, s fyne.Size) bool {
		for i, q := range taken {
			if pos.X < q.X+sizes[i].Width+2 && q.X < pos.X+s.Width+2 && pos.Y < q.Y+sizes[i].Height && q.Y < pos.Y+s.Height {
				return true
			}
		}
		return false
	}
	n := 0
	for _, i := range order {
		l := p.Sim.Lines[i]
		t := r.hklTexts[n]
		t.Text = l.hkl()
		t.TextStyle = fyne.TextStyle{Bold: i == p.Selected}
		if i == p.Selected {
			t.Color = r.colour(theme.ColorNamePrimary)
		}
		ms := t.MinSize()
		x := r.plotPos.X + r.screenX(l.TwoTheta) - ms.Width/2
		y := r.plotPos.Y + r.screenY(l.I) - ms.Height
		placed := false
		for row := 0; row < 3 && !placed; row++ {
			pos := fyne.NewPos(x, y-float32(row)*ms.Height)
			if pos.Y < r.plotPos.Y || x < r.plotPos.X || x+ms.Width > r.plotPos.X+r.plotSize.Width {
				break
			}
			if !overlaps(pos, ms) || i == p.Selected {
				t.Move(pos)
				t.Resize(ms)
				taken, sizes = append(taken, pos), append(sizes, ms)
				placed = true
			}
		}
		if placed {
			r.hklLine = append(r.hklLine, i)
			n++
		}
	}
	r.hklTexts = r.hklTexts[:n]
}

// layoutLegend names the phase and the measured scan in the top-right
// corner, each in the colour it is drawn in.
func (r *linePlotRenderer) layoutLegend(size float32) {
	p := r.p
	var names []string
	var cols []color.Color
	if p.Sim != nil && p.Name != "" {
		names, cols = append(names, p.Name), append(cols, p.Color)
	}
	if p.Sim != nil && p.Measured != nil {
		names, cols = append(names, p.Measured.Name+" (measured)"), append(cols, r.measuredColour())
	}
	r.texts(&r.legend, len(names), size, fyne.TextStyle{Bold: true})
	if len(names) == 0 {
		r.legendBg.Hide()
		return
	}
	r.legendBg.Show()
	pad := r.p.Theme().Size(theme.SizeNamePadding)
	w, rowH := float32(0), float32(0)
	for i, n := range names {
		r.legend[i].Text, r.legend[i].Color = n, cols[i]
		ms := r.legend[i].MinSize()
		w, rowH = max(w, ms.Width), max(rowH, ms.Height)
	}
	x0 := r.plotPos.X + r.plotSize.Width - w - 3*pad
	y0 := r.plotPos.Y + pad
	r.legendBg.Move(fyne.NewPos(x0, y0))
	r.legendBg.Resize(fyne.NewSize(w+2*pad, rowH*float32(len(names))+pad))
	for i := range names {
		r.legend[i].Move(fyne.NewPos(x0+pad, y0+pad/2+rowH*float32(i)))
		r.legend[i].Resize(fyne.NewSize(w, rowH))
	}
}

// measuredColour is a mid grey between the theme's text and background:
// the data under the simulation, visible but not competing with it.
func (r *linePlotRenderer) measuredColour() color.RGBA {
	return rgba(blend(r.colour(theme.ColorNameForeground), r.colour(theme.ColorNameBackground), 0.55))
}

// screenX and screenY map data to widget units relative to the plot area.
func (r *linePlotRenderer) screenX(x float64) float32 {
	return float32((x - r.lo) / (r.hi - r.lo) * float64(r.plotSize.Width))
}

func (r *linePlotRenderer) screenY(y float64) float32 {
	return float32((r.ymax - y) / r.ymax * float64(r.plotSize.Height))
}

// dataX maps a widget x position to 2θ.
func (r *linePlotRenderer) dataX(px float32) float64 {
	return r.lo + float64(px-r.plotPos.X)/float64(max(r.plotSize.Width, 1))*(r.hi-r.lo)
}

// lineAt returns the index of the visible line nearest pos within 8 units
// across, or -1.
func (r *linePlotRenderer) lineAt(pos fyne.Position) int {
	p := r.p
	if p.Sim == nil {
		return -1
	}
	best, bestD := -1, float32(8)
	for i, l := range p.Sim.Lines {
		if l.TwoTheta < r.lo || l.TwoTheta > r.hi {
			continue
		}
		if d := float32(math.Abs(float64(r.plotPos.X + r.screenX(l.TwoTheta) - pos.X))); d < bestD ||
			(d == bestD && best >= 0 && l.I > p.Sim.Lines[best].I) {
			best, bestD = i, d
		}
	}
	return best
}

// hoverAt reads out the line under the pointer, or 2θ and d there.
func (r *linePlotRenderer) hoverAt(pos fyne.Position, in bool) {
	p := r.p
	inside := in && p.Sim != nil && pos.X >= r.plotPos.X && pos.X <= r.plotPos.X+r.plotSize.Width &&
		pos.Y >= r.plotPos.Y && pos.Y <= r.plotPos.Y+r.plotSize.Height
	if !inside {
		r.readBg.Hide()
		r.readout.Hide()
		return
	}
	if i := r.lineAt(pos); i >= 0 {
		l := p.Sim.Lines[i]
		r.readout.Text = fmt.Sprintf("%s   2θ %.3f°   d %.4f Å   I %.1f   m %d", l.hkl(), l.TwoTheta, l.D, l.I, l.Mult)
	} else {
		x := r.dataX(pos.X)
		r.readout.Text = fmt.Sprintf("2θ %.3f°   d %.4f Å", x, p.Sim.Lambda/(2*math.Sin(x*math.Pi/360)))
	}
	pad := p.Theme().Size(theme.SizeNamePadding)
	ms := r.readout.MinSize()
	at := r.plotPos.AddXY(pad, pad)
	r.readBg.Move(at)
	r.readBg.Resize(fyne.NewSize(ms.Width+2*pad, ms.Height+pad))
	r.readout.Move(at.AddXY(pad, pad/2))
	r.readout.Resize(ms)
	for _, o := range []fyne.CanvasObject{r.readBg, r.readout} {
		o.Show()
		o.Refresh()
	}
}

// draw renders the plot area: grid, measured trace, profile, sticks,
// the selected line and the frame.
func (r *linePlotRenderer) draw(w, h int) image.Image {
	c := &r.cv
	c.resize(w, h)
	c.fill(rgba(r.colour(theme.ColorNameBackground)))
	p := r.p
	if p.Sim == nil || !(r.hi > r.lo) {
		return c.img
	}
	s := float64(w) / math.Max(float64(r.plotSize.Width), 1) // pixels per unit
	lw := max(1, int(math.Round(s)))
	tr := transform{x0: r.lo, sx: float64(w) / (r.hi - r.lo), y0: 0, sy: float64(h-1) / r.ymax, oy: float64(h - 1)}
	grid := rgba(r.colour(theme.ColorNameSeparator))
	for _, t := range r.xTicks {
		c.vrun(int(tr.px(t.Coord)), 0, h-1, 1, grid)
	}
	for _, t := range r.yTicks {
		c.hrun(0, w-1, int(math.Round(tr.py(t))), 1, grid)
	}
	span := func(x []float64) (int, int) {
		lo, _ := slices.BinarySearch(x, r.lo)
		hi, _ := slices.BinarySearch(x, r.hi)
		return max(lo-1, 0), min(hi, len(x)-1)
	}
	col := rgba(p.Color)
	bg := r.colour(theme.ColorNameBackground)
	if m := p.Measured; m != nil && len(m.X) > 1 {
		lo, hi := span(m.X)
		c.polyline(m.X, m.Y, lo, hi, tr, lw, r.measuredColour())
	}
	base := h - 1
	if len(p.Sim.X) > 1 {
		// The profile as a light area under its outline: each pixel
		// column filled up to the profile's highest point in it.
		lo, hi := span(p.Sim.X)
		fill := rgba(blend(p.Color, bg, 0.82))
		x0, top := -1, 0.0
		for i := lo; i <= hi+1; i++ {
			x := -2
			if i <= hi {
				x = int(tr.px(p.Sim.X[i]))
			}
			if x == x0 {
				top = max(top, p.Sim.Y[i])
				continue
			}
			if x0 >= 0 && top > 0 {
				c.vrun(x0, base, int(math.Round(tr.py(top))), 1, fill)
			}
			if i <= hi {
				x0, top = x, p.Sim.Y[i]
			}
		}
		c.polyline(p.Sim.X, p.Sim.Y, lo, hi, tr, lw, rgba(blend(p.Color, bg, 0.5)))
	}
	for i, l := range p.Sim.Lines {
		if l.TwoTheta < r.lo || l.TwoTheta > r.hi || i == p.Selected {
			continue
		}
		c.vrun(int(tr.px(l.TwoTheta)), base, int(math.Round(tr.py(l.I))), lw, col)
	}
	if i := p.Selected; i >= 0 && i < len(p.Sim.Lines) {
		l := p.Sim.Lines[i]
		if l.TwoTheta >= r.lo && l.TwoTheta <= r.hi {
			sel := rgba(r.colour(theme.ColorNamePrimary))
			x := int(tr.px(l.TwoTheta))
			c.vrun(x, 0, h-1, 1, rgba(blend(sel, bg, 0.6)))
			c.vrun(x, base, int(math.Round(tr.py(l.I))), 3*lw, sel)
		}
	}
	frame := rgba(r.colour(theme.ColorNameForeground))
	c.hrun(0, w-1, 0, lw, frame)
	c.hrun(0, w-1, h-1, lw, frame)
	c.vrun(0, 0, h-1, lw, frame)
	c.vrun(w-1, 0, h-1, lw, frame)
	major := int(6 * s)
	for _, t := range r.xTicks {
		x := int(tr.px(t.Coord))
		c.vrun(x, h-1-major, h-1, lw, frame)
	}
	for _, t := range r.yTicks {
		c.hrun(0, major, int(math.Round(tr.py(t))), lw, frame)
	}
	return c.img
}

// blend mixes a with b, a fraction f of b.
func blend(a, b color.Color, f float64) color.Color {
	x, y := rgba(a), rgba(b)
	mix := func(u, v uint8) uint8 { return uint8(float64(u)*(1-f) + float64(v)*f + 0.5) }
	return color.RGBA{mix(x.R, y.R), mix(x.G, y.G), mix(x.B, y.B), 0xff}
}

// withAlpha returns c with alpha a.
func withAlpha(c color.Color, a uint8) color.NRGBA {
	x := rgba(c)
	return color.NRGBA{x.R, x.G, x.B, a}
}

// layoutEmpty lays out a plot with nothing to show: its message msg
// centred across size, the axis titles hidden.
func layoutEmpty(msg *canvas.Text, text string, size fyne.Size, titles ...*canvas.Text) {
	for _, t := range titles {
		t.Hide()
	}
	msg.Text = text
	msg.Show()
	ms := msg.MinSize()
	msg.Move(fyne.NewPos(0, (size.Height-ms.Height)/2))
	msg.Resize(fyne.NewSize(size.Width, ms.Height))
}
