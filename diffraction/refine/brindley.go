package refine

import (
	"math"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// Microabsorption. In a mixture of powders that absorb X-rays differently,
// a grain of a strongly absorbing phase diffracts from its surface layer
// only, and a weakly absorbing one from its whole volume: the first is
// under-represented, the second over-represented, beyond what the mean
// absorption of the specimen accounts for (it cancels in Hill & Howard's
// fractions). G. W. Brindley (1945), Phil. Mag. 36, 347, gives the factor
// by which a phase's intensity is changed, for spherical grains of radius
// R:
//
//	τ_p = (1/V_p) ∫ exp(−(μ_p − μ̄)·x) dV_p,
//
// x the path of the beam inside the grain (in and out), μ_p the linear
// absorption of phase p (crystal.LinearAbsorption) and μ̄ that of the
// solid mixture (the volume-fraction mean). The weight fractions become
// W_p = S_p(ZMV)_p/τ_p / Σ S(ZMV)/τ, as TOPAS and HighScore apply it (I.
// C. Madsen, N. V. Y. Scarlett & A. Kern 2011, Z. Kristallogr. 226, 944:
// microabsorption is the largest error of quantitative phase analysis of
// laboratory data). τ depends on μ̄, which depends on the fractions: they
// are iterated to convergence.

// brindleyFractions returns the weight fractions with Brindley's
// correction for grains of diameter d (µm) given the scales s, the products
// ZMV, the densities rho (g/cm³), the linear absorptions mu (cm⁻¹) and the
// covariance of the scales; the corrected ZMV/τ are returned for later use
// (the internal standard).
func brindleyFractions(s, zmv, rho, mu, cov []float64, d float64) (w, esd, zmvTau []float64) {
	n := len(s)
	zmvTau = append([]float64(nil), zmv...)
	w, esd, _ = hillHoward(s, zmvTau, cov)
	r := d / 2 * 1e-4 // radius, cm
	for range 30 {
		var vol, mubar float64
		for p := range n {
			if rho[p] > 0 {
				vol += w[p] / rho[p]
				mubar += w[p] / rho[p] * mu[p]
			}
		}
		if !(vol > 0) {
			break
		}
		mubar /= vol
		for p := range n {
			zmvTau[p] = zmv[p] / brindleyTau((mu[p]-mubar)*r)
		}
		prev := w
		w, esd, _ = hillHoward(s, zmvTau, cov)
		var change float64
		for p := range n {
			change = max(change, math.Abs(w[p]-prev[p]))
		}
		if change < 1e-7 {
			break
		}
	}
	return w, esd, zmvTau
}

// tauTable holds Brindley's τ over x = (μ_p − μ̄)R from −tauMax to tauMax:
// τ(x) = ⟨exp(−x·L)⟩ over the points of a sphere of unit radius (sphere
// paths), x_i = −tauMax + i·Δx. The exponentials follow along the table
// from the first, exp(−x_{i+1}L) = exp(−x_i·L)·exp(−Δx·L): two per point
// of the sphere instead of one per entry, with a rounding drift over the
// tauPoints entries below 1e-13 relative.
var tauTable = sync.OnceValue(func() []float64 {
	t := make([]float64, tauPoints)
	dx := 2 * tauMax / float64(tauPoints-1)
	paths := spherePaths()
	for _, l := range paths {
		e, r := math.Exp(tauMax*l), math.Exp(-dx*l)
		for i := range t {
			t[i] += e
			e *= r
		}
	}
	for i := range t {
		t[i] /= float64(len(paths))
	}
	return t
})

const (
	tauMax    = 3.0 // beyond |x| = 3 the grains are far too coarse for quantitative analysis
	tauPoints = 301
)

// brindleyTau interpolates Brindley's τ(x), x = (μ_p − μ̄)R, clamped to
// ±tauMax.
func brindleyTau(x float64) float64 {
	if math.IsNaN(x) {
		return 1
	}
	t := tauTable()
	f := (min(max(x, -tauMax), tauMax) + tauMax) / (2 * tauMax) * float64(tauPoints-1)
	i := min(int(f), tauPoints-2)
	u := f - float64(i)
	return t[i]*(1-u) + t[i+1]*u
}

// spherePaths returns L = L_in + L_out at the points of a 24³ grid inside
// a sphere of unit radius, L_in the path from the surface to the point
// along the incident beam and L_out from it to the surface along the
// diffracted beam, both at θ = 30° to the specimen surface (2θ = 60°, the
// middle of a laboratory scan; τ changes little with the angle).
func spherePaths() []float64 {
	th := math.Pi / 6
	in := [3]float64{-math.Cos(th), 0, math.Sin(th)} // back along the incident beam
	out := [3]float64{math.Cos(th), 0, math.Sin(th)}
	exit := func(p, k [3]float64) float64 {
		b := p[0]*k[0] + p[1]*k[1] + p[2]*k[2]
		c := p[0]*p[0] + p[1]*p[1] + p[2]*p[2] - 1
		return -b + math.Sqrt(max(b*b-c, 0))
	}
	const n = 24
	var paths []float64
	for i := range n {
		for j := range n {
			for k := range n {
				p := [3]float64{-1 + (float64(i)+0.5)*2/n, -1 + (float64(j)+0.5)*2/n, -1 + (float64(k)+0.5)*2/n}
				if p[0]*p[0]+p[1]*p[1]+p[2]*p[2] >= 1 {
					continue
				}
				paths = append(paths, exit(p, in)+exit(p, out))
			}
		}
	}
	return paths
}

// absorption returns the linear absorption of each phase at the
// wavelength, and false when one is unknown (an element or line without
// f″): the correction is then not made, and the log says so.
func absorption(phases []*Phase, lambda float64) ([]float64, []float64, bool) {
	mu, rho := make([]float64, len(phases)), make([]float64, len(phases))
	for p, ph := range phases {
		m, err := crystal.LinearAbsorption(ph.Structure, lambda)
		if err != nil {
			return nil, nil, false
		}
		mu[p], rho[p] = m, ph.Structure.Density()
	}
	return mu, rho, true
}
