package refine

import (
	"math"
	"sort"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// The TCH derivatives against central differences: they enter the
// Jacobian of every width parameter. Step 1e-6° on widths of 0.01–0.5°;
// agreement to 1e-6 relative is what central differences give.
func TestTCHDerivatives(t *testing.T) {
	for _, w := range [][2]float64{{0.05, 0}, {0.05, 0.01}, {0.08, 0.08}, {0.02, 0.3}, {0.3, 0.02}} {
		gG, gL := w[0], w[1]
		tc := newTCH(gG, gL)
		const h = 1e-6
		num := func(f func(a, b float64) float64, da, db float64) float64 {
			return (f(gG+da, gL+db) - f(gG-da, gL-db)) / (2 * h)
		}
		fw := func(a, b float64) float64 { return newTCH(a, b).fwhm }
		et := func(a, b float64) float64 { return newTCH(a, b).eta }
		// At Γ_L = 0 (Γ_L ≥ 0 always) the model uses the one-sided limit,
		// whose forward difference errs by O(h): 1e-4 relative.
		dL, tol := num, 1e-6
		if gL == 0 {
			tol = 1e-4
			dL = func(f func(a, b float64) float64, da, db float64) float64 {
				return (f(gG, 2*h) - f(gG, 0)) / (2 * h)
			}
		}
		checks := []struct {
			name      string
			got, want float64
		}{
			{"dΓ/dΓG", tc.dFdG, num(fw, h, 0)},
			{"dΓ/dΓL", tc.dFdL, dL(fw, 0, h)},
			{"dη/dΓG", tc.dEdG, num(et, h, 0)},
			{"dη/dΓL", tc.dEdL, dL(et, 0, h)},
		}
		for _, c := range checks {
			if math.Abs(c.got-c.want) > tol*math.Max(1, math.Abs(c.want)) {
				t.Errorf("ΓG=%g ΓL=%g: %s = %g, numerical %g", gG, gL, c.name, c.got, c.want)
			}
		}
	}
}

// pvAt is the area-normalised pseudo-Voigt written out plainly, the
// reference for addPV.
func pvAt(x, g, eta float64) float64 {
	l := 2 / (math.Pi * g) / (1 + 4*x*x/(g*g))
	gs := 2 / g * math.Sqrt(math.Ln2/math.Pi) * math.Exp(-4*math.Ln2*x*x/(g*g))
	return eta*l + (1-eta)*gs
}

// addPV sets f to w times the pseudo-Voigt of FWHM g and mixing eta
// centred at o over the angles x and, when fc is not nil, fc, fg and fe
// to its derivatives with respect to the centre, Γ and η: pvSum with one
// node and the identity for its chain rule.
func addPV(x []float64, step, o, g, eta, w float64, f, fc, fg, fe []float64) {
	t := tch{fwhm: g, eta: eta, dFdG: 1, dEdL: 1}
	pvSum(x, step, o, &t, []float64{0}, []float64{w}, f, fc, fg, fe)
}

// addPV against pvAt and its central differences, on an equally spaced
// grid (the Gaussian by recurrence) and an uneven one (exp at every
// point): values to 1e-12 relative, derivatives to 1e-6 of the largest
// (the differences' own error); and the area of the profile, which is 1
// but for the Lorentzian tail beyond ±2000 FWHM ((2/π)/4000·η).
func TestAddPV(t *testing.T) {
	const g, eta, o, w = 0.1, 0.4, 30.0037, 1.7
	for _, uneven := range []bool{false, true} {
		var x []float64
		step := 0.003
		for v := 29.5; v < 30.5; v += step {
			if uneven {
				v += 0.001 * math.Sin(v*100)
			}
			x = append(x, v)
		}
		if uneven {
			step = 0
		}
		n := len(x)
		f, fc, fg, fe := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
		addPV(x, step, o, g, eta, w, f, fc, fg, fe)
		var top [3]float64
		for i := range n {
			top[0] = math.Max(top[0], math.Abs(fc[i]))
			top[1] = math.Max(top[1], math.Abs(fg[i]))
			top[2] = math.Max(top[2], math.Abs(fe[i]))
		}
		const h = 1e-7
		for i, xi := range x {
			d := xi - o
			if want := w * pvAt(d, g, eta); math.Abs(f[i]-want) > 1e-12*want+1e-300 {
				t.Fatalf("uneven %v: pV(%g) = %g, want %g", uneven, d, f[i], want)
			}
			num := [3]float64{
				-w * (pvAt(d+h, g, eta) - pvAt(d-h, g, eta)) / (2 * h),
				w * (pvAt(d, g+h, eta) - pvAt(d, g-h, eta)) / (2 * h),
				w * (pvAt(d, g, eta+h) - pvAt(d, g, eta-h)) / (2 * h),
			}
			for k, got := range [3]float64{fc[i], fg[i], fe[i]} {
				if math.Abs(got-num[k]) > 1e-6*top[k] {
					t.Fatalf("uneven %v: derivative %d at %g: %g, numerical %g", uneven, k, d, got, num[k])
				}
			}
		}
	}
	var x []float64
	for v := -200.0; v <= 200; v += 0.001 {
		x = append(x, v)
	}
	f := make([]float64, len(x))
	addPV(x, 0.001, 0, g, 0.5, 1, f, nil, nil, nil)
	var area float64
	for _, v := range f {
		area += v * 0.001
	}
	if want := 1 - 0.5*1.6e-4; math.Abs(area-want) > 2e-5 {
		t.Errorf("area %g, want %g", area, want)
	}
}

// The value and the derivative in the centre of a line (pvSum for its
// core, tail beyond) are the same arithmetic whichever derivatives are
// asked for: a refinement gets bit-identical profiles and columns whether
// or not it frees the widths (model.evalPoints asks for those its
// columns use).
func TestDerivativesAlike(t *testing.T) {
	tc := newTCH(0.08, 0.05)
	off, w := []float64{-0.05, -0.02, 0}, []float64{0.2, 0.3, 0.5}
	const c = 30.01
	for _, step := range []float64{0.01, 0} {
		var x []float64
		for v := 29.0; v < 31; v += 0.01 {
			if step == 0 {
				v += 0.002 * math.Sin(v*100)
			}
			x = append(x, v)
		}
		n := len(x)
		var full, cen [4][]float64
		for k := range full {
			full[k], cen[k] = make([]float64, n), make([]float64, n)
		}
		val := make([]float64, n)
		pvSum(x, step, c, &tc, off, w, full[0], full[1], full[2], full[3])
		pvSum(x, step, c, &tc, off, w, cen[0], cen[1], nil, nil)
		pvSum(x, step, c, &tc, off, w, val, nil, nil, nil)
		m := &model{x: x}
		for deriv := range uint8(kLorentz + 1) {
			var ws scratch
			ws.size(n)
			m.tail(0, n, 0, c, &tc, deriv, &ws)
			var wf scratch
			wf.size(n)
			m.tail(0, n, 0, c, &tc, kLorentz, &wf)
			for i := range n {
				if ws.d[kValue][i] != wf.d[kValue][i] || deriv >= kCentre && ws.d[kCentre][i] != wf.d[kCentre][i] {
					t.Fatalf("step %g: tail with derivatives up to %d differs at %g", step, deriv, x[i])
				}
			}
		}
		for i := range n {
			if cen[0][i] != full[0][i] || val[i] != full[0][i] || cen[1][i] != full[1][i] {
				t.Fatalf("step %g: profile at %g: %g, %g, %g; centre derivative %g, %g", step, x[i], val[i], cen[0][i], full[0][i], cen[1][i], full[1][i])
			}
		}
	}
}

// The model's TCH profile against crystal.Profile, the project's other
// implementation of the same pseudo-Voigt (Caglioti Gaussian and Scherrer
// Lorentzian widths combined by TCH), on one line without asymmetry: the
// two must agree to rounding within the window.
func TestTCHMatchesCrystalProfile(t *testing.T) {
	const lambda, size = 1.5405929, 400.0 // Å, Å
	ref := crystal.Reflection{TwoTheta: 40, D: lambda / (2 * math.Sin(20*math.Pi/180)), Intensity: 100}
	opt := crystal.ProfileOptions{U: 0.004, V: -0.002, W: 0.005, Size: size}
	xs := []float64{39.5, 39.9, 40, 40.03, 40.2, 41}
	want := crystal.Profile([]crystal.Reflection{ref}, xs, opt)
	th := 20 * math.Pi / 180
	tn := math.Tan(th)
	gG := math.Sqrt(opt.U*tn*tn + opt.V*tn + opt.W)
	gL := deg * scherrerK * lambda / (size * math.Cos(th))
	tc := newTCH(gG, gL)
	for i, x := range xs {
		got := 100 * pvAt(x-40, tc.fwhm, tc.eta)
		if math.Abs(got-want[i]) > 1e-9*want[i] {
			t.Errorf("2θ=%g: %g, crystal.Profile %g", x, got, want[i])
		}
	}
}

// fcjReference integrates the FCJ convolution by the midpoint rule with
// 200,000 intervals in t = √(2θ − 2φ), independently of fcj's nodes.
func fcjReference(x, tt, g, eta, sl, hl float64) float64 {
	return fcjReferenceN(x, tt, g, eta, sl, hl, 20000)
}

func fcjReferenceN(x, tt, g, eta, sl, hl float64, n int) float64 {
	mirror := tt > 90
	t := tt
	if mirror {
		t, x = 180-tt, -x
	}
	c2t := math.Cos(t * math.Pi / 180)
	phiMin := math.Acos(math.Min(c2t*math.Sqrt((sl+hl)*(sl+hl)+1), 1)) * 180 / math.Pi
	phiInfl := math.Acos(math.Min(c2t*math.Sqrt((hl-sl)*(hl-sl)+1), 1)) * 180 / math.Pi
	tMax := math.Sqrt(t - phiMin)
	var num, den float64
	for i := range n {
		u := (float64(i) + 0.5) * tMax / float64(n)
		phi := t - u*u
		cp := math.Cos(phi * math.Pi / 180)
		h := math.Sqrt(math.Max(cp*cp/(c2t*c2t)-1, 0))
		w := 2 * math.Min(sl, hl)
		if phi < phiInfl {
			w = sl + hl - h
		}
		if h <= 0 || w <= 0 {
			continue
		}
		wt := 2 * u * w / (h * cp)
		num += wt * pvAt(x-(phi-t), g, eta)
		den += wt
	}
	return num / den
}

// The FCJ quadrature of fcj against fcjReference: within 1e-3 of the
// line's height (what fcj promises; counting noise on a line of 10⁶
// counts) for laboratory asymmetries from mild to strong, narrow and broad
// lines, low and high angles, S/L = H/L and S/L ≠ H/L, in each of fcj's
// three regimes (Gauss–Legendre, two moment nodes, symmetric).
func TestFCJConvergence(t *testing.T) {
	for _, c := range []struct{ tt, g, sl, hl float64 }{
		{10, 0.05, 0.02, 0.02},
		{20, 0.05, 0.03, 0.015},
		{30, 0.08, 0.02, 0.02},
		{45, 0.1, 0.05, 0.05},
		{60, 0.1, 0.02, 0.03},
		{150, 0.15, 0.03, 0.03},
		{12, 0.3, 0.01, 0.01},
		{70, 0.1, 0.02, 0.02},    // two moment nodes
		{85, 0.1, 0.02, 0.02},    // two moment nodes
		{89.99, 0.1, 0.02, 0.02}, // symmetric
	} {
		const eta = 0.4
		var a asym
		fcj(&a, c.tt, c.g, c.sl, c.hl)
		height := 0.0
		var maxErr float64
		for x := -1.0; x <= 1.0; x += 0.005 {
			ref := fcjReference(x, c.tt, c.g, eta, c.sl, c.hl)
			height = math.Max(height, ref)
			var got float64
			for k := range a.n {
				got += a.w[k] * pvAt(x-a.off[k], c.g, eta)
			}
			maxErr = math.Max(maxErr, math.Abs(got-ref))
		}
		if maxErr > 1e-3*height {
			t.Errorf("2θ=%g Γ=%g S/L=%g H/L=%g: %d nodes, max error %.2g of the height", c.tt, c.g, c.sl, c.hl, a.n, maxErr/height)
		}
	}
}

// Axial divergence moves intensity to lower angles below 90° and to
// higher angles above (FCJ 1994, Fig. 2), and the weights sum to 1.
func TestFCJDirection(t *testing.T) {
	for _, c := range []struct {
		tt   float64
		sign float64
	}{{20, -1}, {160, 1}} {
		var a asym
		fcj(&a, c.tt, 0.05, 0.03, 0.03)
		var mean, sum float64
		for k := range a.n {
			mean += a.w[k] * a.off[k]
			sum += a.w[k]
		}
		if math.Abs(sum-1) > 1e-12 || mean*c.sign <= 0 {
			t.Errorf("2θ=%g: weights sum %g, mean shift %g", c.tt, sum, mean)
		}
	}
	var a asym
	fcj(&a, 90, 0.05, 0.03, 0.03)
	if a.n != 1 {
		t.Errorf("2θ=90°: %d nodes, want a symmetric line", a.n)
	}
}

// search finds what sort.SearchFloat64s finds, from the step of equally
// spaced angles: at, between and beyond the angles, and for NaN and ±∞.
func TestSearch(t *testing.T) {
	for _, n := range []int{1, 2, 1000} {
		x := make([]float64, n)
		for i := range x {
			x[i] = 10 + float64(i)*0.013
		}
		step := uniformStep(x)
		if n == 1 {
			step = 0.013
		}
		vs := []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1e300, 1e300, 0}
		for i, v := range x {
			vs = append(vs, v, math.Nextafter(v, 0), math.Nextafter(v, 100), v+0.0065, v+float64(i%7)*1e-3)
		}
		for _, v := range vs {
			if got, want := search(x, step, v), sort.SearchFloat64s(x, v); got != want {
				t.Fatalf("%d angles, step %g: search(%g) = %d, want %d", n, step, v, got, want)
			}
		}
	}
}

// BenchmarkPvSum is one line's core: twelve asymmetry nodes over 0.11°
// on 93 points 0.013° apart, FWHM about 0.09°, with no derivatives, the
// derivative in the centre, and all.
func BenchmarkPvSum(b *testing.B) {
	var x []float64
	for v := 20.3; v < 21.5; v += 0.013 {
		x = append(x, v)
	}
	n := len(x)
	f, fc, fg, fl := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	t := newTCH(0.07, 0.04)
	var off, w []float64
	for k := range 12 {
		off, w = append(off, -0.01*float64(k)), append(w, 1.0/12)
	}
	cases := []struct {
		name       string
		fc, fg, fl []float64
	}{{"value", nil, nil, nil}, {"centre", fc, nil, nil}, {"all", fc, fg, fl}}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				pvSum(x, 0.013, 20.9, &t, off, w, f, c.fc, c.fg, c.fl)
			}
		})
	}
}
