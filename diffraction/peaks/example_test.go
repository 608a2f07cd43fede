package peaks_test

import (
	"fmt"
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// A noise-free Cu Kα doublet of Gaussian peaks at 2θ = 30° (Kα1, 1000
// counts, FWHM 0.1°) and 30.075° (Kα2, 500 counts) on a flat background
// of 100 counts. Kα2 is stripped and the Kα1 peak fitted with a
// pseudo-Voigt; the stripping's linear interpolation on the 0.01° step
// and the background under the doublet leave the height 1.1 % low.
func ExampleFind() {
	s := &diffraction.Scan{Wavelength: diffraction.CuKa}
	x2, _ := diffraction.TwoTheta(diffraction.D(30, s.Wavelength.Ka1), s.Wavelength.Ka2)
	for i := range 1001 {
		x := 25 + 0.01*float64(i)
		u, u2 := (x-30)/0.1, (x-x2)/0.1
		s.TwoTheta = append(s.TwoTheta, x)
		s.Intensity = append(s.Intensity, math.Round(100+1000*math.Exp(-4*math.Ln2*u*u)+500*math.Exp(-4*math.Ln2*u2*u2)))
	}
	r, err := peaks.Find(s, peaks.DefaultOptions())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range r.Peaks {
		fmt.Printf("2θ=%.3f° d=%.4f Å height=%.0f FWHM=%.3f°\n", p.TwoTheta, p.D, p.Height, p.FWHM)
	}
	// Output:
	// 2θ=30.000° d=2.9762 Å height=989 FWHM=0.100°
}
