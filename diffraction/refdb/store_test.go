package refdb

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testBundled is a bundled database of one phase, corundum under its
// bundled ID (the RIR reference Import needs), counting its loads.
func testBundled(t *testing.T) (func() (*DB, error), *int) {
	t.Helper()
	ps, err := ImportFile(filepath.Join("..", "crystal", "testdata", "corundum.cif"), testCorundumScale)
	if err != nil {
		t.Fatal(err)
	}
	ps[0].ID = CorundumID
	db := &DB{Version: "test", Phases: ps}
	n := 0
	return func() (*DB, error) { n++; return db, nil }, &n
}

// TestStore: the bundled and user databases are read once and shared
// until the user database changes, through the Store or behind its back.
func TestStore(t *testing.T) {
	bundled, _ := testBundled(t)
	path := filepath.Join(t.TempDir(), "bragg", "user.refdb")
	s := NewStore(bundled, path)
	a, err := s.DB()
	if err != nil || len(a.Phases) != 1 {
		t.Fatalf("no user database yet: %v, %d phases", err, len(a.Phases))
	}
	if b, _ := s.DB(); b != a {
		t.Error("an unchanged database was read again")
	}

	nacl := filepath.Join("..", "crystal", "testdata", "nacl.cif")
	bad := filepath.Join(t.TempDir(), "bad.cif")
	os.WriteFile(bad, []byte("data_x\n_cell_length_a 'unterminated\n"), 0o644)
	ps, failed, err := s.Import([]string{nacl, bad})
	if err != nil || len(ps) != 1 || ps[0].ID != "user:nacl" || len(failed) != 1 || !strings.Contains(failed[0].Error(), "bad.cif") {
		t.Fatalf("import: %v, %d imported, failed %v", err, len(ps), failed)
	}
	b, err := s.DB()
	if err != nil || b == a || b.Get("user:nacl") == nil || b.Get(CorundumID) == nil {
		t.Fatalf("after import: %v, %d phases", err, len(b.Phases))
	}
	if c, _ := s.DB(); c != b {
		t.Error("read again after the import was seen")
	}

	// Another process (bragg db import in a shell) replaces the file.
	other := NewStore(bundled, path)
	time.Sleep(10 * time.Millisecond) // a modification time of its own
	if _, _, err := other.Import([]string{filepath.Join("..", "crystal", "testdata", "si.cif")}); err != nil {
		t.Fatal(err)
	}
	c, err := s.DB()
	if err != nil || c == b || c.Get("user:si") == nil {
		t.Fatalf("a change by another process was not seen: %v", err)
	}

	if err := s.Remove("user:nacl", "cod:nope"); err == nil || !strings.Contains(err.Error(), `"cod:nope"`) {
		t.Errorf("removing a bundled ID: %v", err)
	}
	if err := s.Remove("user:nacl"); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.DB(); d.Get("user:nacl") != nil || d.Get("user:si") == nil {
		t.Error("removed entry still searched")
	}
	u, err := s.User()
	if err != nil || len(u.Phases) != 1 || u.Phases[0].ID != "user:si" {
		t.Errorf("user entries: %v %+v", err, u)
	}
}

// TestImportResolving: a structure already in the database is skipped
// (Import), kept beside it, or replaces it; a replaced bundled entry is
// hidden while the user's entry stands and comes back when it is removed.
func TestImportResolving(t *testing.T) {
	bundled, _ := testBundled(t)
	dir := t.TempDir()
	s := NewStore(bundled, filepath.Join(dir, "user.refdb"))
	corundum := filepath.Join("..", "crystal", "testdata", "corundum.cif")
	count := func(formula string) (n int) {
		db, err := s.DB()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range db.Phases {
			if p.Formula == formula {
				n++
			}
		}
		return n
	}
	var asked []string
	resolve := func(r Resolution) func(*DuplicateError) Resolution {
		return func(d *DuplicateError) Resolution { asked = append(asked, d.ID+"="+d.Of.ID); return r }
	}

	ps, failed, err := s.ImportResolving([]string{corundum}, resolve(Skip))
	var dup *DuplicateError
	if err != nil || len(ps) != 0 || len(failed) != 1 || !errors.As(failed[0], &dup) || dup.Of.ID != CorundumID {
		t.Fatalf("skip: %v, %d imported, failed %v", err, len(ps), failed)
	}
	if _, _, err := s.ImportResolving([]string{corundum}, resolve(KeepBoth)); err != nil || count("Al2O3") != 2 {
		t.Fatalf("keep both: %v, %d corundums", err, count("Al2O3"))
	}
	// Each import asked once, about the bundled entry.
	if want := "user:corundum=" + CorundumID; strings.Join(asked, " ") != want+" "+want {
		t.Errorf("asked about %q", asked)
	}

	// A copy under another name duplicates the user's entry first, which
	// it replaces.
	other := filepath.Join(dir, "alumina.cif")
	b, _ := os.ReadFile(corundum)
	os.WriteFile(other, b, 0o644)
	asked = nil
	if ps, _, err := s.ImportResolving([]string{other}, resolve(Replace)); err != nil || len(ps) != 1 {
		t.Fatalf("replace the user's: %v", err)
	}
	db, _ := s.DB()
	if asked[0] != "user:alumina=user:corundum" || db.Get("user:corundum") != nil || db.Get(CorundumID) == nil || count("Al2O3") != 2 {
		t.Fatalf("replace the user's: asked %q, %d corundums", asked, count("Al2O3"))
	}
	// Replacing again, now the bundled entry: hidden while user:alumina2
	// stands, back when it is removed.
	asked = nil
	third := filepath.Join(dir, "alumina2.cif")
	os.WriteFile(third, b, 0o644)
	s.Remove("user:alumina")
	if _, _, err := s.ImportResolving([]string{third}, resolve(Replace)); err != nil {
		t.Fatal(err)
	}
	db, _ = s.DB()
	if asked[0] != "user:alumina2="+CorundumID || db.Get(CorundumID) != nil || count("Al2O3") != 1 {
		t.Fatalf("replace the bundled: asked %q, bundled still there: %v", asked, db.Get(CorundumID) != nil)
	}
	if p := db.Get("user:alumina2"); p == nil || !slices.Contains(p.Duplicates, CorundumID) {
		t.Fatalf("the replacing entry does not name the bundled one")
	}
	// The hidden entry is not a duplicate any more: the next copy is one
	// of the user's entry.
	asked = nil
	s.ImportResolving([]string{other}, resolve(Skip))
	if asked[0] != "user:alumina=user:alumina2" {
		t.Errorf("duplicate of a hidden entry: %q", asked)
	}
	s.Remove("user:alumina2")
	if db, _ := s.DB(); db.Get(CorundumID) == nil {
		t.Error("the bundled entry did not come back")
	}
}

