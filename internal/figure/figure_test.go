package figure

import (
	"bytes"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/palette"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// quartz is quartz's strongest lines, indexed (d in Å, I relative).
var quartz = &refdb.Phase{Mineral: "Quartz", Lines: []refdb.Line{{D: 4.2550, I: 22, H: 1}, {D: 3.3435, I: 100, H: 1, L: 1},
	{D: 2.4569, I: 8, H: 1, K: 1}, {D: 2.2815, I: 8, H: 1, L: 2}, {D: 1.8180, I: 14, H: 1, K: 1, L: 2}, {D: 1.5415, I: 9, H: 2, K: 1, L: 1}}}

// testFigure is a scan of quartz (Gaussian lines, 0.1° wide, on 100
// counts), a second one at half the counts, a "fit" 3 % low with its
// difference, the peaks marked and quartz's sticks.
func testFigure() *Figure {
	const n = 3001
	x, y, y2, calc, diff := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	sticks := quartz.Sticks(cuKa1, 0)
	var marks []Marker
	for _, s := range sticks {
		marks = append(marks, Marker{TwoTheta: s.TwoTheta, Y: 100 + 50*s.I})
	}
	for i := range x {
		x[i] = 10 + 60*float64(i)/(n-1)
		v := 100.0
		for _, s := range sticks {
			d := (x[i] - s.TwoTheta) / 0.06
			v += 50 * s.I * math.Exp(-d*d/2)
		}
		y[i], y2[i], calc[i] = v, v/2, 0.97*v
		diff[i] = y[i] - calc[i]
	}
	return &Figure{
		Title: "quartz.xy", YTitle: "Intensity (counts)", Lambda: cuKa1,
		Curves: []Curve{
			{Name: "second.xy", Color: palette.Scan(1), TwoTheta: x, Y: y2, Offset: 3000},
			{Name: "quartz.xy", Color: palette.Scan(0), TwoTheta: x, Y: y},
			{Name: "Calculated", Color: color.Black, TwoTheta: x, Y: calc, Dashed: true},
		},
		Markers: marks, MarkerName: "Peaks", MarkerColor: color.RGBA{0xd6, 0x27, 0x28, 0xff},
		Difference: &Curve{Color: color.Gray{0x60}, TwoTheta: x, Y: diff},
		Sticks:     []StickRow{{Name: "Quartz", Color: palette.Phase(0), Sticks: sticks}},
		Labels:     true,
	}
}

// keep writes b to $BRAGG_FIGURES/name when set, to look at.
func keep(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("BRAGG_FIGURES"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFigureFormats(t *testing.T) {
	f := testFigure()
	f.X, f.Y = D, Log
	f.Curves[0].Offset = 0.5 // half a decade up
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := f.Write(&buf, format, 1200, 800); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		keep(t, "figure."+format, buf.Bytes())
		b := buf.Bytes()
		switch format {
		case "png":
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if s := img.Bounds().Size(); s.X != 1200 || s.Y != 800 {
				t.Errorf("PNG is %v, want 1200×800", s)
			}
		case "svg":
			// 1200×800 px at 96 DPI are 900×600 pt.
			if !bytes.Contains(b, []byte(`<svg width="900pt" height="600pt"`)) || !bytes.HasSuffix(bytes.TrimSpace(b), []byte("</svg>")) {
				t.Errorf("SVG header %q", b[:min(len(b), 200)])
			}
			for _, want := range []string{"d (Å)", "log scale", "quartz.xy", "101", "obs − calc"} {
				if !bytes.Contains(b, []byte(want)) {
					t.Errorf("SVG has no %q", want)
				}
			}
		case "pdf":
			m := regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`).FindSubmatch(b)
			if !bytes.HasPrefix(b, []byte("%PDF-")) || m == nil {
				t.Fatalf("not a PDF with a page size: %q", b[:min(len(b), 100)])
			}
			w, _ := strconv.ParseFloat(string(m[1]), 64)
			h, _ := strconv.ParseFloat(string(m[2]), 64)
			if math.Abs(w-900) > 0.01 || math.Abs(h-600) > 0.01 {
				t.Errorf("PDF page %g×%g pt, want 900×600", w, h)
			}
		}
	}
}

// TestFigureLook checks the picture: the strongest quartz line of the
// main scan is drawn at the column its 2θ maps to, the second scan above
// it (offset), the sticks in the pane under the pattern.
func TestFigureLook(t *testing.T) {
	f := testFigure()
	f.Curves = f.Curves[:2] // the two scans
	f.Difference, f.Labels = nil, false
	img, err := f.Image(1000, 600, DPI)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	keep(t, "look.png", buf.Bytes())
	main, second, phase := rgb(palette.Scan(0)), rgb(palette.Scan(1)), rgb(palette.Phase(0))
	type at struct{ x, y int }
	top := func(col [3]uint8) (p at, n int) {
		p = at{-1, -1}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X*4/5; x++ { // left of the legend
				// Anti-aliased lines: a pixel near the colour.
				c := img.RGBAAt(x, y)
				if near(c.R, col[0]) && near(c.G, col[1]) && near(c.B, col[2]) {
					if n == 0 {
						p = at{x, y}
					}
					n++
				}
			}
		}
		return p, n
	}
	pm, nm := top(main)
	ps, ns := top(second)
	pp, np := top(phase)
	if nm < 100 || ns < 100 || np < 20 {
		t.Fatalf("pixels of the main scan %d, the second %d, the sticks %d", nm, ns, np)
	}
	if !(ps.y < pm.y) {
		t.Errorf("the offset scan tops at row %d, not above the main one's %d", ps.y, pm.y)
	}
	if !(pp.y > pm.y+100) {
		t.Errorf("the sticks start at row %d, not in a pane under the pattern (top %d)", pp.y, pm.y)
	}
	// The 101 line (26.64°) and the sticks' tallest line share a column.
	if abs(pp.x-pm.x) > 2 {
		t.Errorf("strongest peak at column %d, its stick at %d", pm.x, pp.x)
	}
}

func rgb(c color.NRGBA) [3]uint8 { return [3]uint8{c.R, c.G, c.B} }

func near(a, b uint8) bool { return abs(int(a)-int(b)) < 24 }

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

func TestFigureBadInput(t *testing.T) {
	f := testFigure()
	var buf bytes.Buffer
	for _, c := range []struct {
		format string
		w, h   int
		want   string
	}{
		{"gif", 800, 600, "unknown format"},
		{"png", 100, 600, "too small"},
		{"svg", 20000, 600, "too large"},
	} {
		if err := f.Write(&buf, c.format, c.w, c.h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %d×%d: error %v, want %q", c.format, c.w, c.h, err, c.want)
		}
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written on errors", buf.Len())
	}
	empty := &Figure{}
	if err := empty.Write(&buf, "png", 800, 600); err == nil {
		t.Error("a figure without curves drew")
	}
	bad := testFigure()
	bad.Curves[0].Y = bad.Curves[0].Y[:10]
	if err := bad.Write(&buf, "svg", 800, 600); err == nil {
		t.Error("a curve with fewer intensities than angles drew")
	}
}

func TestLabelSticks(t *testing.T) {
	st := quartz.Sticks(cuKa1, 0)
	// 10 units a degree; labels 30 units wide.
	pos := func(s refdb.Stick) (float64, bool) { return 10 * s.TwoTheta, true }
	got := LabelSticks(st, pos, func(string) float64 { return 30 })
	var labels []string
	for _, i := range got {
		labels = append(labels, HKL(st[i]))
	}
	// 101 (I 100), 100 (22) and 112 (14), strongest first; 211 (9), 110
	// and 102 (8) are under a tenth of 101 and unlabelled.
	if strings.Join(labels, " ") != "101 100 112" {
		t.Errorf("labelled %v, want 101 100 112", labels)
	}
	// Crowded: labels 100 units wide at 10 units a degree: 101 at 26.6°
	// and 100 at 20.9° overlap, 112 at 50.1° does not.
	got = LabelSticks(st, pos, func(string) float64 { return 100 })
	if len(got) != 2 || HKL(st[got[0]]) != "101" || HKL(st[got[1]]) != "112" {
		t.Errorf("crowded: labelled %v", got)
	}
	for _, c := range []struct {
		s    refdb.Stick
		want string
	}{{refdb.Stick{H: 1, K: 0, L: 1}, "101"}, {refdb.Stick{H: 1, K: -1, L: 0}, "1 -1 0"}, {refdb.Stick{H: 1, L: 10}, "1 0 10"}, {refdb.Stick{}, ""}} {
		if got := HKL(c.s); got != c.want {
			t.Errorf("HKL(%d %d %d) = %q, want %q", c.s.H, c.s.K, c.s.L, got, c.want)
		}
	}
}

func TestDecimate(t *testing.T) {
	x := make([]float64, 1000)
	y := make([]float64, 1000)
	for i := range x {
		x[i] = float64(i)
		y[i] = math.Sin(float64(i) / 7)
	}
	y[503] = 10 // a spike must survive
	got := decimate(x, y, 100)
	if len(got) > 200 {
		t.Errorf("unexpected length got: %d want: ≤ 200", len(got))
	}
	found := false
	for i, p := range got {
		if i > 0 && p.X <= got[i-1].X {
			t.Fatalf("x not increasing at %d: %g after %g", i, p.X, got[i-1].X)
		}
		found = found || p.Y == 10
	}
	if !found {
		t.Error("the spike was lost")
	}
	if short := decimate(x[:50], y[:50], 100); len(short) != 50 {
		t.Errorf("short series changed: %d points", len(short))
	}
}

// TestImageSize: the image has the size asked for at every resolution the
// canvas is made at (its size in points is the pixels over the DPI), its
// ground white to the corner (at screen resolutions: at 1200 DPI a figure
// of a few hundred pixels is all text).
func TestImageSize(t *testing.T) {
	f := testFigure()
	for _, dpi := range []int{24, 72, 96, 120, 150, 300, 1200} {
		for _, wh := range [][2]int{{MinWidth, MinHeight}, {777, 451}, {1001, 999}} {
			img, err := f.Image(wh[0], wh[1], dpi)
			if err != nil {
				t.Errorf("%d×%d at %d DPI: %v", wh[0], wh[1], dpi, err)
				continue
			}
			if b := img.Bounds(); b.Dx() != wh[0] || b.Dy() != wh[1] {
				t.Errorf("%d×%d at %d DPI: image %v", wh[0], wh[1], dpi, b)
			}
			if c := img.RGBAAt(img.Bounds().Max.X-1, img.Bounds().Max.Y-1); dpi <= 150 && c != (color.RGBA{255, 255, 255, 255}) {
				t.Errorf("%d×%d at %d DPI: corner %v, want white", wh[0], wh[1], dpi, c)
			}
		}
	}
}

// TestUnexplainedMarkers: a marker set apart as unexplained is drawn in
// UnexplainedColor, the others in MarkerColor, and both are in the
// legend.
func TestUnexplainedMarkers(t *testing.T) {
	f := testFigure()
	f.Sticks, f.Difference, f.Labels = nil, nil, false
	un := color.NRGBA{0x10, 0xc0, 0x10, 0xff} // a green no curve of testFigure has
	f.UnexplainedName, f.UnexplainedColor = "Unexplained peaks", un
	f.Markers[0].Unexplained = true
	img, err := f.Image(1000, 600, DPI)
	if err != nil {
		t.Fatal(err)
	}
	count := func(col [3]uint8, left bool) int {
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				c := img.RGBAAt(x, y)
				if (x < b.Max.X*3/4) == left && near(c.R, col[0]) && near(c.G, col[1]) && near(c.B, col[2]) {
					n++
				}
			}
		}
		return n
	}
	red := [3]uint8{0xd6, 0x27, 0x28}
	// Left of the legend: one green triangle, the other peaks red; in the
	// legend a triangle of each.
	if g, r := count(rgb(un), true), count(red, true); g < 10 || r < 2*g {
		t.Errorf("plot: %d unexplained-colour pixels, %d peak-colour pixels", g, r)
	}
	if g, r := count(rgb(un), false), count(red, false); g < 10 || r < 10 {
		t.Errorf("legend: %d unexplained-colour pixels, %d peak-colour pixels", g, r)
	}
}

// TestLegendLongNames: a phase name longer than the legend's column (at
// most legendShare of the width) is shortened with an ellipsis, its
// formula kept, instead of running off the figure: the rightmost pixel
// columns stay white.
func TestLegendLongNames(t *testing.T) {
	f := testFigure()
	f.Sticks[0].Name = "Lithium manganese oxide (spinel, a delithiated cathode of long name) (LiMn2O4)"
	img, err := f.Image(1000, 600, DPI)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	keep(t, "legend-long.png", buf.Bytes())
	b := img.Bounds()
	// 4 px at 1000 px wide: the 24-point margin at the right of the
	// legend's widest entry is several times that.
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Max.X - 4; x < b.Max.X; x++ {
			if c := img.RGBAAt(x, y); c.R < 200 || c.G < 200 || c.B < 200 {
				t.Fatalf("pixel (%d, %d) is %v: the legend runs off the figure", x, y, c)
			}
		}
	}
}

// TestFitText: a text that fits is unchanged; one that does not is cut
// to the room with an ellipsis, a trailing "(formula)" kept when it takes
// at most half the room.
func TestFitText(t *testing.T) {
	sty := plot.NewLegend().TextStyle
	sty.Font.Typeface, sty.Font.Variant = "Liberation", "Sans"
	const long = "Lithium manganese oxide (spinel) (LiMn2O4)"
	full := sty.Rectangle(long).Max.X
	if got := fitText(sty, long, full); got != long {
		t.Errorf("room of its own width: %q", got)
	}
	// "… (LiMn2O4)" is 30 % of the whole in this font: from 60 % of
	// its width down the formula no longer fits in half the room.
	for _, share := range []float64{0.9, 0.7} {
		room := vg.Length(share) * full
		got := fitText(sty, long, room)
		if w := sty.Rectangle(got).Max.X; w > room || !strings.Contains(got, "…") || !strings.HasSuffix(got, " (LiMn2O4)") {
			t.Errorf("room %.0f%%: %q, %.1f wide for %.1f", 100*share, got, w, room)
		}
	}
	// Too narrow for the formula in half the room: the end is cut.
	for _, share := range []float64{0.5, 0.2} {
		room := vg.Length(share) * full
		if got := fitText(sty, long, room); sty.Rectangle(got).Max.X > room || !strings.HasPrefix(got, "Lith") || !strings.HasSuffix(got, "…") {
			t.Errorf("room %.0f%%: %q", 100*share, got)
		}
	}
}
