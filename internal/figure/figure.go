package figure

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Figure is a powder pattern drawn with gonum/plot: measured scans
// (overlaid or offset in a waterfall), their background and a fit, peak
// markers, the difference of a fit in a strip under the pattern and the
// reference sticks of phases in a pane under that, one row each, all on
// one horizontal axis in 2θ, d or Q, with the intensity on a linear,
// square-root or log scale and the legend in a column at the right. The
// window exports its view as one (so the file shows what the screen
// does), and the report's figure is one.
type Figure struct {
	Title  string
	XTitle string // "" is the unit's (XUnit.Title)
	YTitle string // "Intensity (counts)"; the scale is added when it is not linear
	X      XUnit
	Y      YScale
	// Lambda (Å) is the wavelength of the main scan: the markers and the
	// sticks are at its angles, and a curve without a wavelength of its
	// own is too.
	Lambda float64
	// XMin and XMax bound the axis in its coordinates (XUnit.Coord);
	// XMax <= XMin shows the curves' whole range.
	XMin, XMax float64
	// YMin and YMax bound the intensity in the scale's coordinates
	// (YScale.Coord); YMax <= YMin follows the curves in view, with the
	// zero line on a linear or square-root scale and room above for the
	// markers.
	YMin, YMax float64
	// Floor is the least intensity of a log scale; 0 means LogFloor of
	// the curves.
	Floor float64

	Curves  []Curve  // drawn in order, the last on top
	Markers []Marker // peaks: a triangle over each, in MarkerColor
	// MarkerName names the markers in the legend.
	MarkerName  string
	MarkerColor color.Color
	// UnexplainedName and UnexplainedColor name and colour the markers
	// of the peaks no phase explains (Marker.Unexplained).
	UnexplainedName  string
	UnexplainedColor color.Color
	// Difference, when not nil, is drawn in a strip under the pattern
	// (obs − calc of a fit), on a linear scale of its own.
	Difference *Curve
	Sticks     []StickRow // one row each in a pane at the bottom
	// Labels writes the hkl of the strongest lines of each stick row.
	Labels bool
}

// Curve is one line of the pattern.
type Curve struct {
	Name     string // in the legend; "" for none
	Color    color.Color
	TwoTheta []float64 // degrees
	Y        []float64 // intensities, one per angle
	// Lambda (Å) is the wavelength the angles were measured with; 0 means
	// the figure's.
	Lambda float64
	// Offset lifts the curve on the intensity scale (a waterfall).
	Offset float64
	Width  float64 // points; 0 means 0.8
	Dashed bool
}

// Marker marks a peak of the main scan at 2θ (degrees) and intensity Y;
// Unexplained sets apart a peak that no phase explains.
type Marker struct {
	TwoTheta, Y float64
	Unexplained bool
}

// StickRow is the stick pattern of one phase: refdb.Phase.Sticks at the
// figure's wavelength, heights relative to the strongest.
type StickRow struct {
	Name   string
	Color  color.Color
	Sticks []refdb.Stick
}

// DPI is the resolution a figure is laid out at: text and line widths
// given in points come out at the size a screen shows them.
const DPI = 96

// Formats are the file formats Write writes.
var Formats = []string{"png", "svg", "pdf"}

// Size limits of a figure, in pixels.
const (
	MinWidth, MinHeight = 200, 150
	MaxSide             = 10000
)

