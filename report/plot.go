package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/bragg-xrd/bragg/internal/figure"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// ScreenDPI is the resolution at which Plot and PlotImage lay out their
// figure: text and line widths given in points come out at the size a
// screen shows them.
const ScreenDPI = figure.DPI

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
	img, err := figureOf(in).Image(widthPx, heightPx, dpi)
	if err != nil {
		return nil, fmt.Errorf("report: plot: %w", err)
	}
	return img, nil
}

// figureOf is the report's figure of in (internal/figure draws it, as it
// draws the window's exported plot): the scan, its background dashed, the
// peaks marked, and a row of sticks under the pattern for each identified
// phase in its palette colour (refdb.Phase.Sticks at the scan's Kα1 and
// the strain search-match fitted, as the window draws them), heights
// relative to its strongest line.
func figureOf(in *Input) *figure.Figure {
	s := in.Scan
	f := &figure.Figure{
		Title: in.File, XTitle: "2θ (°), " + wavelengthShort(s.Wavelength), YTitle: "Intensity (" + s.Units() + ")",
		Lambda: in.lambda(), MarkerName: "Peaks", MarkerColor: peakColor,
	}
	if in.Background != nil {
		f.Curves = append(f.Curves, figure.Curve{Name: "Background", Color: backgroundColor, TwoTheta: s.TwoTheta,
			Y: in.Background, Width: 1, Dashed: true})
	}
	f.Curves = append(f.Curves, figure.Curve{Name: "Observed", Color: observedColor, TwoTheta: s.TwoTheta, Y: s.Intensity})
	lo, hi := s.TwoTheta[0], s.TwoTheta[s.Len()-1]
	for _, p := range in.Peaks {
		if p.TwoTheta >= lo && p.TwoTheta <= hi {
			f.Markers = append(f.Markers, figure.Marker{TwoTheta: p.TwoTheta, Y: s.IntensityAt(p.TwoTheta)})
		}
	}
	for i, c := range in.Result.Phases {
		f.Sticks = append(f.Sticks, figure.StickRow{Name: phaseLabel(c.Phase), Color: palette.Phase(i),
			Sticks: c.Phase.Sticks(in.lambda(), c.Strain)})
	}
	return f
}
