package analysis

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// parallel runs f on every index below n on all cores.
func parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// sameChemistry compares a label such as "La(OH)3" with a database
// formula as proportions of the elements (as ../shared/tools/
// eval_mixtures.py does, within 0.03).
func sameChemistry(label, formula string) bool {
	a, _, ok1 := refdb.ParseChemical(label)
	b, _, ok2 := refdb.ParseChemical(formula)
	if !ok1 || !ok2 || len(a) != len(b) {
		return false
	}
	var na, nb float64
	for k, v := range a {
		na += v
		nb += b[k]
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || math.Abs(v/na-w/nb) > 0.03 {
			return false
		}
	}
	return true
}

// mixtureScore is the outcome of the weighed mixtures of one scan length.
type mixtureScore struct {
	found, inDB, falses int
	errs                []float64
}

func (m mixtureScore) mae() float64 {
	var s float64
	for _, e := range m.errs {
		s += e
	}
	return s / float64(max(len(m.errs), 1))
}

// TestWeighedMixtures identifies the weighed mixtures of ../shared
// (dara_mixtures: 10 compositions of 2–3 oxides, carbonates and hydroxides,
// each scanned for 2 and 8 minutes on a PANalytical Aeris; the weight
// fractions are in the file names) and scores them as
// ../shared/tools/eval_mixtures.py does: a weighed phase is found when a
// concluded phase has its element proportions; any other concluded phase
// is false; the weight-fraction error is taken over the found phases.
// La(OH)3 is not in the database: it cannot be found, and its peaks must
// be left unexplained rather than given to a wrong phase. The table is
// logged (go test -v) and is the one in the README.
//
// The bounds are today's results, which a change must not make worse
// (issue 11 asks for ≥ 95 % of the phases in the database found, at most
// one false phase in the whole set, and 3 / 5 wt% on the 8- / 2-minute
// scans): on the 8-minute scans 21 of the 22 phases in the database, none
// false, 3.4 wt%; on the 2-minute scans 21 of 22, none false, 3.5 wt%.
// The phase missed is V2O5 beside La(OH)3, whose unexplained lines make up
// four fifths of that pattern.
// With a phase missing, the weight fractions count its peaks as
// unidentified matter (identify.Result.Unidentified): In2O3 and TiO2
// beside La(OH)3 come out near 34 and 18 % for 30 and 20, not 65 and 35.
func TestWeighedMixtures(t *testing.T) {
	needShared(t)
	files, err := filepath.Glob(filepath.Join(sharedScans, "xrdml/dara_mixtures/*.xrdml"))
	if err != nil || len(files) < 20 {
		t.Fatalf("%d weighed mixtures in ../shared (want 20): %v", len(files), err)
	}
	sort.Strings(files)
	db, err := testStore.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	weighed := regexp.MustCompile(`([^-_]+)_(\dp\d+)`)
	type outcome struct {
		length string
		score  mixtureScore
		lines  []string
		took   time.Duration
	}
	out := make([]outcome, len(files))
	parallel(len(files), func(i int) {
		f := files[i]
		stem, length, _ := strings.Cut(strings.TrimSuffix(filepath.Base(f), ".xrdml"), "--")
		row := stem + " (" + length + ")"
		o := &out[i]
		o.length = length
		t0 := time.Now()
		a, err := testPipeline(DefaultOptions()).Open(context.Background(), f, nil)
		o.took = time.Since(t0)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			return
		}
		id := a.Identification
		used := map[int]bool{}
		for _, m := range weighed.FindAllStringSubmatch(stem, -1) {
			w, _ := strconv.ParseFloat(strings.Replace(m[2], "p", ".", 1), 64)
			present := slices.ContainsFunc(db.Phases, func(p refdb.Phase) bool { return sameChemistry(m[1], p.Formula) })
			if present {
				o.score.inDB++
			}
			hit := -1
			for k, p := range id.Phases {
				if !used[k] && p.Concluded() && sameChemistry(m[1], p.Entry.Formula) {
					hit = k
					break
				}
			}
			note := "not in the database"
			if present {
				note = "missed"
			}
			if hit >= 0 {
				used[hit] = true
				o.score.found++
				p := id.Phases[hit]
				got := 100 * p.Fit.WeightFraction
				o.score.errs = append(o.score.errs, math.Abs(got-100*w))
				// As the product writes it: no uncertainty where there is
				// none (one phase beside an unidentified estimate).
				note = fmt.Sprintf("%s (%s)", PlusMinus(got, 100*p.Fit.WeightFractionESD, 1), p.Entry.ID)
			}
			o.lines = append(o.lines, fmt.Sprintf("| %s | %s | %.1f | %s |", row, m[1], 100*w, note))
		}
		for k, p := range id.Phases {
			if !used[k] && p.Concluded() {
				o.score.falses++
				o.lines = append(o.lines, fmt.Sprintf("| %s | — | — | false: %s %s %.1f |", row, p.Entry.Formula, p.Entry.ID, 100*p.Fit.WeightFraction))
			}
		}
		o.lines = append(o.lines, fmt.Sprintf("| %s | unexplained | | %d peaks, %.0f %% of the intensity, unidentified ≈ %.0f wt%% (Rwp %.3f) |", row, id.UnexplainedPeaks, 100*id.UnexplainedIntensity, 100*id.Unidentified, id.Fit.Rwp))
	})
	scores := map[string]*mixtureScore{}
	var took time.Duration
	for _, o := range out {
		s := scores[o.length]
		if s == nil {
			s = &mixtureScore{}
			scores[o.length] = s
		}
		s.found += o.score.found
		s.inDB += o.score.inDB
		s.falses += o.score.falses
		s.errs = append(s.errs, o.score.errs...)
		took += o.took
		for _, l := range o.lines {
			t.Log(l)
		}
	}
	for _, c := range []struct {
		length       string
		found, false int
		mae          float64
	}{
		{"8min", 21, 0, 3.5},
		{"2min", 21, 0, 3.5},
	} {
		s := scores[c.length]
		if s == nil {
			t.Errorf("no %s scans", c.length)
			continue
		}
		t.Logf("%s: %d of %d phases in the database found, %d false, MAE %.2f wt%%", c.length, s.found, s.inDB, s.falses, s.mae())
		if s.found < c.found || s.falses > c.false || s.mae() > c.mae {
			t.Errorf("%s: %d found (want ≥ %d), %d false (want ≤ %d), MAE %.2f wt%% (want ≤ %.1f)", c.length, s.found, c.found, s.falses, c.false, s.mae(), c.mae)
		}
	}
	t.Logf("%.1f s per scan", took.Seconds()/float64(len(files)))
}

