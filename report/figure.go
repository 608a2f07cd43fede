package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/figure"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// ScreenDPI is the resolution at which Figure.Image lays out a figure:
// text and line widths given in points come out at the size a screen
// shows them (internal/figure's DPI).
const ScreenDPI = figure.DPI

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

// DefaultSize is a figure the width of a journal page, 17 × 12 cm (tall
// enough for the difference strip and a few stick rows under the
// pattern), at 300 dpi for PNG.
var DefaultSize = Size{Width: 17 * vg.Centimeter, Height: 12 * vg.Centimeter, DPI: 300}

// Limits of a figure's size, so that a mistyped unit is an error rather
// than an image of gigabytes.
const (
	minFigure = 4 * vg.Centimeter
	maxFigure = 100 * vg.Centimeter
)

// FigureOptions are a figure's settings beyond the analysis it shows.
type FigureOptions struct {
	// Title is written above the plot; "" is Input.Title (the sample, or
	// the file's name without folder and extension), "-" none.
	Title string
	// NoLabels leaves out the hkl of the strongest lines over each
	// phase's sticks.
	NoLabels bool
}

// Figure is the annotated pattern of an analysis, as the report shows it
// and as a publication wants it: the observed pattern with its background
// (with the whole-pattern fit, the calculated pattern and the difference
// curve in a strip under it), the peaks, and a stick pane with a row per
// accepted phase in its colour (internal/palette), the hkl of its
// strongest lines over it, with a legend beside the plot. It is drawn by
// internal/figure, as the window's exported view is. Build it with
// NewFigure, then Write it (PNG, SVG or PDF) or take its Image.
type Figure struct {
	f *figure.Figure
}

// NewFigure returns the figure of in, which must pass the checks of
// Write.
func NewFigure(in Input, opt FigureOptions) (*Figure, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return &Figure{figureOf(&in, opt)}, nil
}

// Write writes the figure to w in format (PNG, SVG or PDF) at size (a
// PNG at size.DPI; an SVG or a PDF as large in points, the PDF's text
// beyond Latin-1, such as θ, as outlines).
func (f *Figure) Write(w io.Writer, format string, size Size) error {
	if err := size.check(); err != nil {
		return err
	}
	if format != PNG {
		// internal/figure sizes vector output in pixels at its DPI.
		wPx, hPx := size.pixels(figure.DPI)
		if err := f.f.Write(w, format, wPx, hPx); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return nil
	}
	wPx, hPx := size.pixels(size.DPI)
	img, err := f.f.Image(wPx, hPx, size.DPI)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// The figure is mostly flat white; the fastest level compresses it
	// about as well as the default in a fraction of the time.
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("report: encoding figure: %w", err)
	}
	return nil
}

// Image draws the figure on a widthPx × heightPx image laid out at
// ScreenDPI, as a window shows it.
func (f *Figure) Image(widthPx, heightPx int) (*image.RGBA, error) {
	img, err := f.f.Image(widthPx, heightPx, ScreenDPI)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	return img, nil
}

// check refuses sizes no figure has.
func (s Size) check() error {
	for _, l := range []vg.Length{s.Width, s.Height} {
		if !(l >= minFigure && l <= maxFigure) {
			return fmt.Errorf("report: figure size %.1f × %.1f cm: each side must be %g–%g cm", s.Width/vg.Centimeter, s.Height/vg.Centimeter,
				float64(minFigure/vg.Centimeter), float64(maxFigure/vg.Centimeter))
		}
	}
	return nil
}

// pixels is the size in pixels at dpi.
func (s Size) pixels(dpi int) (w, h int) {
	return int(math.Round(float64(s.Width/vg.Inch) * float64(dpi))), int(math.Round(float64(s.Height/vg.Inch) * float64(dpi)))
}

// sheetFigure is the PNG of the Summary sheet's figure: figureWidth ×
// figureHeight pixels as Excel shows them, drawn at figureDPI. It is not
// compressed: the workbook's package deflates it, faster than the PNG
// encoder filters and compresses it, to about the same size.
func sheetFigure(in *Input) ([]byte, error) {
	img, err := figureOf(in, FigureOptions{}).Image(figureWidth*figureDPI/ScreenDPI, figureHeight*figureDPI/ScreenDPI, figureDPI)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	// Stored uncompressed (the workbook's zip compresses it): the pixels,
	// a filter byte a row and 5 bytes a 64 KiB block of the zlib stream,
	// and the chunks' headers; grown once, not by doubling.
	var buf bytes.Buffer
	buf.Grow(len(img.Pix) + img.Rect.Dy() + 5*(len(img.Pix)>>16+1) + 1024)
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("report: encoding figure: %w", err)
	}
	return buf.Bytes(), nil
}

