package identify

import (
	"math"
	"sort"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// Thresholds of PeakExplanation: a peak is unexplained when the model
// accounts for less than half of it and the rest stands more than three
// standard uncertainties of the counts above the model; a phase explains
// a peak when it makes at least a fifth of the calculated intensity there.
const (
	explainedHalf = 0.5
	unexplainedK  = 3.0
	phaseShare    = 0.2
)

// explain fills the peak explanations and the unexplained summary from the
// final refinement.
func (res *Result) explain(obs []diffraction.Peak, w []float64) {
	if res.Fit == nil {
		return
	}
	res.Peaks = explainPeaks(res.Fit, obs, w)
	var total, left float64
	for i, e := range res.Peaks {
		a := obs[i].Area
		if !(a > 0) {
			a = obs[i].Height
		}
		total += a
		left += a * (1 - e.Explained)
		if e.Unexplained {
			res.UnexplainedPeaks++
			res.StrongestUnexplained = max(res.StrongestUnexplained, obs[i].RelIntensity)
		}
	}
	if total > 0 {
		res.UnexplainedIntensity = left / total
	}
}

// explainPeaks compares each observed peak with the refinement at its
// position. Observed and calculated net intensities (above the refined
// background) are averaged over the central quarter of the peak's width,
// at least one point either side, so that the comparison is of the peak
// and not of one noisy point; the standard uncertainty of the observed
// mean is √(Σσ²)/n with σ² = 1/w of the points.
func explainPeaks(fit *refine.Result, obs []diffraction.Peak, w []float64) []PeakExplanation {
	out := make([]PeakExplanation, len(obs))
	x := fit.TwoTheta
	n := len(x)
	if n < 2 {
		return out
	}
	step := (x[n-1] - x[0]) / float64(n-1)
	for i, p := range obs {
		c := sort.SearchFloat64s(x, p.TwoTheta)
		if c >= n {
			c = n - 1
		}
		if c > 0 && p.TwoTheta-x[c-1] < x[c]-p.TwoTheta {
			c--
		}
		k := max(1, int(p.FWHM/4/step))
		lo, hi := max(c-k, 0), min(c+k, n-1)
		var o, calc, v float64
		shares := make([]float64, len(fit.Phases))
		for j := lo; j <= hi; j++ {
			o += fit.Observed[j] - fit.Background[j]
			calc += fit.Calculated[j] - fit.Background[j]
			v += 1 / w[j]
			for q := range fit.Phases {
				shares[q] += fit.Phases[q].Contribution[j]
			}
		}
		m := float64(hi - lo + 1)
		o, calc = o/m, calc/m
		sigma := math.Sqrt(v) / m
		e := &out[i]
		switch {
		case !(o > 0):
			e.Explained = 1 // nothing above the background here now
		default:
			e.Explained = min(max(calc/o, 0), 1)
		}
		e.Unexplained = e.Explained < explainedHalf && o-calc > unexplainedK*sigma
		var sum float64
		for _, s := range shares {
			sum += max(s, 0)
		}
		if sum > 0 {
			for q, s := range shares {
				if s/sum >= phaseShare {
					e.Phases = append(e.Phases, q)
				}
			}
			sort.SliceStable(e.Phases, func(a, b int) bool { return shares[e.Phases[a]] > shares[e.Phases[b]] })
		}
	}
	return out
}
