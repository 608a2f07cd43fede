package match

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// stored rounds a test phase's lines as the database stores them (d to
// 1e-6 Å, I to 0.01), which its index requires.
func stored(p refdb.Phase) refdb.Phase {
	p.Lines = slices.Clone(p.Lines)
	for i := range p.Lines {
		p.Lines[i].D = math.Round(p.Lines[i].D*1e6) / 1e6
		p.Lines[i].I = math.Round(p.Lines[i].I*100) / 100
	}
	return p
}

// testLibrary is a library of the test phases as its bundled database
// (periclase computed and fluorite common, to exercise both), and a user
// collection in dir holding the imported halite CIF.
func testLibrary(t *testing.T) (*refdb.Library, []refdb.Phase) {
	t.Helper()
	ps := []refdb.Phase{stored(halite), stored(mgo), stored(caf2)}
	ps[1].Computed, ps[2].Common = true, true
	corundum, err := refdb.ImportFile(filepath.Join("..", "crystal", "testdata", "corundum.cif"), 1)
	if err != nil {
		t.Fatal(err)
	}
	corundum[0].ID = refdb.CorundumID
	ps = append(ps, corundum[0])
	db := &refdb.DB{Version: "test", Phases: ps}
	s := refdb.NewStore(func() (*refdb.DB, error) { return db, nil }, t.TempDir())
	if _, err := s.Import(context.Background(), []string{filepath.Join("..", "crystal", "testdata", "nacl.cif")}, refdb.ImportOptions{Collection: "lab"}); err != nil {
		t.Fatal(err)
	}
	lib, err := s.Library()
	if err != nil {
		t.Fatal(err)
	}
	return lib, ps
}

// TestSearchIsIdentify: over the entries a subset selects, Search gives
// Identify's result to the last bit, for mixtures, candidate lists of
// every length and element restraints.
func TestSearchIsIdentify(t *testing.T) {
	lib, _ := testLibrary(t)
	w := diffraction.CuKa
	w.Ka2, w.Ratio = 0, 0
	for _, sub := range []refdb.Subset{{}, {Kinds: []string{"-computed"}}, {Collections: []string{"lab", "bundled"}}, {Kinds: []string{"common"}}} {
		sel, err := lib.Select(sub)
		if err != nil {
			t.Fatal(err)
		}
		// The selected entries, whole, in the library's order.
		var phases []refdb.Phase
		for _, part := range sel.Parts {
			for i := range part.Len() {
				if sel.Admits(part, i) {
					p, err := part.Phase(i)
					if err != nil {
						t.Fatal(err)
					}
					phases = append(phases, *p)
				}
			}
		}
		for _, top := range []int{10, 1, 0} {
			for _, none := range [][]string{nil, {"Mg"}} {
				opt := DefaultOptions()
				opt.Top, opt.Elements.NoneOf = top, none
				for _, obs := range [][]diffraction.Peak{
					observe(0.03, []refdb.Phase{halite}, []float64{1}),
					observe(0, []refdb.Phase{halite, caf2, mgo}, []float64{1, 0.4, 0.1}),
				} {
					want, err := Identify(context.Background(), obs, w, 10, 90, phases, opt)
					if err != nil {
						t.Fatal(err)
					}
					got, err := Search(context.Background(), obs, w, 10, 90, sel, opt)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(ids(got.Candidates), ids(want.Candidates)) || !reflect.DeepEqual(ids(got.Phases), ids(want.Phases)) {
						t.Errorf("%+v top %d none %v: search %v %v, identify %v %v", sub, top, none, ids(got.Phases), ids(got.Candidates), ids(want.Phases), ids(want.Candidates))
						continue
					}
					for i, c := range got.Candidates {
						d := want.Candidates[i]
						if c.FOM != d.FOM || c.Scale != d.Scale || c.Strain != d.Strain || !reflect.DeepEqual(c.Pairs, d.Pairs) || c.Phase.ID != d.Phase.ID || len(c.Phase.Lines) == 0 {
							t.Errorf("%+v: candidate %s differs: %+v, want %+v", sub, c.Phase.ID, c, d)
						}
					}
				}
			}
		}
	}
}

// TestSearchCancelled: a cancelled search says so.
func TestSearchCancelled(t *testing.T) {
	lib, _ := testLibrary(t)
	sel, _ := lib.Select(refdb.Subset{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Search(ctx, observe(0, []refdb.Phase{halite}, []float64{1}), diffraction.CuKa, 10, 90, sel, DefaultOptions()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled search: %v", err)
	}
}
