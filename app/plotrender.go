package app

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"slices"
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/internal/figure"
)

// scheme holds the plot's colours for the current theme variant.
type scheme struct {
	bg, frame, grid, trace, backg, marker, selected, calc, diff color.RGBA
	// unexplained marks the peaks no phase explains: the calculated
	// curve's ink, which no phase and no marker has.
	unexplained color.RGBA
}

// The schemes of the light and the dark theme; an exported figure is
// drawn in the light one's.
var (
	lightScheme = scheme{
		bg: color.RGBA{0xff, 0xff, 0xff, 0xff}, frame: color.RGBA{0x30, 0x30, 0x30, 0xff},
		grid: color.RGBA{0xea, 0xea, 0xea, 0xff}, trace: color.RGBA{0x1f, 0x3f, 0x9f, 0xff},
		backg: color.RGBA{0xa0, 0xa0, 0xa0, 0xff}, marker: color.RGBA{0xd6, 0x27, 0x28, 0xff},
		selected: color.RGBA{0xff, 0x9f, 0x00, 0xff}, calc: color.RGBA{0x10, 0x10, 0x10, 0xff},
		diff: color.RGBA{0x60, 0x60, 0x60, 0xff}, unexplained: color.RGBA{0x10, 0x10, 0x10, 0xff},
	}
	darkScheme = scheme{
		bg: color.RGBA{0x1e, 0x1f, 0x24, 0xff}, frame: color.RGBA{0xc8, 0xc8, 0xc8, 0xff},
		grid: color.RGBA{0x34, 0x36, 0x3c, 0xff}, trace: color.RGBA{0x8a, 0xb4, 0xf8, 0xff},
		backg: color.RGBA{0x90, 0x90, 0x90, 0xff}, marker: color.RGBA{0xff, 0x6b, 0x6b, 0xff},
		selected: color.RGBA{0xff, 0xd5, 0x4f, 0xff}, calc: color.RGBA{0xf0, 0xf0, 0xf0, 0xff},
		diff: color.RGBA{0xa8, 0xa8, 0xa8, 0xff}, unexplained: color.RGBA{0xf0, 0xf0, 0xf0, 0xff},
	}
)

