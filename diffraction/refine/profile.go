package refine

import (
	"math"
	"sort"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"
)

// tch is the Thompson–Cox–Hastings pseudo-Voigt of one line: the FWHM Γ
// and the Lorentzian fraction η from the Gaussian and Lorentzian widths
// Γ_G and Γ_L (P. Thompson, D. E. Cox & J. B. Hastings 1987, J. Appl.
// Cryst. 20, 79–83, eqs. 4 and 5; ITC Vol. C, §8.6.1):
//
//	Γ⁵ = Γ_G⁵ + 2.69269 Γ_G⁴Γ_L + 2.42843 Γ_G³Γ_L² + 4.47163 Γ_G²Γ_L³ + 0.07842 Γ_GΓ_L⁴ + Γ_L⁵
//	η  = 1.36603 q − 0.47719 q² + 0.11116 q³,  q = Γ_L/Γ,
//
// with the derivatives of Γ and η with respect to Γ_G and Γ_L.
type tch struct {
	fwhm, eta  float64
	dFdG, dFdL float64 // ∂Γ/∂Γ_G, ∂Γ/∂Γ_L
	dEdG, dEdL float64 // ∂η/∂Γ_G, ∂η/∂Γ_L
}

// minWidth (degrees) keeps every width positive: a Gaussian width of
// 1e-4° is far below any measured line and keeps Γ away from zero.
const minWidth = 1e-4

func newTCH(gG, gL float64) tch {
	gG = max(gG, minWidth)
	gL = max(gL, 0)
	const c1, c2, c3, c4 = 2.69269, 2.42843, 4.47163, 0.07842
	g2, g3, g4 := gG*gG, gG*gG*gG, gG*gG*gG*gG
	l2, l3, l4 := gL*gL, gL*gL*gL, gL*gL*gL*gL
	f5 := g4*gG + c1*g4*gL + c2*g3*l2 + c3*g2*l3 + c4*gG*l4 + l4*gL
	f := math.Pow(f5, 0.2)
	f4 := 5 * f5 / f // 5Γ⁴
	var t tch
	t.fwhm = f
	t.dFdG = (5*g4 + 4*c1*g3*gL + 3*c2*g2*l2 + 2*c3*gG*l3 + c4*l4) / f4
	t.dFdL = (c1*g4 + 2*c2*g3*gL + 3*c3*g2*l2 + 4*c4*gG*l3 + 5*l4) / f4
	q := gL / f
	t.eta = q * (1.36603 + q*(-0.47719+q*0.11116))
	dEdq := 1.36603 + q*(-0.95438+q*0.33348)
	t.dEdG = dEdq * (-gL / (f * f) * t.dFdG)
	t.dEdL = dEdq * (1/f - gL/(f*f)*t.dFdL)
	return t
}

// Constants of the area-normalised pseudo-Voigt
//
//	pV(x) = η·(2/πΓ)/(1 + 4x²/Γ²) + (1 − η)·(2/Γ)·√(ln2/π)·exp(−4 ln2 x²/Γ²)
//
// (ITC Vol. C, eq. 8.6.1.1 with the Gaussian and the Lorentzian of equal
// FWHM Γ).
const (
	lorNorm   = 2 / math.Pi
	gaussNorm = 0.9394372786996513 // 2·√(ln2/π)
	// gaussCut: beyond u² = 4x²/Γ² = 50 (3.5 FWHM from the centre) the
	// Gaussian part is below exp(−34.7) ≈ 1e-15 of its height and is
	// taken as zero.
	gaussCut = 50
)

// window sets the half-width over which a line's profile is evaluated:
// window·√η FWHM, and at least the reach of its Gaussian part. For a
// Lorentzian (η = 1) the area left outside is (2/π)·atan(1/(2·window)) =
// 1.6 % for 20, which the background absorbs as a smooth pedestal; for
// mixed lines the Lorentzian area left out, about η/(π·window·√η), is
// smaller, and the profile at the edge stays under ηΓ²/(2πW²) = 4e-4 of
// the line's height whatever η (FullProf's manual recommends cut-offs of
// 4–8 FWHM for Gaussian and 20–30 for Lorentzian lines).
const window = 20

// reach returns the half-width of a line's window in degrees.
func reach(t tch) float64 {
	return max(gaussReach, window*math.Sqrt(t.eta)) * t.fwhm
}

// gaussReach is the half-width of the Gaussian part in FWHM, where
// 4x²/Γ² = gaussCut.
var gaussReach = math.Sqrt(gaussCut) / 2

