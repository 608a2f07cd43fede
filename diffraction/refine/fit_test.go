package refine

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// demoScan simulates the demo mixture (quartz 50, calcite 30, corundum 20
// wt%) at the structures' own cells, with the fixed-slit instrument of
// testInstrument and its zero, and returns it with the three phases.
func demoScan(t *testing.T) (*diffraction.Scan, []*Phase, Instrument) {
	t.Helper()
	inst := testInstrument()
	scan := grid(10, 100, 0.02)
	mix := demoMix(t, [3]float64{1, 1, 1})
	phases := testPhases(t, inst, 10, 100, "quartz.cif", "calcite.cif", "corundum.cif")
	synthScan(t, scan, inst, mix, 0, 0.05, []float64{400, -150, 60}, 20000, 5)
	return scan, phases, inst
}

// Screening the demo mixture among six candidates: the three present
// get positive scales, each explains far more of χ² than anything absent
// (rutile, NaCl and Si explain nothing: ΔΧ² = 0), and the rough
// fractions come within 5 wt% of the truth (unrefined sizes and
// displacement: a screen, not a refinement).
func TestScreen(t *testing.T) {
	scan, present, inst := demoScan(t)
	cands := append([]*Phase{}, present...)
	for _, f := range []string{"rutile.cif", "nacl.cif", "si.cif"} {
		p, err := NewPhase(f, loadCIF(t, f), inst, 10, 100)
		if err != nil {
			t.Fatal(err)
		}
		cands = append(cands, p)
	}
	sc, err := Screen(context.Background(), scan, cands, ScreenOptions{Instrument: inst})
	if err != nil {
		t.Fatal(err)
	}
	truth := []float64{0.5, 0.3, 0.2}
	minPresent := math.Inf(1)
	for i, s := range sc[:3] {
		t.Logf("%s: scale %.3g, %.1f wt%%, Δχ² %.4g", s.ID, s.Scale, 100*s.WeightFraction, s.DeltaChi2)
		minPresent = math.Min(minPresent, s.DeltaChi2)
		if !(s.Scale > 0) || math.Abs(s.WeightFraction-truth[i]) > 0.05 {
			t.Errorf("%s: scale %g, %.1f wt%%, true %.0f", s.ID, s.Scale, 100*s.WeightFraction, 100*truth[i])
		}
	}
	for _, s := range sc[3:] {
		t.Logf("%s: scale %.3g, Δχ² %.4g", s.ID, s.Scale, s.DeltaChi2)
		if s.DeltaChi2 > 0.01*minPresent {
			t.Errorf("%s, absent, explains Δχ² %g (present phases at least %g)", s.ID, s.DeltaChi2, minPresent)
		}
	}
	// The unit profile is the column Screen used: positive, and zero far
	// from its lines.
	prof, err := cands[5].Profile(scan.TwoTheta, inst, 100, peaks.Axis{})
	if err != nil {
		t.Fatal(err)
	}
	var top float64
	for _, v := range prof {
		if v < 0 || math.IsNaN(v) {
			t.Fatalf("profile value %g", v)
		}
		top = math.Max(top, v)
	}
	if !(top > 0) {
		t.Error("empty profile")
	}
}

// A warm start from a converged result of the same data converges at
// once to the same values.
func TestWarmStart(t *testing.T) {
	scan, phases, inst := demoScan(t)
	first, err := Fit(context.Background(), scan, phases, Options{Instrument: inst})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Fit(context.Background(), scan, phases, Options{From: first})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("iterations: %d cold, %d warm", first.Iterations, again.Iterations)
	if again.Iterations > first.Iterations/2 || !again.Converged {
		t.Errorf("warm start: %d iterations (cold %d), converged %v", again.Iterations, first.Iterations, again.Converged)
	}
	for i := range first.Phases {
		a, b := first.Phases[i], again.Phases[i]
		if math.Abs(a.WeightFraction-b.WeightFraction) > 0.1*a.WeightFractionESD || math.Abs(a.Cell.A-b.Cell.A) > 0.1*a.CellESD.A {
			t.Errorf("%s: %.4f/%.6f cold, %.4f/%.6f warm", a.ID, a.WeightFraction, a.Cell.A, b.WeightFraction, b.Cell.A)
		}
	}
}

// A phase that is not in the sample goes to scale zero, says so in the
// log, and takes none of the weight; the fit of the others is unharmed.
func TestAbsentPhase(t *testing.T) {
	scan, phases, inst := demoScan(t)
	si, err := NewPhase("si.cif", loadCIF(t, "si.cif"), inst, 10, 100)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(context.Background(), scan, append(phases, si), Options{Instrument: inst})
	if err != nil {
		t.Fatal(err)
	}
	if err := finite(res); err != nil {
		t.Fatal(err)
	}
	p := res.Phases[3]
	t.Logf("Si: %.2g ± %.2g wt%%", 100*p.WeightFraction, 100*p.WeightFractionESD)
	if p.WeightFraction > 0.002 || !strings.Contains(strings.Join(res.Log, "\n"), "scale si.cif at its bound") {
		t.Errorf("Si: %.3f wt%%; log:\n%s", 100*p.WeightFraction, strings.Join(res.Log, "\n"))
	}
	for i, w := range []float64{0.5, 0.3, 0.2} {
		if math.Abs(res.Phases[i].WeightFraction-w) > 0.01 {
			t.Errorf("%s: %.2f wt%%, true %.0f", res.Phases[i].ID, 100*res.Phases[i].WeightFraction, 100*w)
		}
	}
}

