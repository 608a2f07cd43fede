package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/bragg-xrd/bragg/internal/palette"
)

// ScreenDPI is the resolution at which Figure.Image lays out a figure:
// text and line widths given in points come out at the size a screen
// shows them.
const ScreenDPI = 96

// The formats a figure is written in (Figure.Write).
const (
	PNG = "png"
	SVG = "svg"
	PDF = "pdf"
)

// FigureFormat returns the figure format of a file name from its
// extension (.png, .svg, .pdf), or an error naming the extensions.
func FigureFormat(path string) (string, error) {
	switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), ".")); ext {
	case PNG, SVG, PDF:
		return ext, nil
	default:
		return "", fmt.Errorf("%s: a figure is written as .png, .svg or .pdf", path)
	}
}

// Size is the size of a written figure: its width and height, and for PNG
// the resolution in dots per inch.
type Size struct {
	Width, Height vg.Length
	DPI           int
}

// DefaultSize is a figure the width of a journal page, 17 × 10 cm, at
// 300 dpi for PNG.
var DefaultSize = Size{Width: 17 * vg.Centimeter, Height: 10 * vg.Centimeter, DPI: 300}

// Limits of a figure's size, so that a mistyped unit is an error rather
// than an image of gigabytes.
const (
	minFigure = 4 * vg.Centimeter
	maxFigure = 100 * vg.Centimeter
	maxPixels = 10000
)

// FigureOptions are a figure's settings beyond the analysis it shows.
type FigureOptions struct {
	// Title is written above the plot; "" is Input.Title (the sample, or
	// the file's name without folder and extension), "-" none.
	Title string
	// Labels is how many of each phase's strongest matched lines get
	// their hkl written above the peak; 0 is DefaultLabels, negative none.
	Labels int
}

// DefaultLabels is the number of hkl labels per phase: the strongest
// lines, which identify a phase at a glance, without crowding the plot.
const DefaultLabels = 6

// Figure is the annotated pattern of an analysis, as the report shows it
// and as a publication or the window's "export view" wants it: the
// observed pattern with its background (with a whole-pattern fit, the
// calculated pattern and the difference curve below it), the peaks (the
// unexplained ones marked), hkl labels on the strongest lines of each
// accepted phase, and a stick pane per phase in its colour (internal/
// palette), with a legend beside the plot. Build it with NewFigure, then
// Write it (PNG, SVG or PDF) or take its Image.
type Figure struct {
	in  Input
	opt FigureOptions
}

// NewFigure returns the figure of in, which must pass the checks of
// Write.
func NewFigure(in Input, opt FigureOptions) (*Figure, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if opt.Labels == 0 {
		opt.Labels = DefaultLabels
	}
	return &Figure{in: in, opt: opt}, nil
}

// Write writes the figure to w in format (PNG, SVG or PDF) at size. SVG
// embeds its font and PDF draws its text as outlines, so that the figure
// looks the same anywhere.
func (f *Figure) Write(w io.Writer, format string, size Size) error {
	if err := size.check(format); err != nil {
		return err
	}
	switch format {
	case PNG:
		img, err := f.render(size)
		if err != nil {
			return err
		}
		return encodePNG(w, img)
	case SVG:
		c := vgsvg.NewWith(vgsvg.UseWH(size.Width, size.Height), vgsvg.EmbedFonts(true))
		if err := f.draw(draw.New(c)); err != nil {
			return err
		}
		_, err := c.WriteTo(w)
		return err
	case PDF:
		c := vgpdf.New(size.Width, size.Height)
		if err := f.draw(draw.New(outlined{c})); err != nil {
			return err
		}
		_, err := c.WriteTo(w)
		return err
	}
	return fmt.Errorf("report: figure format %q: want png, svg or pdf", format)
}

// Image draws the figure on a widthPx × heightPx image laid out at
// ScreenDPI, as a window shows it.
func (f *Figure) Image(widthPx, heightPx int) (*image.RGBA, error) {
	px := vg.Inch / ScreenDPI
	size := Size{Width: vg.Length(widthPx) * px, Height: vg.Length(heightPx) * px, DPI: ScreenDPI}
	if err := size.check(PNG); err != nil {
		return nil, err
	}
	return f.render(size)
}