// pvSum sets f to the profile of a line made of nodes, pseudo-Voigts of
// FWHM Γ = t.fwhm and mixing η = t.eta centred at c + off_k with weights
// w_k, Σ_k w_k·pV(x − c − off_k), over the angles x and, when fc is not
// nil, fc to its derivative with respect to c, and when fg is not nil
// (nor fc), fg and fl to its derivatives with respect to Γ_G and Γ_L,
// from those with respect to Γ and η by the chain rule through t.dFdG,
// t.dEdG and t.dFdL, t.dEdL. Per node (ITC Vol. C, eq. 8.6.1.1; u² =
// 4d²/Γ², d = x − c − off_k):
//
//	∂L/∂c = L·8d/(Γ²(1+u²)),      ∂L/∂Γ = (L/Γ)(2u²/(1+u²) − 1),
//	∂G/∂c = G·8 ln2·d/Γ²,         ∂G/∂Γ = (G/Γ)(2 ln2·u² − 1),
//	∂pV/∂η = L − G.
//
// The Gaussian parts e = exp(−ln2·u²) are summed node by node within
// ±gaussReach FWHM of each node, as Σw·e, Σw·e·d and Σw·e·d² (value and
// ∂/∂η, ∂/∂c, ∂/∂Γ); when step > 0 the angles are equally spaced by step
// and e follows from its ratios between neighbours, e_{i+1} = e_i·r_i,
// r_{i+1} = r_i·exp(−8 ln2·h²/Γ²) (three exponentials per node instead of
// one per point; the rounding drift over the ≤ 2·gaussReach·Γ/h points is
// below 1e-13). The Lorentzian parts are summed point by point over the
// nodes, with r = 1/(1+u²): Σw·r gives the value and ∂/∂η, Σw·d·r² the
// derivative in c, and since u²·r = 1 − r, Σw·r·(2u²r − 1) = Σw·r − 2Σw·r²
// the derivative in Γ. Both are then scaled and combined point by point.
// Each derivative costs only when asked for, and what is computed is the
// same arithmetic whichever are.
func pvSum(x []float64, step, c float64, t *tch, off, w []float64, f, fc, fg, fl []float64) {
	g, eta := t.fwhm, t.eta
	ig := 1 / g
	ig2 := ig * ig
	jac := fc != nil           // the derivative in c
	widths := jac && fg != nil // and those in Γ_G and Γ_L
	f = f[:len(x)]
	clear(f)
	if jac {
		clear(fc[:len(x)])
	}
	if widths {
		clear(fg[:len(x)])
	}
	// The nodes' centres.
	var centres [maxNodes]float64
	cs := centres[:len(off)]
	for k, o := range off {
		cs[k] = c + o
	}
	w = w[:len(cs)]
	// The Gaussian sums, node by node, in f (Σw·e), fc (Σw·e·d) and fg
	// (Σw·e·d²).
	if step > 0 && !widths {
		gaussSums(x, step, g, ig2, cs, w, f, fc)
	} else {
		gaussNodes(x, step, g, ig2, cs, w, f, fc, fg)
	}
	// The Lorentzian sums, point by point over the nodes, combined with
	// the Gaussian ones.
	const ln2 = math.Ln2
	s := 4 * ig2
	lA := eta * lorNorm * ig         // the Lorentzian part's height factor
	gA := (1 - eta) * gaussNorm * ig // the Gaussian part's
	if !jac {
		for i, xi := range x {
			var s0 float64
			for k, o := range cs {
				d := xi - o
				r := 1 / (1 + s*d*d)
				s0 += w[k] * r
			}
			f[i] = lA*s0 + gA*f[i]
		}
		return
	}
	lc, gc := 2*s*lA, 8*ln2*ig2*gA // the factors of the derivative in c
	fc = fc[:len(x)]
	if !widths {
		for i, xi := range x {
			var s0, s1 float64
			for k, o := range cs {
				d := xi - o
				r := 1 / (1 + s*d*d)
				wr := w[k] * r
				s0 += wr
				s1 += wr * r * d
			}
			f[i] = lA*s0 + gA*f[i]
			fc[i] = lc*s1 + gc*fc[i]
		}
		return
	}
	// The factors of the combination, in memory rather than in registers,
	// which the sums over the nodes need.
	fk := [...]float64{lA, gA, lc, gc, lA * ig, 8 * ln2 * ig2 * ig * gA, ig * gA,
		lorNorm * ig, gaussNorm * ig, t.dFdG, t.dEdG, t.dFdL, t.dEdL}
	fg, fl = fg[:len(x)], fl[:len(x)]
	for i, xi := range x {
		var s0, sq, s1 float64
		for k, o := range cs {
			d := xi - o
			r := 1 / (1 + s*d*d)
			wr := w[k] * r
			s0 += wr
			wr2 := wr * r
			sq += wr2
			s1 += wr2 * d
		}
		e0, e1, e2 := f[i], fc[i], fg[i]
		f[i] = fk[0]*s0 + fk[1]*e0
		fc[i] = fk[2]*s1 + fk[3]*e1
		dG := fk[4]*(s0-2*sq) + fk[5]*e2 - fk[6]*e0
		dE := fk[7]*s0 - fk[8]*e0
		fg[i] = dG*fk[9] + dE*fk[10]
		fl[i] = dG*fk[11] + dE*fk[12]
	}
}