// Write draws the figure widthPx × heightPx in format ("png", "svg" or
// "pdf") to w. Sizes are pixels at DPI: a PNG has that many, an SVG or a
// PDF is as large in points (× 72/96), the size the screen shows.
func (f *Figure) Write(w io.Writer, format string, widthPx, heightPx int) error {
	if err := checkSize(widthPx, heightPx); err != nil {
		return err
	}
	wPt := vg.Length(widthPx) * vg.Inch / DPI
	hPt := vg.Length(heightPx) * vg.Inch / DPI
	var c interface {
		vg.CanvasSizer
		io.WriterTo
	}
	switch strings.ToLower(format) {
	case "png":
		img, err := f.Image(widthPx, heightPx, DPI)
		if err != nil {
			return err
		}
		// The figure is mostly flat white; the fastest level compresses
		// it about as well as the default in a fraction of the time.
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		return enc.Encode(w, img)
	case "svg":
		c = vgsvg.New(wPt, hPt)
	case "pdf":
		c = pdfCanvas{vgpdf.New(wPt, hPt)}
	default:
		return fmt.Errorf("figure: unknown format %q (png, svg or pdf)", format)
	}
	// Curves are thinned to a minimum and a maximum per column of a
	// 300 DPI print.
	if err := f.draw(draw.New(c), 300, true); err != nil {
		return err
	}
	var buf bytes.Buffer // nothing reaches w if writing fails half way
	if _, err := c.WriteTo(&buf); err != nil {
		return fmt.Errorf("figure: writing %s: %w", format, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// Image draws the figure on a widthPx × heightPx image laid out at dpi
// (DPI: text at the size a screen shows it; more makes it smaller and
// sharper).
func (f *Figure) Image(widthPx, heightPx, dpi int) (*image.RGBA, error) {
	if err := checkSize(widthPx, heightPx); err != nil {
		return nil, err
	}
	if dpi < 24 || dpi > 1200 {
		return nil, fmt.Errorf("figure: resolution %d DPI is out of range (24–1200)", dpi)
	}
	// The canvas makes the image, white (vgimg's ground), at the size
	// that gives widthPx × heightPx at dpi: its ground is set on the
	// pixels, not rasterised as a path (a fifth of the drawing time).
	in := vg.Inch / vg.Length(dpi)
	cv := vgimg.NewWith(vgimg.UseWH(vg.Length(widthPx)*in, vg.Length(heightPx)*in), vgimg.UseDPI(dpi))
	if b := cv.Image().Bounds(); b.Dx() != widthPx || b.Dy() != heightPx {
		return nil, fmt.Errorf("figure: a canvas of %d × %d pixels for %d × %d", b.Dx(), b.Dy(), widthPx, heightPx)
	}
	if err := f.draw(draw.New(cv), float64(dpi), false); err != nil {
		return nil, err
	}
	out, ok := cv.Image().(*image.RGBA)
	if !ok {
		return nil, errors.New("figure: unexpected image type")
	}
	return out, nil
}

func checkSize(w, h int) error {
	if w < MinWidth || h < MinHeight {
		return fmt.Errorf("figure: size %d×%d px is too small (at least %d×%d)", w, h, MinWidth, MinHeight)
	}
	if w > MaxSide || h > MaxSide {
		return fmt.Errorf("figure: size %d×%d px is too large (at most %d×%d)", w, h, MaxSide, MaxSide)
	}
	return nil
}

// lambdaOf is the wavelength of a curve's angles.
func (f *Figure) lambdaOf(c *Curve) float64 {
	if c.Lambda > 0 {
		return c.Lambda
	}
	return f.Lambda
}

// coords returns the axis coordinates of a curve's angles.
func (f *Figure) coords(c *Curve) []float64 {
	if f.X == TwoTheta {
		return c.TwoTheta
	}
	l := f.lambdaOf(c)
	x := make([]float64, len(c.TwoTheta))
	for i, t := range c.TwoTheta {
		x[i] = f.X.Coord(t, l)
	}
	return x
}

// visible returns the index range of x (ascending) inside lo–hi, one point
// beyond each edge.
func visible(x []float64, lo, hi float64) (a, b int) {
	a = sort.SearchFloat64s(x, lo) - 1
	b = sort.SearchFloat64s(x, hi)
	return max(a, 0), min(b, len(x)-1)
}

// ranges settles the axis and intensity ranges and the log floor.
func (f *Figure) ranges() (xlo, xhi, ylo, yhi, floor float64, err error) {
	xlo, xhi = f.XMin, f.XMax
	if !(xhi > xlo) {
		xlo, xhi = math.Inf(1), math.Inf(-1)
		for i := range f.Curves {
			c := &f.Curves[i]
			if n := len(c.TwoTheta); n > 0 {
				l := f.lambdaOf(c)
				xlo = min(xlo, f.X.Coord(c.TwoTheta[0], l))
				xhi = max(xhi, f.X.Coord(c.TwoTheta[n-1], l))
			}
		}
	}
	if !(xhi > xlo) || math.IsInf(xhi-xlo, 0) {
		return 0, 0, 0, 0, 0, errors.New("figure: nothing to draw (no curve with two points)")
	}
	floor = f.Floor
	if !(floor > 0) {
		ys := make([][]float64, len(f.Curves))
		for i, c := range f.Curves {
			ys[i] = c.Y
		}
		floor = LogFloor(ys...)
	}
	ylo, yhi = f.YMin, f.YMax
	if yhi > ylo {
		return xlo, xhi, ylo, yhi, floor, nil
	}
	ylo, yhi = math.Inf(1), math.Inf(-1)
	for i := range f.Curves {
		c := &f.Curves[i]
		x := f.coords(c)
		a, b := visible(x, xlo, xhi)
		for j := a; j <= b && j < len(c.Y); j++ {
			v := f.Y.Coord(c.Y[j], floor) + c.Offset
			ylo, yhi = min(ylo, v), max(yhi, v)
		}
	}
	if f.Y != Log && ylo > 0 {
		ylo = 0
	}
	if math.IsInf(ylo, 0) || math.IsInf(yhi, 0) {
		ylo, yhi = 0, 1
	}
	if !(yhi > ylo) {
		yhi = ylo + 1
	}
	return xlo, xhi, ylo, yhi + 0.1*(yhi-ylo), floor, nil
}

// Sizes of the figure's parts, in points.
const (
	rowHeight   = 20 // a stick row
	labelHeight = 10 // the hkl labels over a stick row
	tickGap     = 44 // between labelled ticks of the horizontal axis
)

// panel is one of the stacked plots of a figure: the pattern, the
// difference strip or the stick pane.
type panel struct {
	p      *plot.Plot
	height vg.Length
	data   []plot.Plotter
	yTicks []Tick
}

// draw draws the figure on dc, thinning curves to a minimum and a maximum
// per pixel column at dpi, on a white ground it paints when ground is set
// (the panels have none of their own).
func (f *Figure) draw(dc draw.Canvas, dpi float64, ground bool) error {
	xlo, xhi, ylo, yhi, floor, err := f.ranges()
	if err != nil {
		return err
	}
	if ground {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
	}

	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(18)
	legend.Padding = vg.Points(2)
	legend.TextStyle.Font.Typeface, legend.TextStyle.Font.Variant = "Liberation", "Sans"
	// The legend's column is at most legendShare of the width: a name
	// wider than its text room is shortened to fit (fitText).
	room := legendShare*dc.Size().X - legendMargin - legend.ThumbnailWidth - legend.TextStyle.Rectangle(" ").Max.X

	main := panel{p: newPanel(f.Title)}
	main.p.Y.Label.Text = f.yTitle()
	main.p.Y.Min, main.p.Y.Max = ylo, yhi
	for i := range f.Curves {
		c := &f.Curves[i]
		l, err := f.line(c, f.Y, xlo, xhi, floor, dc, dpi)
		if err != nil {
			return err
		}
		main.data = append(main.data, l)
		if c.Name != "" {
			legend.Add(fitText(legend.TextStyle, c.Name, room), l)
		}
	}
	// The peaks, then those no phase explains on top, in their colour.
	lift := 0.03 * (yhi - ylo)
	for _, unexplained := range []bool{false, true} {
		var pts plotter.XYs
		for _, m := range f.Markers {
			if x := f.X.Coord(m.TwoTheta, f.Lambda); m.Unexplained == unexplained && x >= xlo && x <= xhi {
				pts = append(pts, plotter.XY{X: x, Y: f.Y.Coord(m.Y, floor) + lift})
			}
		}
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("figure: markers: %w", err)
		}
		col, name := f.MarkerColor, f.MarkerName
		if unexplained {
			col, name = f.UnexplainedColor, f.UnexplainedName
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3), Shape: downTriangle{}}
		main.data = append(main.data, sc)
		if name != "" {
			legend.Add(fitText(legend.TextStyle, name, room), sc)
		}
	}
	for _, r := range f.Sticks {
		legend.Add(fitText(legend.TextStyle, r.Name, room), stickThumb{r.Color})
	}

	// The legend takes a column at the right, never over the data.
	lw := min(legend.Rectangle(dc).Size().X+legendMargin, legendShare*dc.Size().X)
	lc := draw.Crop(dc, dc.Size().X-lw+vg.Points(6), 0, 0, 0)
	dc = draw.Crop(dc, 0, -lw, 0, 0)

	// Heights: the strip and the pane take theirs, the pattern the rest.
	total := dc.Size().Y
	panels := []*panel{&main}
	if f.Difference != nil {
		d, err := f.diffPanel(xlo, xhi, dc, dpi)
		if err != nil {
			return err
		}
		d.height = 0.2 * total
		panels = append(panels, d)
	}
	if n := len(f.Sticks); n > 0 {
		rowH := vg.Points(rowHeight)
		if f.Labels {
			rowH += vg.Points(labelHeight)
		}
		paneH := min(rowH*vg.Length(n), 0.35*total)
		rowH = paneH / vg.Length(n)
		p := newPanel("")
		p.Y.Min, p.Y.Max = 0, float64(n)
		p.Y.Tick.Marker = plot.ConstantTicks(nil)
		panels = append(panels, &panel{p: p, height: paneH,
			data: []plot.Plotter{&stickPane{f: f, labelH: rowH - vg.Points(rowHeight)}}})
	}
	// One horizontal axis: the bottom panel labels it, every panel has its
	// tick marks and grid lines.
	xt := f.X.Ticks(xlo, xhi, float64(dc.Size().X-vg.Points(60)), tickGap)
	bare := make([]Tick, len(xt))
	for i, t := range xt {
		bare[i] = Tick{Coord: t.Coord}
	}
	for i, pn := range panels {
		p := pn.p
		p.X.Min, p.X.Max = xlo, xhi
		p.X.Tick.Marker = ticker(bare)
		if i == len(panels)-1 {
			p.X.Tick.Marker = ticker(xt)
			p.X.Label.Text = f.X.Title()
			if f.XTitle != "" {
				p.X.Label.Text = f.XTitle
			}
		}
		sans(p)
	}
	// The heights set are those of the data areas: each panel gets its
	// axes' room on top, the pattern what is left.
	main.height = total
	for _, pn := range panels[1:] {
		pn.height += dc.Size().Y - pn.p.DataCanvas(dc).Size().Y
		main.height -= pn.height
	}
	main.yTicks = f.Y.Ticks(ylo, yhi, float64(main.height), 28)
	main.p.Y.Tick.Marker = ticker(main.yTicks)
	for _, pn := range panels {
		pn.p.Add(&grid{x: xt, y: pn.yTicks})
		pn.p.Add(pn.data...)
	}
	// Stack the panels, each cropped so that their data areas share left
	// edges.
	canvases := make([]draw.Canvas, len(panels))
	top, left := vg.Length(0), vg.Length(0)
	for i, pn := range panels {
		canvases[i] = draw.Crop(dc, 0, 0, total-top-pn.height, -top)
		top += pn.height
		left = max(left, pn.p.DataCanvas(canvases[i]).Min.X)
	}
	for i, pn := range panels {
		shift := left - pn.p.DataCanvas(canvases[i]).Min.X
		pn.p.Draw(draw.Crop(canvases[i], shift, 0, 0, 0))
	}
	legend.YOffs = -main.p.Title.TextStyle.Height(main.p.Title.Text) - main.p.Title.Padding - vg.Points(6)
	legend.Draw(lc)
	return nil
}

// legendShare is the largest part of the figure's width the legend takes,
// legendMargin the room around its entries.
const (
	legendShare  = 0.4
	legendMargin = vg.Length(24)
)

// fitText returns s when it is at most room wide in sty, otherwise s
// shortened with an ellipsis to fit: a trailing parenthesised part (a
// phase's formula, "Name (Formula)") is kept and the text before it cut
// when the part takes at most half the room, else the end is cut.
func fitText(sty text.Style, s string, room vg.Length) string {
	if sty.Rectangle(s).Max.X <= room {
		return s
	}
	head, tail := s, ""
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") && sty.Rectangle("… "+s[i+1:]).Max.X <= room/2 {
		head, tail = s[:i], s[i:]
	}
	r := []rune(head)
	for n := len(r) - 1; n > 0; n-- {
		if t := strings.TrimRight(string(r[:n]), " ") + "…" + tail; sty.Rectangle(t).Max.X <= room {
			return t
		}
	}
	return "…" + tail
}

