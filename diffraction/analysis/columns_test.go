package analysis

import (
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
