package app

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// dbEntry returns the database entry id of u's store.
func dbEntry(t *testing.T, u *UI, id string) *refdb.Phase {
	t.Helper()
	p := dbGet(t, u, id)
	if p == nil {
		t.Fatalf("no entry %s", id)
	}
	return p
}

// dbGet is the database entry id, whole; nil when there is none.
func dbGet(t *testing.T, u *UI, id string) *refdb.Phase {
	t.Helper()
	lib, err := u.services.Store.Library()
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := lib.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// braggTwoTheta is Bragg's law solved for the angle: 2θ = 2 asin(λ/2d),
// in degrees.
func braggTwoTheta(lambda, d float64) float64 { return 2 * math.Asin(lambda/(2*d)) * 180 / math.Pi }

// TestTeachWavelengthMovesLine: choosing another anode, or dragging the
// wavelength, moves silicon's 111 line to the Bragg angle of its spacing.
// Silicon (cod:2104737, the window's default phase) has a = 5.431 Å, so
// d(111) = a/√3 = 3.1356 Å; at Cu Kα1 (1.540593 Å) 2θ = 2 asin(1.540593 /
// 6.2712) = 28.44°, at Mo Kα1 (0.709317 Å, ITC Vol. C Table 4.2.2.1)
// 2θ = 2 asin(0.709317/6.2712) = 12.99°, and at λ = 1 Å 18.35°.
func TestTeachWavelengthMovesLine(t *testing.T) {
	u, _ := newInlineUI(t)
	u.ShowTeaching(nil)
	tw := u.teach
	si := dbEntry(t, u, "cod:2104737")
	if tw.base != &si.Structure {
		t.Fatalf("default phase %q, want silicon", tw.name)
	}
	d := si.Structure.Cell.A / math.Sqrt(3)
	if !near(d, 3.1356, 0.0001) {
		t.Fatalf("d(111) = %.5f Å", d)
	}
	at := func() float64 {
		t.Helper()
		i := tw.sim.find(1, 1, 1)
		if i < 0 {
			t.Fatal("no 111 line")
		}
		return tw.sim.Lines[i].TwoTheta
	}
	if got, want := at(), braggTwoTheta(diffraction.CuKa.Ka1, d); !near(got, want, 1e-6) || !near(want, 28.44, 0.005) {
		t.Errorf("Cu Kα1: 111 at %.4f°, want %.4f°", got, want)
	}
	mo, _ := diffraction.AnodeWavelength("Mo")
	tw.anode.SetSelected(anodeLabel("Mo", mo.Ka1))
	if tw.lambda != mo.Ka1 {
		t.Fatalf("Mo Kα1 chosen, λ = %g", tw.lambda)
	}
	if got, want := at(), braggTwoTheta(0.709317, d); !near(got, want, 1e-6) || !near(want, 12.99, 0.005) {
		t.Errorf("Mo Kα1: 111 at %.4f°, want %.4f°", got, want)
	}
	// The selected line (the strongest, 111) is explained with the same
	// numbers: θ = 6.4944°, 1 × 0.70932 Å = 2 × 3.13557 Å × sin 6.4944°.
	if tw.sel != [3]int{1, 1, 1} || !strings.Contains(tw.bragg.twoTheta.Text, "12.98") ||
		!strings.Contains(tw.bragg.numbers.Text, "1 × 0.70932 Å = 2 × 3.1355") {
		t.Errorf("Bragg panel: sel %v, 2θ %q, %q", tw.sel, tw.bragg.twoTheta.Text, tw.bragg.numbers.Text)
	}
	tw.lambdaSl.SetValue(1.0) // as a drag ends there
	if got, want := at(), braggTwoTheta(1.0, d); tw.lambda != 1 || !near(got, want, 1e-6) || !near(want, 18.35, 0.005) {
		t.Errorf("λ 1 Å: 111 at %.4f°, want %.4f°", got, want)
	}
	if tw.anode.Selected != "" {
		t.Errorf("anode %q still shown for λ = 1 Å", tw.anode.Selected)
	}

	// The Ewald construction of 111: P is on the sphere of radius 1/λ
	// about C = (−1/λ, 0), |OP| = 1/d, and CP turns 2θ from the beam.
	sc := tw.ewald.Scene
	if sc == nil {
		t.Fatal("no Ewald construction")
	}
	cp := math.Hypot(sc.P[0]+sc.Radius, sc.P[1])
	op := math.Hypot(sc.P[0], sc.P[1])
	angle := math.Atan2(sc.P[1], sc.P[0]+sc.Radius) * 180 / math.Pi // at C, from the beam
	if !near(cp, 1/tw.lambda, 1e-12) || !near(op, 1/d, 1e-9) || !near(angle, at(), 1e-9) {
		t.Errorf("Ewald: |CP| %g (1/λ %g), |OP| %g (1/d %g), angle at C %g° (2θ %g°)", cp, 1/tw.lambda, op, 1/d, angle, at())
	}
	// 111 itself is in the plane drawn, where it sits at P.
	found := false
	for _, p := range sc.Points {
		if p.H == 1 && p.K == 1 && p.L == 1 {
			found = near(p.X, sc.P[0], 1e-9) && near(p.Y, sc.P[1], 1e-9) && p.Present
		}
	}
	if !found {
		t.Error("the reflection is not drawn at P")
	}
}

// TestTeachLoweredSymmetrySplits200: halite's (200) line holds the six
// reflections {200}; stretching c by 2 % with the symmetry no longer kept
// makes the cell tetragonal, and the line splits into 200 (with 020,
// multiplicity 4, at d = a/2) and 002 (multiplicity 2, at d = c/2), whose
// intensities stand about 2 : 1.
func TestTeachLoweredSymmetrySplits200(t *testing.T) {
	u, _ := newInlineUI(t)
	u.ShowTeaching(dbEntry(t, u, "cod:9008678"))
	tw := u.teach
	a := tw.cell.A
	lines200 := func() (out []simLine) {
		for _, l := range tw.sim.Lines {
			if (l.H == 2 || l.K == 2 || l.L == 2) && l.H*l.K*l.L == 0 && l.H+l.K+l.L == 2 {
				out = append(out, l)
			}
		}
		return out
	}
	if ls := lines200(); len(ls) != 1 || ls[0].Mult != 6 || !near(ls[0].D, a/2, 1e-9) {
		t.Fatalf("cubic: %+v", ls)
	}
	// Cubic and constrained: only a moves, and b and c follow it.
	if !tw.sliders[2].Disabled() || tw.sliders[0].Disabled() {
		t.Error("cubic: c can be moved alone")
	}
	tw.sliders[0].SetValue(a * 1.01)
	if c := tw.cell; !near(c.B, c.A, 0) || !near(c.C, c.A, 0) || tw.lowered {
		t.Errorf("cubic a moved: %+v, lowered %v", c, tw.lowered)
	}
	tw.sliders[0].SetValue(a)

	tw.constrainChk.SetChecked(false)
	tw.sliders[2].SetValue(a * 1.02)
	if !tw.lowered || !strings.Contains(tw.symLabel.Text, "P1") {
		t.Fatalf("c = 1.02 a: lowered %v, %q", tw.lowered, tw.symLabel.Text)
	}
	ls := lines200()
	if len(ls) != 2 {
		t.Fatalf("tetragonal: %+v", ls)
	}
	l200, l002 := ls[1], ls[0] // by increasing 2θ: 002 (larger d) first
	if l200.H != 2 || l200.Mult != 4 || !near(l200.D, a/2, 1e-9) || l002.L != 2 || l002.Mult != 2 || !near(l002.D, 1.02*a/2, 1e-9) {
		t.Errorf("split: %+v", ls)
	}
	// The intensities go as multiplicity × Lorentz–polarisation (ITC Vol.
	// C §6.2.5: (1 + cos²2θ)/(sin²θ cosθ)) × |F|²: 4 : 2 times the LP
	// ratio of 31.70° to 31.06°, 0.957; |F|² differs by the form factors'
	// fall over sinθ/λ = 0.1738 to 0.1773 Å⁻¹, under 2 %.
	lp := func(tt float64) float64 {
		th := tt * math.Pi / 360
		return (1 + math.Pow(math.Cos(2*th), 2)) / (math.Pow(math.Sin(th), 2) * math.Cos(th))
	}
	want := 2 * lp(l200.TwoTheta) / lp(l002.TwoTheta)
	if r := l200.I / l002.I; !near(want, 1.914, 0.002) || r > want || r < want*0.98 {
		t.Errorf("I(200)/I(002) = %.3f, want %.3f less under 2 %%", r, want)
	}
	// Back to the symmetry: the lines merge again.
	tw.constrainChk.SetChecked(true)
	if ls := lines200(); len(ls) != 1 || tw.lowered {
		t.Errorf("symmetry restored: %+v", ls)
	}
}

// TestSimulateMergesCoincidentLines: in P1 a cubic cell gives 200, 020 and
// 002 as three reflections at one angle; the pattern shows one line named
// 200 with their multiplicities summed, as the cubic structure does.
func TestSimulateMergesCoincidentLines(t *testing.T) {
	u, _ := newInlineUI(t)
	nacl := &dbEntry(t, u, "cod:9008678").Structure
	cubic, err := simulate(nacl, diffraction.CuKa.Ka1, 20, 50)
	if err != nil {
		t.Fatal(err)
	}
	p1, err := simulate(nacl.P1(), diffraction.CuKa.Ka1, 20, 50)
	if err != nil {
		t.Fatal(err)
	}
	if len(cubic.Lines) != len(p1.Lines) {
		t.Fatalf("cubic %d lines, P1 %d", len(cubic.Lines), len(p1.Lines))
	}
	for i, c := range cubic.Lines {
		q := p1.Lines[i]
		if c.hkl() != q.hkl() || c.Mult != q.Mult || !near(c.TwoTheta, q.TwoTheta, 1e-9) || !near(c.I, q.I, 1e-6) {
			t.Errorf("line %d: cubic %+v, P1 %+v", i, c, q)
		}
	}
	// Negative indices carry an overbar (a combining overline on each
	// digit); two-digit indices are set apart by spaces.
	if a, b := hklText(1, -1, 0), hklText(10, 0, -12); a != "11\u03050" || b != "10 0 1\u03052\u0305" {
		t.Errorf("hkl text %q, %q", a, b)
	}
}

// TestEwaldSceneRejectsUnreachable: a reflection with d < λ/2 has no
// Bragg angle.
func TestEwaldSceneRejectsUnreachable(t *testing.T) {
	c := crystal.Cell{A: 4, B: 4, C: 4, Alpha: 90, Beta: 90, Gamma: 90}
	if _, err := newEwaldScene(c, 1.5406, [3]int{5, 5, 5}, 3, nil); err == nil {
		t.Error("d(555) = 0.46 Å reached at λ = 1.54 Å")
	}
	sc, err := newEwaldScene(c, 1.5406, [3]int{2, 0, 0}, 3, nil)
	if err != nil || sc.Zone == [3]int{} || gcd3(sc.Zone) != 1 {
		t.Fatalf("200: %v, zone %v", err, sc.Zone)
	}
}

// TestTeachOpenCIFAndCompare: a CIF opened from a file is shown, and one
// of the open scans is drawn under its pattern, at the scan's wavelength
// and over its range.
func TestTeachOpenCIFAndCompare(t *testing.T) {
	u, errs := newInlineUI(t)
	u.Open("/data/a.xy") // the fake's synthetic scan: Cu Kα, 5–80°
	u.ShowTeaching(nil)
	tw := u.teach
	tw.openCIF(filepath.Join("..", "diffraction", "crystal", "testdata", "nacl.cif"))
	if tw.name != "Sodium chloride (halite)" || tw.base.SpaceGroupNumber != 225 || tw.sim == nil {
		t.Fatalf("opened %q", tw.name)
	}
	tw.lambdaSl.SetValue(0.8)
	u.Open("/data/b.xy") // opened after the teaching window: listed when the list opens
	test.Tap(tw.scans)
	if !slices.Contains(tw.scans.Options, "b.xy") {
		t.Errorf("scans offered: %q", tw.scans.Options)
	}
	tw.scans.SetSelected("a.xy")
	if m := tw.plot.Measured; m == nil || len(m.X) != u.current.a.Scan.Len() {
		t.Fatal("the scan is not drawn")
	}
	if tw.lambda != diffraction.CuKa.Ka1 || tw.sim.Lo != 5 || tw.sim.Hi != 80 {
		t.Errorf("compared at λ %g over %g–%g°", tw.lambda, tw.sim.Lo, tw.sim.Hi)
	}
	tw.openCIF("/nowhere/x.cif")
	if len(*errs) != 1 || !strings.Contains((*errs)[0], "x.cif") {
		t.Errorf("errors %q", *errs)
	}
}

// TestTeachAsync: with the work off the UI goroutine, a wavelength dragged
// through many values ends with the pattern of the last one, and a search
// typed meanwhile lists its phases.
func TestTeachAsync(t *testing.T) {
	u := newTestUI(t, newFake())
	u.services = withStore(t, u.services)
	u.ShowTeaching(nil)
	tw := u.teach
	u.waitWorkers(&tw.work, &tw.finder)
	for i := range 20 {
		tw.lambdaSl.SetValue(1 + float64(i)*0.05)
	}
	tw.search.SetText("halite")
	u.waitWorkers(&tw.work, &tw.finder)
	if tw.sim == nil || tw.sim.Lambda != 1.95 || tw.lambda != 1.95 {
		t.Errorf("after the drag: λ %g, pattern at %v", tw.lambda, tw.sim)
	}
	if !slices.ContainsFunc(tw.hits, func(h refdb.Hit) bool { return h.Phase.ID == "cod:9008678" }) || tw.hitBox.Hidden {
		t.Errorf("search: %d hits, list hidden %v", len(tw.hits), tw.hitBox.Hidden)
	}
}
