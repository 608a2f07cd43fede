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
		a := peakArea(obs[i])
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

// peakArea is a peak's integrated intensity, its height when the area is
// unknown.
func peakArea(p diffraction.Peak) float64 {
	if p.Area > 0 {
		return p.Area
	}
	return p.Height
}

// unexplainedMask marks the points of fit within maskWidths FWHM of an
// observed peak that fit leaves unexplained (explainPeaks), for fTest to
// leave out; a peak of unknown width is given the median one.
func unexplainedMask(fit *refine.Result, obs []diffraction.Peak, w []float64) []bool {
	x := fit.TwoTheta
	mask := make([]bool, len(x))
	var median float64
	for i, e := range explainPeaks(fit, obs, w) {
		if !e.Unexplained {
			continue
		}
		p := obs[i]
		fw := p.FWHM
		if !(fw > 0) {
			if median == 0 {
				median = medianFWHM(obs)
			}
			fw = median
		}
		half := maskWidths * fw
		for j := sort.SearchFloat64s(x, p.TwoTheta-half); j < len(x) && x[j] <= p.TwoTheta+half; j++ {
			mask[j] = true
		}
	}
	return mask
}

// maskWidths is the half-width of the region unexplainedMask leaves out
// around an unexplained peak, in FWHM: ±2 FWHM hold all of a Gaussian
// line's area (but 2e-6) and 84 % of a Lorentzian's, whose tails beyond
// are within the noise of most peaks.
const maskWidths = 2

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
