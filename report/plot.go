package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// ScreenDPI is the resolution at which Plot and PlotImage lay out their
// figure: text and line widths given in points come out at the size a
// screen shows them.
const ScreenDPI = 96

var (
	observedColor   = color.RGBA{0x20, 0x20, 0x20, 0xff}
	backgroundColor = color.RGBA{0x99, 0x99, 0x99, 0xff}
	peakColor       = color.RGBA{0xc0, 0x00, 0x60, 0xff}
)

// Plot draws the figure of the report as a PNG image of widthPx × heightPx
// pixels: the scan, its background, a marker over each peak and the
// reference lines of each identified phase in its own colour, with a legend
// to the right of the plot. The reference lines of each phase form a row
// under the pattern, their heights proportional to the reference
// intensities.
func Plot(in Input, widthPx, heightPx int) ([]byte, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return plotPNG(&in, widthPx, heightPx, ScreenDPI)
}

// PlotImage draws the same figure as Plot and returns it as an image.
func PlotImage(in Input, widthPx, heightPx int) (image.Image, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return render(&in, widthPx, heightPx, ScreenDPI)
}

func plotPNG(in *Input, widthPx, heightPx, dpi int) ([]byte, error) {
	img, err := render(in, widthPx, heightPx, dpi)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// The figure is mostly flat white; the fastest level compresses it
	// about as well as the default and takes a fraction of the time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("report: encoding plot: %w", err)
	}
	return buf.Bytes(), nil
}

// render draws the figure on a widthPx × heightPx image laid out at dpi.
// in must be valid.
func render(in *Input, widthPx, heightPx, dpi int) (*image.RGBA, error) {
	if widthPx < 200 || heightPx < 150 {
		return nil, fmt.Errorf("report: plot size %d×%d px is too small (at least 200×150)", widthPx, heightPx)
	}
	if widthPx > 10000 || heightPx > 10000 {
		return nil, fmt.Errorf("report: plot size %d×%d px is too large (at most 10000×10000)", widthPx, heightPx)
	}
	s := in.Scan
	n := s.Len()
	p := plot.New()
	p.Title.Text = in.File
	p.X.Label.Text = "2θ (°), " + wavelengthShort(s.Wavelength)
	p.Y.Label.Text = "Intensity (" + s.Units() + ")"
	p.X.Min, p.X.Max = s.TwoTheta[0], s.TwoTheta[n-1]
	p.Add(plotter.NewGrid())

	// Thin the trace to a min/max pair per pixel column: the figure looks
	// the same and a 10k-point scan draws twice as fast.
	cols := widthPx
	obs := decimate(s.TwoTheta, s.Intensity, cols)
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	legend.ThumbnailWidth = vg.Points(18)
	legend.Padding = vg.Points(2)

	observed, err := plotter.NewLine(obs)
	if err != nil {
		return nil, fmt.Errorf("report: plot: %w", err)
	}
	observed.Color = observedColor
	observed.Width = vg.Points(0.8)
	legend.Add("Observed", observed)

	var bgLine *plotter.Line
	if in.Background != nil {
		bgLine, err = plotter.NewLine(decimate(s.TwoTheta, in.Background, cols))
		if err != nil {
			return nil, fmt.Errorf("report: plot: %w", err)
		}
		bgLine.Color = backgroundColor
		bgLine.Width = vg.Points(1)
		bgLine.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		legend.Add("Background", bgLine)
	}

	ymin, ymax := 0.0, 0.0
	for _, v := range s.Intensity {
		ymin, ymax = math.Min(ymin, v), math.Max(ymax, v)
	}
	if ymax <= ymin {
		ymax = ymin + 1
	}
	// Each identified phase gets a row of sticks under the pattern, as in
	// the stick panes of search-match programs: drawn over the pattern, a
	// well matched line would hide behind the peak it explains.
	m := len(in.Result.Phases)
	band := 0.0
	if m > 0 {
		band = (ymax - ymin) * math.Min(0.12, 0.45/float64(m))
	}
	for i, c := range in.Result.Phases {
		base := ymin - float64(i+1)*band
		st := phaseSticks(in, c, base, 0.85*band)
		st.Color = palette.Phase(i)
		st.Width = vg.Points(1.5)
		p.Add(st)
		legend.Add(phaseLabel(c.Phase), st)
	}
	if bgLine != nil {
		p.Add(bgLine)
	}
	p.Add(observed)

	if len(in.Peaks) > 0 {
		pts := make(plotter.XYs, 0, len(in.Peaks))
		lift := 0.03 * (ymax - ymin)
		for _, pk := range in.Peaks {
			if pk.TwoTheta < s.TwoTheta[0] || pk.TwoTheta > s.TwoTheta[n-1] {
				continue
			}
			pts = append(pts, plotter.XY{X: pk.TwoTheta, Y: s.IntensityAt(pk.TwoTheta) + lift})
		}
		if len(pts) > 0 {
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return nil, fmt.Errorf("report: plot: %w", err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: peakColor, Radius: vg.Points(3), Shape: downTriangle{}}
			p.Add(sc)
			legend.Add("Peaks", sc)
		}
	}
	p.Y.Min = ymin - float64(m)*band
	p.Y.Max = ymax + 0.08*(ymax-ymin) // room for the peak markers
	p.Y.Tick.Marker = intensityTicks{min: ymin}
	sans(p, &legend)

	img := image.NewRGBA(image.Rect(0, 0, widthPx, heightPx))
	cv := vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(dpi))
	dc := draw.New(cv)
	// The legend gets its own column at the right, so it never hides data.
	lw := legend.Rectangle(dc).Size().X + vg.Points(24)
	if lw > 0.4*dc.Size().X {
		lw = 0.4 * dc.Size().X
	}
	p.Draw(draw.Crop(dc, 0, -lw, 0, 0))
	lc := draw.Crop(dc, dc.Size().X-lw+vg.Points(6), 0, 0, 0)
	legend.YOffs = -p.Title.TextStyle.Height(p.Title.Text) - p.Title.Padding - vg.Points(6)
	legend.Draw(lc)
	out, ok := cv.Image().(*image.RGBA)
	if !ok {
		return nil, errors.New("report: plot: unexpected image type")
	}
	return out, nil
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

