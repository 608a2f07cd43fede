package peaks

import (
	"fmt"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// sink keeps the benchmark results alive so the compiler cannot drop the
// work.
var sink Result

// benchScan is a synthetic scan of n points over 10–110° with peaks of
// fwhm points, one peak per 100 points (as dense as a busy laboratory
// pattern at 8 points per FWHM), heights 5–300σ.
func benchScan(n int, fwhm float64) *diffraction.Scan {
	step := 100 / float64(n-1)
	cfg := synthConfig{from: 10, to: 110, step: step, fwhm0: fwhm * step, npeaks: n / 100, minSig: 5, maxSig: 300, sep: 4}
	s, _ := synth(cfg, 1)
	return s
}

func benchmarkFind(b *testing.B, n int, fwhm float64) {
	s := benchScan(n, fwhm)
	opt := DefaultOptions()
	b.ReportAllocs()
	for b.Loop() {
		r, err := Find(s, opt)
		if err != nil {
			b.Fatal(err)
		}
		sink = r
	}
}

// BenchmarkFind is the size ladder at a fixed peak width of 8 points, the
// case where the cost is linear in the number of points.
func BenchmarkFind(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) { benchmarkFind(b, n, 8) })
	}
}

// BenchmarkFindWide has 100 000 points with peaks 80 points wide (a
// 0.001° step under 0.08° peaks): the Savitzky–Golay windows grow with the
// width, the SNIP passes are capped.
func BenchmarkFindWide(b *testing.B) { benchmarkFind(b, 100000, 80) }

// BenchmarkFindSearch is BenchmarkFind without the profile fit, the
// search alone as it was before fitting was added.
func BenchmarkFindSearch(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			s := benchScan(n, 8)
			opt := DefaultOptions()
			opt.Profile = ProfileNone
			b.ReportAllocs()
			for b.Loop() {
				r, err := Find(s, opt)
				if err != nil {
					b.Fatal(err)
				}
				sink = r
			}
		})
	}
}
