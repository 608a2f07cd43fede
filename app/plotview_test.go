package app

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/internal/figure"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// shot writes the window to $BRAGG_PLOTSHOTS/name.png when that directory
// is set, to look at: BRAGG_PLOTSHOTS=/tmp/shots go test -run View ./app
func shot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	dir := os.Getenv("BRAGG_PLOTSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// exportShot writes the view exported as PNG and SVG to
// $BRAGG_PLOTSHOTS/name.png and .svg when that directory is set.
func exportShot(t *testing.T, v *PatternView, name string) {
	t.Helper()
	dir := os.Getenv("BRAGG_PLOTSHOTS")
	if dir == "" {
		return
	}
	for _, format := range []string{"png", "svg"} {
		var b bytes.Buffer
		if err := v.ExportView(&b, format, fyne.NewSize(1200, 700)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"."+format), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// frame draws the view's raster as the window would.
func frame(v *PatternView) *image.RGBA {
	r := v.r
	return r.draw(int(r.area.Width), int(r.area.Height)).(*image.RGBA)
}

// topmost returns the pixel of colour col nearest the top of rows y0–y1
// of img (x −1 if none).
func topmost(img *image.RGBA, col color.RGBA, y0, y1 int) (x, y int) {
	for y := y0; y < y1; y++ {
		for x := 0; x < img.Bounds().Dx(); x++ {
			if img.RGBAAt(x, y) == col {
				return x, y
			}
		}
	}
	return -1, -1
}

// count returns how many pixels of img have colour col.
func count(img *image.RGBA, col color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.RGBAAt(x, y) == col {
				n++
			}
		}
	}
	return n
}

// TestPatternViewDAxisLog shows the synthetic scan on a d axis with a log
// intensity scale: the labels are d-spacings in Å placed where their d
// falls, and quartz 101 (d = 3.3435 Å, the strongest peak) is drawn at
// the column its d maps to.
func TestPatternViewDAxisLog(t *testing.T) {
	v, w := newTestView(t)
	w.Resize(fyne.NewSize(1000, 500))
	v.SetXUnit(figure.D)
	v.SetYScale(figure.Log)
	r := v.r
	if r.xTitle.Text != "d (Å)" || !strings.Contains(r.yTitle.Text, "log") {
		t.Errorf("titles %q, %q", r.xTitle.Text, r.yTitle.Text)
	}
	// Every label is a d-spacing centred on Q = 2π/d; they fall from left
	// to right.
	prev := math.Inf(1)
	for _, l := range r.xLabels {
		d, err := strconv.ParseFloat(l.Text, 64)
		if err != nil {
			t.Fatalf("x label %q: %v", l.Text, err)
		}
		if d >= prev {
			t.Errorf("d labels do not fall: %g after %g", d, prev)
		}
		prev = d
		centre := l.Position().X + l.Size().Width/2 - r.plotPos.X
		if want := r.screenXCoord(2 * math.Pi / d); math.Abs(float64(centre-want)) > 0.5 {
			t.Errorf("label %q centred at %g, its d maps to %g", l.Text, centre, want)
		}
	}
	if len(r.xLabels) < 6 {
		t.Errorf("only %d d labels", len(r.xLabels))
	}
	var ys []string
	for _, l := range r.yLabels {
		ys = append(ys, l.Text)
	}
	if got := strings.Join(ys, " "); !strings.Contains(got, "100 ") || !strings.Contains(got, "1000") {
		t.Errorf("log labels %q, want decades 100 and 1000", got)
	}
	img := frame(v)
	x, y := topmost(img, r.pal.trace, 0, int(r.plotSize.Height))
	want := float64(r.screenXCoord(2 * math.Pi / 3.3435))
	if math.Abs(float64(x)-want) > 1.5 {
		t.Errorf("strongest peak drawn at column %d, d = 3.3435 Å maps to %.1f", x, want)
	}
	// On the log scale its 6000 counts are at log10(6000) = 3.78.
	if c := r.coordY(float32(y) + r.plotPos.Y); math.Abs(c-math.Log10(6000)) > 0.05 {
		t.Errorf("peak top at log I = %.3f, want about 3.78", c)
	}
	// The read-out leads with d.
	test.MoveMouse(w.Canvas(), v.Position().Add(fyne.NewPos(r.plotPos.X+float32(want), r.plotPos.Y+30)))
	if s := r.hoverText.Text; !strings.HasPrefix(s, "d 3.34") {
		t.Errorf("read-out %q, want it to start with d 3.34", s)
	}
	shot(t, w, "d-log")

	// The Q axis is linear: labels evenly spaced.
	v.SetXUnit(figure.Q)
	if r.xTitle.Text != "Q (Å⁻¹)" || len(r.xLabels) < 3 {
		t.Fatalf("Q axis: title %q, %d labels", r.xTitle.Text, len(r.xLabels))
	}
	step := r.xLabels[1].Position().X - r.xLabels[0].Position().X
	for i := 2; i < len(r.xLabels); i++ {
		if s := r.xLabels[i].Position().X - r.xLabels[i-1].Position().X; math.Abs(float64(s-step)) > 2 {
			t.Errorf("Q labels unevenly spaced: %g then %g", step, s)
		}
	}
}

// drag presses at from with the modifiers mod, drags to to in two moves
// and releases, as the desktop driver reports it.
func drag(v *PatternView, from, to fyne.Position, mod fyne.KeyModifier) {
	v.MouseDown(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: from}, Modifier: mod})
	mid := fyne.NewPos((from.X+to.X)/2, (from.Y+to.Y)/2)
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: mid}, Dragged: fyne.NewDelta(mid.X-from.X, mid.Y-from.Y)})
	v.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: to}, Dragged: fyne.NewDelta(to.X-mid.X, to.Y-mid.Y)})
	v.MouseUp(&desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: to}})
	v.DragEnd()
}

