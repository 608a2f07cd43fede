package peaks

import (
	"fmt"
	"math"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Profile names a peak profile function for fitting.
type Profile string

// The profiles. The zero value fits nothing: the peaks keep the search's
// measurements.
const (
	ProfileNone Profile = ""
	// ProfilePseudoVoigt is η·L + (1−η)·G, a Lorentzian and a Gaussian of
	// one FWHM (P. Thompson, D. E. Cox and J. B. Hastings, 1987, J. Appl.
	// Cryst. 20, 79–83), with the mixing η ∈ [0, 1] fitted per peak.
	ProfilePseudoVoigt Profile = "pseudo-voigt"
	// ProfilePearsonVII is [1 + (2^(1/m) − 1)·u²]^(−m) with u = 2(2θ −
	// 2θ₀)/FWHM (M. M. Hall, V. G. Veeraraghavan, H. Rubin and P. G.
	// Winchell, 1977, J. Appl. Cryst. 10, 66–68), Lorentzian at m = 1 and
	// Gaussian as m → ∞, with m fitted per peak.
	ProfilePearsonVII Profile = "pearson-vii"
)

// ParseProfile reads a profile name as typed on the command line: "none",
// "pv"/"pseudo-voigt", "p7"/"pearson-vii".
func ParseProfile(s string) (Profile, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return ProfileNone, nil
	case "pv", "pseudo-voigt", "pseudovoigt":
		return ProfilePseudoVoigt, nil
	case "p7", "pvii", "pearson-vii", "pearson7", "pearsonvii":
		return ProfilePearsonVII, nil
	}
	return "", fmt.Errorf("peaks: unknown profile %q (want none, pv or p7)", s)
}

// Shape limits: η of the pseudo-Voigt lies in [0, 1] by definition; m of
// the Pearson VII is kept within [0.6, 100]: its area is finite only for
// m > 1/2, and beyond 100 it is a Gaussian to 0.3 % anywhere.
const (
	minPearsonM = 0.6
	maxPearsonM = 100
)

// Fit describes the profile fit of one peak. The peak's TwoTheta, Height,
// FWHM and Area are the fitted ones when OK; the standard uncertainties
// come from the covariance matrix of the least-squares fit, (JᵀWJ)⁻¹,
// scaled by the reduced χ² of the fit (W. H. Press et al., Numerical
// Recipes, 3rd ed., 2007, §15.4–15.5), so that they hold for a misfit
// profile too.
type Fit struct {
	OK      bool    `json:"ok"`      // false: the fit failed and the peak keeps the search's values
	Profile Profile `json:"profile"` // the function fitted
	// Shape is η of the pseudo-Voigt or m of the Pearson VII.
	Shape float64 `json:"shape"`
	// Doublet is true when the Kα2 line was modelled with the Kα1 peak
	// (not stripped): the peak's values are those of Kα1 alone.
	Doublet bool `json:"doublet,omitempty"`
	// Group numbers the group of overlapping peaks fitted together.
	Group int     `json:"group"`
	Chi2  float64 `json:"chi2"` // reduced χ² of the group's fit

	SigmaTwoTheta float64 `json:"sigma_two_theta"`
	SigmaHeight   float64 `json:"sigma_height"`
	SigmaFWHM     float64 `json:"sigma_fwhm"`
	SigmaArea     float64 `json:"sigma_area"`
	SigmaShape    float64 `json:"sigma_shape"`
}

// profile evaluates a unit-height profile of FWHM w at u = 2(x−x0)/w and
// its derivatives with respect to u and to the shape parameter s.
func profile(p Profile, u, s float64) (f, dfdu, dfds float64) {
	if p == ProfilePearsonVII {
		r := math.Exp2(1 / s)
		c := r - 1
		q := 1 + c*u*u
		f = math.Pow(q, -s)
		dfdu = -s * f / q * 2 * c * u
		// ∂c/∂m = −2^(1/m)·ln2/m².
		dfds = f * (-math.Log(q) + u*u*r*math.Ln2/(s*q))
		return f, dfdu, dfds
	}
	l := 1 / (1 + u*u)
	g := math.Exp(-math.Ln2 * u * u)
	f = s*l + (1-s)*g
	dfdu = s*(-2*u*l*l) + (1-s)*(-2*math.Ln2*u*g)
	dfds = l - g
	return f, dfdu, dfds
}

