package identify

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// chi2 is the weighted sum of squares of a refinement, χ² = GoF·(N − P).
func chi2(r *refine.Result) float64 { return r.GoF * float64(r.N-r.P) }

// effectivePoints is the number of independent points a refinement's N
// points are worth, given the serial correlation of its weighted
// residuals: with the lag-one correlation ρ = 1 − d/2 from the
// Durbin–Watson statistic d (Durbin & Watson 1950), residuals correlated
// as a first-order autoregressive series carry the information of
// N·(1 − ρ)/(1 + ρ) independent ones (M. S. Bartlett 1935, J. R. Stat.
// Soc. Suppl. 2, 27; applied to Rietveld refinement by J.-F. Bérar & P.
// Lelann 1991, J. Appl. Cryst. 24, 1). Uncorrelated residuals (d ≥ 2)
// count in full.
//
// The count is not allowed below res, the pattern's resolution elements
// (its 2θ range over the line width): a misfit correlated over more than a
// line's width is not noise but a line the model lacks (a phase not yet
// in the model, or not in the database), and the lines of a pattern are
// independent observations however much of it is still unexplained.
func effectivePoints(r *refine.Result, res float64) float64 {
	return effective(r.DurbinWatson, r.N, r.P, res)
}

// effective is effectivePoints for n points with Durbin–Watson statistic
// d, of a model of p parameters.
func effective(d float64, n, p int, res float64) float64 {
	eff := float64(n)
	if d < 2 {
		rho := 1 - max(d, 0)/2
		eff = eff * (1 - rho) / (1 + rho)
	}
	return min(max(eff, res, float64(p+1)), float64(n))
}

// test is the outcome of comparing a model with a larger one that contains
// it.
type test struct {
	F      float64 // F statistic with the effective points
	P      float64 // probability of an F this large by chance
	DChi2  float64 // decrease of χ² (larger model better when positive)
	DParam int     // parameters added
	NEff   float64 // effective points of the larger model
	// Chi2 is χ² of the smaller model over the Points counted, of the
	// All points of the scan.
	Chi2        float64
	Points, All int
}

// leftOut says which points the test left out, "" when none: " (the 812
// points of peaks still unexplained left out)".
func (t test) leftOut() string {
	if t.Points == t.All {
		return ""
	}
	return fmt.Sprintf(" (the %d points of peaks still unexplained left out)", t.All-t.Points)
}

// fTest compares the refinement small with big, which has every parameter
// of small and dParam more: F = (Δχ²/ΔP)/(χ²_big/(N − P_big)) is the
// statistic of the extra parameters (Hamilton 1965; Draper & Smith 1998,
// §6.1), scaled by (N_eff − P)/(N − P), which counts the points as
// independent only as far as the residuals are (effective; res: the
// pattern's resolution elements, see effectivePoints), and P its
// probability under the null hypothesis that the extra parameters explain
// nothing, from the F distribution with ΔP and N_eff − P degrees of
// freedom.
//
// The sums run over the points that mask leaves out (w: the points'
// weights): the regions of the peaks the larger model still leaves
// unexplained (unexplainedMask) are excluded, as a Rietveld refinement
// excludes an unknown impurity's peaks. Their misfit belongs to a phase
// neither model holds: counted, it would swell the noise that χ²_big
// estimates, and hide a true phase beside a large unknown one; and a
// candidate that takes a share of such a peak, which it then still leaves
// unexplained, would be credited for fitting part of another phase's line
// (VO2 took half the intensity of the missing La(OH)3 that way).
//
// The parameters added are counted by the caller, not as P_big − P_small:
// the two refinements need not refine the same kinds (a trial does not
// refine the instrument's widths that the full refinement before it did).
func fTest(small, big *refine.Result, dParam int, res float64, w []float64, mask []bool) test {
	var c0, c1, dw, prev float64
	n := 0
	for i, wi := range w {
		if mask[i] {
			continue
		}
		d0, d1 := small.Difference[i], big.Difference[i]
		c0 += wi * d0 * d0
		c1 += wi * d1 * d1
		r := d1 * math.Sqrt(wi)
		if n > 0 {
			dw += (r - prev) * (r - prev)
		}
		prev = r
		n++
	}
	// A phase whose cell and size are fixed still adds its scale.
	t := test{DChi2: c0 - c1, DParam: max(dParam, 1), Chi2: c0, Points: n, All: len(w)}

	if !(c1 > 0) || n <= big.P+1 {
		t.P = 1
		return t
	}
	// The resolution elements of the points kept.
	t.NEff = effective(dw/c1, n, big.P, res*float64(n)/float64(len(w)))
	dof := float64(n - big.P)
	dofEff := t.NEff - float64(big.P)
	if dofEff < 1 {
		t.P = 1
		return t
	}
	f := (t.DChi2 / float64(t.DParam)) / (c1 / dof)
	t.F = f * dofEff / dof
	if !(t.F > 0) {
		t.F, t.P = 0, 1
		return t
	}
	t.P = distuv.F{D1: float64(t.DParam), D2: dofEff}.Survival(t.F)
	return t
}

// indistinguishable reports whether two refinements of the same data with
// the same number of parameters (one phase swapped for a look-alike) fit
// equally well within the noise: their χ² differ by less than the
// one-parameter F test at level alpha would call significant. The points
// are counted as the pattern's resolution elements res (the 2θ range over
// the line width): look-alikes share their lines' positions and differ in
// the lines' intensities, of which a pattern holds about that many
// independent ones — more points per line add no evidence about them.
func indistinguishable(a, b *refine.Result, alpha, res float64) bool {
	lo, hi := a, b
	if chi2(b) < chi2(a) {
		lo, hi = b, a
	}
	n := res
	if !(n > 0) {
		n = effectivePoints(lo, 0)
	}
	dof, dofEff := float64(lo.N-lo.P), n-float64(lo.P)
	c := chi2(lo)
	if !(c > 0) || dof < 1 || dofEff < 1 {
		return true
	}
	f := (chi2(hi) - c) / (c / dof) * dofEff / dof
	return distuv.F{D1: 1, D2: dofEff}.Survival(f) > alpha
}

// scaleSignificance is a phase's refined scale over its standard
// uncertainty, the uncertainty enlarged by √(N/N_eff) for the serial
// correlation of the residuals (Bérar & Lelann 1991); +Inf for an exact
// fit.
func scaleSignificance(r *refine.Result, p int, res float64) float64 {
	ph := r.Phases[p]
	if !(ph.ScaleESD > 0) {
		if ph.Scale > 0 {
			return math.Inf(1)
		}
		return 0
	}
	corr := math.Sqrt(float64(r.N) / effectivePoints(r, res))
	return ph.Scale / (ph.ScaleESD * corr)
}

// pText writes a probability for a decision: "p = 0.0023", or "p < 1e-15"
// below what the F distribution's tail resolves in double precision.
func pText(p float64) string {
	if p < 1e-15 {
		return "p < 1e-15"
	}
	return fmt.Sprintf("p = %.2g", p)
}