// gaussNodes adds the Gaussian sums of the nodes centred at cs with
// weights w, Σw·e to f and, when fc is not nil, Σw·e·d to fc and, when fg
// is not nil (nor fc), Σw·e·d² to fg, node by node (see pvSum): by an
// exponential at every point, or on angles equally spaced by step > 0,
// where it is asked for all three (gaussSums makes the others), by the
// recurrence.
func gaussNodes(x []float64, step, g, ig2 float64, cs, w []float64, f, fc, fg []float64) {
	const ln2 = math.Ln2
	jac, widths := fc != nil, fc != nil && fg != nil
	for k, o := range cs {
		wk := w[k]
		a := search(x, step, o-gaussReach*g)
		b := search(x, step, o+gaussReach*g)
		if a >= b {
			continue
		}
		xs := x[a:b]
		fs := f[a:b]
		fs = fs[:len(xs)]
		var fcs, fgs []float64
		if jac {
			fcs = fc[a:b]
			fcs = fcs[:len(xs)]
		}
		if widths {
			fgs = fg[a:b]
			fgs = fgs[:len(xs)]
		}
		if step <= 0 {
			for i, xi := range xs {
				d := xi - o
				we := wk * math.Exp(-4*ln2*d*d*ig2)
				fs[i] += we
				if jac {
					wed := we * d
					fcs[i] += wed
					if widths {
						fgs[i] += wed * d
					}
				}
			}
			continue
		}
		// The Gaussian at the first point and its ratio to the next,
		// then each point's value used and advanced.
		d := x[a] - o
		e := math.Exp(-4 * ln2 * d * d * ig2)
		r := math.Exp(-4 * ln2 * (2*d*step + step*step) * ig2)
		q := math.Exp(-8 * ln2 * step * step * ig2)
		for i, xi := range xs {
			d := xi - o
			we := wk * e
			fs[i] += we
			wed := we * d
			fcs[i] += wed
			fgs[i] += wed * d
			e *= r
			r *= q
		}
	}
}

// gaussSums adds the Gaussian sums of the nodes centred at cs with
// weights w, Σw·e to f and, when fc is not nil, Σw·e·d to fc, on angles
// equally spaced by step, by the recurrence of pvSum. Each node's
// recurrence is a chain of products, each waiting on the last: the nodes
// are taken two at a time, their chains side by side where their ranges
// overlap, and each point still receives the nodes' terms in their
// order, so that the sums are those of one node after the other.
func gaussSums(x []float64, step, g, ig2 float64, cs, w []float64, f, fc []float64) {
	const ln2 = math.Ln2
	q := math.Exp(-8 * ln2 * step * step * ig2)
	var runs [maxNodes]gaussRun
	n := 0
	for k, o := range cs {
		a := search(x, step, o-gaussReach*g)
		b := search(x, step, o+gaussReach*g)
		if a >= b {
			continue
		}
		d := x[a] - o
		runs[n] = gaussRun{i: a, b: b, w: w[k], o: o,
			e: math.Exp(-4 * ln2 * d * d * ig2),
			r: math.Exp(-4 * ln2 * (2*d*step + step*step) * ig2)}
		n++
	}
	for k := 0; k < n; k += 2 {
		u := &runs[k]
		if k+1 == n {
			u.add(x, f, fc, u.b, q)
			break
		}
		v := &runs[k+1]
		if lo, hi := max(u.i, v.i), min(u.b, v.b); lo < hi {
			u.add(x, f, fc, lo, q)
			v.add(x, f, fc, lo, q)
			addPair(u, v, x, f, fc, hi, q)
		}
		u.add(x, f, fc, u.b, q)
		v.add(x, f, fc, v.b, q)
	}
}

// gaussRun is one node's Gaussian in gaussSums: its weight w, its centre
// o, and at point i its value e and its ratio r to the next point, up to
// point b.
type gaussRun struct {
	i, b       int
	w, o, e, r float64
}

