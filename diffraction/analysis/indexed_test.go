package analysis

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// TestIndexedSearch: on every labelled scan of ../shared, the indexed
// search (match.Search, what the pipeline runs) gives the result of the
// full scan of the bundled database (match.Identify): the same candidates
// and phases, with the same figures of merit, scales, strains and matched
// lines to the last bit. It is checked with the candidate list of the
// defaults (10), a short one (3, where the search prunes most) and none,
// and with an element restraint.
func TestIndexedSearch(t *testing.T) {
	needShared(t)
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa
	p := testPipeline(opt)
	p.Until = StagePeaks
	db, err := testStore.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := testStore.Library()
	if err != nil {
		t.Fatal(err)
	}
	sel, err := lib.Select(refdb.Subset{})
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]func(*match.Options){
		"defaults":     func(*match.Options) {},
		"top 3":        func(o *match.Options) { o.Top = 3 },
		"no list":      func(o *match.Options) { o.Top = 0 },
		"no Li, no Mn": func(o *match.Options) { o.Elements.NoneOf = []string{"Li", "Mn"} },
	}
	for _, s := range labelledScans(t) {
		a, err := p.Open(context.Background(), s.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		sc := a.Scan
		lo, hi := sc.TwoTheta[0], sc.TwoTheta[sc.Len()-1]
		for name, edit := range variants {
			mo := match.DefaultOptions()
			edit(&mo)
			full, err := match.Identify(context.Background(), a.Peaks, sc.Wavelength, lo, hi, db.Phases, mo)
			if err != nil {
				t.Fatal(err)
			}
			indexed, err := match.Search(context.Background(), a.Peaks, sc.Wavelength, lo, hi, sel, mo)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(describe(full), describe(indexed)) {
				t.Errorf("%s (%s):\nfull    %v\nindexed %v", filepath.Base(s.path), name, describe(full), describe(indexed))
			}
		}
	}
}

// describe writes a result with every number to the last bit.
func describe(r match.Result) []string {
	var out []string
	for _, l := range [][]match.Candidate{r.Phases, r.Candidates} {
		for _, c := range l {
			out = append(out, fmt.Sprintf("%s fom %x sig %x scale %x strain %x wt %x pairs %v ka2 %v", c.Phase.ID, c.FOM, c.Significance, c.Scale, c.Strain, c.WeightPercent, c.Pairs, c.Ka2Pairs))
		}
		out = append(out, "|")
	}
	return out
}
