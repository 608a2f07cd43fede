package refine

import (
	"math"
	"testing"
)

// Hill–Howard fractions and their esds against first-order propagation
// done by central differences of the fractions, for three phases with
// correlated scales: they must agree to 1e-6 (the differences' error).
func TestHillHoward(t *testing.T) {
	s := []float64{2e-5, 5e-6, 1e-5}
	zmv := []float64{3e4, 9e4, 1.5e4}
	cov := []float64{
		4e-14, -1e-14, 5e-15,
		-1e-14, 9e-15, 0,
		5e-15, 0, 1e-14,
	}
	w, esd, _ := hillHoward(s, zmv, cov)
	sum := 0.0
	for p := range s {
		sum += s[p] * zmv[p]
	}
	for p := range s {
		if want := s[p] * zmv[p] / sum; math.Abs(w[p]-want) > 1e-15 {
			t.Errorf("W%d = %g, want %g", p, w[p], want)
		}
	}
	// ∂W_p/∂S_j by central differences, then σ² = gᵀ C g.
	for p := range s {
		g := make([]float64, len(s))
		for j := range s {
			h := 1e-6 * s[j]
			up, dn := append([]float64(nil), s...), append([]float64(nil), s...)
			up[j] += h
			dn[j] -= h
			wu, _, _ := hillHoward(up, zmv, cov)
			wd, _, _ := hillHoward(dn, zmv, cov)
			g[j] = (wu[p] - wd[p]) / (2 * h)
		}
		var v float64
		for j := range s {
			for k := range s {
				v += g[j] * cov[j*3+k] * g[k]
			}
		}
		if want := math.Sqrt(v); math.Abs(esd[p]-want) > 1e-6*want {
			t.Errorf("esd W%d = %g, by differences %g", p, esd[p], want)
		}
	}
}

// The internal-standard conversion on a result built by hand: the
// standard refined at 25 % when 20 % was added means 1 − 0.2/0.25 = 20 %
// of the mixture is unaccounted for, 25 % of the original sample (De la
// Torre et al. 2001, eq. 2); the other phases scale by 0.2/0.25/0.8.
func TestInternalStandard(t *testing.T) {
	r := &Result{Phases: []PhaseResult{
		{ID: "a", Scale: 0.45, zmv: 1},
		{ID: "std", Scale: 0.25, zmv: 1},
		{ID: "b", Scale: 0.30, zmv: 1},
	}, scaleCov: []float64{
		1e-4, 0, 0,
		0, 1e-4, 0,
		0, 0, 1e-4,
	}}
	abs, err := r.InternalStandard("std", 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(abs.Amorphous-0.25) > 1e-12 || !(abs.AmorphousESD > 0) {
		t.Errorf("amorphous %g ± %g, want 0.25", abs.Amorphous, abs.AmorphousESD)
	}
	k := 0.2 / 0.25 / 0.8
	for i, want := range []float64{0.45 * k, 0.30 * k} {
		if p := abs.Phases[i]; math.Abs(p.WeightFraction-want) > 1e-12 || !(p.WeightFractionESD > 0) {
			t.Errorf("%s: %g ± %g, want %g", p.ID, p.WeightFraction, p.WeightFractionESD, want)
		}
	}
	// The fractions of the original sample and the amorphous part add up.
	if s := abs.Phases[0].WeightFraction + abs.Phases[1].WeightFraction + abs.Amorphous; math.Abs(s-1) > 1e-12 {
		t.Errorf("sum %g, want 1", s)
	}
	for _, c := range []struct {
		std string
		ws  float64
	}{{"std", 0}, {"std", 1}, {"none", 0.2}} {
		if _, err := r.InternalStandard(c.std, c.ws); err == nil {
			t.Errorf("standard %s at %g: no error", c.std, c.ws)
		}
	}
}
