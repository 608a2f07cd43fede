package refine

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// benchFiles are the phases of the benchmarks, in the order they are
// added: the demo's three, then three more of the test data.
var benchFiles = []string{"quartz.cif", "calcite.cif", "corundum.cif", "rutile.cif", "nacl.cif", "si.cif"}

// modelScan simulates a scan with the model itself (the instrument's
// profile, asymmetry and zero shift, equal weights, crystallite size in
// nm (0: no size broadening), the displacement in mm, r = 0.85 for phases
// with an orientation, a 3-term background from 400 to 200 counts) and
// Poisson noise, strongest line 20,000 counts: a pattern the engine can
// fit exactly, for timing and for the instrument fit.
func modelScan(t testing.TB, scan *diffraction.Scan, inst Instrument, phases []*Phase, size, disp float64, seed uint64) {
	t.Helper()
	f, err := newFitter(context.Background(), scan, phases, Options{Instrument: inst, Stages: []Group{Scale | Size}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := f.m
	for p, ph := range phases {
		m.par[m.iScale[p]].v = 1 / ph.cellMass / ph.Structure.Volume()
		m.par[m.iSize[p]].v = 0
		if size > 0 {
			m.par[m.iSize[p]].v = 1 / size
		}
		if m.iPO[p] >= 0 {
			m.par[m.iPO[p]].v = 0.85
		}
	}
	m.par[m.iDisp].v = disp
	m.eval(false)
	var top float64
	for _, v := range m.yc {
		top = math.Max(top, v)
	}
	bg := chebyshev(scan.TwoTheta, 3)
	rng := rand.New(rand.NewPCG(seed, 2))
	for i := range scan.Intensity {
		mu := 20000*m.yc[i]/top + 300 - 100*bg[1][i] + 40*bg[2][i]
		scan.Intensity[i] = poissonDraw(rng, mu)
	}
}

// BenchmarkFit is the whole refinement (all default stages) of phases on
// a scan of points from 10° to 110°: the target is 3 phases on
// 5,000 points within 100 ms on two cores.
func BenchmarkFit(b *testing.B) {
	inst := DefaultInstrument(diffraction.CuKa)
	for _, c := range []struct{ points, phases int }{{5000, 3}, {1000, 3}, {20000, 3}, {5000, 1}, {5000, 6}} {
		b.Run(fmt.Sprintf("points=%d/phases=%d", c.points, c.phases), func(b *testing.B) {
			scan := grid(10, 110, 100/float64(c.points-1))
			phases := testPhases(b, inst, 10, 110, benchFiles[:c.phases]...)
			modelScan(b, scan, inst, phases, 150, 0.05, 7)
			b.ReportAllocs()
			var res *Result
			for b.Loop() {
				var err error
				res, err = Fit(context.Background(), scan, phases, Options{Instrument: inst})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Iterations), "iterations")
			b.ReportMetric(res.GoF, "GoF")
		})
	}
}

// BenchmarkNewPhase is the setup of one candidate phase: its reflections
// over 10–110°.
func BenchmarkNewPhase(b *testing.B) {
	inst := DefaultInstrument(diffraction.CuKa)
	s := loadCIF(b, "calcite.cif")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewPhase("calcite", s, inst, 10, 110); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScreen is the linear screen of 30 candidates (the six test
// phases five times over) on a 5,000-point scan.
func BenchmarkScreen(b *testing.B) {
	inst := DefaultInstrument(diffraction.CuKa)
	scan := grid(10, 110, 0.02)
	phases := testPhases(b, inst, 10, 110, benchFiles...)
	modelScan(b, scan, inst, phases[:3], 150, 0, 7)
	var cands []*Phase
	for range 5 {
		cands = append(cands, phases...)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Screen(context.Background(), scan, cands, ScreenOptions{Instrument: inst}); err != nil {
			b.Fatal(err)
		}
	}
}
