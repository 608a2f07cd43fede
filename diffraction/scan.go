package diffraction

import (
	"fmt"
	"math"
	"sort"
)

// Axis names what a scan's abscissa holds.
type Axis string

// The abscissae Bragg knows. Every analysis works on 2θ; a reader keeps a
// file's d, q, energy or time-of-flight axis when it cannot convert it (no
// wavelength; no single diffraction angle for energy-dispersive and
// time-of-flight scans), and says so.
const (
	AxisTwoTheta Axis = ""       // 2θ in degrees (the zero value)
	AxisD        Axis = "d"      // d-spacing in Å
	AxisQ        Axis = "q"      // scattering vector 4π sinθ/λ in Å⁻¹
	AxisEnergy   Axis = "energy" // photon energy in keV (energy-dispersive)
	AxisTOF      Axis = "tof"    // neutron time of flight in µs
)

// Scan is one measured powder pattern: intensity against the diffraction
// angle 2θ in degrees, strictly increasing.
type Scan struct {
	// Axis is AxisTwoTheta for every scan the analysis can use; otherwise
	// TwoTheta holds the values of that axis, still strictly increasing.
	Axis      Axis
	TwoTheta  []float64 // degrees, strictly increasing
	Intensity []float64 // counts, or counts per second when Meta["units"] says so
	ESD       []float64 // standard uncertainties of Intensity; nil when the file has none

	Wavelength Wavelength // Known() is false when the file does not say
	// Meta holds what the file's header says, under well-known keys where
	// they apply: "sample", "date", "instrument", "axis", "units",
	// "counting_time", "comment"; other keys are the file's own.
	Meta map[string]string
}

// Len returns the number of points.
func (s *Scan) Len() int { return len(s.TwoTheta) }

// Step returns the median 2θ step, 0 for fewer than two points.
func (s *Scan) Step() float64 {
	n := len(s.TwoTheta)
	if n < 2 {
		return 0
	}
	d := make([]float64, n-1)
	for i := range d {
		d[i] = s.TwoTheta[i+1] - s.TwoTheta[i]
	}
	sort.Float64s(d)
	return d[len(d)/2]
}

// IntensityAt interpolates the intensity linearly at abscissa x; outside
// the scan it is the first or last point's. The scan must have a point.
func (s *Scan) IntensityAt(x float64) float64 {
	t := s.TwoTheta
	i := sort.SearchFloat64s(t, x)
	switch {
	case i <= 0:
		return s.Intensity[0]
	case i >= len(t):
		return s.Intensity[len(t)-1]
	}
	f := (x - t[i-1]) / (t[i] - t[i-1])
	return s.Intensity[i-1] + f*(s.Intensity[i]-s.Intensity[i-1])
}

// Units returns the unit of the intensities: Meta["units"], else "counts".
func (s *Scan) Units() string {
	if u := s.Meta["units"]; u != "" {
		return u
	}
	return "counts"
}

// Validate checks what every consumer of a Scan relies on: at least two
// points, equal lengths, finite values, the abscissa strictly increasing
// and, for 2θ, within [0°, 180°) (a first point at 0° is a measurement of
// the direct beam). The error names the first offending point (1-based).
func (s *Scan) Validate() error {
	n := len(s.TwoTheta)
	if n != len(s.Intensity) || (s.ESD != nil && len(s.ESD) != n) {
		return fmt.Errorf("scan: %d angles but %d intensities and %d esds", n, len(s.Intensity), len(s.ESD))
	}
	if n < 2 {
		return fmt.Errorf("scan: %d data points; at least 2 are needed", n)
	}
	for i := range n {
		x, y := s.TwoTheta[i], s.Intensity[i]
		if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("scan: point %d: not a finite number (2θ=%g, I=%g)", i+1, x, y)
		}
		if s.Axis == AxisTwoTheta && (x < 0 || x >= 180) {
			return fmt.Errorf("scan: point %d: 2θ=%g° is outside [0°, 180°)", i+1, x)
		}
		if i > 0 && x <= s.TwoTheta[i-1] {
			return fmt.Errorf("scan: point %d: 2θ=%g° does not increase (previous %g°)", i+1, x, s.TwoTheta[i-1])
		}
	}
	return nil
}

// Peak is one diffraction peak found in a scan.
type Peak struct {
	TwoTheta     float64 `json:"two_theta"`     // position, degrees
	D            float64 `json:"d"`             // d-spacing in Å (Bragg's law with the Kα1 wavelength)
	Height       float64 `json:"height"`        // above background, in the scan's intensity units
	Area         float64 `json:"area"`          // net integrated intensity, intensity × degrees
	FWHM         float64 `json:"fwhm"`          // full width at half maximum, degrees
	RelIntensity float64 `json:"rel_intensity"` // height relative to the strongest peak, 0–100
}