// profileArea returns the area of a profile of height h and FWHM w: for
// the pseudo-Voigt h·w·(η·π/2 + (1−η)·√(π/(4 ln 2))); for the Pearson VII
// h·w·√π·Γ(m−½) / (2·Γ(m)·√(2^(1/m)−1)) (Hall et al. 1977).
func profileArea(p Profile, h, w, s float64) float64 {
	if p == ProfilePearsonVII {
		lg1, _ := math.Lgamma(s - 0.5)
		lg2, _ := math.Lgamma(s)
		return h * w * math.Sqrt(math.Pi) * math.Exp(lg1-lg2) / (2 * math.Sqrt(math.Exp2(1/s)-1))
	}
	return h * w * (s*math.Pi/2 + (1-s)*gaussArea)
}

// clampShape keeps s within its limits.
func clampShape(p Profile, s float64) float64 {
	if p == ProfilePearsonVII {
		return math.Max(minPearsonM, math.Min(maxPearsonM, s))
	}
	return math.Max(0, math.Min(1, s))
}

// initialShape is where the fit starts: an even mix for the pseudo-Voigt,
// m = 2 for the Pearson VII (between Lorentzian and Gaussian, near the
// values laboratory peaks take).
func initialShape(p Profile) float64 {
	if p == ProfilePearsonVII {
		return 2
	}
	return 0.5
}

// group is a set of overlapping peaks fitted together over the points
// [i0, i1).
type group struct {
	peaks  []int // indices into the peak list
	i0, i1 int
}

// fitWindow is the half-width, in FWHM, of the data fitted around each
// peak: ±2.5 FWHM hold 99.9 % of a Gaussian's and 87 % of a Lorentzian's
// area, enough to fix the shape, while keeping the groups small.
const fitWindow = 2.5

// maxGroup is the most peaks fitted together. The cost of a step grows as
// the cube of the number of parameters; a longer run of overlapping peaks
// is cut into groups of this size, whose neighbours' tails then fall on
// the group's linear background term.
const maxGroup = 8

// fitProblem is the least-squares problem of one group.
type fitProblem struct {
	prof    Profile
	x, y    []float64 // 2θ and net intensity of the group's points
	wt      []float64 // 1/σ of each point
	npk     int
	doublet bool
	w       diffraction.Wavelength
	xc      float64 // centre of the linear background term
	start   []float64
}

// nPar is the number of parameters: 2θ₀, H, FWHM, shape for each peak and
// a linear background correction a + b·(2θ − xc) for the group.
func (fp *fitProblem) nPar() int { return 4*fp.npk + 2 }

// eval writes the weighted residuals r_i = (y_i − f_i)/σ_i and, when jac
// is not nil, their Jacobian (row-major, len(y) × nPar) with respect to
// the parameters, and returns χ² = Σ r_i².
func (fp *fitProblem) eval(par, r, jac []float64) float64 {
	np := fp.nPar()
	chi2 := 0.0
	for i, x := range fp.x {
		var row []float64
		if jac != nil {
			row = jac[i*np : (i+1)*np]
			clear(row)
		}
		f := par[np-2] + par[np-1]*(x-fp.xc)
		for k := range fp.npk {
			x0, h, w, s := par[4*k], par[4*k+1], par[4*k+2], par[4*k+3]
			u := 2 * (x - x0) / w
			p, dpdu, dpds := profile(fp.prof, u, s)
			f += h * p
			dx0 := -2 / w * h * dpdu
			dw := -u / w * h * dpdu
			dh, ds := p, h*dpds
			if fp.doublet {
				x2, ok := Ka2Shift(x0, fp.w)
				if ok {
					u2 := 2 * (x - x2) / w
					p2, dp2du, dp2ds := profile(fp.prof, u2, s)
					r := fp.w.Ratio
					f += r * h * p2
					// d(2θ₂)/d(2θ₁) = (λ2/λ1)·cos θ1/cos θ2, from
					// differentiating sin θ2 = (λ2/λ1)·sin θ1.
					dx2 := fp.w.Ka2 / fp.w.Ka1 * math.Cos(x0*math.Pi/360) / math.Cos(x2*math.Pi/360)
					dx0 += -2 / w * r * h * dp2du * dx2
					dw += -u2 / w * r * h * dp2du
					dh += r * p2
					ds += r * h * dp2ds
				}
			}
			if row != nil {
				// r = (y − f)·wt, so ∂r/∂p = −wt·∂f/∂p.
				wt := fp.wt[i]
				row[4*k] = -wt * dx0
				row[4*k+1] = -wt * dh
				row[4*k+2] = -wt * dw
				row[4*k+3] = -wt * ds
			}
		}
		if row != nil {
			row[np-2] = -fp.wt[i]
			row[np-1] = -fp.wt[i] * (x - fp.xc)
		}
		ri := (fp.y[i] - f) * fp.wt[i]
		r[i] = ri
		chi2 += ri * ri
	}
	return chi2
}

