package analysis

import (
	"math"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

func TestPeakColumns(t *testing.T) {
	p := diffraction.Peak{TwoTheta: 26.6392, D: 3.34351, Height: 5120.4, Area: 512.34, FWHM: 0.0821, RelIntensity: 100}
	var head, cells []string
	for _, c := range PeakColumns {
		head = append(head, c.Header("counts"))
		cells = append(cells, c.Format(p))
	}
	if got := strings.Join(head, "|"); got != "2θ (°)|d (Å)|Height (counts)|Area (counts·°)|FWHM (°)|I rel (%)" {
		t.Errorf("headers %s", got)
	}
	head = head[:0]
	for _, c := range PeakColumns {
		head = append(head, c.Header(""))
	}
	if got := strings.Join(head, "|"); got != "2θ (°)|d (Å)|Height|Area|FWHM (°)|I rel (%)" {
		t.Errorf("headers without an intensity unit: %s", got)
	}
	if got := strings.Join(cells, "|"); got != "26.639|3.3435|5120|512.3|0.082|100.0" {
		t.Errorf("cells %s", got)
	}
}

// PlusMinus rounds to the uncertainty's first significant digit (two when
// it is 1), never below minDecimals, and never writes "± 0".
func TestPlusMinus(t *testing.T) {
	for _, c := range []struct {
		v, esd float64
		min    int
		want   string
	}{
		{54.04, 0.3, 0, "54.0 ± 0.3"}, // was "54 ± 0"
		{85.2, 6, 0, "85 ± 6"},        // one digit
		{63.712, 0.04, 1, "63.71 ± 0.04"},
		{36.31, 0.1, 1, "36.31 ± 0.10"}, // first digit 1: two
		{88.8, 2, 1, "88.8 ± 2.0"},      // minDecimals
		{100, 0, 1, "100.0"},            // no uncertainty
		{12, math.Inf(1), 0, "12"},
	} {
		if got := PlusMinus(c.v, c.esd, c.min); got != c.want {
			t.Errorf("PlusMinus(%g, %g, %d) = %q, want %q", c.v, c.esd, c.min, got, c.want)
		}
	}
}

// WithESD writes the uncertainty in units of the value's last digit, by
// the same rule as PlusMinus.
func TestWithESD(t *testing.T) {
	for _, c := range []struct {
		v, esd float64
		digits int
		want   string
	}{
		{9.51401, 0.0014, 4, "9.5140(14)"}, // first digit 1: two
		{3.78521, 0.0002, 4, "3.7852(2)"},
		{4.9134, 0, 4, "4.9134"}, // no uncertainty: digits decimals
		{0.95, math.Inf(1), 3, "0.950"},
	} {
		if got := WithESD(c.v, c.esd, c.digits); got != c.want {
			t.Errorf("WithESD(%g, %g, %d) = %q, want %q", c.v, c.esd, c.digits, got, c.want)
		}
	}
}
