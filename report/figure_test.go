package report

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot/vg"

	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// countColour counts the pixels of img within 8 levels of c.
func countColour(img image.Image, c [3]uint8) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, c[0]) && near(g, c[1]) && near(bl, c[2]) {
				n++
			}
		}
	}
	return n
}

func rgb(c interface{ RGBA() (r, g, b, a uint32) }) [3]uint8 {
	r, g, b, _ := c.RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

// TestFigureFormats writes the figure of the calcite test scan in each
// format at the default size: a PNG of 17 × 12 cm at 300 dpi, an SVG with
// the hkl of calcite's strongest line over its sticks, the sample as its
// title and the phase in the legend, and a PDF.
func TestFigureFormats(t *testing.T) {
	in := testInput(7001)
	fig, err := NewFigure(in, FigureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{PNG, SVG, PDF} {
		var buf bytes.Buffer
		if err := fig.Write(&buf, format, DefaultSize); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if *outDir != "" {
			if err := os.WriteFile(filepath.Join(*outDir, "figure."+format), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		out := buf.String()
		switch format {
		case PNG:
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			// 17 cm and 12 cm at 300 dpi.
			if got := img.Bounds().Size(); got.X != 2008 || got.Y != 1417 {
				t.Errorf("PNG size got: %v want: 2008×1417", got)
			}
			// Calcite's sticks in the first phase colour; the peak markers
			// in theirs.
			for name, c := range map[string][3]uint8{"phase 1": rgb(palette.Phase(0)), "peaks": rgb(peakColor)} {
				if n := countColour(img, c); n < 100 {
					t.Errorf("%s: only %d pixels of its colour", name, n)
				}
			}
		case SVG:
			for _, want := range []string{"<svg", ">104</text>", ">Calcite (CaCO3)</text>", ">limestone, ground</text>"} {
				if !strings.Contains(out, want) {
					t.Errorf("SVG lacks %q", want)
				}
			}
		case PDF:
			if !strings.HasPrefix(out, "%PDF-") || len(out) < 10000 {
				t.Errorf("not a PDF of a figure: %d bytes, %.40q", len(out), out)
			}
		}
	}
}

// TestFigureTwoPhases draws two accepted phases, each in its own colour
// and stick row, and an hkl label of each.
func TestFigureTwoPhases(t *testing.T) {
	in := testInput(3001)
	qz := in.Result.Candidates[1]
	qz.Pairs = []match.Pair{{Peak: 1, Line: 1, Delta: 0}}
	qz.WeightPercent = 8
	in.Result.Phases = append(in.Result.Phases, qz)
	fig, err := NewFigure(in, FigureOptions{Title: "Two phases"})
	if err != nil {
		t.Fatal(err)
	}
	img, err := fig.Image(1000, 520)
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 1000 || got.Y != 520 {
		t.Errorf("image size %v, want 1000×520", got)
	}
	for i := range 2 {
		if n := countColour(img, rgb(palette.Phase(i))); n < 10 {
			t.Errorf("phase %d: only %d pixels of its colour", i+1, n)
		}
	}
	var svg bytes.Buffer
	if err := fig.Write(&svg, SVG, DefaultSize); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{">101</text>", ">104</text>", ">Two phases</text>", ">Quartz (SiO2)</text>"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}

func TestFigureFormat(t *testing.T) {
	for path, want := range map[string]string{"fig.svg": SVG, "a/b.PNG": PNG, "x.pdf": PDF, "x.jpg": "", "noext": ""} {
		got, err := FigureFormat(path)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("FigureFormat(%q) got: %q, %v want: %q", path, got, err, want)
		}
	}
}

func TestFigureSizeLimits(t *testing.T) {
	fig, err := NewFigure(testInput(200), FigureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Size{
		{Width: 1 * vg.Centimeter, Height: 10 * vg.Centimeter, DPI: 300},   // too small
		{Width: 17 * vg.Centimeter, Height: 10 * vg.Millimeter, DPI: 300},  // a unit mistaken
		{Width: 200 * vg.Centimeter, Height: 10 * vg.Centimeter, DPI: 300}, // too large
		{Width: 90 * vg.Centimeter, Height: 50 * vg.Centimeter, DPI: 600},  // too many pixels
		{Width: 17 * vg.Centimeter, Height: 10 * vg.Centimeter, DPI: 10},   // too coarse
	} {
		if err := fig.Write(&bytes.Buffer{}, PNG, s); err == nil {
			t.Errorf("no error for %+v", s)
		}
	}
	if err := fig.Write(&bytes.Buffer{}, "gif", DefaultSize); err == nil {
		t.Error("no error for a GIF")
	}
	if _, err := fig.Image(10, 10); err == nil {
		t.Error("no error for a 10×10 image")
	}
}