// add adds the node's terms over the points from u.i to to and advances
// it there.
func (u *gaussRun) add(x, f, fc []float64, to int, q float64) {
	if u.i >= to {
		return
	}
	e, r, w := u.e, u.r, u.w
	fs := f[u.i:to]
	if fc == nil {
		for i := range fs {
			fs[i] += w * e
			e *= r
			r *= q
		}
	} else {
		xs, fcs := x[u.i:to], fc[u.i:to]
		xs, fcs = xs[:len(fs)], fcs[:len(fs)]
		for i, xi := range xs {
			we := w * e
			fs[i] += we
			fcs[i] += we * (xi - u.o)
			e *= r
			r *= q
		}
	}
	u.i, u.e, u.r = to, e, r
}

// addPair adds the terms of the nodes u and then v over the points from
// u.i = v.i to to, and advances both there.
func addPair(u, v *gaussRun, x, f, fc []float64, to int, q float64) {
	e1, r1, w1, o1 := u.e, u.r, u.w, u.o
	e2, r2, w2, o2 := v.e, v.r, v.w, v.o
	fs := f[u.i:to]
	if fc == nil {
		for i := range fs {
			fs[i] = fs[i] + w1*e1 + w2*e2
			e1 *= r1
			r1 *= q
			e2 *= r2
			r2 *= q
		}
	} else {
		xs, fcs := x[u.i:to], fc[u.i:to]
		xs, fcs = xs[:len(fs)], fcs[:len(fs)]
		for i, xi := range xs {
			we1, we2 := w1*e1, w2*e2
			fs[i] = fs[i] + we1 + we2
			fcs[i] = fcs[i] + we1*(xi-o1) + we2*(xi-o2)
			e1 *= r1
			r1 *= q
			e2 *= r2
			r2 *= q
		}
	}
	u.i, u.e, u.r = to, e1, r1
	v.i, v.e, v.r = to, e2, r2
}

// search returns the index of the first of the increasing angles x that
// is at least v, or len(x), as sort.SearchFloat64s does; when the angles
// are equally spaced by step > 0 it starts from (v − x_0)/step and steps
// to the answer.
func search(x []float64, step, v float64) int {
	if step <= 0 || math.IsNaN(v) || len(x) == 0 {
		return sort.SearchFloat64s(x, v)
	}
	f := (v - x[0]) / step
	if !(f > 0) {
		return 0
	}
	i := len(x)
	if f < float64(len(x)) {
		i = int(f)
	}
	for i > 0 && x[i-1] >= v {
		i--
	}
	for i < len(x) && x[i] < v {
		i++
	}
	return i
}

// maxNodes bounds the quadrature of the axial-divergence convolution.
const maxNodes = 64

// asym is the axial-divergence asymmetry of one line as a sum of shifted
// copies of the symmetric profile: P(x) = Σ w_k·pV(x − off_k), Σ w_k = 1.
// The first n elements of off and w are the nodes (the slices have room
// for maxNodes, e.g. in a model's shared buffer).
type asym struct {
	n    int
	off  []float64 // degrees from the line's position
	w    []float64
	lo   float64 // min(off)
	hi   float64 // max(off)
	mean float64 // Σ w·off
}