// yTitle is the intensity axis title with the scale.
func (f *Figure) yTitle() string {
	t := f.YTitle
	if t == "" {
		t = "Intensity"
	}
	switch f.Y {
	case Sqrt:
		t += ", √ scale"
	case Log:
		t += ", log scale"
	}
	return t
}

// newPanel is a plot with no padding between the axes and the data.
func newPanel(title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Padding, p.Y.Padding = 0, 0
	p.BackgroundColor = nil // the figure's ground
	return p
}

// line is the curve c on the figure's horizontal axis and the intensity
// scale sc, decimated to a minimum and a maximum per pixel column of the
// canvas at dpi.
func (f *Figure) line(c *Curve, sc YScale, xlo, xhi, floor float64, dc draw.Canvas, dpi float64) (*plotter.Line, error) {
	if len(c.Y) != len(c.TwoTheta) || len(c.Y) < 2 {
		return nil, fmt.Errorf("figure: curve %q has %d angles and %d intensities", c.Name, len(c.TwoTheta), len(c.Y))
	}
	x := f.coords(c)
	a, b := visible(x, xlo, xhi)
	y := make([]float64, 0, b-a+1)
	for j := a; j <= b; j++ {
		y = append(y, sc.Coord(c.Y[j], floor)+c.Offset)
	}
	cols := int(dc.Size().X.Dots(dpi))
	l, err := plotter.NewLine(decimate(x[a:b+1], y, cols))
	if err != nil {
		return nil, fmt.Errorf("figure: curve %q: %w", c.Name, err)
	}
	l.Color = c.Color
	l.Width = vg.Points(0.8)
	if c.Width > 0 {
		l.Width = vg.Points(c.Width)
	}
	if c.Dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
	}
	return l, nil
}

