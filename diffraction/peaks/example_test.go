package peaks_test

import (
	"fmt"
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// A noise-free Gaussian peak of 1000 counts at 2θ = 30° (FWHM 0.1°) on a
// flat background of 100 counts, with the wavelength set so that d is
// reported.
func ExampleFind() {
	s := &diffraction.Scan{Wavelength: diffraction.CuKa}
	for i := range 1001 {
		x := 25 + 0.01*float64(i)
		u := (x - 30) / 0.1
		s.TwoTheta = append(s.TwoTheta, x)
		s.Intensity = append(s.Intensity, math.Round(100+1000*math.Exp(-4*math.Ln2*u*u)))
	}
	r, err := peaks.Find(s, peaks.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Peaks {
		fmt.Printf("2θ=%.3f° d=%.4f Å FWHM=%.3f°\n", p.TwoTheta, p.D, p.FWHM)
	}
	// Output:
	// 2θ=30.000° d=2.9762 Å FWHM=0.100°
}
