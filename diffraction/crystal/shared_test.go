package crystal

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// simulateFile parses a CIF and simulates its first structure at Cu Kα1,
// 5–90°, the settings of the shared-corpus checks.
func simulateFile(path string, opt Options) ([]Reflection, *Structure, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	ss, err := ParseCIF(fh, path)
	if err != nil {
		return nil, nil, err
	}
	s := &ss[0]
	r, err := Pattern(s, cuKa1, 5, 90, opt)
	return r, s, err
}

// corpusRun parses and simulates every shared CIF on GOMAXPROCS workers and
// returns the failures by file.
func corpusRun(paths []string) map[string]error {
	var mu sync.Mutex
	fails := map[string]error{}
	work := make(chan string)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if _, _, err := simulateFile(p, Options{}); err != nil {
					mu.Lock()
					fails[p] = err
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	return fails
}

// TestSharedCorpus: every CIF of the shared collection either simulates
// (Cu Kα1, 5–90°) or fails with an error that names the file. The time is
// logged; BenchmarkSharedCorpus measures it (target: ≤ 2 s on 2 cores).
func TestSharedCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	paths := sharedCIFs(t)
	start := time.Now()
	fails := corpusRun(paths)
	el := time.Since(start)
	keys := make([]string, 0, len(fails))
	for p := range fails {
		keys = append(keys, p)
	}
	sort.Strings(keys)
	for _, p := range keys {
		msg := fails[p].Error()
		if !strings.Contains(msg, filepath.Base(p)) && !strings.HasPrefix(msg, "crystal: ") {
			t.Errorf("%s: error without the file or package: %v", p, fails[p])
		}
		t.Logf("fails: %v", fails[p])
	}
	t.Logf("%d CIFs: %d simulated, %d failed with a reason, in %v on %d threads",
		len(paths), len(paths)-len(fails), len(fails), el, runtime.GOMAXPROCS(0))
}

func BenchmarkSharedCorpus(b *testing.B) {
	paths := sharedCIFs(b)
	for b.Loop() {
		corpusRun(paths)
	}
}

type goldenSet struct {
	file  string
	lines []stick
}