// diffPanel is the strip of the difference curve, its range that of the
// curve in view with a margin, zero included.
func (f *Figure) diffPanel(xlo, xhi float64, dc draw.Canvas, dpi float64) (*panel, error) {
	d := f.Difference
	l, err := f.line(d, Linear, xlo, xhi, 1, dc, dpi)
	if err != nil {
		return nil, err
	}
	lo, hi := 0.0, 0.0
	for _, pt := range l.XYs {
		lo, hi = min(lo, pt.Y), max(hi, pt.Y)
	}
	if !(hi > lo) {
		lo, hi = -1, 1
	}
	m := 0.08 * (hi - lo)
	p := newPanel("")
	p.Y.Label.Text = "obs − calc"
	p.Y.Min, p.Y.Max = lo-m, hi+m
	yt := Linear.Ticks(lo-m, hi+m, 60, 20)
	p.Y.Tick.Marker = ticker(yt)
	return &panel{p: p, yTicks: yt, data: []plot.Plotter{&grid{y: []Tick{{Coord: 0}}, zero: true}, l}}, nil
}

// ticker gives gonum/plot the ticks of an axis.
type ticker []Tick

func (t ticker) Ticks(lo, hi float64) []plot.Tick {
	out := make([]plot.Tick, 0, len(t))
	for _, k := range t {
		if k.Coord >= lo && k.Coord <= hi {
			out = append(out, plot.Tick{Value: k.Coord, Label: k.Label})
		}
	}
	return out
}