func rgba(c color.Color) color.RGBA {
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

// patternRenderer lays out and draws a PatternView: the pattern, the
// difference strip and the stick pane share one raster, under one
// horizontal axis; axes, legend and read-out are Fyne objects over it.
type patternRenderer struct {
	v      *PatternView
	raster *canvas.Raster
	cv     canvasRGBA

	xLabels, yLabels, dLabels, stickLabels []*canvas.Text
	xTitle, yTitle                         *canvas.Text
	empty                                  *canvas.Text
	legendBg                               *canvas.Rectangle
	legendSw                               []*canvas.Rectangle
	legendTx                               []*canvas.Text
	hoverBg                                *canvas.Rectangle
	hoverText                              *canvas.Text
	cursor                                 *canvas.Line
	box                                    *canvas.Rectangle // the zoom box being drawn

	pal scheme

	// Geometry and scales, computed by Layout and used by draw.
	size     fyne.Size
	plotPos  fyne.Position // top-left of the pattern and of the raster
	plotSize fyne.Size     // the pattern
	area     fyne.Size     // the raster: pattern, difference strip, stick pane
	diffY    float32       // top of the difference strip from the raster's top
	diffH    float32       // its height; 0 without a fit
	paneY    float32       // top of the stick pane from the raster's top
	rowH     float32       // height of one row of the pane; 0 without overlays

	unit       figure.XUnit
	lambda     float64 // Å, of Scan
	cmin, cmax float64 // visible axis coordinates
	ymin, ymax float64 // visible intensity-scale coordinates of the pattern
	dmin, dmax float64 // visible range of the difference strip, counts
	floor      float64 // of a log scale
	// Of the scans drawn (scansFor): the floor of a log scale, and the
	// least and greatest count of Scan, the height a waterfall's step is
	// a fraction of.
	scans, scansFor []*diffraction.Scan
	logFloor        float64
	lo, hi          float64
	offsets         []float64
	fit             *Fit        // v.Fit when it is valid
	stacked         [][]float64 // the fit's contributions on its background
	stackedFor      *Fit
	stickTop        []float64 // per overlay, its strongest stick

	xTicks, yTicks, dTicks []figure.Tick
	labelW                 float32 // widest y label so far, for a steady margin
	shown                  *diffraction.Scan
	shownScale             figure.YScale
	coords                 coordCache
	stickAt                stickRef // the stick under the pointer
}

func (r *patternRenderer) applyTheme() {
	th := r.v.Theme()
	vr := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, vr)
	bg := rgba(th.Color(theme.ColorNameBackground, vr))
	dark := 0.299*float64(bg.R)+0.587*float64(bg.G)+0.114*float64(bg.B) < 128
	r.pal = lightScheme
	if dark {
		r.pal = darkScheme
	}
	for _, t := range []*canvas.Text{r.xTitle, r.yTitle, r.empty, r.hoverText} {
		t.Color = fg
	}
	for _, pool := range [][]*canvas.Text{r.xLabels, r.yLabels, r.dLabels, r.legendTx} {
		for _, t := range pool {
			t.Color = fg
		}
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
	sel := r.pal.selected
	r.box.FillColor = color.NRGBA{sel.R, sel.G, sel.B, 0x30}
	r.box.StrokeColor = color.NRGBA{sel.R, sel.G, sel.B, 0xd0}
	r.box.StrokeWidth = 1
	ts := th.Size(theme.SizeNameText)
	r.xTitle.TextSize, r.yTitle.TextSize = ts, ts
	r.empty.TextSize = ts * 1.15
	r.hoverText.TextSize = th.Size(theme.SizeNameCaptionText) + 1
	r.hoverText.TextStyle = fyne.TextStyle{Monospace: true}
}

func (r *patternRenderer) Destroy() {}

func (r *patternRenderer) MinSize() fyne.Size { return r.v.MinSize() }

func (r *patternRenderer) Objects() []fyne.CanvasObject {
	n := 9 + len(r.xLabels) + len(r.yLabels) + len(r.dLabels) + len(r.stickLabels) + 2*len(r.legendTx)
	objs := make([]fyne.CanvasObject, 0, n)
	objs = append(objs, r.raster, r.cursor, r.xTitle, r.yTitle, r.empty)
	for _, pool := range [][]*canvas.Text{r.xLabels, r.yLabels, r.dLabels, r.stickLabels} {
		for _, t := range pool {
			objs = append(objs, t)
		}
	}
	objs = append(objs, r.legendBg)
	for i := range r.legendTx {
		objs = append(objs, r.legendSw[i], r.legendTx[i])
	}
	return append(objs, r.box, r.hoverBg, r.hoverText)
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

// indexRange returns the indices of the first and last points of the
// axis coordinates x to draw: one beyond each edge so lines leave the
// plot cleanly.
func (r *patternRenderer) indexRange(x []float64) (lo, hi int) {
	lo = sort.SearchFloat64s(x, r.cmin) - 1
	hi = sort.SearchFloat64s(x, r.cmax)
	return max(lo, 0), min(hi, len(x)-1)
}

// series is one curve of the pattern: data over angles seen at a
// wavelength, lifted by an offset on the intensity scale.
type series struct {
	name        string
	twoTheta, y []float64
	lambda      float64
	off         float64
	col         color.RGBA
}

// traces lists the measured traces to draw, Scan last so that it is on
// top, with their waterfall offsets, in the colours of the scheme pal.
func (r *patternRenderer) traces(pal scheme) []series {
	v := r.v
	out := make([]series, 0, len(v.Traces)+1)
	for i := len(v.Traces) - 1; i >= 0; i-- {
		t := v.Traces[i]
		if _, _, ok := v.traceCoords(t.Scan); !ok {
			continue
		}
		out = append(out, series{t.Name, t.Scan.TwoTheta, t.Scan.Intensity, t.Scan.Wavelength.Ka1, r.offsets[i+1], rgba(t.Color)})
	}
	return append(out, series{r.traceName(), v.Scan.TwoTheta, v.Scan.Intensity, r.lambda, 0, r.traceColor(pal)})
}

// traceName is the legend's name of Scan: its Name among other traces,
// "Measured" alone.
func (r *patternRenderer) traceName() string {
	if r.v.Name == "" || len(r.v.Traces) == 0 {
		return "Measured"
	}
	return r.v.Name
}

// traceColor is the colour of Scan's trace in the scheme pal.
func (r *patternRenderer) traceColor(pal scheme) color.RGBA {
	if r.v.Color.A == 0 {
		return pal.trace
	}
	return rgba(r.v.Color)
}

// curves lists the curves drawn under the traces: the fit's
// contributions, each on the background, and the background.
func (r *patternRenderer) curves(pal scheme) []series {
	v := r.v
	var out []series
	if f := r.fit; f != nil {
		for i, p := range f.Phases {
			out = append(out, series{p.Name, f.TwoTheta, r.stacked[i], r.lambda, 0, rgba(p.Color)})
		}
	}
	if len(v.Background) == len(v.Scan.TwoTheta) {
		out = append(out, series{"Background", v.Scan.TwoTheta, v.Background, r.lambda, 0, pal.backg})
	}
	return out
}

// calculated is the fit's calculated pattern, drawn over the traces.
func (r *patternRenderer) calculated(pal scheme) series {
	f := r.fit
	return series{"Calculated", f.TwoTheta, f.Calculated, r.lambda, 0, pal.calc}
}

// prepare sets the scales: the fit and its stacked contributions, the log
// floor, the waterfall offsets, and the visible intensity ranges.
func (r *patternRenderer) prepare() {
	v := r.v
	r.coords.sweep()
	r.unit, r.lambda = v.unit(), v.lambda()
	r.cmin, r.cmax = v.visibleCoords()
	r.fit = nil
	if v.Fit != nil && v.Fit.valid() {
		r.fit = v.Fit
	}
	if r.fit != r.stackedFor {
		r.stacked, r.stackedFor = nil, r.fit
		if f := r.fit; f != nil {
			for _, p := range f.Phases {
				s := make([]float64, len(p.Contribution))
				for i, y := range p.Contribution {
					if f.Background != nil {
						y += f.Background[i]
					}
					s[i] = y
				}
				r.stacked = append(r.stacked, s)
			}
		}
	}
	scans := append(r.scans[:0], v.Scan)
	for _, t := range v.Traces {
		scans = append(scans, t.Scan)
	}
	if !slices.Equal(scans, r.scansFor) { // the same scans: the same floor and height
		ys := make([][]float64, 0, len(scans))
		for _, s := range scans {
			if s != nil {
				ys = append(ys, s.Intensity)
			}
		}
		r.logFloor = figure.LogFloor(ys...)
		r.lo, r.hi = extent(v.Scan.Intensity, 0, v.Scan.Len()-1)
		r.scansFor = slices.Clone(scans)
	}
	r.scans = scans
	r.floor = 1
	if v.YScale == figure.Log {
		r.floor = r.logFloor
	}
	// The waterfall's step: a fraction of Scan's whole height on the scale.
	step := v.Offset * (v.YScale.Coord(r.hi, r.floor) - v.YScale.Coord(r.lo, r.floor))
	r.offsets = r.offsets[:0]
	for i := range len(v.Traces) + 1 {
		r.offsets = append(r.offsets, float64(i)*step)
	}
	r.ymin, r.ymax = r.visibleY()
	r.dmin, r.dmax = r.visibleDiff()
	r.stickTop = r.stickTop[:0]
	for _, o := range v.Overlays {
		top := 0.0
		for _, s := range o.Sticks {
			top = max(top, s.I)
		}
		r.stickTop = append(r.stickTop, top)
	}
}

// extent returns the least and greatest of y[lo..hi] (NaN values are
// skipped: scans are validated finite).
func extent(y []float64, lo, hi int) (mn, mx float64) {
	mn, mx = math.Inf(1), math.Inf(-1)
	for _, v := range y[lo : hi+1] {
		if v < mn {
			mn = v
		}
		if v > mx {
			mx = v
		}
	}
	return mn, mx
}

// visibleY returns the intensity-scale range of the pattern: the one set
// (YMin, YMax), or that of the curves in view with room for the peak
// markers above and, on a linear or square-root scale, the zero line.
func (r *patternRenderer) visibleY() (lo, hi float64) {
	v := r.v
	sc := v.YScale
	if v.YMax > v.YMin {
		lo, hi = sc.Coord(v.YMin, r.floor), sc.Coord(v.YMax, r.floor)
		if hi > lo {
			return lo, hi
		}
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	// The fit's contributions stand on the background under the
	// calculated pattern, their sum: the background, the traces and the
	// calculated pattern bound them all.
	all := r.traces(r.pal)
	if len(v.Background) == len(v.Scan.TwoTheta) {
		all = append(all, series{"", v.Scan.TwoTheta, v.Background, r.lambda, 0, r.pal.backg})
	}
	if r.fit != nil {
		all = append(all, r.calculated(r.pal))
	}
	for _, s := range all {
		x := r.coords.get(r.unit, s.twoTheta, s.lambda)
		a, b := r.indexRange(x)
		if b < a {
			continue
		}
		mn, mx := extent(s.y, a, b)
		lo = min(lo, sc.Coord(mn, r.floor)+s.off)
		hi = max(hi, sc.Coord(mx, r.floor)+s.off)
	}
	if sc != figure.Log && lo > 0 {
		lo = 0 // counts: keep the zero line, as diffraction programs do
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		lo, hi = 0, 1
	}
	if !(hi > lo) {
		hi = lo + 1
	}
	// Headroom for the peak markers above the tallest peak.
	return lo, hi + 0.1*(hi-lo)
}

// visibleDiff returns the range of the difference curve in view, with a
// margin, always including zero.
func (r *patternRenderer) visibleDiff() (lo, hi float64) {
	f := r.fit
	if f == nil {
		return 0, 1
	}
	x := r.coords.get(r.unit, f.TwoTheta, r.lambda)
	a, b := r.indexRange(x)
	if b < a {
		return -1, 1
	}
	lo, hi = extent(f.Difference, a, b)
	lo, hi = min(lo, 0), max(hi, 0)
	if !(hi > lo) {
		return -1, 1
	}
	m := 0.08 * (hi - lo)
	return lo - m, hi + m
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
		for _, pool := range []*[]*canvas.Text{&r.xLabels, &r.yLabels, &r.dLabels, &r.stickLabels} {
			r.textPool(pool, 0, small)
		}
		r.layoutLegend(nil, small)
		r.xTicks, r.yTicks, r.dTicks = nil, nil, nil
		r.plotPos, r.plotSize, r.area = fyne.NewPos(0, 0), size, size
		r.diffH, r.rowH = 0, 0
		r.raster.Resize(size)
		layoutEmpty(r.empty, v.Empty, size, r.xTitle, r.yTitle)
		r.hoverAt(fyne.NewPos(-1, -1))
		return
	}
	if r.shown != v.Scan || r.shownScale != v.YScale {
		r.shown, r.shownScale, r.labelW = v.Scan, v.YScale, 0
	}
	r.empty.Hide()
	r.xTitle.Show()
	r.yTitle.Show()
	r.prepare()
	r.xTitle.Text = r.unit.Title()
	r.yTitle.Text = "Intensity (" + v.Scan.Units() + ")"
	if v.YScale != figure.Linear {
		r.yTitle.Text += ", " + map[figure.YScale]string{figure.Sqrt: "√", figure.Log: "log"}[v.YScale] + " scale"
	}

	// Heights: the pattern takes what the difference strip and the stick
	// pane leave.
	top := titleH + pad
	bottom := labelH + titleH + 2*pad
	avail := max(size.Height-top-bottom, 10)
	r.diffH = 0
	if r.fit != nil {
		r.diffH = min(max(0.18*avail, 36), 150)
	}
	r.rowH = 0
	paneH := float32(0)
	if n := len(v.Overlays); n > 0 {
		r.rowH = 22
		if v.Labels {
			r.rowH += labelH
		}
		paneH = r.rowH * float32(n)
		if limit := 0.35 * avail; paneH > limit {
			r.rowH = max(limit/float32(n), 6)
			paneH = r.rowH * float32(n)
		}
	}
	mainH := avail - r.diffH - paneH
	if r.diffH > 0 {
		mainH -= pad
	}
	if paneH > 0 {
		mainH -= pad
	}
	mainH = max(mainH, 10)
	r.diffY = mainH + pad
	r.paneY = mainH + pad
	if r.diffH > 0 {
		r.paneY = r.diffY + r.diffH + pad
	}
	areaH := mainH
	switch {
	case paneH > 0:
		areaH = r.paneY + paneH
	case r.diffH > 0:
		areaH = r.diffY + r.diffH
	}

	// Intensity ticks about every 40 units of height; the margin is the
	// widest label.
	r.yTicks = v.YScale.Ticks(r.ymin, r.ymax, float64(mainH), 40)
	r.dTicks = nil
	if r.diffH > 0 {
		r.dTicks = figure.Linear.Ticks(r.dmin, r.dmax, float64(r.diffH), 22)
	}
	labelW := r.tickLabels(&r.yLabels, r.yTicks, small)
	labelW = max(labelW, r.tickLabels(&r.dLabels, r.dTicks, small))
	// The margin only grows while a scan is shown, so that zooming does not
	// shift the plot sideways under the pointer.
	r.labelW = max(r.labelW, labelW)
	left := r.labelW + 2*pad
	right := 2 * pad
	plotW := max(size.Width-left-right, 10)
	r.plotPos = fyne.NewPos(left, top)
	r.plotSize = fyne.NewSize(plotW, mainH)
	r.area = fyne.NewSize(plotW, areaH)
	r.raster.Move(r.plotPos)
	r.raster.Resize(r.area)

	// Horizontal ticks: spaced by the widest label so labels never touch.
	gap := float64(max(fyne.MeasureText("00.00", small, fyne.TextStyle{}).Width+3*pad, 60))
	r.xTicks = r.unit.Ticks(r.cmin, r.cmax, float64(plotW), gap)
	wide := float32(0)
	for _, t := range r.xTicks {
		wide = max(wide, fyne.MeasureText(t.Label, small, fyne.TextStyle{}).Width)
	}
	if g := float64(wide + 3*pad); g > gap {
		r.xTicks = r.unit.Ticks(r.cmin, r.cmax, float64(plotW), g)
	}
	r.tickLabels(&r.xLabels, r.xTicks, small)
	for i, t := range labelled(r.xTicks) {
		l := r.xLabels[i]
		ms := l.MinSize()
		x := r.plotPos.X + r.screenXCoord(t.Coord) - ms.Width/2
		l.Move(fyne.NewPos(x, top+areaH+pad/2))
		l.Resize(ms)
	}
	for i, t := range labelled(r.yTicks) {
		l := r.yLabels[i]
		ms := l.MinSize()
		l.Move(fyne.NewPos(left-pad-ms.Width, top+r.screenYCoord(t.Coord)-ms.Height/2))
		l.Resize(ms)
	}
	for i, t := range labelled(r.dTicks) {
		l := r.dLabels[i]
		ms := l.MinSize()
		y := top + r.diffY + float32((r.dmax-t.Coord)/(r.dmax-r.dmin))*r.diffH
		l.Move(fyne.NewPos(left-pad-ms.Width, y-ms.Height/2))
		l.Resize(ms)
	}
	xs := r.xTitle.MinSize()
	r.xTitle.Move(fyne.NewPos(left+(plotW-xs.Width)/2, top+areaH+pad/2+labelH+pad/2))
	r.xTitle.Resize(xs)
	ys := r.yTitle.MinSize()
	r.yTitle.Move(fyne.NewPos(pad, (top-ys.Height)/2))
	r.yTitle.Resize(ys)

	r.layoutLegend(r.legendEntries(), small)
	r.layoutStickLabels(small)
}

// labelled returns the ticks that have a label.
func labelled(t []figure.Tick) []figure.Tick {
	out := make([]figure.Tick, 0, len(t))
	for _, k := range t {
		if k.Label != "" {
			out = append(out, k)
		}
	}
	return out
}

// tickLabels fills *pool with the labels of the labelled ticks and returns
// the widest.
func (r *patternRenderer) tickLabels(pool *[]*canvas.Text, t []figure.Tick, size float32) float32 {
	l := labelled(t)
	r.textPool(pool, len(l), size)
	w := float32(0)
	for i, k := range l {
		(*pool)[i].Text = k.Label
		w = max(w, (*pool)[i].MinSize().Width)
	}
	return w
}

type legendEntry struct {
	name  string
	color color.Color
	thick bool
}

func (r *patternRenderer) legendEntries() []legendEntry {
	v := r.v
	e := []legendEntry{{r.traceName(), r.traceColor(r.pal), false}}
	for _, t := range v.Traces {
		if _, _, ok := v.traceCoords(t.Scan); ok {
			e = append(e, legendEntry{t.Name, t.Color, false})
		}
	}
	if len(v.Background) == len(v.Scan.TwoTheta) {
		e = append(e, legendEntry{"Background", r.pal.backg, false})
	}
	if r.fit != nil {
		e = append(e, legendEntry{"Calculated", r.pal.calc, false}, legendEntry{"Difference", r.pal.diff, false})
	}
	if len(v.Peaks) > 0 {
		e = append(e, legendEntry{fmt.Sprintf("Peaks (%d)", len(v.Peaks)), r.pal.marker, true})
	}
	if n := v.unexplainedPeaks(); n > 0 {
		e = append(e, legendEntry{fmt.Sprintf("Unexplained (%d)", n), r.pal.unexplained, true})
	}
	seen := map[string]bool{}
	for _, o := range v.Overlays {
		seen[o.Name] = true
		e = append(e, legendEntry{o.Name, o.Color, true})
	}
	if r.fit != nil {
		for _, p := range r.fit.Phases {
			if !seen[p.Name] {
				e = append(e, legendEntry{p.Name, p.Color, false})
			}
		}
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

// screenXCoord maps an axis coordinate to widget units from the plot's
// left edge; screenX maps an angle 2θ of Scan.
func (r *patternRenderer) screenXCoord(c float64) float32 {
	return float32((c - r.cmin) / (r.cmax - r.cmin) * float64(r.plotSize.Width))
}

func (r *patternRenderer) screenX(twoTheta float64) float32 {
	return r.screenXCoord(r.unit.Coord(twoTheta, r.lambda))
}

// screenYCoord maps an intensity-scale coordinate to widget units from the
// plot's top; screenY maps an intensity of Scan.
func (r *patternRenderer) screenYCoord(c float64) float32 {
	return float32((r.ymax - c) / (r.ymax - r.ymin) * float64(r.plotSize.Height))
}

func (r *patternRenderer) screenY(y float64) float32 {
	return r.screenYCoord(r.v.YScale.Coord(y, r.floor))
}

// coordX maps a widget x position to an axis coordinate, and dataX to an
// angle 2θ of Scan.
func (r *patternRenderer) coordX(px float32) float64 {
	return r.cmin + float64(px-r.plotPos.X)/float64(max(r.plotSize.Width, 1))*(r.cmax-r.cmin)
}

func (r *patternRenderer) dataX(px float32) float64 {
	return r.unit.TwoThetaAt(r.coordX(px), r.lambda)
}

// coordY maps a widget y position to an intensity-scale coordinate, and
// dataY to an intensity.
func (r *patternRenderer) coordY(py float32) float64 {
	return r.ymax - float64(py-r.plotPos.Y)/float64(max(r.plotSize.Height, 1))*(r.ymax-r.ymin)
}

func (r *patternRenderer) dataY(py float32) float64 { return r.v.YScale.Value(r.coordY(py)) }

// showBox draws the zoom box from one corner to the other, kept inside the
// plot's area.
func (r *patternRenderer) showBox(from, to fyne.Position) {
	clamp := func(p fyne.Position) fyne.Position {
		return fyne.NewPos(min(max(p.X, r.plotPos.X), r.plotPos.X+r.area.Width),
			min(max(p.Y, r.plotPos.Y), r.plotPos.Y+r.area.Height))
	}
	a, b := clamp(from), clamp(to)
	r.box.Move(fyne.NewPos(min(a.X, b.X), min(a.Y, b.Y)))
	r.box.Resize(fyne.NewSize(max(a.X, b.X)-min(a.X, b.X), max(a.Y, b.Y)-min(a.Y, b.Y)))
	r.box.Show()
	r.box.Refresh()
}

// hideBox hides the zoom box and returns its corners.
func (r *patternRenderer) hideBox() (from, to fyne.Position) {
	r.box.Hide()
	r.box.Refresh()
	p, s := r.box.Position(), r.box.Size()
	return p, p.Add(fyne.NewPos(s.Width, s.Height))
}

// hoverAt updates the read-out for a pointer at pos: over the pattern 2θ,
// d and the intensity; over the difference strip obs − calc; over the
// stick pane the nearest line. A position outside hides it.
func (r *patternRenderer) hoverAt(pos fyne.Position) {
	v := r.v
	inX := v.Scan != nil && len(v.Scan.TwoTheta) >= 2 &&
		pos.X >= r.plotPos.X && pos.X <= r.plotPos.X+r.plotSize.Width
	y := pos.Y - r.plotPos.Y
	var text string
	inPattern := inX && y >= 0 && y <= r.plotSize.Height
	switch {
	case inPattern:
		x := r.dataX(pos.X)
		i := v.Scan.IntensityAt(x)
		d := math.NaN()
		if v.Scan.Wavelength.Known() {
			d = diffraction.D(x, v.Scan.Wavelength.Ka1)
		}
		text = hoverLabel(r.unit, x, d, i)
		if v.OnHover != nil {
			v.OnHover(x, d, i, true)
		}
	case inX && r.diffH > 0 && y >= r.diffY && y <= r.diffY+r.diffH:
		x := r.dataX(pos.X)
		f := r.fit
		text = fmt.Sprintf("2θ %.3f°   obs − calc %.0f", x, (&diffraction.Scan{TwoTheta: f.TwoTheta, Intensity: f.Difference}).IntensityAt(x))
	case inX && r.rowH > 0 && y >= r.paneY && y < r.paneY+r.rowH*float32(len(v.Overlays)):
		r.setStickAt(r.stickNear(pos))
		if s := r.stickAt; s != noStick {
			o := v.Overlays[s.row]
			text = stickLabel(o.Name, o.Sticks[s.i], r.stickTop[s.row])
		}
	}
	if !inPattern && v.OnHover != nil && r.hoverText.Visible() {
		v.OnHover(math.NaN(), math.NaN(), math.NaN(), false)
	}
	if !(inX && r.rowH > 0 && y >= r.paneY) {
		r.setStickAt(noStick)
	}
	if text == "" {
		if r.hoverText.Visible() {
			r.hoverText.Hide()
			r.hoverBg.Hide()
			r.cursor.Hide()
		}
		return
	}
	r.hoverText.Text = text
	r.hoverText.Refresh()
	pad := v.Theme().Size(theme.SizeNamePadding)
	ms := r.hoverText.MinSize()
	p := fyne.NewPos(r.plotPos.X+2*pad, r.plotPos.Y+2*pad)
	r.hoverBg.Move(p)
	r.hoverBg.Resize(fyne.NewSize(ms.Width+2*pad, ms.Height+pad))
	r.hoverText.Move(p.AddXY(pad, pad/2))
	r.hoverText.Resize(ms)
	r.cursor.Position1 = fyne.NewPos(pos.X, r.plotPos.Y)
	r.cursor.Position2 = fyne.NewPos(pos.X, r.plotPos.Y+r.area.Height)
	for _, o := range []fyne.CanvasObject{r.hoverBg, r.hoverText, r.cursor} {
		o.Show()
		o.Refresh()
	}
}

// hoverLabel formats the read-out, the axis's unit first.
func hoverLabel(u figure.XUnit, twoTheta, d, intensity float64) string {
	tt := fmt.Sprintf("2θ %.3f°", twoTheta)
	ds := "d –"
	if !math.IsNaN(d) {
		ds = fmt.Sprintf("d %.4f Å", d)
	}
	is := fmt.Sprintf("I %.0f", intensity)
	switch u {
	case figure.D:
		return ds + "   " + tt + "   " + is
	case figure.Q:
		return fmt.Sprintf("Q %.4f Å⁻¹   %s   %s   %s", 2*math.Pi/d, ds, tt, is)
	}
	return tt + "   " + ds + "   " + is
}

// draw renders the plot area into the reused image: the pattern (grid,
// fit contributions, background, traces, calculated pattern, markers,
// handles), the difference strip and the stick pane, each framed with tick
// marks. It is the raster's generator and receives the size in pixels.
func (r *patternRenderer) draw(w, h int) image.Image {
	c := &r.cv
	c.resize(w, h)
	c.fill(r.pal.bg)
	v := r.v
	if v.Scan == nil || len(v.Scan.TwoTheta) < 2 || !(r.cmax > r.cmin) || !(r.ymax > r.ymin) {
		return c.img
	}
	// Pixels per widget unit: 1 on a normal screen, 2 on a HiDPI one.
	s := float64(w) / math.Max(float64(r.area.Width), 1)
	lw := max(1, int(math.Round(s)))
	px := func(units float32) int { return int(math.Round(float64(units) * s)) }
	mainH := min(px(r.plotSize.Height), h)
	sx := float64(w) / (r.cmax - r.cmin)
	tr := transform{
		x0: r.cmin, sx: sx,
		y0: r.ymin, sy: float64(mainH-1) / (r.ymax - r.ymin), oy: float64(mainH - 1),
		scale: v.YScale, floor: r.floor,
	}
	pattern := image.Rect(0, 0, w, mainH)
	c.setClip(pattern)
	for _, t := range labelled(r.xTicks) {
		c.vrun(int(tr.px(t.Coord)), 0, mainH-1, 1, r.pal.grid)
	}
	for _, t := range labelled(r.yTicks) {
		c.hrun(0, w-1, int(math.Round(tr.pyCoord(t.Coord))), 1, r.pal.grid)
	}
	for _, sr := range r.curves(r.pal) {
		r.drawSeries(c, sr, tr, lw)
	}
	for _, sr := range r.traces(r.pal) {
		r.drawSeries(c, sr, tr, lw)
	}
	if r.fit != nil {
		r.drawSeries(c, r.calculated(r.pal), tr, lw)
	}

	// Peak markers: a short tick a few pixels above the trace.
	gap, tick := int(4*s), int(9*s)
	for i, p := range v.Peaks {
		cx := r.unit.Coord(p.TwoTheta, r.lambda)
		if cx < r.cmin || cx > r.cmax {
			continue
		}
		x := int(tr.px(cx))
		y := int(math.Round(tr.py(v.Scan.IntensityAt(p.TwoTheta))))
		col, wid := r.pal.marker, lw+1
		if v.unexplained(i) {
			col = r.pal.unexplained
		}
		if i == v.Selected {
			col = r.pal.selected
			c.vrun(x, 0, mainH-1, lw, col)
			wid++
		}
		c.vrun(x, y-gap-tick, y-gap, wid, col)
	}
	r.drawHandles(c, tr, s)
	r.drawFrame(c, pattern, tr, r.yTicks, s)

	if r.diffH > 0 {
		top, bottom := px(r.diffY), min(px(r.diffY+r.diffH), h)
		strip := image.Rect(0, top, w, bottom)
		dt := transform{x0: r.cmin, sx: sx, y0: r.dmin, sy: float64(bottom-top-1) / (r.dmax - r.dmin),
			oy: float64(bottom - 1)}
		c.setClip(strip)
		for _, t := range labelled(r.xTicks) {
			c.vrun(int(tr.px(t.Coord)), top, bottom-1, 1, r.pal.grid)
		}
		c.hrun(0, w-1, int(math.Round(dt.pyCoord(0))), 1, r.pal.backg)
		f := r.fit
		r.drawSeries(c, series{"", f.TwoTheta, f.Difference, r.lambda, 0, r.pal.diff}, dt, lw)
		r.drawFrame(c, strip, dt, r.dTicks, s)
	}
	if r.rowH > 0 {
		r.drawPane(c, tr, s, lw)
	}
	c.setClip(image.Rect(0, 0, w, h))
	return c.img
}

// drawSeries draws one curve through tr, shifted by its offset.
func (r *patternRenderer) drawSeries(c *canvasRGBA, sr series, tr transform, lw int) {
	x := r.coords.get(r.unit, sr.twoTheta, sr.lambda)
	lo, hi := r.indexRange(x)
	tr.off = sr.off
	c.polyline(x, sr.y, lo, hi, tr, lw, sr.col)
}

// drawFrame frames the rectangle b, with tick marks pointing in: the
// horizontal axis's at top and bottom, the ticks yt (on tr's scale) at the
// sides; major ticks are the labelled ones.
func (r *patternRenderer) drawFrame(c *canvasRGBA, b image.Rectangle, tr transform, yt []figure.Tick, s float64) {
	c.setClip(b)
	lw := max(1, int(math.Round(s)))
	fc := r.pal.frame
	x0, x1, y0, y1 := b.Min.X, b.Max.X-1, b.Min.Y, b.Max.Y-1
	c.hrun(x0, x1, y0, lw, fc)
	c.hrun(x0, x1, y1, lw, fc)
	c.vrun(x0, y0, y1, lw, fc)
	c.vrun(x1, y0, y1, lw, fc)
	major, minor := int(6*s), int(3*s)
	for _, t := range r.xTicks {
		x := int(tr.px(t.Coord))
		l, wid := minor, 1
		if t.Label != "" {
			l, wid = major, lw
		}
		c.vrun(x, y1-l, y1, wid, fc)
		c.vrun(x, y0, y0+l, wid, fc)
	}
	for _, t := range yt {
		y := int(math.Round(tr.pyCoord(t.Coord)))
		l, wid := minor, 1
		if t.Label != "" {
			l, wid = major, lw
		}
		c.hrun(x0, x0+l, y, wid, fc)
		c.hrun(x1-l, x1, y, wid, fc)
	}
}

// coordCache keeps the axis coordinates of the curves drawn on a d or Q
// axis (on a 2θ axis they are the angles themselves): a 100,000-point
// scan is converted once, not on every frame. Entries unused between two
// sweeps are dropped. Scans are not changed once loaded, so a slice's
// address, length and wavelength identify its coordinates.
type coordCache struct {
	m    map[coordKey][]float64
	used map[coordKey]bool
}

type coordKey struct {
	p      *float64
	n      int
	lambda float64
}

// get returns the axis coordinates of the angles x seen at lambda.
func (cc *coordCache) get(u figure.XUnit, x []float64, lambda float64) []float64 {
	if u == figure.TwoTheta || len(x) == 0 {
		return x
	}
	if cc.m == nil {
		cc.m, cc.used = map[coordKey][]float64{}, map[coordKey]bool{}
	}
	k := coordKey{&x[0], len(x), lambda}
	cc.used[k] = true
	if c, ok := cc.m[k]; ok {
		return c
	}
	c := make([]float64, len(x))
	for i, t := range x {
		c[i] = u.Coord(t, lambda) // the same Q for a d axis
	}
	cc.m[k] = c
	return c
}

// sweep drops the entries not used since the last sweep.
func (cc *coordCache) sweep() {
	for k := range cc.m {
		if !cc.used[k] {
			delete(cc.m, k)
		}
	}
	clear(cc.used)
}