// constrain keeps the parameters physical: each position within one
// starting FWHM of its start, the height positive, the FWHM between a
// fifth and five times its start, the shape within its limits.
func (fp *fitProblem) constrain(par []float64) {
	for k := range fp.npk {
		x0, w0 := fp.start[4*k], fp.start[4*k+2]
		par[4*k] = math.Max(x0-w0, math.Min(x0+w0, par[4*k]))
		par[4*k+1] = math.Max(0, par[4*k+1])
		par[4*k+2] = math.Max(w0/5, math.Min(5*w0, par[4*k+2]))
		par[4*k+3] = clampShape(fp.prof, par[4*k+3])
	}
}

// Levenberg–Marquardt settings: at most lmIterations steps; converged when
// χ² falls by less than a relative lmTol in an accepted step.
const (
	lmIterations = 100
	lmTol        = 1e-7
)

// levenbergMarquardt minimises χ² of fp from par (changed in place) by the
// method of K. Levenberg (1944, Q. Appl. Math. 2, 164–168) and D. W.
// Marquardt (1963, J. Soc. Ind. Appl. Math. 11, 431–441): each step solves
// (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr, accepted (λ/10) when χ² falls, rejected
// (λ·10) otherwise. It returns χ² and the covariance matrix (JᵀJ)⁻¹ at the
// minimum (row-major), nil when singular.
//
// A small solver of our own rather than gonum/optimize: optimize offers
// general minimisers (BFGS, Newton, Nelder–Mead) that do not use the
// least-squares structure, so they need a Hessian or many more steps; LM
// uses JᵀJ as the Hessian, converges in a few steps from the search's
// estimates, and gives the covariance as a by-product.
func levenbergMarquardt(fp *fitProblem, par []float64) (chi2 float64, cov []float64) {
	m, np := len(fp.x), fp.nPar()
	r := make([]float64, m)
	jac := make([]float64, m*np)
	a := make([]float64, np*np)
	g := make([]float64, np)
	trial := make([]float64, np)
	rt := make([]float64, m)
	lambda := 1e-3
	chi2 = fp.eval(par, r, jac)
	normal := func() {
		clear(a)
		clear(g)
		for i := range m {
			row := jac[i*np : (i+1)*np]
			for p, jp := range row {
				if jp == 0 {
					continue
				}
				g[p] -= jp * r[i]
				for q := p; q < np; q++ {
					a[p*np+q] += jp * row[q]
				}
			}
		}
		for p := range np {
			for q := range p {
				a[p*np+q] = a[q*np+p]
			}
		}
	}
	normal()
	aa := make([]float64, np*np)
	gg := make([]float64, np)
	for range lmIterations {
		copy(aa, a)
		copy(gg, g)
		for p := range np {
			aa[p*np+p] += lambda * math.Max(a[p*np+p], 1e-12)
		}
		delta := solve(aa, gg, np)
		for p := range np {
			trial[p] = par[p] + delta[p]
		}
		fp.constrain(trial)
		c := fp.eval(trial, rt, nil)
		if c < chi2 && finite(c) {
			done := chi2-c < lmTol*chi2
			copy(par, trial)
			chi2 = fp.eval(par, r, jac)
			normal()
			lambda = math.Max(lambda/10, 1e-12)
			if done {
				break
			}
			continue
		}
		lambda *= 10
		if lambda > 1e12 {
			break
		}
	}
	return chi2, invert(a, np)
}

// invert returns the inverse of the symmetric k×k matrix a (not changed),
// nil when a is singular or the result not finite.
func invert(a []float64, k int) []float64 {
	inv := make([]float64, k*k)
	tmp := make([]float64, k*k)
	e := make([]float64, k)
	for c := range k {
		copy(tmp, a)
		clear(e)
		e[c] = 1
		col := solve(tmp, e, k)
		for r := range k {
			if !finite(col[r]) {
				return nil
			}
			inv[r*k+c] = col[r]
		}
	}
	return inv
}

// fitProfiles fits the profile to every peak of pk (sorted by 2θ), in
// groups of overlapping peaks, on the net signal net at x with point
// standard deviations sig. w is used to model the Kα2 line of every peak
// when doublet is true. Peaks whose fit succeeds get the fitted values;
// the others keep theirs. It returns one Fit per peak.
func fitProfiles(prof Profile, x, net, sig []float64, pk []diffraction.Peak, w diffraction.Wavelength, doublet bool) []Fit {
	fits := make([]Fit, len(pk))
	if len(pk) == 0 {
		return fits
	}
	// Windows and groups.
	var groups []group
	for j, p := range pk {
		lo, hi := p.TwoTheta-fitWindow*p.FWHM, p.TwoTheta+fitWindow*p.FWHM
		if doublet {
			if x2, ok := Ka2Shift(p.TwoTheta, w); ok {
				hi = x2 + fitWindow*p.FWHM
			}
		}
		i0, i1 := lowerBound(x, lo), lowerBound(x, hi)
		if n := len(groups); n > 0 && i0 < groups[n-1].i1 && len(groups[n-1].peaks) < maxGroup {
			g := &groups[n-1]
			g.peaks = append(g.peaks, j)
			g.i1 = max(g.i1, i1)
			continue
		}
		groups = append(groups, group{peaks: []int{j}, i0: i0, i1: i1})
	}
	for gi, g := range groups {
		fitGroup(prof, gi, g, x, net, sig, pk, fits, w, doublet)
	}
	return fits
}