// grid draws light lines at the labelled ticks x and y (a darker one at y
// = 0 with zero set).
type grid struct {
	x, y []Tick
	zero bool
}

func (g *grid) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Gray{0xe4}, Width: vg.Points(0.5)}
	if g.zero {
		sty.Color = color.Gray{0x99}
	}
	for _, t := range g.x {
		if t.Label != "" && t.Coord >= p.X.Min && t.Coord <= p.X.Max {
			x := trX(t.Coord)
			c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
		}
	}
	for _, t := range g.y {
		if (t.Label != "" || g.zero) && t.Coord >= p.Y.Min && t.Coord <= p.Y.Max {
			y := trY(t.Coord)
			c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
		}
	}
}

// stickPane draws the stick rows of a figure, the first at the top.
type stickPane struct {
	f      *Figure
	labelH vg.Length // of the hkl labels over the sticks of a row
}

func (s *stickPane) Plot(c draw.Canvas, p *plot.Plot) {
	f := s.f
	trX, trY := p.Transforms(&c)
	n := len(f.Sticks)
	label := draw.TextStyle{Font: font.From(plot.DefaultFont, vg.Points(7)), XAlign: draw.XCenter, YAlign: draw.YTop,
		Handler: plot.DefaultTextHandler}
	label.Font.Typeface, label.Font.Variant = "Liberation", "Sans"
	for i, r := range f.Sticks {
		base := trY(float64(n - 1 - i))
		top := trY(float64(n - i))
		if i > 0 {
			c.StrokeLine2(draw.LineStyle{Color: color.Gray{0xe4}, Width: vg.Points(0.5)}, c.Min.X, top, c.Max.X, top)
		}
		base += vg.Points(1.5)
		height := top - base - s.labelH - vg.Points(1.5)
		ls := draw.LineStyle{Color: r.Color, Width: vg.Points(0.5)}
		c.StrokeLine2(ls, c.Min.X, base, c.Max.X, base)
		ls.Width = vg.Points(1.4)
		strongest := 0.0
		for _, st := range r.Sticks {
			strongest = max(strongest, st.I)
		}
		if !(strongest > 0) {
			continue
		}
		pos := func(st refdb.Stick) (float64, bool) {
			x := f.X.Coord(st.TwoTheta, f.Lambda)
			return float64(trX(x)), x >= p.X.Min && x <= p.X.Max
		}
		for _, st := range r.Sticks {
			if x, ok := pos(st); ok {
				c.StrokeLine2(ls, vg.Length(x), base, vg.Length(x), base+height*vg.Length(st.I/strongest))
			}
		}
		if !f.Labels {
			continue
		}
		label.Color = r.Color
		width := func(s string) float64 { return float64(label.Width(s)) }
		for _, k := range LabelSticks(r.Sticks, pos, width) {
			x, _ := pos(r.Sticks[k])
			at := vg.Point{X: vg.Length(x), Y: top - vg.Points(0.5)}
			text := HKL(r.Sticks[k])
			// On white, so that a grid line under the label does not
			// read as a digit ("1|12").
			box := label.Rectangle(text).Add(at)
			c.SetColor(color.White)
			c.Fill(box.Path())
			c.FillText(label, at, text)
		}
	}
}

