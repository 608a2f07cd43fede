package peaks

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSavgolEnds checks the ends of savgol, computed by one fit per end
// (sgEnd), against the off-centre kernels of sgKernel.
func TestSavgolEnds(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 300)
	for i := range y {
		y[i] = 100 + 50*math.Sin(float64(i)/7) + rng.NormFloat64()
	}
	for _, win := range []int{5, 7, 21, 121} {
		for deriv := range 3 {
			dst := make([]float64, len(y))
			savgol(dst, y, win, deriv)
			m, n, w := win/2, len(y), win
			for i := range m {
				for _, c := range []struct {
					pos, t int
					data   []float64
				}{{i, i - m, y[:w]}, {n - 1 - i, m - i, y[n-w:]}} {
					h := sgKernel(m, sgOrder, deriv, c.t)
					want := 0.0
					for j, hj := range h {
						want += hj * c.data[j]
					}
					if got := dst[c.pos]; math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
						t.Errorf("window %d, derivative %d, point %d: got: %.12g want: %.12g", win, deriv, c.pos, got, want)
					}
				}
			}
		}
	}
}
