package peaks

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFastMath checks fastLog and fastExp against the math package to a
// few ulps over the ranges the package uses them on (and beyond).
func TestFastMath(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	const tol = 4e-16 // two ulps
	for range 200000 {
		x := math.Exp(rng.Float64()*1400 - 700) // 1e-304 … 1e304
		if got, want := fastLog(x), math.Log(x); math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			t.Fatalf("fastLog(%g): got: %.17g want: %.17g", x, got, want)
		}
		v := rng.Float64()*1416 - 707
		if got, want := fastExp(v), math.Exp(v); math.Abs(got-want) > tol*want {
			t.Fatalf("fastExp(%g): got: %.17g want: %.17g", v, got, want)
		}
	}
	for _, x := range []float64{1, 2, 0.5, math.Sqrt2, math.Sqrt2 / 2, math.E, 1 + 1e-15, 1 - 1e-16} {
		if got, want := fastLog(x), math.Log(x); math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
			t.Errorf("fastLog(%g): got: %.17g want: %.17g", x, got, want)
		}
	}
	for _, v := range []float64{0, 1, -1, 709, -708, 1e-300, -745, -1000} {
		if got, want := fastExp(v), math.Exp(v); math.Abs(got-want) > tol*want && !(v < -708 && got == 0) {
			t.Errorf("fastExp(%g): got: %.17g want: %.17g", v, got, want)
		}
	}
}

// TestMedian checks the selection-based median against a sort on random
// data with ties, in odd and even lengths.
func TestMedian(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 2, 3, 16, 17, 18, 100, 1001, 10000} {
		for rep := range 20 {
			v := make([]float64, n)
			for i := range v {
				if rep%2 == 0 {
					v[i] = float64(rng.IntN(7)) // many ties
				} else {
					v[i] = rng.NormFloat64()
				}
			}
			w := slices.Clone(v)
			slices.Sort(w)
			want := w[n/2]
			if n%2 == 0 {
				want = 0.5 * (w[n/2-1] + w[n/2])
			}
			if got := median(v); got != want {
				t.Fatalf("n=%d: median got: %g want: %g", n, got, want)
			}
		}
	}
}
