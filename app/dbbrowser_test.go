package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// newInlineUI is a window over the fake scans and the real reference
// database (a user database in a temporary folder) that runs its work
// inline, as snapshots do, so that a test sees every result at once.
// Errors are collected in *errs instead of dialogs.
func newInlineUI(t *testing.T) (u *UI, errs *[]string) {
	t.Helper()
	a := test.NewTempApp(t)
	u = New(a, withStore(t, newFake().services()))
	u.inline, u.portal = true, false
	u.do = func(f func()) { f() }
	errs = new([]string)
	u.onError = func(title string, err error) { *errs = append(*errs, title+": "+err.Error()) }
	t.Cleanup(u.win.Close)
	return u, errs
}

// hitIDs lists the IDs the browser found.
func hitIDs(b *dbBrowser) []string {
	var ids []string
	for _, h := range b.hits {
		ids = append(ids, h.Phase.ID)
	}
	return ids
}

// TestBrowserSearchAndCard: the browser searches as `bragg db search`
// does, shows the card of the entry found, and overlays it on the scan on
// display, once, as a row of the candidate table.
func TestBrowserSearchAndCard(t *testing.T) {
	u, _ := newInlineUI(t)
	if err := u.overlayReference(&refdb.Phase{ID: "x"}); err == nil {
		t.Error("overlay without a scan")
	}
	u.Open("/data/a.xy")
	u.ShowBrowser()
	b := u.browser
	db, _ := u.services.Store.Bundled() // and no collection
	if len(b.hits) != len(db.Phases) || !strings.Contains(b.count.Text, "of 1") {
		t.Fatalf("no query: %d hits of %d, %q", len(b.hits), len(db.Phases), b.count.Text)
	}

	test.Type(b.text, "gypsum")
	if ids := hitIDs(b); !slices.Equal(ids, []string{"cod:2300259"}) {
		t.Fatalf("gypsum: %v", ids)
	}
	// The card of the entry selected shows its cell: gypsum, I2/c, as
	// Henry, Weller & Wilson (2009, J. Appl. Cryst. 42, 1176) refined it.
	if b.sel == nil || b.sel.ID != "cod:2300259" {
		t.Fatalf("selected %v", b.sel)
	}
	for k, want := range map[string][]string{
		"Cell":        {"a 5.6802", "b 15.214", "c 6.5303", "β 118.48"},
		"Space group": {"I 1 2/c 1", "15", "monoclinic"},
		"Formula":     {"CaSO4·2H2O", "CaH4SO6"},
		"Citation":    {"Henry", "2009"},
	} {
		for _, w := range want {
			if !strings.Contains(b.fields[k].Text, w) {
				t.Errorf("%s: %q lacks %q", k, b.fields[k].Text, w)
			}
		}
	}
	if b.lineCount() != len(b.sel.Lines) || b.lineCell(0, 3) != "7.60695" || b.atomCount() != 7 || b.atomCell(0, 1) != "Ca" {
		t.Errorf("lines %d, first d %s; atoms %d, first %s", b.lineCount(), b.lineCell(0, 3), b.atomCount(), b.atomCell(0, 1))
	}
	// Its pattern at the scan's wavelength (Cu Kα1): 020 at d = b/2 =
	// 7.607 Å, 2θ = 2 asin(λ/2d) = 11.624°.
	if sim := b.plot.Sim; sim == nil || sim.find(0, 2, 0) < 0 || !near(sim.Lines[sim.find(0, 2, 0)].TwoTheta, 11.624, 0.001) {
		t.Errorf("simulated pattern: %+v", b.plot.Sim)
	}
	if !b.removeBtn.Disabled() || !strings.Contains(b.removeNote.Text, "cannot be removed") {
		t.Error("a bundled entry offers removal")
	}
	for range 2 {
		test.Tap(b.overlayBtn)
	}
	n := 0
	for _, r := range u.current.rows {
		if r.c.Phase.ID == "cod:2300259" && r.shown {
			n++
		}
	}
	if n != 1 || !slices.ContainsFunc(u.view.Overlays, func(o Overlay) bool { return o.Name == "Gypsum" && len(o.Sticks) > 0 }) {
		t.Errorf("gypsum rows %d, overlays %+v", n, u.view.Overlays)
	}

	// The other criteria, as bragg db search's flags.
	b.text.SetText("")
	for _, c := range []struct {
		e          *widget.Entry
		text, want string
	}{
		{b.formula, "H4O6SCa", "cod:2300259"}, // the formula in any order
		// Hanawalt: the entry's three strongest lines (1-21, 020, 1-41),
		// rounded to 0.01 Å.
		{b.dsp, "4.28, 7.61, 3.07", "cod:2300259"},
	} {
		c.e.SetText(c.text)
		if ids := hitIDs(b); !slices.Contains(ids, c.want) {
			t.Errorf("%q: %v", c.text, ids)
		}
		c.e.SetText("")
	}
	b.sg.SetText("225")
	b.allOf.SetText("Na, Cl")
	if ids := hitIDs(b); !slices.Equal(ids, []string{"cod:9008678"}) {
		t.Errorf("Fm-3m with Na and Cl: %v", ids)
	}
	// A symbol in the wrong case is named, as on the command line.
	b.allOf.SetText("na")
	if !strings.Contains(b.count.Text, `"na"`) || b.count.Importance != widget.DangerImportance {
		t.Errorf("bad element: %q", b.count.Text)
	}
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }

