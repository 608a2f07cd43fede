package scan

import (
	"errors"
	"fmt"
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
)

// ErrNoWavelength is returned by ToTwoTheta for a d or q scan when no
// wavelength is known.
var ErrNoWavelength = errors.New("scan: the wavelength is unknown, so the axis cannot be converted to 2θ")

// ToTwoTheta converts a scan whose abscissa is d-spacing (Å) or the
// scattering vector q = 4π sinθ/λ (Å⁻¹) to 2θ in degrees, with Bragg's law
// λ = 2d sinθ (W. L. Bragg, 1913, Proc. Camb. Phil. Soc. 17, 43), using the
// Kα1 (or only) wavelength of w, or of s.Wavelength when w is not known. A
// d scan is reversed so that 2θ increases. The scan is changed only on
// success; s.Wavelength is set to w if it was unknown.
//
// When neither wavelength is known the scan keeps its axis,
// Meta["axis_note"] says why, and the error is ErrNoWavelength. A 2θ scan
// is left alone. Energy-dispersive scans cannot be converted.
func ToTwoTheta(s *diffraction.Scan, w diffraction.Wavelength) error {
	if s.Axis == diffraction.AxisTwoTheta {
		return nil
	}
	if !w.Known() {
		w = s.Wavelength
	}
	if s.Meta == nil {
		s.Meta = map[string]string{}
	}
	switch s.Axis {
	case diffraction.AxisD, diffraction.AxisQ:
	case diffraction.AxisEnergy:
		s.Meta["axis_note"] = "energy-dispersive scan: there is no single 2θ to convert to"
		return UnsupportedError("scan: converting an energy-dispersive scan to 2θ")
	case diffraction.AxisTOF:
		s.Meta["axis_note"] = "time-of-flight scan: there is no single 2θ to convert to"
		return UnsupportedError("scan: converting a time-of-flight scan to 2θ")
	default:
		return fmt.Errorf("scan: unknown axis %q", s.Axis)
	}
	unit := map[diffraction.Axis]string{diffraction.AxisD: "d in Å", diffraction.AxisQ: "q in Å⁻¹"}[s.Axis]
	if !w.Known() {
		s.Meta["axis_note"] = "the abscissa is " + unit + ", not converted to 2θ: the wavelength is unknown"
		return ErrNoWavelength
	}
	lambda := w.Ka1
	n := len(s.TwoTheta)
	x := make([]float64, n)
	for i, v := range s.TwoTheta {
		var sin float64 // sin θ
		switch s.Axis {
		case diffraction.AxisD:
			sin = lambda / (2 * v)
		case diffraction.AxisQ:
			sin = v * lambda / (4 * math.Pi)
		}
		if !(sin >= 0 && sin < 1) || math.IsNaN(sin) {
			return fmt.Errorf("scan: point %d: %s = %g is out of reach of λ = %g Å (sin θ = %g)", i+1, s.Axis, v, lambda, sin)
		}
		x[i] = 360 / math.Pi * math.Asin(sin)
	}
	from := s.Axis
	s.TwoTheta = x
	s.Axis = diffraction.AxisTwoTheta
	if n > 1 && x[0] > x[n-1] {
		reverseScan(s)
	}
	if !s.Wavelength.Known() {
		s.Wavelength = w
	}
	delete(s.Meta, "axis_note")
	s.Meta["axis_converted"] = fmt.Sprintf("from %s to 2θ with λ = %s Å", from, fmtNum(lambda))
	return nil
}
