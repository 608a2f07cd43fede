package refine

import (
	"math"
	"testing"
)

// Brindley's τ for spheres: 1 at x = 0, falling as x grows (a grain that
// absorbs more than the mixture is under-represented). To first order
// τ ≈ 1 − x·⟨L_in + L_out⟩/R, and the mean forward distance from a point
// uniform in a sphere to its surface along any direction is
// E[L²]/(2E[L]) = 2R²/(2·4R/3) = 3R/4 for the chords L of a sphere (impact
// parameter uniform over its cross-section: E[L] = 4R/3, E[L²] = 2R²), so
// the slope at 0 is −3/2, which the integral must give within 1 %.
func TestBrindleyTau(t *testing.T) {
	if v := brindleyTau(0); math.Abs(v-1) > 1e-12 {
		t.Errorf("τ(0) = %g", v)
	}
	slope := (brindleyTau(0.001) - brindleyTau(-0.001)) / 0.002
	if math.Abs(slope+1.5) > 0.015 {
		t.Errorf("dτ/dx at 0 = %.4f, want −3/2", slope)
	}
	prev := math.Inf(1)
	for x := -tauMax; x <= tauMax; x += 0.1 {
		v := brindleyTau(x)
		if !(v > 0 && v < prev) {
			t.Fatalf("τ(%.1f) = %g after %g: not positive and decreasing", x, v, prev)
		}
		prev = v
	}
}

// The correction moves weight from the more absorbing phase of two to the
// less absorbing one's complement the right way, and does nothing when
// they absorb alike.
func TestBrindleyFractions(t *testing.T) {
	s := []float64{1, 1}
	zmv := []float64{1, 1}
	rho := []float64{4, 4}
	cov := make([]float64, 4)
	w, _, _ := brindleyFractions(s, zmv, rho, []float64{100, 100}, cov, 5)
	if math.Abs(w[0]-0.5) > 1e-9 {
		t.Errorf("equal absorption: %v", w)
	}
	w, _, _ = brindleyFractions(s, zmv, rho, []float64{500, 50}, cov, 5)
	if !(w[0] > 0.5 && w[1] < 0.5) || math.Abs(w[0]+w[1]-1) > 1e-12 {
		t.Errorf("the strongly absorbing phase is under-represented in the intensities, so its corrected fraction must rise: %v", w)
	}
}

// The table of τ, built by a recurrence along x, against the direct mean
// of exp(−x·L) over the sphere's paths at every entry: within 1e-13
// relative, the drift tauTable promises.
func TestTauTableRecurrence(t *testing.T) {
	paths := spherePaths()
	for i, got := range tauTable() {
		x := -tauMax + 2*tauMax*float64(i)/float64(tauPoints-1)
		var want float64
		for _, l := range paths {
			want += math.Exp(-x * l)
		}
		want /= float64(len(paths))
		if math.Abs(got-want) > 1e-13*want {
			t.Fatalf("τ(%g) = %.17g, direct %.17g (%.2g relative)", x, got, want, got/want-1)
		}
	}
}