// TestStoreWithoutUser: no configuration directory, no user database.
func TestStoreWithoutUser(t *testing.T) {
	bundled, n := testBundled(t)
	s := NewStore(bundled, "")
	if db, err := s.DB(); err != nil || len(db.Phases) != 1 {
		t.Fatalf("%v", err)
	}
	s.DB()
	if *n != 1 {
		t.Errorf("bundled database asked for %d times, want once", *n)
	}
	if _, _, err := s.Import([]string{"x.cif"}); err == nil || !strings.Contains(err.Error(), "configuration directory") {
		t.Errorf("import without a user database: %v", err)
	}
}

// TestStoreBadUserFile: a user database that does not read is an error
// naming it.
func TestStoreBadUserFile(t *testing.T) {
	bundled, _ := testBundled(t)
	path := filepath.Join(t.TempDir(), "user.refdb")
	os.WriteFile(path, []byte("not a database\n"), 0o644)
	if _, err := NewStore(bundled, path).DB(); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("bad user file: %v", err)
	}
}

func TestNamesAndSticks(t *testing.T) {
	for _, c := range []struct {
		p              Phase
		display, short string
	}{
		{Phase{ID: "a", Name: "Iron(III) oxide (alpha)", Mineral: "Hematite"}, "Iron(III) oxide (alpha) (Hematite)", "Hematite"},
		{Phase{ID: "b", Name: "Quartz", Mineral: "quartz"}, "Quartz", "quartz"},
		{Phase{ID: "b2", Name: "Calcium carbonate (calcite)", Mineral: "Calcite"}, "Calcium carbonate (calcite)", "Calcite"},
		{Phase{ID: "c", Name: "Lithium fluoride"}, "Lithium fluoride", "Lithium fluoride"},
		{Phase{ID: "d", Mineral: "Halite"}, "Halite", "Halite"},
		{Phase{ID: "user:x"}, "user:x", "user:x"},
	} {
		if got := c.p.DisplayName(); got != c.display {
			t.Errorf("%s: DisplayName %q, want %q", c.p.ID, got, c.display)
		}
		if got := c.p.ShortName(); got != c.short {
			t.Errorf("%s: ShortName %q, want %q", c.p.ID, got, c.short)
		}
	}
	// Two reflections of one d (quartz 101 and 011) are one stick; a line
	// beyond 2θ = 180° (d < λ/2) is none; 1 % strain moves the rest.
	p := Phase{Lines: []Line{{D: 3.3435, I: 40, K: 1, L: 1}, {D: 3.3435, I: 60, H: 1, L: 1}, {D: 4.255, I: 22}, {D: 0.7, I: 5}}}
	st := p.Sticks(Lambda, 0)
	if len(st) != 2 || st[0].I != 22 || st[1].I != 100 || st[0].TwoTheta > st[1].TwoTheta {
		t.Fatalf("sticks %+v", st)
	}
	// The merged stick is indexed by its stronger reflection, 101, listed second.
	if s := st[1]; s.H != 1 || s.K != 0 || s.L != 1 || s.D != 3.3435 {
		t.Errorf("merged stick %+v, want 101 at d 3.3435 Å", s)
	}
	strained := p.Sticks(Lambda, 0.01)
	for i := range st {
		// 2θ at d(1+ε): sin θ' = sin θ/(1+ε).
		want := twoThetaAt(st[i].TwoTheta, 0.01)
		if d := strained[i].TwoTheta - want; d > 1e-9 || d < -1e-9 {
			t.Errorf("strained stick %d at %g°, want %g°", i, strained[i].TwoTheta, want)
		}
		if d := strained[i].D - 1.01*st[i].D; d > 1e-12 || d < -1e-12 {
			t.Errorf("strained stick %d: d %g Å, want %g", i, strained[i].D, 1.01*st[i].D)
		}
	}
}

// twoThetaAt is the angle of a line seen at twoTheta once its d-spacing
// grows by the factor 1 + strain: sin θ' = sin θ/(1 + strain).
func twoThetaAt(twoTheta, strain float64) float64 {
	s := math.Sin(twoTheta*math.Pi/360) / (1 + strain)
	return 360 / math.Pi * math.Asin(s)
}
