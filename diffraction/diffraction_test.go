package diffraction

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestBraggRoundTrip(t *testing.T) {
	// Si (111), d = a/√3 = 5.43102/√3 = 3.1356 Å (SRM 640), here rounded to
	// 3.1355 Å: with Cu Kα1 (λ = 1.5405929 Å), 2θ = 2·asin(λ/2d) = 28.4428°.
	const d, lam = 3.1355, 1.5405929
	tt, ok := TwoTheta(d, lam)
	if !ok || math.Abs(tt-28.4428) > 1e-4 {
		t.Errorf("TwoTheta(%g, %g) = %g, %v; want 28.4428", d, lam, tt, ok)
	}
	if back := D(tt, lam); math.Abs(back-d) > 1e-12 {
		t.Errorf("D(TwoTheta(d)) = %.15g, want %g", back, d)
	}
	// Q = 2π/d = 2.00388 Å⁻¹, whatever the wavelength that saw the line.
	if q := Q(tt, lam); math.Abs(q-2*math.Pi/d) > 1e-12 {
		t.Errorf("Q(%g°, %g) = %.15g, want 2π/d = %.15g", tt, lam, q, 2*math.Pi/d)
	}
	// λ/2d > 1: out of reach.
	if _, ok := TwoTheta(0.5, lam); ok {
		t.Error("TwoTheta(0.5 Å, Cu) should be out of reach")
	}
}

func TestParseWavelength(t *testing.T) {
	cases := []struct {
		in      string
		ka1     float64
		doublet bool
	}{
		{"CuKa", 1.5405929, true},
		{"cuka1", 1.5405929, false},
		{"Cu Kα", 1.5405929, true},
		{"MoKa", 0.709317, true},
		{"CoKa2", 1.79285, false},
		{"CuKb", 1.392246, false},
		{"1.5406", 1.5406, false},
	}
	for _, c := range cases {
		w, err := ParseWavelength(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if w.Ka1 != c.ka1 || (w.Ka2 > 0) != c.doublet {
			t.Errorf("%q: got %+v, want Ka1 %g doublet %v", c.in, w, c.ka1, c.doublet)
		}
	}
	// Metres, unknown anodes, a bare anode without a line, and nonsense
	// are refused, not guessed.
	for _, bad := range []string{"0.154e-9", "XxKa", "", "Cu", "-1", "12"} {
		if w, err := ParseWavelength(bad); err == nil {
			t.Errorf("%q: accepted as %+v", bad, w)
		}
	}
}

func TestScanValidate(t *testing.T) {
	good := &Scan{TwoTheta: []float64{10, 10.02, 10.04}, Intensity: []float64{1, 2, 3}}
	if err := good.Validate(); err != nil {
		t.Errorf("valid scan: %v", err)
	}
	if s := good.Step(); math.Abs(s-0.02) > 1e-12 {
		t.Errorf("Step = %g, want 0.02", s)
	}
	bad := []*Scan{
		{TwoTheta: []float64{10}, Intensity: []float64{1}},
		{TwoTheta: []float64{10, 11}, Intensity: []float64{1}},
		{TwoTheta: []float64{10, 10}, Intensity: []float64{1, 2}},
		{TwoTheta: []float64{10, 11}, Intensity: []float64{1, math.NaN()}},
		{TwoTheta: []float64{-1, 11}, Intensity: []float64{1, 2}},
	}
	for i, s := range bad {
		if err := s.Validate(); err == nil {
			t.Errorf("bad scan %d accepted", i)
		}
	}
}

func ExampleD() {
	// The NaCl (200) reflection at 31.69° 2θ with Cu Kα1.
	fmt.Printf("%.4f Å\n", D(31.69, CuKa.Ka1))
	// Output: 2.8212 Å
}

func TestIntensityAt(t *testing.T) {
	s := &Scan{TwoTheta: []float64{10, 10.02, 10.04}, Intensity: []float64{100, 200, 150}}
	for _, c := range []struct{ x, want float64 }{
		{9, 100},        // before the first point: the first
		{10, 100},       // on a point
		{10.01, 150},    // half way from 100 to 200
		{10.035, 162.5}, // three quarters from 200 to 150
		{10.04, 150},
		{11, 150}, // after the last point: the last
	} {
		if got := s.IntensityAt(c.x); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("IntensityAt(%g) = %g, want %g", c.x, got, c.want)
		}
	}
}

func TestWavelengthCheck(t *testing.T) {
	cu := CuKa
	for _, c := range []struct {
		name string
		w    Wavelength
		want string // "" for no error
	}{
		{"unknown", Wavelength{}, ""},
		{"Cu Kα", cu, ""},
		{"nm for Å", Wavelength{Ka1: 154}, "154 Å is outside 0.01–10 Å"},
		{"negative", Wavelength{Ka1: -1.5}, "outside"},
		{"NaN", Wavelength{Ka1: math.NaN()}, "NaN Å is outside"},
		{"Kα2 in nm", Wavelength{Ka1: 1.54, Ka2: 154.4, Ratio: 0.5}, "Kα2: 154.4 Å"},
		{"ratio above 1", Wavelength{Ka1: 1.54, Ka2: 1.544, Ratio: 2}, "I(Kα2)/I(Kα1) = 2 is outside 0–1"},
		{"ratio without Kα2", Wavelength{Ka1: 1.54, Ratio: 0.5}, "without a Kα2"},
	} {
		err := c.w.Check()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want one saying %q", c.name, err, c.want)
		}
	}
}