// stickThumb is a stick row's legend entry: a short vertical stick.
type stickThumb struct{ col color.Color }

func (t stickThumb) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(draw.LineStyle{Color: t.col, Width: vg.Points(1.5)}, x, c.Min.Y, x, c.Max.Y)
}

// HKL writes Miller indices as a crystallographer reads them: "101", and
// with spaces once an index is negative or has two digits ("1 -1 0",
// "1 0 10"); "" for a line without indices (000).
func HKL(s refdb.Stick) string {
	if s.H == 0 && s.K == 0 && s.L == 0 {
		return ""
	}
	if s.H >= 0 && s.H <= 9 && s.K >= 0 && s.K <= 9 && s.L >= 0 && s.L <= 9 {
		return fmt.Sprintf("%d%d%d", s.H, s.K, s.L)
	}
	return fmt.Sprintf("%d %d %d", s.H, s.K, s.L)
}

// LabelSticks returns the indices of the sticks of a row to label with
// their hkl: the strongest first, each at least a tenth of the row's
// strongest and indexed, skipping those whose label would touch one
// already placed. pos gives a stick's position along the axis (in the
// units of width) and whether it is in view; width measures a label.
func LabelSticks(sticks []refdb.Stick, pos func(refdb.Stick) (float64, bool), width func(string) float64) []int {
	strongest := 0.0
	for _, s := range sticks {
		strongest = max(strongest, s.I)
	}
	var cand []int
	for i, s := range sticks {
		if _, ok := pos(s); ok && s.I >= 0.1*strongest && HKL(s) != "" {
			cand = append(cand, i)
		}
	}
	sort.SliceStable(cand, func(a, b int) bool { return sticks[cand[a]].I > sticks[cand[b]].I })
	type span struct{ lo, hi float64 }
	var taken []span
	var out []int
next:
	for _, i := range cand {
		x, _ := pos(sticks[i])
		half := width(HKL(sticks[i]))/2 + 2
		sp := span{x - half, x + half}
		for _, t := range taken {
			if sp.lo < t.hi && t.lo < sp.hi {
				continue next
			}
		}
		taken = append(taken, sp)
		out = append(out, i)
	}
	return out
}

