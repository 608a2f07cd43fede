package peaks

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// scansDir is the shared directory of real scans, relative to this package.
const scansDir = "../../../shared/data/scans"

// readXY reads a two-column whitespace-separated text file (2θ, intensity),
// skipping blank lines and lines that do not start with two numbers. It is
// deliberately tiny: the real readers live in package scan.
func readXY(t *testing.T, path string) *diffraction.Scan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &diffraction.Scan{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 {
			continue
		}
		x, err1 := strconv.ParseFloat(fs[0], 64)
		y, err2 := strconv.ParseFloat(fs[1], 64)
		if err1 != nil || err2 != nil {
			continue
		}
		s.TwoTheta = append(s.TwoTheta, x)
		s.Intensity = append(s.Intensity, y)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return s
}

// openShared returns the path of a shared scan, skipping the test when the
// shared data are not checked out next to the repository.
func openShared(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join(scansDir, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared scan %s not available (%v); skipping real-data test", p, err)
	}
	return p
}

// TestNaCl searches fityk's NaCl sample (nacl01.dat, Debian fityk
// samples). The file's abscissa runs from 19.9 to 52.4 but is not 2θ for
// Cu Kα: at Cu Kα halite would show 111, 200 and 220 at 27.37°, 31.69° and
// 45.45°, and the file has nothing there; its peaks sit at x ≈ C/d with one
// constant C ≈ 69.7 for all six halite reflections in range (x·d agrees to
// 0.1 %, which 2θ of any single wavelength cannot do over this range: for
// 2θ, sinθ·d would be constant instead). The scan is probably energy-
// dispersive (x in keV, E·d = 6.199/sinθ, i.e. 2θ ≈ 10.2°). So the test
// fits C to the peaks found and checks that the six halite reflections
// that fall in range are all found, at C/d within 0.05 (the tolerance the
// brief set for 2θ, here in the file's own unit), and are the six
// strongest.
func TestNaCl(t *testing.T) {
	t.Parallel()
	s := readXY(t, openShared(t, "xy/fityk_samples/nacl01.dat"))
	r, err := Find(s, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	checkFinite(t, r)
	// Halite, a = 5.6402 Å: d = a/√(h²+k²+l²).
	const a = 5.6402
	refl := []struct {
		hkl string
		d   float64
	}{{"111", a / math.Sqrt(3)}, {"200", a / 2}, {"220", a / math.Sqrt(8)}, {"311", a / math.Sqrt(11)},
		{"222", a / math.Sqrt(12)}, {"400", a / 4}, {"331", a / math.Sqrt(19)}, {"420", a / math.Sqrt(20)}, {"422", a / math.Sqrt(24)}}
	// C from the strongest peak (200), then refined over all matches.
	var strongest diffraction.Peak
	for _, p := range r.Peaks {
		if p.Height > strongest.Height {
			strongest = p
		}
	}
	c := strongest.TwoTheta * refl[1].d
	lo, hi := s.TwoTheta[0], s.TwoTheta[s.Len()-1]
	nearest := func(x float64) (diffraction.Peak, float64) {
		best, dist := diffraction.Peak{}, math.Inf(1)
		for _, p := range r.Peaks {
			if d := math.Abs(p.TwoTheta - x); d < dist {
				best, dist = p, d
			}
		}
		return best, dist
	}
	for pass := range 2 {
		var sum, n float64
		for _, f := range refl {
			x := c / f.d
			if x < lo || x > hi {
				continue
			}
			p, dist := nearest(x)
			if pass == 1 {
				t.Logf("%s d=%.4f Å: expected x=%.3f, found %.4f (Δ=%+.4f) height %.0f FWHM %.3f rel %.2f", f.hkl, f.d, x, p.TwoTheta, p.TwoTheta-x, p.Height, p.FWHM, p.RelIntensity)
				if dist > 0.05 {
					t.Errorf("%s: no peak within 0.05 of %.3f (nearest %.4f)", f.hkl, x, p.TwoTheta)
				}
			}
			sum += p.TwoTheta * f.d
			n++
		}
		if n != 6 {
			t.Fatalf("%g halite reflections in range, want 6 (111 to 400)", n)
		}
		c = sum / n
	}
	t.Logf("C = %.3f (x·d); all peaks:", c)
	// Every other peak is weaker than the weakest halite line (311, 0.34 %).
	for _, p := range r.Peaks {
		halite := false
		for _, f := range refl {
			halite = halite || math.Abs(p.TwoTheta-c/f.d) < 0.05
		}
		t.Logf("  %8.4f height %8.1f FWHM %.4f area %8.1f rel %6.2f halite %v", p.TwoTheta, p.Height, p.FWHM, p.Area, p.RelIntensity, halite)
		if !halite && p.RelIntensity > 0.3 {
			t.Errorf("unexpected peak at %.4f, %.2f %% of the strongest", p.TwoTheta, p.RelIntensity)
		}
	}
}
