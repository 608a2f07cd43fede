package peaks

import (
	"math"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// TestFitCaglioti recovers U, V, W from peaks whose widths follow a known
// Caglioti curve (those of analysis.DemoScan: 0.004, −0.002, 0.003 deg²)
// at the LaB6 angles of Cu Kα (21–100° 2θ), exactly since the model is
// linear in them.
func TestFitCaglioti(t *testing.T) {
	want := Caglioti{U: 0.004, V: -0.002, W: 0.003}
	var pk []diffraction.Peak
	for _, tt := range []float64{21.36, 30.38, 37.44, 43.51, 48.96, 53.99, 63.22, 67.55, 71.74, 75.85, 79.87, 87.71} {
		pk = append(pk, diffraction.Peak{TwoTheta: tt, FWHM: want.FWHM(tt), RelIntensity: 50})
	}
	got, err := FitCaglioti(pk, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got.U-want.U) > 1e-9 || math.Abs(got.V-want.V) > 1e-9 || math.Abs(got.W-want.W) > 1e-9 {
		t.Errorf("got %+v, want %+v", got, want)
	}
	// Three peaks are not enough, nor are weak ones.
	if _, err := FitCaglioti(pk[:3], 2); err == nil {
		t.Error("3 peaks accepted")
	}
	if _, err := FitCaglioti(pk, 60); err == nil {
		t.Error("peaks below the intensity threshold were used")
	}
}