func TestPatternViewBoxZoom(t *testing.T) {
	v, _ := newTestView(t)
	r := v.r
	for _, unit := range []figure.XUnit{figure.TwoTheta, figure.D} {
		v.ResetZoom()
		v.SetXUnit(unit)
		from := r.plotPos.AddXY(200, 40)
		to := r.plotPos.AddXY(420, 200)
		x0, x1 := r.dataX(from.X), r.dataX(to.X)
		yTop, yBottom := r.dataY(from.Y), r.dataY(to.Y)
		drag(v, from, to, fyne.KeyModifierShift)
		lo, hi := v.VisibleRange()
		if math.Abs(lo-x0) > 1e-9 || math.Abs(hi-x1) > 1e-9 {
			t.Errorf("%v: box zoom shows %g–%g°, the box spans %g–%g°", unit, lo, hi, x0, x1)
		}
		if math.Abs(v.YMin-yBottom) > 1e-6*yTop || math.Abs(v.YMax-yTop) > 1e-6*yTop {
			t.Errorf("%v: box zoom intensity %g–%g, the box spans %g–%g", unit, v.YMin, v.YMax, yBottom, yTop)
		}
		if r.ymin != yBottom || math.Abs(r.ymax-yTop) > 1e-9*yTop {
			t.Errorf("%v: plot shows %g–%g after the box zoom", unit, r.ymin, r.ymax)
		}
		if r.box.Visible() {
			t.Error("zoom box still shown")
		}
	}
	// With BoxZoom set a plain drag draws the box and Shift+drag pans.
	v.SetXUnit(figure.TwoTheta)
	v.ResetZoom()
	v.BoxZoom = true
	from, to := r.plotPos.AddXY(100, 50), r.plotPos.AddXY(300, 53)
	x0, x1 := r.dataX(from.X), r.dataX(to.X)
	drag(v, from, to, 0)
	if lo, hi := v.VisibleRange(); math.Abs(lo-x0) > 1e-9 || math.Abs(hi-x1) > 1e-9 || v.YMax > v.YMin {
		t.Errorf("box zoom mode, a drag 3 high: %g–%g° and intensity %g–%g, want %g–%g° and intensity unchanged",
			lo, hi, v.YMin, v.YMax, x0, x1)
	}
	lo, _ := v.VisibleRange()
	drag(v, r.plotPos.AddXY(300, 50), r.plotPos.AddXY(350, 50), fyne.KeyModifierShift)
	if lo2, _ := v.VisibleRange(); !(lo2 < lo) {
		t.Errorf("box zoom mode, Shift+drag right: low edge %g, want below %g (a pan)", lo2, lo)
	}
	test.DoubleTap(v)
	if v.XMax != 0 || v.YMax != 0 {
		t.Error("double tap does not show everything")
	}
}