// TestBrowserImportRemoveExport: a bundled structure imported again is a
// duplicate, offered as replace, keep both or skip; keeping both adds a
// user entry, which can be removed; a structure the sanity gate refuses
// is reported with its reason; an entry exports to a CIF that reads back.
func TestBrowserImportRemoveExport(t *testing.T) {
	u, errs := newInlineUI(t)
	u.ShowBrowser()
	b := u.browser
	hematite := filepath.Join("..", "internal", "dbgen", "cif", "hematite.cif") // bundled as bragg:hematite

	b.importFiles([]string{hematite})
	if len(b.pending) != 1 || b.pending[0].err.Of.ID != "bragg:hematite" {
		t.Fatalf("duplicates pending: %+v", b.pending)
	}
	rg := b.pending[0].choice
	if !slices.Equal(rg.Options, []string{"Replace", "Keep both", "Skip"}) || rg.Selected != "Skip" {
		t.Errorf("choices %v, default %q", rg.Options, rg.Selected)
	}
	rg.SetSelected("Keep both")
	b.resolveDuplicates()
	if dbGet(t, u, "user:hematite") == nil || dbGet(t, u, "bragg:hematite") == nil {
		t.Fatal("keep both did not keep both")
	}
	if b.sel == nil || b.sel.ID != "user:hematite" || b.removeBtn.Disabled() || !strings.Contains(b.count.Text, "imported user:hematite") {
		t.Fatalf("the new entry is not selected, or not removable: %v, %q", b.sel, b.count.Text)
	}
	// The card shows the collection's entry whole, not the head that
	// the search lists (refdb.Part.Head has no atoms or lines).
	if b.lineCount() == 0 || b.atomCount() != len(b.sel.Structure.Sites) || b.atomCount() == 0 {
		t.Errorf("the card of user:hematite shows %d lines, %d atoms", b.lineCount(), b.atomCount())
	}
	if len(*errs) != 0 {
		t.Errorf("errors: %q", *errs)
	}

	// Export, and read back: the same cell.
	out := filepath.Join(t.TempDir(), "hem")
	b.export(b.sel, out)
	f, err := os.Open(out + ".cif")
	if err != nil {
		t.Fatal(err)
	}
	ss, err := crystal.ParseCIF(f, out)
	f.Close()
	if err != nil || len(ss) != 1 || ss[0].Cell != b.sel.Structure.Cell {
		t.Fatalf("exported CIF: %v", err)
	}

	b.remove("user:hematite")
	if dbGet(t, u, "user:hematite") != nil || !strings.Contains(b.count.Text, "removed user:hematite") {
		t.Errorf("not removed: %q", b.count.Text)
	}

	// NaCl with a stated formula Na2Cl, which its sites contradict.
	src, err := os.ReadFile(filepath.Join("..", "diffraction", "crystal", "testdata", "nacl.cif"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad-nacl.cif")
	os.WriteFile(bad, []byte(strings.Replace(string(src), "data_nacl\n", "data_nacl\n_chemical_formula_sum 'Na2 Cl'\n", 1)), 0o644)
	b.importFiles([]string{bad})
	if len(*errs) != 1 || !strings.Contains((*errs)[0], "bad-nacl.cif") || !strings.Contains((*errs)[0], "sanity gate refused it (formula)") {
		t.Errorf("gate refusal reported as %q", *errs)
	}
}

// TestWorkerKeepsTheLatest: jobs submitted while one runs replace each
// other; the last one runs, and its update is applied.
func TestWorkerKeepsTheLatest(t *testing.T) {
	applied := make(chan int, 10)
	w := worker{do: func(f func()) { f() }}
	release := make(chan struct{})
	w.submit(func() func() { <-release; return func() { applied <- 0 } })
	for i := 1; i <= 3; i++ {
		w.submit(func() func() { return func() { applied <- i } })
	}
	close(release)
	w.wg.Wait()
	close(applied)
	var got []int
	for i := range applied {
		got = append(got, i)
	}
	if !slices.Equal(got, []int{0, 3}) {
		t.Errorf("applied %v, want [0 3]", got)
	}
}
