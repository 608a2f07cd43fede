package analysis

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

func TestResolveWavelength(t *testing.T) {
	mo, _ := diffraction.AnodeWavelength("Mo")
	fileW := diffraction.Wavelength{Ka1: 1.7889961, Source: diffraction.FromFile}
	cases := []struct {
		name           string
		file, override diffraction.Wavelength
		wantKa1        float64
		wantSource     diffraction.WavelengthSource
	}{
		{"file only", fileW, diffraction.Wavelength{}, 1.7889961, diffraction.FromFile},
		{"flag wins", fileW, mo, mo.Ka1, diffraction.FromFlag},
		{"nothing: Cu assumed", diffraction.Wavelength{}, diffraction.Wavelength{}, diffraction.CuKa.Ka1, diffraction.Assumed},
	}
	for _, c := range cases {
		s := &diffraction.Scan{Wavelength: c.file}
		ResolveWavelength(s, c.override)
		if s.Wavelength.Ka1 != c.wantKa1 || s.Wavelength.Source != c.wantSource {
			t.Errorf("%s: got %v, want %g from %q", c.name, s.Wavelength, c.wantKa1, c.wantSource)
		}
	}
}

// TestDemo checks the closed loop: the demo is simulated from the
// database's own quartz, calcite and corundum at 50, 30 and 20 % by
// weight; the pipeline must find the three and their weights back. The
// ±6 % tolerance allows for the peak search's areas (integrated over
// ±1.5 FWHM, which misses a share of each pseudo-Voigt's tails) and for
// overlapping lines.
func TestDemo(t *testing.T) {
	p := testPipeline(DefaultOptions())
	a, err := p.Demo(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"Quartz": 50, "Calcite": 30, "Corundum": 20}
	got := map[string]float64{}
	for _, c := range a.Match.Phases {
		got[c.Phase.Mineral] = c.WeightPercent
	}
	if len(got) != len(want) {
		t.Fatalf("identified %v, want %v", got, want)
	}
	for m, w := range want {
		if math.Abs(got[m]-w) > 6 {
			t.Errorf("%s: %.1f wt %%, want %g ± 6", m, got[m], w)
		}
	}
	// The demo is the same every time (fixed seed).
	db, _ := p.Store.Bundled()
	b, _ := DemoScan(db)
	for i := range b.Intensity {
		if b.Intensity[i] != a.Scan.Intensity[i] {
			t.Fatalf("demo differs between runs at point %d", i)
		}
	}
}

func TestOpenErrorsNameTheFile(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.xy")
	os.WriteFile(empty, nil, 0o644)
	words := filepath.Join(dir, "words.txt")
	os.WriteFile(words, []byte("hello\nworld\n"), 0o644)
	for _, p := range []string{filepath.Join(dir, "missing.xy"), empty, words} {
		_, err := testPipeline(DefaultOptions()).Open(context.Background(), p, nil)
		if err == nil {
			t.Errorf("%s: no error", p)
			continue
		}
		if !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("%s: error %q does not name the file", p, err)
		}
	}
}