// fcj returns the axial-divergence asymmetry of Finger, Cox & Jephcoat
// (1994), J. Appl. Cryst. 27, 892–900, for a line at 2θ = tt (degrees)
// with FWHM g, sample and detector half-heights S/L = sl and H/L = hl.
// Below 90° the observed profile is the symmetric one convolved with the
// distribution of the apparent angle 2φ of rays tilted out of the
// equatorial plane:
//
//	P(x) ∝ ∫_{2φmin}^{2θ} W(2φ)/(h(2φ)·cos 2φ) · pV(x − 2φ) d2φ,
//	h(2φ) = √(cos²2φ/cos²2θ − 1),
//	cos 2φmin = cos 2θ·√(((H+S)/L)² + 1),  cos 2φinfl = cos 2θ·√(((H−S)/L)² + 1),
//	W = H/L + S/L − h  on [2φmin, 2φinfl],  2·min(H, S)/L  on [2φinfl, 2θ];
//
// above 90° the distribution is mirrored (lines shift to higher angles).
// The integrand has an inverse-square-root singularity at 2φ = 2θ, where
// h → 0, and a kink at 2φinfl: each of the two intervals is integrated
// by Gauss–Legendre quadrature in t = √(2θ − 2φ), which removes the
// singularity (d2φ = 2t dt) so that the rule converges geometrically:
// nodesPerFWHM nodes per FWHM of the extent 2θ − 2φmin (at least
// minNodes per interval) keep the profile within 1e-3 of its height of
// the exact convolution (TestFCJConvergence). A line whose asymmetry
// spans less than asymTwo of its FWHM gets two nodes at the mean ± the
// standard deviation of the distribution (its first two moments; error
// below 3e-4 of the height), and one spanning less than asymNone is left
// symmetric (its centroid moves by less than 0.1 % of the FWHM).
func fcj(a *asym, tt, g, sl, hl float64) {
	if cap(a.off) < maxNodes || cap(a.w) < maxNodes {
		a.off, a.w = make([]float64, maxNodes), make([]float64, maxNodes)
	}
	a.off, a.w = a.off[:maxNodes], a.w[:maxNodes]
	a.n, a.off[0], a.w[0], a.lo, a.hi, a.mean = 1, 0, 1, 0, 0, 0
	if sl+hl <= 0 {
		return
	}
	mirror := tt > 90
	t := tt
	if mirror {
		t = 180 - tt
	}
	c2t := math.Cos(t * math.Pi / 180)
	phiMin := math.Acos(min(c2t*math.Sqrt((sl+hl)*(sl+hl)+1), 1)) * 180 / math.Pi
	ext := t - phiMin
	if !(ext > asymNone*g) {
		return
	}
	phiInfl := t
	if d := math.Abs(hl - sl); d > 0 {
		phiInfl = math.Acos(min(c2t*math.Sqrt(d*d+1), 1)) * 180 / math.Pi
	}
	cc := c2t * c2t
	weight := func(phi float64) float64 {
		cp := math.Cos(phi * math.Pi / 180)
		h := math.Sqrt(max(cp*cp/cc-1, 0))
		w := 2 * min(sl, hl)
		if phi < phiInfl {
			w = sl + hl - h
		}
		if !(h > 0) || !(w > 0) {
			return 0
		}
		return w / (h * cp)
	}
	two := ext < asymTwo*g
	n := momentNodes
	if !two {
		n = min(max(int(math.Ceil(nodesPerFWHM*ext/g)), minNodes), maxNodes/2)
	}
	rule := legendre(n)
	a.n = 0
	var m0, m1, m2 float64
	for _, iv := range [2][2]float64{{phiMin, phiInfl}, {phiInfl, t}} {
		t0, t1 := math.Sqrt(max(t-iv[1], 0)), math.Sqrt(max(t-iv[0], 0))
		if !(t1 > t0) {
			continue
		}
		half, mid := (t1-t0)/2, (t1+t0)/2
		for k := range rule.x {
			u := mid + half*rule.x[k]
			phi := t - u*u
			w := rule.w[k] * half * 2 * u * weight(phi)
			if !(w > 0) {
				continue
			}
			off := phi - t
			m0 += w
			m1 += w * off
			m2 += w * off * off
			if !two {
				a.off[a.n], a.w[a.n] = off, w
				a.n++
			}
		}
	}
	if !(m0 > 0) {
		a.n, a.off[0], a.w[0] = 1, 0, 1
		return
	}
	if two {
		mean := m1 / m0
		sd := math.Sqrt(max(m2/m0-mean*mean, 0))
		a.n = 2
		a.off[0], a.off[1] = mean-sd, mean+sd
		a.w[0], a.w[1] = m0/2, m0/2
	}
	for k := range a.n {
		a.w[k] /= m0
		if mirror {
			a.off[k] = -a.off[k]
		}
		a.lo, a.hi = min(a.lo, a.off[k]), max(a.hi, a.off[k])
		a.mean += a.w[k] * a.off[k]
	}
}

// Cost and accuracy of fcj (see there; TestFCJConvergence).
const (
	asymNone     = 0.002
	asymTwo      = 0.2
	momentNodes  = 4 // Gauss–Legendre nodes per interval for the moments
	nodesPerFWHM = 5
	minNodes     = 3
)

type glRule struct{ x, w []float64 }

// legendre returns the n-point Gauss–Legendre rule on [−1, 1] (gonum's
// quad.Legendre), computed once per n.
var legendre = func() func(n int) glRule {
	var once [maxNodes + 1]sync.Once
	var rules [maxNodes + 1]glRule
	return func(n int) glRule {
		once[n].Do(func() {
			r := glRule{x: make([]float64, n), w: make([]float64, n)}
			quad.Legendre{}.FixedLocations(r.x, r.w, -1, 1)
			rules[n] = r
		})
		return rules[n]
	}
}()