func TestPatternViewIntensityZoom(t *testing.T) {
	v, w := newTestView(t)
	r := v.r
	bottom, top := r.ymin, r.ymax
	defer func(f func() fyne.KeyModifier) { keyModifiers = f }(keyModifiers)
	keyModifiers = func() fyne.KeyModifier { return fyne.KeyModifierControl }
	// Ctrl + one wheel notch up: the intensity range shrinks by 20 % about
	// its bottom, the 2θ range stays.
	v.Scrolled(&fyne.ScrollEvent{PointEvent: fyne.PointEvent{Position: r.plotPos.AddXY(300, 100)}, Scrolled: fyne.NewDelta(0, 25)})
	if v.XMax != 0 || r.ymin != bottom || math.Abs((r.ymax-r.ymin)-0.8*(top-bottom)) > 1e-9*top {
		t.Errorf("Ctrl+wheel: 2θ %g–%g, intensity %g–%g; want the whole scan and %g–%g",
			v.XMin, v.XMax, r.ymin, r.ymax, bottom, bottom+0.8*(top-bottom))
	}
	keyModifiers = func() fyne.KeyModifier { return 0 }
	// Dragging up 100 units over the intensity labels halves the range.
	v.ResetZoom()
	test.Drag(w.Canvas(), v.Position().Add(fyne.NewPos(r.plotPos.X-8, r.plotPos.Y+150)), 0, -100)
	if v.XMax != 0 || r.ymin != bottom || math.Abs((r.ymax-r.ymin)-0.5*(top-bottom)) > 1e-9*top {
		t.Errorf("drag on the intensity axis: 2θ %g–%g, intensity %g–%g; want the whole scan and %g–%g",
			v.XMin, v.XMax, r.ymin, r.ymax, bottom, bottom+0.5*(top-bottom))
	}
	// A zoomed intensity stays while the 2θ range changes.
	v.Zoom(0.5, 30)
	if math.Abs((r.ymax-r.ymin)-0.5*(top-bottom)) > 1e-9*top {
		t.Error("a 2θ zoom lost the intensity zoom")
	}
}

// otherScan is the synthetic scan at 60 % of the counts, a second
// measurement of the sample.
func otherScan() *diffraction.Scan {
	a := synthetic(3751, diffraction.CuKa)
	for i := range a.Scan.Intensity {
		a.Scan.Intensity[i] *= 0.6
	}
	return a.Scan
}

func TestPatternViewOverlayWaterfall(t *testing.T) {
	v, w := newTestView(t)
	r := v.r
	v.Name, v.Color = "a.xy", palette.Scan(0)
	v.Traces = []Trace{{Name: "b.xy", Color: palette.Scan(1), Scan: otherScan()}}
	v.Refresh()
	var names []string
	for _, l := range r.legendTx {
		names = append(names, l.Text)
	}
	if len(names) < 2 || names[0] != "a.xy" || names[1] != "b.xy" {
		t.Errorf("legend %v, want a.xy and b.xy first", names)
	}
	img := frame(v)
	a, b := rgba(palette.Scan(0)), rgba(palette.Scan(1))
	if count(img, a) < 500 || count(img, b) < 500 {
		t.Errorf("two traces: %d and %d pixels of their colours", count(img, a), count(img, b))
	}
	_, yOver := topmost(img, b, 0, int(r.plotSize.Height))
	topOver := r.ymax
	shot(t, w, "overlay")

	// Waterfall: the second trace is lifted by half the first's height.
	v.Offset = 0.5
	v.Refresh()
	lo, hi := extent(v.Scan.Intensity, 0, v.Scan.Len()-1)
	if want := 0.5 * (hi - lo); math.Abs(r.offsets[1]-want) > 1e-9 {
		t.Errorf("offset %g, want %g", r.offsets[1], want)
	}
	if !(r.ymax > topOver) {
		t.Errorf("waterfall top %g, not above the overlay's %g", r.ymax, topOver)
	}
	img = frame(v)
	_, yFall := topmost(img, b, 0, int(r.plotSize.Height))
	// b's strongest peak is 3600 counts + background; lifted it is 3600 + 0.5·(max − min) ≈ 6600 above zero.
	if got := r.dataY(float32(yFall) + r.plotPos.Y); math.Abs(got-(3600+r.offsets[1]+380)) > 300 {
		t.Errorf("lifted trace tops at %g counts, want about %g", got, 3600+r.offsets[1]+380)
	}
	if yOver < 0 || yFall < 0 {
		t.Fatal("trace b not drawn")
	}
	shot(t, w, "waterfall")
	// A hidden trace is one not listed.
	v.Traces = nil
	v.Refresh()
	if count(frame(v), b) != 0 {
		t.Error("trace b drawn after it was removed")
	}
}