// check refuses sizes no figure has.
func (s Size) check(format string) error {
	for _, l := range []vg.Length{s.Width, s.Height} {
		if !(l >= minFigure && l <= maxFigure) {
			return fmt.Errorf("report: figure size %.1f × %.1f cm: each side must be %g–%g cm", s.Width/vg.Centimeter, s.Height/vg.Centimeter,
				float64(minFigure/vg.Centimeter), float64(maxFigure/vg.Centimeter))
		}
	}
	if format == PNG {
		w, h := s.pixels()
		if s.DPI < 50 || w > maxPixels || h > maxPixels {
			return fmt.Errorf("report: figure of %d × %d pixels at %d dpi: the resolution must be at least 50 dpi and each side at most %d pixels", w, h, s.DPI, maxPixels)
		}
	}
	return nil
}

func (s Size) pixels() (w, h int) {
	return int(math.Round(float64(s.Width/vg.Inch) * float64(s.DPI))), int(math.Round(float64(s.Height/vg.Inch) * float64(s.DPI)))
}

// render draws the figure on an image of size.
func (f *Figure) render(size Size) (*image.RGBA, error) {
	w, h := size.pixels()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(size.DPI))
	if err := f.draw(draw.New(c)); err != nil {
		return nil, err
	}
	out, ok := c.Image().(*image.RGBA)
	if !ok {
		return nil, errors.New("report: figure: unexpected image type")
	}
	return out, nil
}

// encodePNG writes img as a PNG. The figure is mostly flat white: the
// fastest compression level makes a file about as small as the default
// in a fraction of the time.
func encodePNG(w io.Writer, img image.Image) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("report: encoding figure: %w", err)
	}
	return nil
}

// sheetFigure is the PNG of the Summary sheet's figure.
func sheetFigure(in *Input) ([]byte, error) {
	f := &Figure{in: *in, opt: FigureOptions{Labels: DefaultLabels}}
	px := vg.Inch / ScreenDPI
	img, err := f.render(Size{Width: figureWidth * px, Height: figureHeight * px, DPI: figureDPI})
	if err != nil {
		return nil, err
	}
	// Not compressed: the workbook's package deflates it, faster than
	// the PNG encoder filters and compresses it, to about the same size.
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("report: encoding figure: %w", err)
	}
	return buf.Bytes(), nil
}

// Colours of the curves; the phases have theirs from internal/palette.
var (
	observedColor   = color.RGBA{0x20, 0x20, 0x20, 0xff}
	backgroundColor = color.RGBA{0x99, 0x99, 0x99, 0xff}
	calculatedColor = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	differenceColor = color.RGBA{0x60, 0x60, 0x60, 0xff}
	peakColor       = color.RGBA{0xc0, 0x00, 0x60, 0xff}
)

// Font sizes in points: legible printed at the default size and on screen.
const (
	titleSize  = 10
	labelSize  = 9
	tickSize   = 8
	legendSize = 8
	hklSize    = 6.5
)

