package crystal

import (
	"math"
	"testing"
)

// The linear attenuation coefficient by photoabsorption of corundum and
// halite at Cu Kα1 against xrayutilities 1.7 (Debian python3-xrayutilities:
// 1e4/Material.absorption_length(8047.8 eV), from its f″ tables of Henke
// and Chantler): 122.8 and 162.0 cm⁻¹. Sasaki's f″ and theirs differ by a
// per cent or two, so the values must agree within 3 %.
func TestLinearAbsorption(t *testing.T) {
	cases := []struct {
		file string
		peer float64
	}{
		{"corundum.cif", 122.8},
		{"nacl.cif", 162.0},
	}
	for _, c := range cases {
		s := readTestCIF(t, c.file)
		mu, err := LinearAbsorption(s, 1.5405929)
		if err != nil {
			t.Fatal(err)
		}
		if r := mu / c.peer; !(math.Abs(r-1) < 0.03) {
			t.Errorf("%s: μ = %.1f cm⁻¹, xrayutilities %.1f", c.file, mu, c.peer)
		}
	}
	if _, err := LinearAbsorption(readTestCIF(t, "nacl.cif"), 1.0); err == nil {
		t.Error("a wavelength with no f″ table gave no error")
	}
}