// quartzHKL is quartz with indexed lines (Levien, Prewitt & Weidner 1980,
// Am. Mineral. 65, 920; relative intensities of ICDD 46-1045, rounded).
var quartzHKL = &refdb.Phase{ID: "test:quartz-hkl", Name: "Silicon dioxide", Mineral: "Quartz", Formula: "SiO2",
	Lines: []refdb.Line{{D: 4.2550, I: 22, H: 1}, {D: 3.3435, I: 100, H: 1, L: 1}, {D: 2.4569, I: 8, H: 1, K: 1},
		{D: 2.2815, I: 8, H: 1, L: 2}, {D: 2.2361, I: 4, H: 1, K: 1, L: 1}, {D: 2.1277, I: 6, H: 2},
		{D: 1.9799, I: 4, H: 2, L: 1}, {D: 1.8180, I: 14, H: 1, K: 1, L: 2}, {D: 1.5415, I: 9, H: 2, K: 1, L: 1}}}

func TestStickPane(t *testing.T) {
	v, w := newTestView(t)
	r := v.r
	a := synthetic(3751, diffraction.CuKa)
	v.Overlays = []Overlay{
		stickOverlay(candRow{c: a.Match.Candidates[1], color: palette.Phase(1)}, a),
		stickOverlay(candRow{c: match.Candidate{Phase: quartzHKL}, color: palette.Phase(0)}, a),
	}
	v.Refresh()
	if r.rowH == 0 || r.paneY < r.plotSize.Height {
		t.Fatalf("no stick pane under the pattern: row %g at %g, pattern %g high", r.rowH, r.paneY, r.plotSize.Height)
	}
	// The sticks are in the pane, not over the data.
	img := frame(v)
	green := rgba(palette.Phase(0))
	if _, y := topmost(img, green, 0, img.Bounds().Dy()); float32(y) < r.paneY {
		t.Errorf("quartz sticks reach row %d, above the pane at %g", y, r.paneY)
	}
	// Quartz 101 in the second row: its hkl on hover.
	x := r.plotPos.X + r.screenX(26.64)
	y := r.plotPos.Y + r.rowTop(1) + r.rowH/2
	test.MoveMouse(w.Canvas(), v.Position().Add(fyne.NewPos(x+2, y)))
	if s := r.hoverText.Text; !strings.HasPrefix(s, "Quartz (101)") || !strings.Contains(s, "d 3.3435 Å") || !strings.Contains(s, "I 100") {
		t.Errorf("read-out over quartz 101: %q", s)
	}
	if r.stickAt != (stickRef{1, 1}) || count(frame(v), r.pal.selected) == 0 {
		t.Errorf("stick under the pointer %v, not highlighted", r.stickAt)
	}
	// Labels: hkl of the strongest lines, in the row's colour.
	v.Labels = true
	v.Refresh()
	var labels []string
	for _, l := range r.stickLabels {
		if l.Color == palette.Phase(0) {
			labels = append(labels, l.Text)
		}
	}
	if len(labels) < 3 || labels[0] != "101" || labels[1] != "100" {
		t.Errorf("quartz labels %v, want 101 and 100 first", labels)
	}
	shot(t, w, "sticks")
	test.MoveMouse(w.Canvas(), fyne.NewPos(1, 1))
	if r.stickAt != noStick {
		t.Error("stick still highlighted after leaving")
	}
}