// draw lays out the figure on dc, with a margin of 3 points.
func (f *Figure) draw(dc draw.Canvas) error {
	dc = draw.Crop(dc, vg.Points(3), -vg.Points(3), vg.Points(3), -vg.Points(3))
	in := &f.in
	s := in.Scan
	n := s.Len()
	acc := in.accepted()
	lo, hi := s.TwoTheta[0], s.TwoTheta[n-1]

	p := plot.New()
	switch f.opt.Title {
	case "":
		p.Title.Text = in.Title()
	case "-":
	default:
		p.Title.Text = f.opt.Title
	}
	p.X.Label.Text = "2θ (°), " + wavelengthShort(s.Wavelength)
	p.Y.Label.Text = "Intensity (" + s.Units() + ")"
	p.X.Min, p.X.Max = lo, hi
	p.X.Tick.Marker = angleTicks{}
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{0xe0}
	grid.Horizontal.Color = color.Gray{0xe0}
	p.Add(grid)

	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(16)
	legend.Padding = vg.Points(1.5)

	// Curves are thinned to a min/max pair per output column: the figure
	// looks the same and a 10k-point scan draws twice as fast.
	cols := int(dc.Size().X / vg.Points(0.5))
	line := func(y []float64, c color.Color, width float64, dashed bool) (*plotter.Line, error) {
		l, err := plotter.NewLine(decimate(s.TwoTheta, y, cols))
		if err != nil {
			return nil, fmt.Errorf("report: figure: %w", err)
		}
		l.Color, l.Width = c, vg.Points(width)
		if dashed {
			l.Dashes = []vg.Length{vg.Points(3), vg.Points(2)}
		}
		return l, nil
	}

	ymin, ymax := 0.0, 0.0
	for _, v := range s.Intensity {
		ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
	}
	if ymax <= ymin {
		ymax = ymin + 1
	}
	rng := ymax - ymin
	gap := 0.03 * rng
	bottom := ymin // lowest data value drawn so far

	var curves []plot.Plotter
	observed, err := line(s.Intensity, observedColor, 0.6, false)
	if err != nil {
		return err
	}
	legend.Add("Observed", observed)
	if fit := in.fit(); fit != nil {
		bg, err := line(fit.Background, backgroundColor, 0.6, true)
		if err != nil {
			return err
		}
		calc, err := line(fit.Calculated, calculatedColor, 0.7, false)
		if err != nil {
			return err
		}
		// The difference curve below the pattern, as Rietveld plots
		// draw it: obs − calc, its maximum a gap under the pattern.
		dmin, dmax := slices.Min(fit.Difference), slices.Max(fit.Difference)
		off := ymin - gap - dmax
		shifted := make([]float64, n)
		for i, d := range fit.Difference {
			shifted[i] = d + off
		}
		diff, err := line(shifted, differenceColor, 0.5, false)
		if err != nil {
			return err
		}
		bottom = dmin + off
		curves = append(curves, bg, observed, calc, diff)
		legend.Add("Background", bg)
		legend.Add("Calculated", calc)
		legend.Add("Obs − calc", diff)
	} else {
		if in.Background != nil {
			bg, err := line(in.Background, backgroundColor, 0.8, true)
			if err != nil {
				return err
			}
			curves = append(curves, bg)
			legend.Add("Background", bg)
		}
		curves = append(curves, observed)
	}

	// Each accepted phase gets a row of sticks under the pattern, as in
	// the stick panes of search-match programs: drawn over the pattern, a
	// well matched line would hide behind the peak it explains.
	m := len(acc)
	band := rng * math.Min(0.10, 0.4/math.Max(float64(m), 1))
	for i, a := range acc {
		base := bottom - gap/2 - float64(i+1)*band
		st := f.phaseSticks(a, base, 0.85*band)
		st.Color = palette.Phase(i)
		st.Width = vg.Points(1)
		p.Add(st)
		legend.Add(phaseLabel(a.phase), st)
	}
	yBottom := bottom - gap/2 - float64(m)*band
	p.Add(curves...)

	// Peaks: a marker over each, hollow for those no accepted phase
	// explains, and the hkl of the strongest lines of each phase.
	explained := in.explained(acc)
	lift := 0.02 * rng
	tops := f.peakTops(lift)
	var found, unexplained plotter.XYs
	for i, pk := range in.Peaks {
		if pk.TwoTheta < lo || pk.TwoTheta > hi {
			continue
		}
		pt := plotter.XY{X: pk.TwoTheta, Y: tops[i]}
		if explained[i] || m == 0 {
			found = append(found, pt)
		} else {
			unexplained = append(unexplained, pt)
		}
	}
	for _, g := range []struct {
		pts    plotter.XYs
		name   string
		hollow bool
	}{{found, "Peaks", false}, {unexplained, "Unexplained peaks", true}} {
		if len(g.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(g.pts)
		if err != nil {
			return fmt.Errorf("report: figure: %w", err)
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: peakColor, Radius: markerRadius, Shape: downTriangle{hollow: g.hollow}}
		p.Add(sc)
		legend.Add(g.name, sc)
	}
	labels := f.hklLabels(acc, tops)
	p.Add(labels)

	sans(p, &legend)
	p.Title.TextStyle.Font.Size = titleSize
	p.X.Label.TextStyle.Font.Size = labelSize
	p.Y.Label.TextStyle.Font.Size = labelSize
	p.X.Tick.Label.Font.Size = tickSize
	p.Y.Tick.Label.Font.Size = tickSize
	legend.TextStyle.Font.Size = legendSize

	// The legend gets its own column at the right, so it never hides data.
	lw := legend.Rectangle(dc).Size().X + vg.Points(16)
	lw = min(lw, 0.35*dc.Size().X)
	pc := draw.Crop(dc, 0, -lw, 0, 0)
	// Room above the tallest peak's marker for its label: the label's
	// length over the plot's height, roughly (title and axis outside).
	plotH := pc.Size().Y - vg.Points(4*labelSize)
	frac := float64((labels.tallest() + labelGap + vg.Points(4)) / plotH)
	frac = math.Min(math.Max(frac, 0.06), 0.4)
	top := ymax + lift // where the markers are, the labels above them
	p.Y.Min = yBottom
	p.Y.Max = top + frac*(top-yBottom)/(1-frac)
	p.Y.Tick.Marker = intensityTicks{min: ymin}
	p.Draw(pc)
	lc := draw.Crop(dc, dc.Size().X-lw+vg.Points(6), 0, 0, 0)
	legend.YOffs = -p.Title.TextStyle.Height(p.Title.Text) - p.Title.Padding - vg.Points(4)
	legend.Draw(lc)
	return nil
}

// phaseSticks places the stick pattern of an accepted phase that falls
// inside the scan, standing on base, the tallest stick height high: the
// reflections of the whole-pattern fit at its refined cell, or the
// database's sticks (refdb.Phase.Sticks) at the scan's Kα1 and the strain
// search-match applied, as the window draws them.
func (f *Figure) phaseSticks(a accepted, base, height float64) *sticks {
	in := &f.in
	s := in.Scan
	lo, hi := s.TwoTheta[0], s.TwoTheta[s.Len()-1]
	st := &sticks{base: base, xmin: lo, xmax: hi}
	var x, y []float64
	if a.fit != nil {
		for _, r := range a.fit.Reflections {
			x, y = append(x, r.TwoTheta), append(y, r.Intensity)
		}
	} else {
		strain := 0.0
		if a.match != nil {
			strain = a.match.Strain
		}
		for _, l := range a.phase.Sticks(in.lambda(), strain) {
			x, y = append(x, l.TwoTheta), append(y, l.I)
		}
	}
	top := 0.0
	for _, v := range y {
		top = math.Max(top, v)
	}
	if !(top > 0) {
		return st
	}
	for i := range x {
		if x[i] < lo || x[i] > hi {
			continue
		}
		st.x = append(st.x, x[i])
		st.h = append(st.h, height*y[i]/top)
	}
	return st
}

// hklLabels returns the labels of the strongest matched lines of each
// accepted phase, placed over their peaks.
func (f *Figure) hklLabels(acc []accepted, tops []float64) *labels {
	in := &f.in
	lb := &labels{style: draw.TextStyle{
		Font:     font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(hklSize)},
		Rotation: math.Pi / 2,
		XAlign:   draw.XLeft,
		YAlign:   draw.YCenter,
		Handler:  plot.DefaultTextHandler,
	}}
	if f.opt.Labels < 0 {
		return lb
	}
	// Each phase's strongest lines that fall on a peak, at most Labels.
	count := make([]int, len(acc))
	as := in.assignments(acc)
	slices.SortStableFunc(as, func(x, y assignment) int { return -cmpFloat(x.iRef, y.iRef) })
	for _, a := range as {
		if a.ka2 || count[a.phase] == f.opt.Labels {
			continue
		}
		count[a.phase]++
		pk := in.Peaks[a.peak]
		lb.items = append(lb.items, label{
			x: pk.TwoTheta, y: tops[a.peak],
			text: hklShort(a.h, a.k, a.l), color: palette.Phase(a.phase), rank: pk.RelIntensity,
		})
	}
	// The strongest peaks are labelled first; a label that would overlap
	// one already placed is left out.
	slices.SortStableFunc(lb.items, func(a, b label) int { return -cmpFloat(a.rank, b.rank) })
	return lb
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hklShort writes Miller indices as a label: "104" when every index is a
// single non-negative digit, else "1 −1 0".
func hklShort(hh, kk, ll int) string {
	h := [3]int{hh, kk, ll}
	short := true
	for _, v := range h {
		short = short && v >= 0 && v <= 9
	}
	if short {
		return fmt.Sprintf("%d%d%d", h[0], h[1], h[2])
	}
	parts := make([]string, 3)
	for i, v := range h {
		parts[i] = strings.Replace(strconv.Itoa(v), "-", "−", 1)
	}
	return strings.Join(parts, " ")
}

// markerRadius is the size of a peak marker; labelGap the distance from
// the marker's centre to the hkl label above it.
const (
	markerRadius = vg.Length(2.2)
	labelGap     = markerRadius + 1.5
)

// peakTops returns, for every peak, the height of its marker: lift above
// the highest curve (observed or, with a fit, calculated) within half a
// FWHM of the peak, where the peak's top is even when the fitted position
// sits on its flank.
func (f *Figure) peakTops(lift float64) []float64 {
	in := &f.in
	s := in.Scan
	curves := [][]float64{s.Intensity}
	if fit := in.fit(); fit != nil {
		curves = append(curves, fit.Calculated)
	}
	out := make([]float64, len(in.Peaks))
	for i, pk := range in.Peaks {
		top := s.IntensityAt(pk.TwoTheta)
		a := sort.SearchFloat64s(s.TwoTheta, pk.TwoTheta-pk.FWHM/2)
		for j := a; j < s.Len() && s.TwoTheta[j] <= pk.TwoTheta+pk.FWHM/2; j++ {
			for _, c := range curves {
				top = math.Max(top, c[j])
			}
		}
		out[i] = top + lift
	}
	return out
}

// label is one hkl label over the marker of its peak at (x, y), in data
// units.
type label struct {
	x, y  float64
	text  string
	color color.Color
	rank  float64
}

// labels draws hkl labels vertically above their peaks, in order, leaving
// out any that would overlap a label already drawn. It implements
// plot.Plotter.
type labels struct {
	items []label
	style draw.TextStyle
}

func (l *labels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	type box struct{ x0, x1, y0, y1 vg.Length }
	var placed []box
	h := l.style.Height("0")
	for _, it := range l.items {
		x, y := trX(it.x), trY(it.y)+labelGap
		b := box{x - h/2, x + h/2, y, y + l.style.Width(it.text)}
		clash := b.y1 > c.Max.Y
		for _, o := range placed {
			clash = clash || (b.x0 < o.x1 && o.x0 < b.x1 && b.y0 < o.y1 && o.y0 < b.y1)
		}
		if clash {
			continue
		}
		placed = append(placed, b)
		sty := l.style
		sty.Color = it.color
		c.FillText(sty, vg.Point{X: x, Y: y}, it.text)
	}
}

// tallest is the length of the longest label, the room it needs above
// its peak.
func (l *labels) tallest() vg.Length {
	var w vg.Length
	for _, it := range l.items {
		w = max(w, l.style.Width(it.text))
	}
	return w
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

// sticks draws a stick pattern: vertical lines of height h at x, standing
// on a thin base line from xmin to xmax. It implements plot.Plotter,
// plot.DataRanger and plot.Thumbnailer.
type sticks struct {
	x, h       []float64
	base       float64
	xmin, xmax float64
	draw.LineStyle
}

func (s *sticks) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	y0 := trY(s.base)
	baseLine := s.LineStyle
	baseLine.Width = vg.Points(0.4)
	c.StrokeLines(baseLine, c.ClipLinesXY([]vg.Point{{X: trX(s.xmin), Y: y0}, {X: trX(s.xmax), Y: y0}})...)
	for i := range s.x {
		x := trX(s.x[i])
		line := []vg.Point{{X: x, Y: y0}, {X: x, Y: trY(s.base + s.h[i])}}
		c.StrokeLines(s.LineStyle, c.ClipLinesXY(line)...)
	}
}

func (s *sticks) DataRange() (xmin, xmax, ymin, ymax float64) {
	ymax = s.base
	for _, h := range s.h {
		ymax = math.Max(ymax, s.base+h)
	}
	return s.xmin, s.xmax, s.base, ymax
}

func (s *sticks) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(s.LineStyle, x, c.Min.Y, x, c.Max.Y)
}