// Colours of the curves; the phases have theirs from internal/palette.
var (
	observedColor    = color.RGBA{0x20, 0x20, 0x20, 0xff}
	backgroundColor  = color.RGBA{0x99, 0x99, 0x99, 0xff}
	calculatedColor  = color.RGBA{0x1f, 0x77, 0xb4, 0xff}
	differenceColor  = color.RGBA{0x60, 0x60, 0x60, 0xff}
	peakColor        = color.RGBA{0xc0, 0x00, 0x60, 0xff}
	unexplainedColor = color.RGBA{0x00, 0x00, 0x00, 0xff} // no phase's colour (internal/palette)
)

// figureOf is the figure of a valid input: the scan and its background,
// or with the whole-pattern fit the fit's background and calculated
// pattern and the difference curve; the peaks marked over their tops; a
// stick row per accepted phase.
func figureOf(in *Input, opt FigureOptions) *figure.Figure {
	s := in.Scan
	f := &figure.Figure{
		XTitle: "2θ (°), " + wavelengthShort(s.Wavelength), YTitle: "Intensity (" + s.Units() + ")",
		Lambda: in.lambda(), MarkerName: "Peaks", MarkerColor: peakColor, Labels: !opt.NoLabels,
		UnexplainedName: "Unexplained peaks", UnexplainedColor: unexplainedColor,
	}
	switch opt.Title {
	case "":
		f.Title = in.Title()
	case "-":
	default:
		f.Title = opt.Title
	}
	curve := func(name string, y []float64, c color.Color, width float64, dashed bool) figure.Curve {
		return figure.Curve{Name: name, Color: c, TwoTheta: s.TwoTheta, Y: y, Width: width, Dashed: dashed}
	}
	if fit := in.fit(); fit != nil {
		f.Curves = append(f.Curves,
			curve("Background", fit.Background, backgroundColor, 0.8, true),
			curve("Observed", s.Intensity, observedColor, 0.6, false),
			curve("Calculated", fit.Calculated, calculatedColor, 0.7, false))
		d := curve("Obs − calc", fit.Difference, differenceColor, 0.5, false)
		f.Difference = &d
	} else {
		if in.Background != nil {
			f.Curves = append(f.Curves, curve("Background", in.Background, backgroundColor, 1, true))
		}
		f.Curves = append(f.Curves, curve("Observed", s.Intensity, observedColor, 0.6, false))
	}
	lo, hi := s.TwoTheta[0], s.TwoTheta[s.Len()-1]
	acc := in.accepted()
	explained := in.explained(acc)
	for i, top := range in.peakTops() {
		if p := in.Peaks[i]; p.TwoTheta >= lo && p.TwoTheta <= hi {
			f.Markers = append(f.Markers, figure.Marker{TwoTheta: p.TwoTheta, Y: top, Unexplained: !explained[i]})
		}
	}
	for i, a := range acc {
		f.Sticks = append(f.Sticks, figure.StickRow{Name: phaseLabel(a.phase), Color: palette.Phase(i), Sticks: in.sticks(a)})
	}
	return f
}

// sticks is the stick pattern of an accepted phase: the reflections of the
// whole-pattern fit at its refined cell and 2θ axis, or the database's
// sticks (refdb.Phase.Sticks) at the scan's Kα1 and the strain search-match
// applied, as the window draws them.
func (in *Input) sticks(a accepted) []refdb.Stick {
	if a.fit == nil {
		strain := 0.0
		if a.match != nil {
			strain = a.match.Strain
		}
		return a.phase.Sticks(in.lambda(), strain)
	}
	out := make([]refdb.Stick, len(a.fit.Reflections))
	for i, r := range a.fit.Reflections {
		out[i] = refdb.Stick{TwoTheta: r.TwoTheta, I: r.Intensity, D: r.D, H: r.H, K: r.K, L: r.L}
	}
	return out
}

// peakTops returns, for every peak, the height of the highest curve
// (observed or, with a fit, calculated) within half a FWHM of it, where
// its marker goes: the peak's top, even when the fitted position sits on
// its flank.
func (in *Input) peakTops() []float64 {
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
		out[i] = top
	}
	return out
}
