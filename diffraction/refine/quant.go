package refine

import (
	"fmt"
	"math"
)

// hillHoward returns the weight fractions of the phases from their scales
// S and the products ZMV (cell mass times cell volume), by R. J. Hill &
// C. J. Howard (1987), J. Appl. Cryst. 20, 467–474:
//
//	W_p = S_p(ZMV)_p / Σ_j S_j(ZMV)_j,
//
// with standard uncertainties from the covariance of the scales cov
// (row-major, len(s)²) by first-order propagation (ISO GUM §5.2),
// covariances included: ∂W_p/∂S_j = (δ_pj·Q_p·Σ − S_p·Q_p·Q_j)/Σ²,
// Q = ZMV. The volumes' own uncertainties (1e-4 relative) are neglected.
func hillHoward(s, zmv, cov []float64) (w, esd []float64, wcov []float64) {
	n := len(s)
	w, esd, wcov = make([]float64, n), make([]float64, n), make([]float64, n*n)
	var sum float64
	for i := range n {
		sum += s[i] * zmv[i]
	}
	if !(sum > 0) {
		return w, esd, wcov
	}
	if n == 1 {
		// W ≡ 1, with no uncertainty: the propagation would give the
		// rounding error of S·Q·Q/(SQ)² − Q/(SQ), some 1e-17 × the
		// scale's, written "100.00000000 ± 0.00000000".
		w[0] = 1
		return w, esd, wcov
	}
	jac := make([]float64, n*n) // ∂W_p/∂S_j
	for p := range n {
		w[p] = s[p] * zmv[p] / sum
		for j := range n {
			d := -s[p] * zmv[p] * zmv[j] / (sum * sum)
			if j == p {
				d += zmv[p] / sum
			}
			jac[p*n+j] = d
		}
	}
	for p := range n {
		for q := range n {
			var v float64
			for j := range n {
				for k := range n {
					v += jac[p*n+j] * cov[j*n+k] * jac[q*n+k]
				}
			}
			wcov[p*n+q] = v
		}
		esd[p] = math.Sqrt(max(wcov[p*n+p], 0))
	}
	return w, esd, wcov
}

// Absolute is the composition of a sample from a refinement with an
// internal standard of known weight.
type Absolute struct {
	// Phases are the weight fractions of the phases other than the
	// standard in the original sample (without the standard), 0–1, in the
	// order of Result.Phases with the standard left out.
	Phases []AbsolutePhase `json:"phases"`
	// Amorphous is the weight fraction of the original sample that no
	// refined phase accounts for (amorphous or unidentified), with its
	// standard uncertainty. It may come out slightly negative when there
	// is none: it is a measurement, not clipped.
	Amorphous    float64 `json:"amorphous"`
	AmorphousESD float64 `json:"amorphous_esd"`
}

// AbsolutePhase is one phase's weight fraction in the original sample.
type AbsolutePhase struct {
	ID                string  `json:"id"`
	WeightFraction    float64 `json:"weight_fraction"`
	WeightFractionESD float64 `json:"weight_fraction_esd"`
}

// InternalStandard converts the relative weight fractions of the result
// into those of the original sample, given that the phase std was added
// to it as an internal standard making up the weight fraction ws (0–1) of
// the mixture that was measured (I. C. Madsen, N. V. Y. Scarlett, L. M. D.
// Cranswick & T. Lwin 2001, J. Appl. Cryst. 34, 409; A. G. De la Torre,
// S. Bruque & M. A. G. Aranda 2001, J. Appl. Cryst. 34, 196):
//
//	A_p = W_p·ws/W_std/(1 − ws),   amorphous = (1 − ws/W_std)/(1 − ws),
//
// with W the refined (Hill–Howard) fractions. Uncertainties come from the
// covariance of the refined fractions (first order, covariances
// included); ws is taken as exact.
func (r *Result) InternalStandard(std string, ws float64) (*Absolute, error) {
	if !(ws > 0 && ws < 1) {
		return nil, fmt.Errorf("refine: standard weight fraction %g is not within (0, 1)", ws)
	}
	is := -1
	for i, p := range r.Phases {
		if p.ID == std {
			is = i
		}
	}
	if is < 0 {
		return nil, fmt.Errorf("refine: the standard %s is not a refined phase", std)
	}
	n := len(r.Phases)
	s, zmv := make([]float64, n), make([]float64, n)
	for i, p := range r.Phases {
		s[i], zmv[i] = p.Scale, p.zmv
	}
	w, _, wcov := hillHoward(s, zmv, r.scaleCov)
	wstd := w[is]
	if !(wstd > 0) {
		return nil, fmt.Errorf("refine: the standard %s has no refined weight", std)
	}
	k := ws / (1 - ws)
	out := &Absolute{}
	// Amorphous = (1 − ws/W_std)/(1 − ws): ∂/∂W_std = ws/(W_std²(1−ws)).
	out.Amorphous = (1 - ws/wstd) / (1 - ws)
	ga := ws / (wstd * wstd * (1 - ws))
	out.AmorphousESD = ga * math.Sqrt(max(wcov[is*n+is], 0))
	for p := range n {
		if p == is {
			continue
		}
		// A_p = k·W_p/W_std: ∂/∂W_p = k/W_std, ∂/∂W_std = −k·W_p/W_std².
		a := k * w[p] / wstd
		gp, gs := k/wstd, -k*w[p]/(wstd*wstd)
		v := gp*gp*wcov[p*n+p] + 2*gp*gs*wcov[p*n+is] + gs*gs*wcov[is*n+is]
		out.Phases = append(out.Phases, AbsolutePhase{ID: r.Phases[p].ID, WeightFraction: a, WeightFractionESD: math.Sqrt(max(v, 0))})
	}
	return out, nil
}