// angleTicks label 2θ at a round step that gives at most 12 labels, with
// unlabelled minor ticks between them.
type angleTicks struct{}

func (angleTicks) Ticks(lo, hi float64) []plot.Tick { return roundTicks(lo, hi, 12) }

// intensityTicks label intensities at a round step that gives at most 6
// labels, as plain numbers ("2500", not "2.5e+03"), with none below min,
// where the difference curve and the stick rows are.
type intensityTicks struct{ min float64 }

func (t intensityTicks) Ticks(lo, hi float64) []plot.Tick {
	if t.min > lo && t.min < hi {
		lo = t.min
	}
	return roundTicks(lo, hi, 6)
}

// roundTicks returns ticks from lo to hi: labelled ones at the round step
// of roundStep, unlabelled minor ones between.
func roundTicks(lo, hi float64, parts int) []plot.Tick {
	step, minor := roundStep(hi-lo, parts)
	if !(step > 0) {
		return nil
	}
	decimals := max(0, -int(math.Floor(math.Log10(step)+1e-9)))
	var out []plot.Tick
	sub := step / float64(minor)
	for k := math.Ceil(lo/sub - 1e-9); k*sub <= hi+1e-9*step; k++ {
		v := k * sub
		t := plot.Tick{Value: v}
		if math.Abs(math.Remainder(v, step)) < 1e-6*step {
			l := math.Round(v/step) * step
			if l == 0 {
				l = 0 // not −0
			}
			t.Label = strconv.FormatFloat(l, 'f', decimals, 64)
		}
		out = append(out, t)
	}
	return out
}

