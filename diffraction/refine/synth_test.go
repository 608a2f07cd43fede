package refine

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// synthPhase is one phase of a simulated mixture with its true state.
type synthPhase struct {
	file   string
	weight float64      // true weight fraction
	cell   crystal.Cell // true cell
	size   float64      // true crystallite size, nm (0: none)
	dir    [3]int       // March–Dollase direction (zero: none)
	r      float64      // its true r
	s      *crystal.Structure
}

// demoMix returns the demo's mixture (quartz 50, calcite 30, corundum 20
// wt%, sizes 300, 150 and 80 nm) with true cells scaled by scale: a and b
// times it, c divided by it.
func demoMix(t testing.TB, scale [3]float64) []synthPhase {
	mix := []synthPhase{
		{file: "quartz.cif", weight: 0.5, size: 300},
		{file: "calcite.cif", weight: 0.3, size: 150},
		{file: "corundum.cif", weight: 0.2, size: 80},
	}
	for i := range mix {
		mix[i].s = loadCIF(t, mix[i].file)
		c := mix[i].s.Cell
		c.A *= scale[i]
		c.B *= scale[i]
		c.C /= scale[i]
		mix[i].cell = c
	}
	return mix
}

// synthScan simulates a Bragg–Brentano scan of a mixture independently of
// the model's code: lines from crystal.Pattern at the true cells (Kα
// doublet, monochromator LP), shifted by the zero and displacement of
// peaks.Axis, weighted by a March–Dollase factor computed here over the
// full Laue orbit, profiles from crystal.Profile (Caglioti Gaussian and
// Scherrer Lorentzian widths, TCH pseudo-Voigt, no asymmetry), scales from
// the weight fractions by Hill & Howard inverted (S ∝ W/(ZMV)), a
// Chebyshev background, and Poisson counts from a fixed seed. peak is the
// height of the strongest point of the pattern above background.
func synthScan(t testing.TB, scan *diffraction.Scan, inst Instrument, phases []synthPhase, zero, disp float64, bg []float64, peak float64, seed uint64) {
	t.Helper()
	x := scan.TwoTheta
	n := len(x)
	w := inst.Wavelength
	total := make([]float64, n)
	for _, ph := range phases {
		s := *ph.s
		s.Cell = ph.cell
		refl, err := crystal.Pattern(&s, w.Ka1, 1, 179, crystal.Options{Monochromator: inst.Monochromator,
			Anomalous: true, Ka2: w.Ka2, Ka2Ratio: w.Ratio})
		if err != nil {
			t.Fatal(err)
		}
		gs, _ := s.Cell.ReciprocalMetric()
		v := s.Volume()
		zmv := s.Density() * v * v // ZM ∝ ρV
		for i := range refl {
			r := &refl[i]
			tt := r.TwoTheta
			r.TwoTheta = tt + zero - 2*disp*math.Cos(tt*math.Pi/360)/inst.radius()*180/math.Pi
			r.Intensity = ph.weight / zmv * r.Abs * dollase(gs, s.Ops, [3]int{r.H, r.K, r.L}, ph.dir, ph.r)
		}
		prof := crystal.Profile(refl, x, crystal.ProfileOptions{U: inst.U, V: inst.V, W: inst.W, Size: 10 * ph.size})
		for i := range total {
			total[i] += prof[i]
		}
	}
	var top float64
	for _, v := range total {
		top = math.Max(top, v)
	}
	cheb := chebyshev(x, len(bg))
	rng := rand.New(rand.NewPCG(seed, 1987))
	for i := range n {
		mu := peak * total[i] / top
		for j, c := range bg {
			mu += c * cheb[j][i]
		}
		scan.Intensity[i] = poissonDraw(rng, mu)
	}
}

// dollase is the March–Dollase factor of reflection h, averaged over all
// images h·R of the operators' rotations (each ±h counted as it comes).
func dollase(gs [3][3]float64, ops []crystal.SymOp, h, dir [3]int, r float64) float64 {
	if dir == [3]int{} {
		return 1
	}
	dot := func(a, b [3]float64) float64 {
		var s float64
		for i := range 3 {
			for j := range 3 {
				s += a[i] * gs[i][j] * b[j]
			}
		}
		return s
	}
	hd := [3]float64{float64(dir[0]), float64(dir[1]), float64(dir[2])}
	seen := map[[3]int]bool{}
	var sum float64
	for _, op := range ops {
		var v [3]int
		for j := range 3 {
			v[j] = h[0]*op.R[0][j] + h[1]*op.R[1][j] + h[2]*op.R[2][j]
		}
		if seen[v] {
			continue
		}
		seen[v] = true
		hv := [3]float64{float64(v[0]), float64(v[1]), float64(v[2])}
		c2 := dot(hv, hd) * dot(hv, hd) / (dot(hv, hv) * dot(hd, hd))
		sum += math.Pow(r*r*c2+(1-c2)/r, -1.5)
	}
	return sum / float64(len(seen))
}

