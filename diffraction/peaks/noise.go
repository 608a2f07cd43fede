package peaks

import (
	"math"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction"
)

// noise is the model of the standard deviation of one point's intensity
// used by the significance tests (see Find).
type noise struct {
	esd []float64 // the scan's ESDs, or nil
	// k scales the Poisson model σ = k·√max(I, k²); k² is the intensity
	// of one count in the data's units, hence the floor. 0 with cst > 0
	// selects the constant model.
	k   float64
	cst float64
}

// maxLag is the widest lag of the second differences newNoise takes.
// Detectors that rebin or interpolate (position-sensitive detectors,
// strip detectors merged to a common step) correlate neighbouring
// points, which hides part of their noise from the differences of
// neighbours; a few points apart the correlation is gone.
const maxLag = 3

// medianChi2 is the median of the χ² distribution with one degree of
// freedom, which converts the median of squared normal deviates to a
// variance.
const medianChi2 = 0.454936423119572

// newNoise chooses the noise model for s; sm is its smoothed intensity.
//
// The scale comes from the second differences r_i = y_i − (y_{i−L}+y_{i+L})/2,
// which remove any locally linear signal; for independent points of
// variance k²·y_i their variance is 1.5·k²·y_i at any lag L. The median
// over the scan makes the estimate insensitive to peaks, where curvature
// inflates r_i. For data that are not raw counts (rebinned, interpolated,
// scaled) the largest estimate over the lags 1 to maxLag is taken:
// correlated noise shows only at the larger lags. Raw counts are
// independent, and narrow peaks a few points wide would inflate the
// larger lags.
func newNoise(s *diffraction.Scan, sm []float64) noise {
	nz := noise{esd: s.ESD}
	y := s.Intensity
	counts := true
	for _, v := range y {
		if v < 0 || v != math.Trunc(v) {
			counts = false
			break
		}
	}
	lo, _ := minMax(y)
	negative := lo < 0
	// A median over 8192 points spread evenly over the scan is as good as
	// one over all of them (its relative error is about 1.9/√8192 ≈ 2 %)
	// and keeps the cost linear.
	stride := max(1, len(y)/8192)
	q := make([]float64, 0, len(y)/stride+1)
	lags := maxLag
	if counts {
		lags = 1 // raw counts: independent Poisson points
	}
	estimate := func(curved bool) float64 {
		est := 0.0
		for lag := 1; lag <= lags; lag++ {
			q = q[:0]
			for i := lag; i < len(y)-lag; i += stride {
				r := y[i] - 0.5*(y[i-lag]+y[i+lag])
				switch {
				case curved && r == 0:
				case negative:
					q = append(q, r*r/1.5)
				case sm[i] > 0:
					q = append(q, r*r/(1.5*sm[i]))
				}
			}
			if len(q) > 0 {
				est = math.Max(est, math.Sqrt(median(q)/medianChi2))
			}
		}
		return est
	}
	est := estimate(false)
	if est == 0 {
		// More than half the points lie on exact straight runs (a
		// constant padding, a background clipped to a floor, values
		// rounded coarsely): they show no noise to measure, and a zero
		// σ would give the points infinite weight. The noise is measured
		// on the points that have some.
		est = estimate(true)
	}
	switch {
	case negative:
		nz.cst = est
	case counts:
		nz.k = math.Max(1, est)
	default:
		nz.k = est
	}
	return nz
}

// at returns σ at point i whose (smoothed) intensity, background plus net,
// is total.
func (nz noise) at(i int, total float64) float64 {
	if nz.esd != nil && nz.esd[i] > 0 {
		return nz.esd[i]
	}
	if nz.k == 0 {
		return nz.cst
	}
	return nz.k * math.Sqrt(math.Max(total, nz.k*nz.k))
}

// median returns the median of v, reordering it. It selects rather than
// sorts (C. A. R. Hoare, 1961, Commun. ACM 4, 321–322, "Find"): linear
// time, against n·log n for a sort, which on a scan of 10 000 points took
// a quarter of the search.
func median(v []float64) float64 {
	n := len(v)
	m := selectNth(v, n/2)
	if n%2 == 1 {
		return m
	}
	// The lower middle value is the largest of those before n/2.
	return 0.5 * (slices.Max(v[:n/2]) + m)
}

// selectNth reorders v so that v[k] is the value a sort would put there,
// with no larger value before it and no smaller one after, and returns
// v[k]. v must not hold NaN.
func selectNth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for hi-lo > 16 {
		// Median-of-three pivot, then Hoare's partition.
		mid := int(uint(lo+hi) >> 1)
		a, b, c := v[lo], v[mid], v[hi]
		p := max(min(a, b), min(max(a, b), c))
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		// Now v[lo..j] ≤ p ≤ v[i..hi], and v[j+1..i-1] == p.
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	slices.Sort(v[lo : hi+1])
	return v[k]
}