// roundStep is the round step (1, 2 or 5 × 10ⁿ) that divides span into at
// most parts parts, and the number of minor divisions of a step.
func roundStep(span float64, parts int) (step float64, minor int) {
	if !(span > 0) {
		return 0, 0
	}
	e := math.Pow10(int(math.Floor(math.Log10(span / float64(parts)))))
	for _, m := range []struct {
		f     float64
		minor int
	}{{1, 5}, {2, 4}, {5, 5}} {
		if span/(m.f*e) <= float64(parts) {
			return m.f * e, m.minor
		}
	}
	return 10 * e, 5
}

// sans sets every text of the figure in Liberation Sans, which reads
// better at small sizes than the serif default and matches the workbook.
func sans(p *plot.Plot, l *plot.Legend) {
	for _, f := range []*font.Font{
		&p.Title.TextStyle.Font,
		&p.X.Label.TextStyle.Font, &p.Y.Label.TextStyle.Font,
		&p.X.Tick.Label.Font, &p.Y.Tick.Label.Font,
		&l.TextStyle.Font,
	} {
		f.Typeface, f.Variant = "Liberation", "Sans"
	}
}

// downTriangle is a triangle pointing down at the point: a peak marker,
// filled or hollow.
type downTriangle struct{ hollow bool }

func (d downTriangle) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var path vg.Path
	path.Move(vg.Point{X: pt.X - r, Y: pt.Y + r})
	path.Line(vg.Point{X: pt.X + r, Y: pt.Y + r})
	path.Line(vg.Point{X: pt.X, Y: pt.Y - r})
	path.Close()
	c.SetColor(sty.Color)
	if d.hollow {
		c.SetLineWidth(vg.Points(0.6))
		c.SetLineDash(nil, 0)
		c.Stroke(path)
		return
	}
	c.Fill(path)
}