// phaseSticks places the stick pattern of a phase (refdb.Phase.Sticks at
// the scan's Kα1 and the strain search-match fitted, as the window draws
// it) that falls inside the scan, standing on base, the tallest stick
// height high.
func phaseSticks(in *Input, c match.Candidate, base, height float64) *sticks {
	s := in.Scan
	lo, hi := s.TwoTheta[0], s.TwoTheta[s.Len()-1]
	st := &sticks{base: base, xmin: lo, xmax: hi}
	all := c.Phase.Sticks(in.lambda(), c.Strain)
	top := 0.0
	for _, l := range all {
		top = math.Max(top, l.I)
	}
	if !(top > 0) {
		return st
	}
	for _, l := range all {
		if l.TwoTheta < lo || l.TwoTheta > hi {
			continue
		}
		st.x = append(st.x, l.TwoTheta)
		st.h = append(st.h, height*l.I/top)
	}
	return st
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
	baseLine.Width = vg.Points(0.5)
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

// intensityTicks are the default ticks labelled as plain numbers ("2500",
// not "2500.00"), with none below min, where the stick rows are.
type intensityTicks struct{ min float64 }

func (t intensityTicks) Ticks(lo, hi float64) []plot.Tick {
	var out []plot.Tick
	if t.min > lo && t.min < hi {
		lo = t.min // ticks for the pattern only
	}
	for _, tk := range (plot.DefaultTicks{}).Ticks(lo, hi) {
		if tk.Label != "" {
			tk.Label = strconv.FormatFloat(tk.Value, 'f', -1, 64)
		}
		out = append(out, tk)
	}
	return out
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