// precursorElements are the elements of the precursors a reaction
// product's file name lists ("Cr2O3-2MnO_1100C_60min": Cr, Mn, O), with
// oxygen, which the air supplies.
func precursorElements(name string) []string {
	precursors, _, _ := strings.Cut(name, "_")
	els := []string{"O"}
	for _, e := range regexp.MustCompile(`[A-Z][a-z]?`).FindAllString(precursors, -1) {
		if !slices.Contains(els, e) {
			els = append(els, e)
		}
	}
	return els
}

// TestReactionProducts identifies the 20 unlabelled products of binary
// solid-state reactions (../shared dara_alab/binary_reactions; the
// precursors are in the file names), as a chemist runs it: with the
// precursors' elements (and oxygen) as the element restraint. No concluded
// phase may then hold another element, and the products are mostly not
// in the database: what is concluded is unreacted precursor or a known
// product, the rest is listed unexplained. Today 16 of the 20 scans get a
// conclusion (issue 11 asks for 18); the four without are products of
// Cr2O3 + 2MnO, Cr2O3 + 2PbO, Fe3O4 + 3SrCO3 and NH4H2PO4 + Na2CO3, none of
// which the database holds, precursors included (strontianite). Without
// restraints (logged, bounded by today's 10 phases of impossible
// chemistry, skipped with -short), look-alikes of the missing products
// take their place: spinels of other cations, a perovskite.
func TestReactionProducts(t *testing.T) {
	needShared(t)
	files, err := filepath.Glob(filepath.Join(sharedScans, "xrdml/dara_alab/binary_reactions/*.xrdml"))
	if err != nil || len(files) != 20 {
		t.Fatalf("%d reaction products in ../shared (want 20): %v", len(files), err)
	}
	sort.Strings(files)
	run := func(restrain bool) (concluded, impossible int) {
		lines := make([]string, len(files))
		conc := make([]bool, len(files))
		imp := make([]int, len(files))
		parallel(len(files), func(i int) {
			name := filepath.Base(files[i])
			els := precursorElements(name)
			opt := DefaultOptions()
			if restrain {
				opt.Match.Elements.Only = els
			}
			a, err := testPipeline(opt).Open(context.Background(), files[i], nil)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			id := a.Identification
			var got []string
			for _, p := range id.Phases {
				if !p.Concluded() {
					continue
				}
				conc[i] = true
				mark := ""
				for _, e := range p.Entry.Elements {
					if !slices.Contains(els, e) {
						imp[i]++
						mark = " (impossible)"
						break
					}
				}
				got = append(got, fmt.Sprintf("%s %.0f%%%s", p.Entry.Formula, 100*p.Fit.WeightFraction, mark))
			}
			lines[i] = fmt.Sprintf("%-40s %v: %s; %d peaks unexplained, %.0f %% of the intensity", name, els, strings.Join(got, ", "), id.UnexplainedPeaks, 100*id.UnexplainedIntensity)
		})
		for i := range files {
			t.Log(lines[i])
			if conc[i] {
				concluded++
			}
			impossible += imp[i]
		}
		return concluded, impossible
	}
	c, imp := run(true)
	t.Logf("with the precursors' elements: %d of 20 scans concluded, %d phases of impossible chemistry", c, imp)
	if imp != 0 || c < 16 {
		t.Errorf("with restraints: %d concluded (want ≥ 16), %d impossible (want 0)", c, imp)
	}
	if testing.Short() {
		return
	}
	c, imp = run(false)
	t.Logf("without restraints: %d of 20 scans concluded, %d phases of impossible chemistry", c, imp)
	if imp > 10 {
		t.Errorf("without restraints: %d phases of impossible chemistry (today 10)", imp)
	}
}