// poissonDraw draws a Poisson count of mean mu: Knuth's product method
// below 30, the normal approximation (continuity-corrected, error below
// 1 % of σ) above.
func poissonDraw(r *rand.Rand, mu float64) float64 {
	if mu >= 30 {
		return math.Max(0, math.Floor(mu+math.Sqrt(mu)*r.NormFloat64()+0.5))
	}
	l, k, p := math.Exp(-mu), 0.0, r.Float64()
	for p > l {
		k++
		p *= r.Float64()
	}
	return k
}

// synthMixture simulates the three-phase mixture of the demo (quartz 50,
// calcite 30, corundum 20 wt%) with true cells 0.2–0.3 % away from the
// structures' (so the fit starts that far off; corundum's true cell is
// its structure's when it is the internal standard), calcite oriented
// along [104] with r = 0.8, sizes 80–300 nm, the zero shift and specimen
// displacement given (0.03° and 0.08 mm are typical), a Chebyshev
// background and Poisson
// noise with a strongest line of 20,000 counts (a good one-hour
// laboratory scan), 10–100° in 0.02° steps, with a graphite monochromator
// (26.6°). It then fits it from the structures' cells, displacement 0,
// sizes 200 nm, r = 1, and checks what the tests share:
//
//   - weight fractions within 1 wt% of the truth (the target);
//   - cells within 1e-4 relative (the target; their esd is
//     3e-6–4e-5 relative) and within 4 esd of the truth, like the zero
//     shift, the displacement and r, where the model is exact;
//   - sizes within 10 % (the simulation truncates the Lorentzian tails at
//     50 FWHM, the model at 20: the background absorbs the difference);
//   - GoF below 1.5 (a correct model of a Poisson pattern gives 1).
func synthMixture(t *testing.T, inst Instrument, zero, disp float64, standard bool, opt Options) (*Result, []synthPhase) {
	scan := grid(10, 100, 0.02)
	scale := [3]float64{1.002, 0.998, 1.003} // true a/a₀; c/c₀ = 1/scale
	if standard {
		scale[2] = 1
	}
	mix := demoMix(t, scale)
	mix[1].dir, mix[1].r = [3]int{1, 0, 4}, 0.8
	synthScan(t, scan, inst, mix, zero, disp, []float64{400, -150, 60, -20, 8}, 20000, 1)

	var phases []*Phase
	for i, m := range mix {
		p, err := NewPhase(m.file, m.s, inst, 10, 100)
		if err != nil {
			t.Fatal(err)
		}
		p.Orientation = m.dir
		p.KnownCell = standard && i == 2
		phases = append(phases, p)
	}
	opt.Instrument = inst
	res, err := Fit(context.Background(), scan, phases, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Log {
		t.Log(l)
	}
	t.Logf("Rwp %.4f Rexp %.4f GoF %.3f, %d iterations, converged %v; zero %.5f ± %.5f°, displacement %.4f ± %.4f mm",
		res.Rwp, res.Rexp, res.GoF, res.Iterations, res.Converged, res.Zero, res.ZeroESD, res.Displacement, res.DisplacementESD)
	if !res.Converged || res.GoF > 1.5 {
		t.Errorf("fit: converged %v, GoF %.3f", res.Converged, res.GoF)
	}
	if math.Abs(res.Displacement-disp) > 4*res.DisplacementESD+1e-9 {
		t.Errorf("displacement %.4f ± %.4f mm, true %g", res.Displacement, res.DisplacementESD, disp)
	}
	if math.Abs(res.Zero-zero) > 4*res.ZeroESD+1e-9 {
		t.Errorf("zero %.5f ± %.5f°, true %g", res.Zero, res.ZeroESD, zero)
	}
	for i, p := range res.Phases {
		m := mix[i]
		t.Logf("%s: %.2f ± %.2f wt%% (true %.0f), a %.5f ± %.5f (true %.5f), c %.5f ± %.5f (true %.5f), size %.0f ± %.0f nm (true %.0f), r %.3f ± %.3f",
			p.ID, 100*p.WeightFraction, 100*p.WeightFractionESD, 100*m.weight, p.Cell.A, p.CellESD.A, m.cell.A,
			p.Cell.C, p.CellESD.C, m.cell.C, p.Size, p.SizeESD, m.size, p.PO, p.POESD)
		if math.Abs(p.WeightFraction-m.weight) > 0.01 {
			t.Errorf("%s: %.2f wt%%, true %.0f", p.ID, 100*p.WeightFraction, 100*m.weight)
		}
		for _, v := range [][3]float64{{p.Cell.A, m.cell.A, p.CellESD.A}, {p.Cell.C, m.cell.C, p.CellESD.C}} {
			if math.Abs(v[0]-v[1]) > 1e-4*v[1] || (v[2] > 0 && math.Abs(v[0]-v[1]) > 4*v[2]) {
				t.Errorf("%s: cell %.5f ± %.5f, true %.5f", p.ID, v[0], v[2], v[1])
			}
		}
		if math.Abs(p.Size-m.size) > 0.1*m.size {
			t.Errorf("%s: size %.0f nm, true %.0f", p.ID, p.Size, m.size)
		}
		if m.dir != [3]int{} && math.Abs(p.PO-m.r) > 4*p.POESD {
			t.Errorf("%s: r %.3f ± %.3f, true %g", p.ID, p.PO, p.POESD, m.r)
		}
	}
	return res, mix
}

// testInstrument is the simulation's instrument: the default one with a
// graphite monochromator, without the asymmetry and instrumental
// Lorentzian that crystal.Profile does not model.
func testInstrument() Instrument {
	inst := DefaultInstrument(diffraction.CuKa)
	inst.Monochromator = 26.6
	inst.SL, inst.HL = 0, 0
	inst.X, inst.Y = 0, 0
	return inst
}

// With the default stages the zero shift is the instrument's, known from
// its calibration (here the true 0.03°), and the displacement and every
// cell are refined.
func TestSyntheticMixture(t *testing.T) {
	inst := testInstrument()
	inst.Zero = 0.03
	res, mix := synthMixture(t, inst, 0.03, 0.08, false, Options{})
	// The parameters by phase: scale, a, c and size, and the r of the
	// phase with an orientation; the displacement the one global one;
	// and six background terms.
	for i, p := range res.Phases {
		want := 4
		if mix[i].dir != [3]int{} {
			want = 5
		}
		if p.Parameters != want {
			t.Errorf("%s: %d parameters, want %d", p.ID, p.Parameters, want)
		}
	}
	if res.GlobalParameters != 1 || res.P != 4+5+4+1+defaultBackgroundTerms {
		t.Errorf("%d global parameters of %d, want 1 of %d", res.GlobalParameters, res.P, 4+5+4+1+defaultBackgroundTerms)
	}
}

// withZero returns the default stages with the zero shift refined with the
// cells, and the displacement too when disp is set.
func withZero(disp bool) []Group {
	var stages []Group
	for _, g := range DefaultStages() {
		if g&Cell != 0 {
			g |= Zero
			if !disp {
				g &^= Displacement
			}
		}
		stages = append(stages, g)
	}
	return stages
}

// The target for the zero shift: a specimen without displacement
// whose zero shift of 0.03° is refined from 0 with every cell free comes
// within 0.002° of the truth (its esd is about 0.0002°).
func TestSyntheticZero(t *testing.T) {
	res, _ := synthMixture(t, testInstrument(), 0.03, 0, false, Options{Stages: withZero(false)})
	if math.Abs(res.Zero-0.03) > 0.002 {
		t.Errorf("zero %.5f ± %.5f°, true 0.03", res.Zero, res.ZeroESD)
	}
}

// With corundum as an internal standard of certified cell (NIST SRM
// 676a's role) the zero shift and the displacement are refined together:
// both within 4 esd of the truth (the esds, about 0.005° and 0.01 mm, show
// their correlation). The internal-standard quantification finds no
// amorphous content within 3 esd, since the mixture is wholly
// crystalline, and quartz and calcite at 5/8 and 3/8 of the sample
// without the standard.
func TestSyntheticInternalStandard(t *testing.T) {
	res, mix := synthMixture(t, testInstrument(), 0.03, 0.08, true, Options{Stages: withZero(true)})
	abs, err := res.InternalStandard("corundum.cif", mix[2].weight)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("amorphous %.2f ± %.2f wt%%", 100*abs.Amorphous, 100*abs.AmorphousESD)
	if math.Abs(abs.Amorphous) > 3*abs.AmorphousESD {
		t.Errorf("amorphous %.3f ± %.3f, want 0", abs.Amorphous, abs.AmorphousESD)
	}
	for i, p := range abs.Phases {
		want := mix[i].weight / (1 - mix[2].weight)
		if math.Abs(p.WeightFraction-want) > 3*p.WeightFractionESD {
			t.Errorf("%s: absolute %.3f ± %.3f, want %.3f", p.ID, p.WeightFraction, p.WeightFractionESD, want)
		}
	}
}

// The coarse-to-fine pass: cells 1.5–2 % off (lines a degree away from
// the data at 2θ = 90°, ten times their width) still converge to the
// truth, where without it the fit stops in a false minimum (Rwp 0.35
// against 0.043 when this test was written). CellBound is widened to 3 %
// to allow the start.
func TestSyntheticFarCells(t *testing.T) {
	inst, scan, mix, phases := farCells(t)
	for _, coarse := range []float64{0, -1} {
		res, err := Fit(context.Background(), scan, phases, Options{Instrument: inst, CellBound: 0.03, CoarseWidth: coarse})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("coarse width %g: Rwp %.4f, GoF %.2f, %d iterations", coarse, res.Rwp, res.GoF, res.Iterations)
		if coarse < 0 {
			break
		}
		checkFarCells(t, res, mix)
	}
}

// The coarse pass holds the line profile: with the instrument's widths
// refined from the second stage on (as bragg refine does without a
// calibrated instrument) and started 1.5 times too broad, no coarse pass
// refines a width or a size (under lines broadened by a degree they only
// absorb the broadening: on a measured corundum scan whose high-angle
// lines are weak the passes drove U, V and W to their bounds), and the
// cells 1.5–2 % off and the widths still converge to the truth.
func TestSyntheticFarCellsWidths(t *testing.T) {
	inst, scan, mix, phases := farCells(t)
	start := inst
	start.U, start.V, start.W = 2.25*inst.U, 2.25*inst.V, 2.25*inst.W
	stages := DefaultStages()
	for i := 1; i < len(stages); i++ {
		stages[i] |= Widths
	}
	res, err := Fit(context.Background(), scan, phases, Options{Instrument: start, CellBound: 0.03, Stages: stages})
	if err != nil {
		t.Fatal(err)
	}
	coarse := 0
	for _, l := range res.Log {
		t.Log(l)
		if strings.Contains(l, "broadened") {
			coarse++
			if strings.Contains(l, "widths") || strings.Contains(l, "size") {
				t.Errorf("a coarse pass refines the profile: %s", l)
			}
		}
	}
	if coarse == 0 {
		t.Error("no coarse pass")
	}
	t.Logf("Rwp %.4f, GoF %.2f, U %.4f V %.4f W %.4f (true %.4f %.4f %.4f)", res.Rwp, res.GoF,
		res.Instrument.U, res.Instrument.V, res.Instrument.W, inst.U, inst.V, inst.W)
	checkFarCells(t, res, mix)
}

// farCells simulates the demo mixture with cells 1.5–2 % from the
// structures' and a displacement of 0.05 mm, and returns the instrument,
// the scan, the mixture and the phases to refine (at the structures'
// cells).
func farCells(t *testing.T) (Instrument, *diffraction.Scan, []synthPhase, []*Phase) {
	inst := testInstrument()
	scan := grid(10, 100, 0.02)
	mix := demoMix(t, [3]float64{1.015, 0.98, 1.02})
	phases := testPhases(t, inst, 10, 100, "quartz.cif", "calcite.cif", "corundum.cif")
	synthScan(t, scan, inst, mix, 0, 0.05, []float64{400, -150, 60}, 20000, 1)
	return inst, scan, mix, phases
}

// checkFarCells requires a refinement of farCells to have converged to
// the truth: GoF under 1.5, weight fractions within 1 wt%, a within 1e-4
// relative.
func checkFarCells(t *testing.T, res *Result, mix []synthPhase) {
	t.Helper()
	if res.GoF > 1.5 {
		t.Errorf("GoF %.2f", res.GoF)
	}
	for i, p := range res.Phases {
		if math.Abs(p.WeightFraction-mix[i].weight) > 0.01 || math.Abs(p.Cell.A-mix[i].cell.A) > 1e-4*mix[i].cell.A {
			t.Errorf("%s: %.2f wt%%, a %.5f (true %.0f, %.5f)", p.ID, 100*p.WeightFraction, p.Cell.A, 100*mix[i].weight, mix[i].cell.A)
		}
	}
}