// fittedCorundum simulates a Cu Kα scan of corundum (crystal.Pattern and
// crystal.Profile with widths of about 0.11°, a flat background of 150
// counts and Poisson-like noise)
// and refines corundum against it with refine.Fit, as the fake database's
// corundum.
func fittedCorundum(t *testing.T) (*diffraction.Scan, *refine.Result) {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "diffraction", "crystal", "testdata", "corundum.cif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := crystal.ParseCIF(f, "corundum.cif")
	if err != nil {
		t.Fatal(err)
	}
	s := &ss[0]
	wl := diffraction.CuKa
	wl.Source = diffraction.FromFile
	refl, err := crystal.Pattern(s, wl.Ka1, 1, 179, crystal.Options{Monochromator: 0, Ka2: wl.Ka2, Ka2Ratio: wl.Ratio})
	if err != nil {
		t.Fatal(err)
	}
	const n = 2501 // 20–70° in 0.02° steps, five or more a line width
	x := make([]float64, n)
	for i := range x {
		x[i] = 20 + 50*float64(i)/(n-1)
	}
	prof := crystal.Profile(refl, x, crystal.ProfileOptions{U: 0.004, V: -0.002, W: 0.012, Eta: 0.5})
	top := 0.0
	for _, p := range prof {
		top = max(top, p)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	y := make([]float64, n)
	for i := range y {
		c := 150 + 4000*prof[i]/top
		y[i] = math.Round(max(0, c+rng.NormFloat64()*math.Sqrt(c)))
	}
	scan := &diffraction.Scan{TwoTheta: x, Intensity: y, Wavelength: wl}
	ph, err := refine.NewPhase(corundum.ID, s, refine.DefaultInstrument(wl), 20, 70)
	if err != nil {
		t.Fatal(err)
	}
	res, err := refine.Fit(context.Background(), scan, []*refine.Phase{ph}, refine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return scan, res
}

func TestPatternViewFit(t *testing.T) {
	scan, res := fittedCorundum(t)
	if res.Rwp > 0.2 {
		t.Fatalf("the test fit is poor: Rwp %.3f", res.Rwp)
	}
	test.NewTempApp(t)
	v := NewPatternView()
	v.SetScan(scan, nil, nil)
	v.Fit = FitOf(res, func(id string) (string, color.NRGBA) { return "Corundum", palette.Phase(0) })
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(900, 500))
	r := v.r
	if r.fit == nil || r.diffH == 0 || r.diffY < r.plotSize.Height {
		t.Fatalf("no difference strip under the pattern: %g high at %g", r.diffH, r.diffY)
	}
	var names []string
	for _, l := range r.legendTx {
		names = append(names, l.Text)
	}
	if got := strings.Join(names, ","); got != "Measured,Calculated,Difference,Corundum" {
		t.Errorf("legend %s", got)
	}
	img := frame(v)
	strip := img.SubImage(image.Rect(0, int(r.diffY), img.Bounds().Dx(), int(r.diffY+r.diffH))).(*image.RGBA)
	if n := count(strip, r.pal.diff); n < 200 {
		t.Errorf("difference strip has %d pixels of the difference curve", n)
	}
	if n := count(img, r.pal.calc); n < 200 {
		t.Errorf("%d pixels of the calculated pattern", n)
	}
	// The difference is small beside the data: the strip's range is a
	// fraction of the pattern's.
	if !(r.dmax-r.dmin < 0.5*(r.ymax-r.ymin)) {
		t.Errorf("difference range %g–%g against the pattern's %g–%g", r.dmin, r.dmax, r.ymin, r.ymax)
	}
	test.MoveMouse(w.Canvas(), v.Position().Add(fyne.NewPos(r.plotPos.X+300, r.plotPos.Y+r.diffY+r.diffH/2)))
	if !strings.Contains(r.hoverText.Text, "obs − calc") {
		t.Errorf("read-out over the strip: %q", r.hoverText.Text)
	}
	shot(t, w, "fit")
	exportShot(t, v, "export-fit")
}

// TestFitFromIdentification shows the whole-pattern fit of an analysis
// (Analysis.Identification.Fit), its phase named and coloured as in the
// candidate table.
func TestFitFromIdentification(t *testing.T) {
	_, res := fittedCorundum(t)
	b := newFake()
	b.ident = &identify.Result{Fit: res, Phases: []identify.Phase{{Entry: corundum, Fit: &res.Phases[0]}}}
	u := newTestUI(t, b)
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/a.xy")
	u.wait()
	f := u.view.Fit
	if f == nil || len(f.Phases) != 1 {
		t.Fatalf("view fit %+v", f)
	}
	// Corundum is drawn in the colour of its row in the candidate table.
	var row *candRow
	for i := range u.current.rows {
		if r := &u.current.rows[i]; r.c.Phase != nil && r.c.Phase.ID == corundum.ID {
			row = r
		}
	}
	if p := f.Phases[0]; row == nil || p.Name != "Corundum" || p.Color != row.color {
		t.Errorf("fit phase %q in %v, want Corundum in its table row's colour (row %v)", p.Name, p.Color, row)
	}
	if u.view.r.diffH == 0 {
		t.Error("no difference strip")
	}
	// Another scan shows its own fit (the fake's quartz and calcite), not
	// a.xy's.
	b.ident = nil
	u.Open("/data/b.xy")
	u.wait()
	if f := u.view.Fit; f != nil && slices.ContainsFunc(f.Phases, func(p FitPhase) bool { return p.Name == "Corundum" }) {
		t.Error("the fit of a.xy is still shown over b.xy")
	}
}
