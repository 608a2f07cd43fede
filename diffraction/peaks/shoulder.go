package peaks

import (
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
)

// gaussArea is the area of a Gaussian of unit height and unit FWHM,
// √(π/(4 ln 2)).
const gaussArea = 1.0644670194312262

// shoulders returns the peaks that show in the second derivative d2 but
// have no maximum of their own among the kept peaks: a weak peak on the
// flank or tail of a stronger one, whether it has no maximum in the
// smoothed net signal ns at all or one that was merged for lack of a
// significant dip. reps[i] is the kept peak that candidate i leans on (-1
// when there is none). A candidate c is such a shoulder when
//
//   - its negative lobe of d2 (the run of negative values around c.i) is
//     not that of the kept peak it leans on, and no other candidate in the
//     lobe is deeper;
//   - it lies outside the half-maximum region of that peak, which keeps an
//     unresolved Kα2 component (at most about one FWHM from its Kα1 peak,
//     and without a dip) from being reported on its own;
//   - the net signal there is significant, ns ≥ k·σ, so that noise on the
//     bare background is never taken for a shoulder;
//   - its curvature is significant, −d2 ≥ k·σ·‖h₂‖ with h₂ the second
//     derivative weights, and so is the height that the curvature
//     implies, H ≥ k·σ.
//
// The height is estimated as H = d2/κ, where κ is the filtered second
// derivative at the top of a Gaussian of unit height and the typical FWHM
// fw (points); for a Lorentzian shoulder this overestimates H by up to
// 8/(4 ln 2) − 1 ≈ 44 %. The FWHM reported is the typical one and the area
// that of a Gaussian of that height and width: a shoulder's own width
// cannot be measured without a profile fit.
func shoulders(x []float64, cands []candidate, reps []int, d2, ns, sm []float64, sig noise, k float64, win int, fw float64) []diffraction.Peak {
	n := len(d2)
	m := min(win/2, (n-1)/2)
	h2 := sgKernel(m, min(sgOrder, 2*m), 2, 0)
	var kappa, norm float64
	for j, c := range h2 {
		u := 2 * float64(j-m) / fw
		kappa += c * math.Exp(-math.Ln2*u*u)
		norm += c * c
	}
	norm = math.Sqrt(norm)
	if !(kappa < 0) {
		return nil
	}
	// sameLobe reports whether d2 is negative everywhere between a and b.
	sameLobe := func(a, b int) bool {
		for j := min(a, b); j <= max(a, b); j++ {
			if d2[j] >= 0 {
				return false
			}
		}
		return true
	}
	var out []diffraction.Peak
	for ci, c := range cands {
		i, top := c.i, reps[ci]
		if top < 0 || sameLobe(i, top) || !(ns[i] < ns[top]/2) {
			continue
		}
		deepest := true
		for cj := ci - 1; cj >= 0 && sameLobe(cands[cj].i, i); cj-- {
			deepest = deepest && d2[cands[cj].i] > d2[i]
		}
		for cj := ci + 1; cj < len(cands) && sameLobe(cands[cj].i, i); cj++ {
			deepest = deepest && d2[cands[cj].i] >= d2[i]
		}
		if !deepest {
			continue
		}
		s := sig.at(i, sm[i])
		h := d2[i] / kappa
		if -d2[i] < k*s*norm || h < k*s || ns[i] < k*s {
			continue
		}
		delta := 0.0
		if den := d2[i-1] - 2*d2[i] + d2[i+1]; den > 0 {
			delta = math.Max(-0.5, math.Min(0.5, 0.5*(d2[i-1]-d2[i+1])/den))
		}
		step := 0.5 * (x[i+1] - x[i-1])
		w := fw * step
		out = append(out, diffraction.Peak{
			TwoTheta: at(x, float64(i)+delta),
			Height:   h,
			FWHM:     w,
			Area:     gaussArea * h * w,
		})
	}
	return out
}
