package refine

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// An instrument saved and loaded is the same; damaged files give an error
// that names the file and the problem.
func TestInstrumentFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "d8.json")
	in := DefaultInstrument(diffraction.CuKa)
	in.Monochromator, in.Zero, in.VariableSlit = 26.6, -0.012, true
	if err := SaveInstrument(path, in); err != nil {
		t.Fatal(err)
	}
	got, err := LoadInstrument(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != in {
		t.Errorf("loaded %+v, saved %+v", got, in)
	}
	good, _ := os.ReadFile(path)
	for _, c := range []struct{ name, text, want string }{
		{"syntax", `{"format": "bragg-instrument",`, "JSON"},
		{"type", strings.Replace(string(good), `"radius": 240`, `"radius": "240"`, 1), "radius"},
		{"format", strings.Replace(string(good), "bragg-instrument", "other", 1), "format"},
		{"version", strings.Replace(string(good), `"version": 1`, `"version": 9`, 1), "version 9"},
		{"unknown", strings.Replace(string(good), `"zero"`, `"zeroo"`, 1), "zeroo"},
		{"value", strings.Replace(string(good), `"radius": 240`, `"radius": -240`, 1), "radius"},
		{"wavelength", strings.Replace(string(good), `"ka1": 1.5405929`, `"ka1": 0`, 1), "wavelength"},
		{"trailing", string(good) + "{}", "after"},
	} {
		p := filepath.Join(dir, c.name+".json")
		if err := os.WriteFile(p, []byte(c.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadInstrument(p)
		if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming %s and %q", c.name, err, p, c.want)
		}
	}
	if _, err := LoadInstrument(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("a missing file loaded")
	}
	bad := in
	bad.SL = 1
	if err := SaveInstrument(filepath.Join(dir, "bad.json"), bad); err == nil {
		t.Error("an impossible instrument was saved")
	}
}

// FitInstrument on a silicon standard simulated with a known instrument
// (widths of a medium-resolution laboratory instrument, asymmetry S/L =
// H/L = 0.025, zero shift −0.02°, no specimen displacement) and started
// from the default instrument: the FWHM it gives over 20–130° within 2 %
// of the truth (U, V, W, X, Y are correlated among themselves, the FWHM
// curve is what they determine), the asymmetry within 10 % and the zero
// shift within 4 esd. The model is its own simulation here (crystal has
// no asymmetric profile to simulate with): the test checks that the
// refinement finds the instrument, not the model.
func TestFitInstrument(t *testing.T) {
	truth := DefaultInstrument(diffraction.CuKa)
	truth.U, truth.V, truth.W = 0.008, -0.004, 0.004
	truth.X, truth.Y = 0.02, 0.01
	truth.SL, truth.HL = 0.025, 0.025
	truth.Zero = -0.02
	scan := grid(20, 130, 0.015)
	std, err := NewPhase("si", loadCIF(t, "si.cif"), truth, 20, 130)
	if err != nil {
		t.Fatal(err)
	}
	modelScan(t, scan, truth, []*Phase{std}, 0, 0, 3)
	got, res, err := FitInstrument(context.Background(), scan, std, Options{Instrument: DefaultInstrument(diffraction.CuKa)})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range res.Log {
		t.Log(l)
	}
	t.Logf("fitted %+v; GoF %.3f", got, res.GoF)
	fwhm := func(in Instrument, tt float64) float64 {
		th := tt * math.Pi / 360
		tn := math.Tan(th)
		return newTCH(math.Sqrt(in.U*tn*tn+in.V*tn+in.W), in.X*tn+in.Y/math.Cos(th)).fwhm
	}
	for tt := 20.0; tt <= 130; tt += 10 {
		if w, g := fwhm(truth, tt), fwhm(got, tt); math.Abs(g-w) > 0.02*w {
			t.Errorf("2θ=%g: FWHM %.4f°, true %.4f°", tt, g, w)
		}
	}
	if a := got.SL + got.HL; math.Abs(a-0.05) > 0.005 {
		t.Errorf("asymmetry (S+H)/L %.4f, true 0.05", a)
	}
	if math.Abs(got.Zero-truth.Zero) > 4*res.ZeroESD {
		t.Errorf("zero %.4f ± %.4f°, true %g", got.Zero, res.ZeroESD, truth.Zero)
	}
	if !strings.Contains(got.Source, "si") || res.GoF > 1.3 {
		t.Errorf("source %q, GoF %.3f", got.Source, res.GoF)
	}
}

// A scan file that gives Kα2 but not its ratio (Bruker RAW v1 stores the
// two wavelengths only) gets the default instrument with Kα1 alone, as
// Wavelength.Mean treats it, not an instrument Check refuses.
func TestDefaultInstrumentKa2WithoutRatio(t *testing.T) {
	w := diffraction.CuKa
	w.Ratio = 0
	in := DefaultInstrument(w)
	if err := in.Check(); err != nil {
		t.Fatal(err)
	}
	if in.Wavelength.Ka2 != 0 || in.Wavelength.Ka1 != w.Ka1 {
		t.Errorf("wavelength %v, want Kα1 %g alone", in.Wavelength, w.Ka1)
	}
	if in := DefaultInstrument(diffraction.CuKa); in.Wavelength != diffraction.CuKa {
		t.Errorf("a stated ratio is kept: %v", in.Wavelength)
	}
}
