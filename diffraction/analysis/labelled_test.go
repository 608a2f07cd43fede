package analysis

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// labelledScan is a measured Cu Kα scan of ../shared whose phases its
// authors name.
type labelledScan struct {
	path   string
	phases []string // formulas
	// system is the crystal system the label gives (RRUFF's, whose
	// "hexagonal" is the hexagonal crystal family, trigonal phases
	// among them), "" when it gives none.
	system string
}

// labelledScans lists the XRD-AutoAnalyzer scans (single phases and
// mixtures; the file name is the list of phases), the RRUFF90 patterns
// (labels.csv gives the ideal chemistry, with oxidation states such as
// "Mn2+TiO3", and the crystal system) and the WPEM single-phase patterns
// named after their phase.
func labelledScans(t *testing.T) []labelledScan {
	t.Helper()
	var out []labelledScan
	aa := filepath.Join(sharedScans, "xy/xrd_autoanalyzer")
	files, err := filepath.Glob(filepath.Join(aa, "*.xy"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no XRD-AutoAnalyzer scans in %s: %v", aa, err)
	}
	for _, f := range files {
		out = append(out, labelledScan{f, strings.Split(strings.TrimSuffix(filepath.Base(f), ".xy"), "+"), ""})
	}
	rr := filepath.Join(sharedScans, "csv/wpem_xred/monophase/RRUFF90/RRUFFdata90")
	lf, err := os.Open(filepath.Join(rr, "labels.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	rows, err := csv.NewReader(lf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	charge := regexp.MustCompile(`\d\+`)
	for _, r := range rows[1:] {
		out = append(out, labelledScan{filepath.Join(rr, r[0]+".csv"), []string{charge.ReplaceAllString(r[1], "")}, r[3]})
	}
	for _, p := range []string{"Al2O3", "CdS", "Mn2O3", "MnS", "Ni(OH)2", "PbSO4", "PbSe", "RuO2", "Sn", "WO3", "ZnS", "Zr"} {
		out = append(out, labelledScan{filepath.Join(sharedScans, "csv/wpem_xred/monophase/UnderThreeElements", p, "data.csv"), []string{p}, ""})
	}
	return out
}

// sameProportions compares a formula with a label as proportions of the
// elements (refdb.SameFormula); groups in parentheses carry no multiplier
// in these labels except "(OH)2", which is spelled out.
func sameProportions(formula, label string) bool {
	label = strings.ReplaceAll(label, "(OH)2", "O2H2")
	return refdb.SameFormula(formula, strings.NewReplacer("(", "", ")", "").Replace(label))
}

// TestLabelledScans identifies the 74 labelled scans of ../shared and
// counts the labelled phases found (true positives) and the phases
// concluded that are not labelled (false positives). Many labelled phases
// are not in the database (crocoite, pirquitasite, …), so a perfect score
// is not possible; the bounds are today's result (54 found, 6 false, each
// a look-alike: pyrophanite for geikielite, fcc Ca for fluorite-type ThO2,
// cubic ReO3 for pseudo-cubic WO3, Si for nanocrystalline ZnS, AgCl for
// bornite, LiMnO2 beside LiMn2O4), and a change to the peak search or the
// search-match must not make either worse. The table of every scan is
// logged (go test -v).
func TestLabelledScans(t *testing.T) {
	needShared(t)
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa // none of these files gives it; all were measured with Cu Kα
	opt.Fit.PeaksOnly = true          // the search's own conclusion: this test guards the search
	scans := labelledScans(t)
	lines := make([]string, len(scans))
	found := make([]int, len(scans))
	wrong := make([]int, len(scans))
	parallel(len(scans), func(i int) {
		s := scans[i]
		a, err := testPipeline(opt).Open(context.Background(), s.path, nil)
		if err != nil {
			lines[i] = fmt.Sprintf("%s: %v", s.path, err)
			return
		}
		var got, bad []string
		for _, p := range a.Match.Phases {
			ok := false
			for _, want := range s.phases {
				ok = ok || sameProportions(p.Phase.Formula, want)
			}
			got = append(got, p.Phase.Formula)
			if !ok {
				bad = append(bad, p.Phase.Formula)
			}
		}
		for _, want := range s.phases {
			for _, g := range got {
				if sameProportions(g, want) {
					found[i]++
					break
				}
			}
		}
		wrong[i] = len(bad)
		lines[i] = fmt.Sprintf("%-40s labelled %v, concluded %v, false %v", filepath.Base(filepath.Dir(s.path))+"/"+filepath.Base(s.path), s.phases, got, bad)
	})
	var tp, fp, labelled int
	for i := range scans {
		t.Log(lines[i])
		tp += found[i]
		fp += wrong[i]
		labelled += len(scans[i].phases)
	}
	t.Logf("%d scans, %d labelled phases: %d found, %d false", len(scans), labelled, tp, fp)
	if len(scans) != 74 {
		t.Errorf("%d labelled scans, want 74", len(scans))
	}
	if tp < 54 || fp > 6 {
		t.Errorf("%d labelled phases found (want ≥ 54), %d false identifications (want ≤ 6)", tp, fp)
	}
}

// inDatabase reports whether a phase with the label's element proportions,
// and its crystal system when the label gives one, is in the database: a
// polymorph of another system is another phase (RRUFF's orthorhombic VO2,
// paramontroseite, is neither the tetragonal nor the monoclinic VO2 of
// the database).
func inDatabase(db *refdb.DB, label, system string) bool {
	for i := range db.Phases {
		p := &db.Phases[i]
		if sameProportions(p.Formula, label) && sameSystem(p.System, system) {
			return true
		}
	}
	return false
}

// sameSystem reports whether a database phase's crystal system is the
// label's: "" matches any, and a label's "hexagonal" (the crystal family)
// matches trigonal phases too.
func sameSystem(phase, label string) bool {
	return label == "" || strings.EqualFold(phase, label) || strings.EqualFold(label, "hexagonal") && strings.EqualFold(phase, "trigonal")
}

// labelElements returns the elements of a label's formula.
func labelElements(label string) map[string]bool {
	out := map[string]bool{}
	for _, m := range regexp.MustCompile(`[A-Z][a-z]?`).FindAllString(label, -1) {
		out[m] = true
	}
	return out
}

// TestLabelledScansFit identifies the 74 labelled scans of ../shared with
// the whole-pattern fit, the product's answer, and counts: for the single
// -phase scans whose phase is in the database, whether the concluded phase
// of largest weight fraction is the labelled one; and, for every scan,
// the concluded phases with an element the label's chemistry does not
// have (oxygen and hydrogen aside: the labels of hydroxides and hydrates
// are not always written out). The table is logged (go test -v).
//
// Today 42 of the 47 single-phase scans whose phase (formula and, for
// RRUFF, crystal system) is in the database give it as the main phase
// (issue 11 asks for 95 %), and 3 concluded phases have elements the
// label rules out: look-alikes of minerals whose database entry is
// missing or poor (Fe2O3 for geikielite, NiAs for NiSb, LiMn2O4 for
// UTi2O6). A change must not make either worse.
// Skipped with -short (about a minute on 2 cores).
func TestLabelledScansFit(t *testing.T) {
	needShared(t)
	if testing.Short() {
		t.Skip("the whole-pattern identification of 74 scans: skipped with -short")
	}
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa // none of these files gives it; all were measured with Cu Kα
	scans := labelledScans(t)
	db, err := testStore.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	type outcome struct {
		line              string
		single, first     bool
		impossible, found int
	}
	out := make([]outcome, len(scans))
	parallel(len(scans), func(i int) {
		s := scans[i]
		o := &out[i]
		a, err := testPipeline(opt).Open(context.Background(), s.path, nil)
		if err != nil {
			o.line = fmt.Sprintf("%s: %v", s.path, err)
			return
		}
		allowed := map[string]bool{"O": true, "H": true}
		for _, l := range s.phases {
			for e := range labelElements(l) {
				allowed[e] = true
			}
		}
		var got []string
		best, bestW := "", -1.0
		if id := a.Identification; id != nil {
			for _, p := range id.Phases {
				if !p.Concluded() {
					continue
				}
				got = append(got, p.Entry.Formula)
				if p.Fit.WeightFraction > bestW {
					best, bestW = p.Entry.Formula, p.Fit.WeightFraction
				}
				for _, e := range p.Entry.Elements {
					if !allowed[e] {
						o.impossible++
						break
					}
				}
			}
		}
		for _, want := range s.phases {
			for _, g := range got {
				if sameProportions(g, want) {
					o.found++
					break
				}
			}
		}
		o.single = len(s.phases) == 1 && inDatabase(db, s.phases[0], s.system)
		o.first = o.single && best != "" && sameProportions(best, s.phases[0])
		o.line = fmt.Sprintf("%-40s labelled %v, concluded %v (single in database %v, first %v, impossible %d)", filepath.Base(filepath.Dir(s.path))+"/"+filepath.Base(s.path), s.phases, got, o.single, o.first, o.impossible)
	})
	var singles, first, impossible, found int
	for _, o := range out {
		t.Log(o.line)
		if o.single {
			singles++
		}
		if o.first {
			first++
		}
		impossible += o.impossible
		found += o.found
	}
	t.Logf("%d scans: %d single-phase in the database, %d with it first; %d labelled phases found; %d concluded phases of impossible chemistry",
		len(scans), singles, first, found, impossible)
	if first < 42 || impossible > 3 {
		t.Errorf("%d single phases first (want ≥ 42), %d phases of impossible chemistry (want ≤ 3)", first, impossible)
	}
}
