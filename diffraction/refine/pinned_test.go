package refine

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// pinnedScan is the scan of the pinned refinements: the demo's three
// phases simulated by the model (modelScan) on 10–110° in 5,000 points,
// calcite oriented along [104], crystallites of 150 nm and a displacement
// of 0.05 mm, with the default instrument (its asymmetry included).
func pinnedScan(t *testing.T) (*diffraction.Scan, []*Phase, Instrument) {
	t.Helper()
	inst := DefaultInstrument(diffraction.CuKa)
	scan := grid(10, 110, 100.0/4999)
	phases := testPhases(t, inst, 10, 110, "quartz.cif", "calcite.cif", "corundum.cif")
	phases[1].Orientation = [3]int{1, 0, 4}
	modelScan(t, scan, inst, phases, 150, 0.05, 7)
	return scan, phases, inst
}

// pinned is what a refinement is held to.
type pinned struct {
	rwp float64
	wf  []float64
}

// checkPinned compares a result with the values the engine gave when
// they were pinned: Rwp within 1e-9 relative and the weight fractions
// within 1e-6. A rearrangement of the arithmetic (the order of a sum, a
// constant taken out of a loop) moves them by rounding, some 1e-13; a
// change of the model or of the course of the refinement moves them by
// far more.
func checkPinned(t *testing.T, name string, res *Result, want pinned) {
	t.Helper()
	var wf []float64
	for _, p := range res.Phases {
		wf = append(wf, p.WeightFraction)
	}
	t.Logf("%s: Rwp %.17g, weight fractions %.17g, %d iterations", name, res.Rwp, wf, res.Iterations)
	if math.Abs(res.Rwp-want.rwp) > 1e-9*want.rwp {
		t.Errorf("%s: Rwp %.17g, pinned %.17g (%.2g relative)", name, res.Rwp, want.rwp, res.Rwp/want.rwp-1)
	}
	if len(wf) != len(want.wf) {
		t.Errorf("%s: %d phases, pinned %d", name, len(wf), len(want.wf))
		return
	}
	for i := range wf {
		if math.Abs(wf[i]-want.wf[i]) > 1e-6 {
			t.Errorf("%s: %s %.10f, pinned %.10f", name, res.Phases[i].ID, wf[i], want.wf[i])
		}
	}
}

// Refinements whose results are pinned to the values the engine gave
// before its evaluation was made faster (the numbers below, from commit
// e5580e0): the default stages from the structures (with the coarse
// pass); every profile group of the instrument with strain and B (the
// asymmetry by differences); and a quick trial, a phase added to a warm
// start (re-pinned when the coarse pass came to hold the sizes its stage
// refines: 3e-6 relative in Rwp). Each is refined twice, and the two results
// must be identical bit for bit: the evaluation's parallel halves must
// not make the result depend on the schedule.
func TestPinnedResults(t *testing.T) {
	scan, phases, inst := pinnedScan(t)
	s1 := Scale | Background
	s2 := s1 | Cell | Displacement | Size
	all := s2 | Widths | Lorentz | Asymmetry | Strain | Thermal | Orientation
	cases := []struct {
		name string
		fit  func() *Result
		want pinned
	}{
		{"default", func() *Result {
			return fitOK(t, scan, phases, Options{Instrument: inst})
		}, pinned{0.041426460651204602, []float64{0.3320660745453291, 0.33395088649336629, 0.33398303896130466}}},
		{"instrument", func() *Result {
			return fitOK(t, scan, phases, Options{Instrument: inst, Stages: []Group{s1, s2, all}})
		}, pinned{0.041373781532098731, []float64{0.33242622258167459, 0.33455274374760169, 0.33302103367072378}}},
		{"trial", func() *Result {
			from := fitOK(t, scan, phases[:2], Options{Instrument: inst})
			return fitOK(t, scan, phases, Options{Instrument: inst, Stages: []Group{s1, s2}, From: from,
				MaxIterations: 15, CoarseWidth: 0.3})
		}, pinned{0.049886677419106788, []float64{0.32915203010794103, 0.34407556809860967, 0.32677240179344935}}},
	}
	for _, c := range cases {
		a, b := c.fit(), c.fit()
		checkPinned(t, c.name, a, c.want)
		if a.Rwp != b.Rwp || !slices.Equal(a.Calculated, b.Calculated) || a.Phases[0].Scale != b.Phases[0].Scale {
			t.Errorf("%s: two runs differ: Rwp %.17g and %.17g", c.name, a.Rwp, b.Rwp)
		}
	}
}

func fitOK(t *testing.T, scan *diffraction.Scan, phases []*Phase, opt Options) *Result {
	t.Helper()
	res, err := Fit(context.Background(), scan, phases, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Phase.Profile pinned the same way, on the scan's equally spaced angles
// (the Gaussian by recurrence) and on slightly uneven ones (an
// exponential at every point): its sum Σp_i and a checksum Σp_i·sin i,
// which any change at any point moves, each within 1e-12 of Σ|p_i|.
func TestPinnedProfile(t *testing.T) {
	scan, phases, inst := pinnedScan(t)
	uneven := slices.Clone(scan.TwoTheta)
	for i := range uneven {
		uneven[i] += 0.002 * math.Sin(float64(i))
	}
	for _, c := range []struct {
		name string
		x    []float64
		want [2]float64
	}{
		{"even", scan.TwoTheta, [2]float64{977025585.57191098, -466387.31407265377}},
		{"uneven", uneven, [2]float64{976738626.41344059, -458406.55602353998}},
	} {
		p, err := phases[1].Profile(c.x, inst, 80, peaks.Axis{ZeroShift: 0.01, Displacement: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		var sum, check, abs float64
		for i, v := range p {
			sum += v
			check += v * math.Sin(float64(i))
			abs += math.Abs(v)
		}
		t.Logf("%s: sum %.17g, checksum %.17g", c.name, sum, check)
		if math.Abs(sum-c.want[0]) > 1e-12*abs || math.Abs(check-c.want[1]) > 1e-12*abs {
			t.Errorf("%s: sum %.17g, checksum %.17g; pinned %.17g", c.name, sum, check, c.want)
		}
	}
}