// decimate reduces (x, y) to at most 2·cols points, the minimum and the
// maximum of each of cols runs of consecutive points, in their order. Short
// series are copied unchanged.
func decimate(x, y []float64, cols int) plotter.XYs {
	n := len(x)
	if n <= 4*cols {
		out := make(plotter.XYs, n)
		for i := range out {
			out[i] = plotter.XY{X: x[i], Y: y[i]}
		}
		return out
	}
	out := make(plotter.XYs, 0, 2*cols+2)
	for c := range cols {
		lo, hi := c*n/cols, (c+1)*n/cols
		if lo >= hi {
			continue
		}
		imin, imax := lo, lo
		for i := lo + 1; i < hi; i++ {
			if y[i] < y[imin] {
				imin = i
			}
			if y[i] > y[imax] {
				imax = i
			}
		}
		a, b := min(imin, imax), max(imin, imax)
		out = append(out, plotter.XY{X: x[a], Y: y[a]})
		if b != a {
			out = append(out, plotter.XY{X: x[b], Y: y[b]})
		}
	}
	return out
}

// sans sets every text of a panel in Liberation Sans, which reads better
// at small sizes than the serif default and matches the workbook.
func sans(p *plot.Plot) {
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font,
		&p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font,
	} {
		f.Typeface, f.Variant = "Liberation", "Sans"
	}
}

// downTriangle is a filled triangle pointing down at the point: a peak
// marker.
type downTriangle struct{}

func (downTriangle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	path.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	path.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	path.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	path.Close()
	c.SetColor(sty.Color)
	c.Fill(path)
}
