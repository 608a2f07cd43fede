package diffraction

import "math"

// D returns the d-spacing for a diffraction angle 2θ (degrees) by Bragg's
// law, λ = 2d sinθ (W. L. Bragg, 1913, Proc. Camb. Phil. Soc. 17, 43).
// It returns +Inf at 2θ = 0.
func D(twoTheta, lambda float64) float64 {
	return lambda / (2 * math.Sin(twoTheta*math.Pi/360))
}

// TwoTheta returns the diffraction angle 2θ in degrees for a d-spacing by
// Bragg's law. ok is false when λ/2d > 1 (the reflection is out of reach).
func TwoTheta(d, lambda float64) (twoTheta float64, ok bool) {
	s := lambda / (2 * d)
	if !(s > 0 && s <= 1) {
		return 0, false
	}
	return 360 / math.Pi * math.Asin(s), true
}

// Q returns the magnitude of the scattering vector, Q = 4π·sinθ/λ = 2π/d
// (Å⁻¹ for λ in Å), for a diffraction angle 2θ in degrees.
func Q(twoTheta, lambda float64) float64 {
	return 4 * math.Pi * math.Sin(twoTheta*math.Pi/360) / lambda
}