// Cancellation returns the state reached with the context's error.
func TestFitCancel(t *testing.T) {
	scan, phases, inst := demoScan(t)
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	res, err := Fit(ctx, scan, phases, Options{Instrument: inst, Progress: func(Progress) {
		if calls++; calls == 3 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || res == nil || res.Converged {
		t.Fatalf("result %v, error %v", res != nil, err)
	}
	if err := finite(res); err != nil {
		t.Fatal(err)
	}
}

// Invalid input is an error, never a panic nor a silent default.
func TestFitBadInput(t *testing.T) {
	scan, phases, inst := demoScan(t)
	noWave := *scan
	noWave.Wavelength = diffraction.Wavelength{}
	dAxis := *scan
	dAxis.Axis = diffraction.AxisD
	short, err := NewPhase("short", phases[0].Structure, inst, 40, 60)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		scan   *diffraction.Scan
		phases []*Phase
		opt    Options
		want   string
	}{
		{"nil scan", nil, phases, Options{}, "no scan"},
		{"particle size", scan, phases, Options{ParticleSize: -1}, "particle size"},
		{"twice", scan, []*Phase{phases[0], phases[0]}, Options{}, "twice"},
		{"nil phase", scan, []*Phase{nil}, Options{}, "nil"},
		{"no wavelength", &noWave, phases, Options{}, "no wavelength"},
		{"d axis", &dAxis, phases, Options{}, "not 2θ"},
		{"range", scan, []*Phase{short}, Options{Instrument: inst}, "another 2θ range"},
		{"background", scan, phases, Options{FixedBackground: []float64{1, 2}}, "fixed background"},
		{"terms", scan, phases, Options{BackgroundTerms: -1}, "background terms"},
		{"bound", scan, phases, Options{CellBound: 0.5}, "cell bound"},
		{"stages", scan, phases, Options{Stages: []Group{}}, "no stages"},
	} {
		_, err := Fit(context.Background(), c.scan, c.phases, c.opt)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	if _, _, err := FitInstrument(context.Background(), scan, phases[0], Options{Stages: DefaultStages()}); err == nil {
		t.Error("FitInstrument refined a standard's cell")
	}
	// No phases is the background alone: the null model of a
	// significance test, whose calculated pattern is its background.
	res, err := Fit(context.Background(), scan, nil, Options{})
	if err != nil || len(res.Phases) != 0 || !(res.Rwp > 0) || !slices.Equal(res.Calculated, res.Background) {
		t.Errorf("no phases: %v, %d phases, Rwp %g", err, len(res.Phases), res.Rwp)
	}
}

// A background given by the caller (here the simulation's own) held
// fixed, alone or with a refined 2-term Chebyshev correction: the
// fractions stay within 1 wt% of the truth.
func TestFixedBackground(t *testing.T) {
	scan, phases, inst := demoScan(t)
	bg := make([]float64, scan.Len())
	for j, c := range []float64{400, -150, 60} { // demoScan's background
		for i, v := range chebyshev(scan.TwoTheta, 3)[j] {
			bg[i] += c * v
		}
	}
	for _, terms := range []int{0, 2} {
		res, err := Fit(context.Background(), scan, phases, Options{Instrument: inst, FixedBackground: bg, BackgroundTerms: terms})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.BackgroundCoeffs) != terms || res.GoF > 1.5 {
			t.Errorf("%d correction terms: %d coefficients, GoF %.2f", terms, len(res.BackgroundCoeffs), res.GoF)
		}
		for i, w := range []float64{0.5, 0.3, 0.2} {
			if p := res.Phases[i]; math.Abs(p.WeightFraction-w) > 0.01 {
				t.Errorf("%d correction terms: %s %.2f wt%%, true %.0f", terms, p.ID, 100*p.WeightFraction, 100*w)
			}
		}
	}
}

// A warm start with a phase added that is not in the earlier result: the
// new phase starts from its structure and the coarse pass runs again for
// it (its cell 1.5 % off), and the fractions come out right.
func TestWarmStartNewPhase(t *testing.T) {
	inst := testInstrument()
	scan := grid(10, 100, 0.02)
	mix := demoMix(t, [3]float64{1, 1, 1.015})
	synthScan(t, scan, inst, mix, 0, 0.05, []float64{400, -150, 60}, 20000, 5)
	phases := testPhases(t, inst, 10, 100, "quartz.cif", "calcite.cif", "corundum.cif")
	first, err := Fit(context.Background(), scan, phases[:2], Options{Instrument: inst})
	if err != nil {
		t.Fatal(err)
	}
	res, err := Fit(context.Background(), scan, phases, Options{From: first, CellBound: 0.03})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("two phases: Rwp %.4f; three from them: Rwp %.4f, GoF %.2f", first.Rwp, res.Rwp, res.GoF)
	if !strings.Contains(strings.Join(res.Log, "\n"), "broadened") {
		t.Errorf("no coarse pass for the new phase; log:\n%s", strings.Join(res.Log, "\n"))
	}
	for i, w := range []float64{0.5, 0.3, 0.2} {
		if p := res.Phases[i]; math.Abs(p.WeightFraction-w) > 0.01 {
			t.Errorf("%s: %.2f wt%%, true %.0f", p.ID, 100*p.WeightFraction, 100*w)
		}
	}
}
