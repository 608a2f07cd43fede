package crystal

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// readCalibrant reads a pyFAI .D list: d (Å) per line, "# (h, k, l) m"
// after it. It returns the d values and the cubic a implied by the first
// line, a = d·sqrt(h²+k²+l²) (the header rounds a to 4 decimals).
func readCalibrant(t *testing.T, path string) ([]float64, float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("pyFAI calibrant list not found at %s (only present in the Bragg workspace): %v", path, err)
	}
	var ds []float64
	a := 0.0
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		num, comment, _ := strings.Cut(line, "#")
		d, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil {
			t.Fatalf("%s: %q", path, line)
		}
		if a == 0 {
			hkl := strings.FieldsFunc(comment, func(r rune) bool { return r == '(' || r == ')' || r == ',' || r == ' ' })
			var s2 float64
			for _, v := range hkl[:3] {
				x, _ := strconv.Atoi(v)
				s2 += float64(x * x)
			}
			a = d * math.Sqrt(s2)
		}
		ds = append(ds, d)
	}
	return ds, a
}

// TestCertifiedDSpacings compares the d-spacings of the simulated lines of
// three NIST standards with the certified lists shipped by pyFAI, down to
// d = 0.8 Å: LaB6 (SRM 660c, a = 4.156826 Å; COD 1000055, which lists no
// operators: Pm-3m is built from the symbol), Si (SRM 640, a = 5.430880 Å)
// and CeO2 (SRM 674b, a = 5.411651 Å). The cells are set to the certified
// a: every certified d must be one of our lines within 1e-4 Å and every
// line of ours one of theirs. The lists omit reflections with F = 0 (Si 200,
// 222; for LaB6 none), so the check includes the extinctions.
func TestCertifiedDSpacings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cif, list string
	}{
		{"cif/cod-tools_tests/inorganic/1000055.cif", "LaB6_SRM660c.D"},
		{"cif/pyobjcryst_testdata/Si.cif", "Si_SRM640.D"},
		{"cif/pyobjcryst_testdata/CeO2.cif", "CeO2.D"},
	} {
		t.Run(tc.list, func(t *testing.T) {
			t.Parallel()
			ref, a := readCalibrant(t, filepath.Join(sharedDir, "reference", "pyfai_calibrants", tc.list))
			s := &parseFile(t, filepath.Join(sharedDir, tc.cif))[0]
			s.Cell.A, s.Cell.B, s.Cell.C = a, a, a
			// 2θmax at Cu Kα1 for d = 0.8 Å: 2·asin(λ/1.6).
			tth := 2 * math.Asin(cuKa1/(2*0.8)) * 180 / math.Pi
			refl, err := Pattern(s, cuKa1, 1, tth, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var ours []float64
			for _, r := range refl {
				if len(ours) == 0 || math.Abs(ours[len(ours)-1]-r.D) > 1e-9 {
					ours = append(ours, r.D)
				}
			}
			sort.Float64s(ours)
			near := func(list []float64, d float64) float64 {
				best := math.Inf(1)
				for _, x := range list {
					best = min(best, math.Abs(x-d))
				}
				return best
			}
			n, worst := 0, 0.0
			for _, d := range ref {
				if d < 0.8 {
					continue
				}
				n++
				dd := near(ours, d)
				worst = max(worst, dd)
				if dd > 1e-4 {
					t.Errorf("certified d = %.6f Å: nearest line of ours %.2e Å away", d, dd)
				}
			}
			for _, d := range ours {
				if near(ref, d) > 1e-4 {
					t.Errorf("our line d = %.6f Å is not certified", d)
				}
			}
			t.Logf("%s: %d certified lines with d ≥ 0.8 Å, %d of ours, worst |Δd| = %.1e Å (a = %.6f Å; symmetry: %s)",
				tc.list, n, len(ours), worst, a, s.SymmetrySource())
		})
	}
}