// lowerBound returns the first index i with x[i] ≥ v.
func lowerBound(x []float64, v float64) int {
	lo, hi := 0, len(x)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func fitGroup(prof Profile, gi int, g group, x, net, sig []float64, pk []diffraction.Peak, fits []Fit, w diffraction.Wavelength, doublet bool) {
	for _, j := range g.peaks {
		fits[j] = Fit{Profile: prof, Group: gi, Doublet: doublet}
	}
	fp := &fitProblem{
		prof: prof, x: x[g.i0:g.i1], y: net[g.i0:g.i1], npk: len(g.peaks),
		doublet: doublet, w: w,
	}
	m, np := len(fp.x), fp.nPar()
	if m < np+2 {
		return // too few points to fit, let alone estimate errors
	}
	fp.xc = 0.5 * (fp.x[0] + fp.x[m-1])
	fp.wt = make([]float64, m)
	for i, s := range sig[g.i0:g.i1] {
		fp.wt[i] = 1 / math.Max(s, 1e-300)
	}
	par := make([]float64, np)
	for k, j := range g.peaks {
		p := pk[j]
		x0, h, fw := p.TwoTheta, p.Height, p.FWHM
		if doublet {
			// An unresolved doublet's maximum and width lean towards
			// Kα2: start from the Kα1 estimates of a pair of equal
			// widths split by Δ, the centroid shifted by R·Δ/(1+R) and
			// the width grown by about Δ/2.
			if x2, ok := Ka2Shift(x0, w); ok {
				if d := x2 - x0; d < fw {
					x0 -= w.Ratio / (1 + w.Ratio) * d
					fw = math.Max(fw/2, fw-d/2)
					h /= 1 + w.Ratio*math.Exp(-4*math.Ln2*d*d/(fw*fw))
				}
			}
		}
		par[4*k], par[4*k+1], par[4*k+2], par[4*k+3] = x0, h, fw, initialShape(prof)
	}
	fp.start = append([]float64(nil), par...)
	chi2, cov := levenbergMarquardt(fp, par)
	dof := float64(m - np)
	red := chi2 / dof
	for k, j := range g.peaks {
		f := &fits[j]
		f.Chi2 = red
		x0, h, fw, s := par[4*k], par[4*k+1], par[4*k+2], par[4*k+3]
		area := profileArea(prof, h, fw, s)
		ok := cov != nil && h > 0 && finite(red) && finite(area)
		for _, v := range []float64{x0, h, fw, s} {
			ok = ok && finite(v)
		}
		// A peak pushed against a limit of its position or width has not
		// converged to a minimum of its own (usually a spurious search
		// peak absorbed by a neighbour): keep the search's values.
		st := fp.start[4*k : 4*k+4]
		ok = ok && math.Abs(x0-st[0]) < 0.99*st[2] && fw > 1.01*st[2]/5 && fw < 0.99*5*st[2]
		if !ok {
			continue
		}
		variance := func(p, q int) float64 { return red * math.Max(cov[(4*k+p)*np+4*k+q], 0) }
		// Area: σ_A² = gᵀ·C·g with g = ∂A/∂(H, FWHM, shape); A is
		// proportional to H and to FWHM, the shape derivative is numerical.
		ds := 1e-6 * math.Max(1, math.Abs(s))
		gArea := [3]float64{area / h, area / fw, (profileArea(prof, h, fw, s+ds) - profileArea(prof, h, fw, s-ds)) / (2 * ds)}
		va := 0.0
		for p := range 3 {
			for q := range 3 {
				va += gArea[p] * gArea[q] * red * cov[(4*k+1+p)*np+4*k+1+q]
			}
		}
		f.OK = true
		f.Shape = s
		f.SigmaTwoTheta = math.Sqrt(variance(0, 0))
		f.SigmaHeight = math.Sqrt(variance(1, 1))
		f.SigmaFWHM = math.Sqrt(variance(2, 2))
		f.SigmaShape = math.Sqrt(variance(3, 3))
		f.SigmaArea = math.Sqrt(math.Max(va, 0))
		pk[j].TwoTheta, pk[j].Height, pk[j].FWHM, pk[j].Area = x0, h, fw, area
	}
}
