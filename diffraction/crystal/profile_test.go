package crystal

import (
	"math"
	"testing"
)

func TestProfileArea(t *testing.T) {
	t.Parallel()
	// One line of intensity 100 at 40°: the integral of the profile over
	// ±10° (≥ 50 FWHM for these widths, H ≤ 0.19°) is 100 up to the Lorentzian tail
	// outside ±50 FWHM, 2/π·atan(1/100)·η ≤ 0.64 %·η of the area.
	line := []Reflection{{TwoTheta: 40, D: cuKa1 / (2 * math.Sin(20*math.Pi/180)), Intensity: 100}}
	step := 0.0005
	var x []float64
	for v := 30.0; v <= 50; v += step {
		x = append(x, v)
	}
	for _, tc := range []struct {
		name string
		opt  ProfileOptions
	}{
		{"gauss", ProfileOptions{W: 0.01}},
		{"pv", DefaultProfile},
		{"size", ProfileOptions{W: 0.003, Size: 500}},
	} {
		y := Profile(line, x, tc.opt)
		var area, peak float64
		for _, v := range y {
			area += v * step
			peak = max(peak, v)
		}
		h, eta := tc.opt.fwhmEta(line[0])
		if math.Abs(area-100) > 100*(0.0064*eta+1e-3) {
			t.Errorf("%s: area %.4f, want 100 (H = %.4f°, η = %.3f)", tc.name, area, h, eta)
		}
		// Half maximum at ±H/2 within the sampling step.
		half := Profile(line, []float64{40 + h/2}, tc.opt)[0]
		if math.Abs(half/peak-0.5) > 0.01 {
			t.Errorf("%s: I(H/2)/I(0) = %.4f, want 0.5", tc.name, half/peak)
		}
	}
	// Scherrer: a 500 Å crystallite at 40° with λ = 1.5406 Å has a
	// Lorentzian FWHM 0.9·λ/(L cos20°)·180/π = 0.1690°; with no
	// instrumental width the profile is that Lorentzian (η = 1).
	h, eta := ProfileOptions{Size: 500}.fwhmEta(line[0])
	if math.Abs(h-0.9*cuKa1/(500*math.Cos(20*math.Pi/180))*180/math.Pi) > 1e-9 || math.Abs(eta-1) > 1e-4 {
		t.Errorf("Scherrer: H = %.6f°, η = %.5f", h, eta)
	}
}