// readPymatgenGoldens reads testdata/cod/pymatgen.tsv.gz (made by
// testdata/cod/make_goldens.py).
func readPymatgenGoldens(t *testing.T) (sets []goldenSet, failed []string) {
	f, err := os.Open(filepath.Join("testdata", "cod", "pymatgen.tsv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "! "):
			failed = append(failed, line[2:])
		case strings.HasPrefix(line, "@ "):
			sets = append(sets, goldenSet{file: line[2:]})
		default:
			c := strings.Split(line, "\t")
			tt, err1 := strconv.ParseFloat(c[0], 64)
			in, err2 := strconv.ParseFloat(c[1], 64)
			m, err3 := strconv.Atoi(c[2])
			if err1 != nil || err2 != nil || err3 != nil || len(sets) == 0 {
				t.Fatalf("pymatgen.tsv.gz: bad line %q", line)
			}
			sets[len(sets)-1].lines = append(sets[len(sets)-1].lines, stick{tt, in, m})
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sets, failed
}

// comparePeaks applies the thresholds of the project brief: every
// reference line of I ≥ 1 (0–100) has a line of ours within 0.02° (the
// nearest), |Δ2θ| ≤ 0.005°, R = Σ|ΔI|/ΣIref ≤ 0.01 over them, and no line of
// ours with I ≥ 1 lacks a reference line within 0.02° (the references keep
// lines down to 0.5, so a line near the 1 % cut is not "extra").
func comparePeaks(got, want []stick) (r, maxDtt float64, problems []string) {
	var sumRef, sumDiff float64
	near := func(list []stick, tt float64) int {
		k := sort.Search(len(list), func(i int) bool { return list[i].tt >= tt-0.02 })
		best := -1
		for ; k < len(list) && list[k].tt <= tt+0.02; k++ {
			if best < 0 || math.Abs(list[k].tt-tt) < math.Abs(list[best].tt-tt) {
				best = k
			}
		}
		return best
	}
	for _, w := range want {
		if w.i < 1 {
			continue
		}
		k := near(got, w.tt)
		if k < 0 {
			problems = append(problems, fmt.Sprintf("missing line at %.4f° (I=%.2f)", w.tt, w.i))
			continue
		}
		maxDtt = max(maxDtt, math.Abs(got[k].tt-w.tt))
		sumRef += w.i
		sumDiff += math.Abs(got[k].i - w.i)
	}
	for _, g := range got {
		if g.i >= 1 && near(want, g.tt) < 0 {
			problems = append(problems, fmt.Sprintf("extra line at %.4f° (I=%.2f)", g.tt, g.i))
		}
	}
	if sumRef > 0 {
		r = sumDiff / sumRef
	}
	return r, maxDtt, problems
}

// TestPatternSharedPymatgen compares ~300 structures of the shared
// collection with pymatgen (goldens made once, see
// testdata/cod/make_goldens.py) under the brief's thresholds.
// pymatgenDisagreements lists the structures where the two programs
// differ for a known reason.
func TestPatternSharedPymatgen(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short")
	}
	needShared(t, "cif")
	sets, pmFailed := readPymatgenGoldens(t)
	pmf := pymatgenFormFactors(t)
	var pass, known, passWK int
	var worstR, worstDtt, worstWK float64
	for _, g := range sets {
		path := filepath.Join(sharedDir, g.file)
		refl, _, err := simulateFile(path, Options{NoDisplacement: true, NeutralAtoms: true, formFactor: pmf})
		if err != nil {
			t.Errorf("%s: %v", g.file, err)
			continue
		}
		want := mergeGolden(g.lines)
		r, dtt, problems := comparePeaks(mergeSticks(refl), want)
		ok := r <= 0.01 && dtt <= 0.005 && len(problems) == 0
		// The same with Bragg's own form factors (Waasmaier–Kirfel): the
		// difference is pymatgen's fit, logged, not checked.
		if reflWK, _, err := simulateFile(path, Options{NoDisplacement: true, NeutralAtoms: true}); err == nil {
			rWK, _, pWK := comparePeaks(mergeSticks(reflWK), want)
			if ok {
				worstWK = max(worstWK, rWK)
				if rWK <= 0.01 && len(pWK) == 0 {
					passWK++
				}
			}
		}
		if why, isKnown := pymatgenDisagreements[g.file]; isKnown {
			known++
			t.Logf("%s: R=%.4f Δ2θ=%.4f %d problems (known: %s)", g.file, r, dtt, len(problems), why)
			continue
		}
		if !ok {
			t.Errorf("%s: R = %.4f, max Δ2θ = %.4f°, %v", g.file, r, dtt, problems)
			continue
		}
		pass++
		worstR, worstDtt = max(worstR, r), max(worstDtt, dtt)
	}
	t.Logf("%d structures compared with pymatgen (its form factors): %d within the thresholds (worst R = %.4f, worst Δ2θ = %.5f°), %d known disagreements; pymatgen could not read %d",
		len(sets), pass, worstR, worstDtt, known, len(pmFailed))
	t.Logf("of those %d, with Waasmaier–Kirfel form factors: %d within R ≤ 0.01 and no missing/extra lines, worst R = %.4f",
		pass, passWK, worstWK)
	if pass < 200 {
		t.Errorf("only %d structures agree, want ≥ 200", pass)
	}
}

// mergeGolden merges reference lines closer than 1e-4° as mergeSticks
// does ours (pseudo-symmetric cells give lines 5e-5° apart).
func mergeGolden(in []stick) []stick {
	var out []stick
	for _, s := range in {
		if n := len(out); n > 0 && s.tt-out[n-1].tt < 1e-4 {
			out[n-1].i += s.i
			out[n-1].m = 0
			continue
		}
		out = append(out, s)
	}
	var mx float64
	for _, s := range out {
		mx = max(mx, s.i)
	}
	for k := range out {
		out[k].i *= 100 / mx
	}
	return out
}

// pymatgenDisagreements: structures where pymatgen 2022.11.7 builds a
// different cell content from the same CIF, checked by hand.
var pymatgenDisagreements = map[string]string{
	"cif/avogadro_crystals/halides/FeCl3-Molysite.cif": "R-3 on rhombohedral axes without operators: pymatgen applies the hexagonal-axes operators (Fe18Cl18 in a Z = 2 cell); we take R-3:R from the cell",
	"cif/avogadro_crystals/zeolites/OFF.cif":           "pymatgen keeps images of a site 1e-4–1e-3 apart as separate atoms (Si18O40, not SiO2); we merge them (Si18O36)",
	"cif/avogadro_crystals/zeolites/SAT.cif":           "as OFF.cif: pymatgen gives Si72O174, we Si72O144",
	"cif/avogadro_crystals/zeolites/TOL.cif":           "as OFF.cif: pymatgen gives Si72O150, we Si72O144",
	"cif/cod-tools_tests/inorganic/4000911.cif":        "test input with z coordinates such as 1.38(13) and occupancies 0.99998: pymatgen merges differently (Cs2Mn2P2O38 against our 32 atoms)",
	"cif/cod-tools_tests/inorganic/9001907.cif":        "cell (β = 89.98°, γ = 120.01°) inconsistent with the listed P63/mmc operators: pymatgen splits lines by the metric, we keep symmetry-equivalent hkl together",
	"cif/cod-tools_tests/inorganic/4117533.cif":        "pseudo-hexagonal P1 cell: lines 1e-4–6e-4° apart, which the 1e-4° merging of both lists groups differently (R = 0.049)",
	"cif/gdis_models/burk2.cif":                        "symbol-only disordered model (C1/S1 sharing a site, fractional O): pymatgen builds Na6S2.85O10 without the C, we Na8C1.1S2.9O14.9",
}

// pymatgenFormFactors reads testdata/cod/pymatgen_ff.tsv (pymatgen's fit,
// f = Z − 41.78214·s²·Σ aᵢ exp(−bᵢ s²), made by make_formfactors.py).
func pymatgenFormFactors(t *testing.T) func(string, float64) float64 {
	b, err := os.ReadFile(filepath.Join("testdata", "cod", "pymatgen_ff.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	type fit struct {
		z    float64
		a, b [4]float64
	}
	m := map[string]fit{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		c := strings.Split(line, "\t")
		var f fit
		f.z, _ = strconv.ParseFloat(c[1], 64)
		for i := range 4 {
			f.a[i], _ = strconv.ParseFloat(c[2+2*i], 64)
			f.b[i], _ = strconv.ParseFloat(c[3+2*i], 64)
		}
		m[c[0]] = f
	}
	return func(sym string, s2 float64) float64 {
		f, ok := m[sym]
		if !ok {
			t.Fatalf("no pymatgen form factor for %s", sym)
		}
		v := 0.0
		for i := range 4 {
			v += f.a[i] * math.Exp(-f.b[i]*s2)
		}
		return f.z - 41.78214*s2*v
	}
}
