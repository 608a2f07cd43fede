package cli

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// TestMain points the user's configuration directory (os.UserConfigDir
// reads XDG_CONFIG_HOME) at an empty temporary folder, so that no test
// sees or changes the developer's own user database.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "bragg-cli-test")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	user, err := refdb.UserPath()
	if err != nil {
		panic(err)
	}
	testConfig = Config{Version: "test", Store: refdb.NewStore(assets.RefDB, user)}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestDBSearchShowStats(t *testing.T) {
	rc, out, errs := run("db", "search", "--json")
	var v struct {
		Count   int
		Entries []struct{ ID, Name, Formula string }
	}
	if rc != 0 || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("db search: exit %d: %s", rc, errs)
	}
	// No query lists every entry, each with id, name and formula; the
	// bundled database has more than the 20 phases of the foundation.
	if v.Count != len(v.Entries) || v.Count < 20 || v.Entries[0].ID == "" || v.Entries[0].Formula == "" {
		t.Errorf("search without query: %d entries, first %+v", v.Count, v.Entries[0])
	}
	// Hanawalt search with quartz's three strongest lines (101, 100, 112:
	// 3.343, 4.255, 1.818 Å) finds alpha-quartz.
	rc, out, _ = run("db", "search", "--d", "3.343,4.255,1.818")
	if rc != 0 || !strings.Contains(out, "cod:5000035") {
		t.Errorf("Hanawalt search: exit %d:\n%s", rc, out)
	}
	rc, out, _ = run("db", "show", "cod:5000035")
	if rc != 0 || !strings.Contains(out, "Quartz") || !strings.Contains(out, "P 32 2 1") {
		t.Errorf("show: exit %d:\n%s", rc, out)
	}
	if rc, _, _ := run("db", "show", "nope"); rc != 1 {
		t.Errorf("show unknown id: exit %d, want 1", rc)
	}
	rc, out, _ = run("db", "stats", "--json")
	var st struct {
		Entries  int
		BySource map[string]int `json:"by_source"`
		Common   struct {
			Listed, Present int
			Missing         []string
		} `json:"common_phases"`
	}
	if rc != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Entries < 800 || st.BySource["bragg"] == 0 || st.BySource["aflow"] == 0 ||
		st.Common.Listed != st.Common.Present+len(st.Common.Missing) {
		t.Errorf("stats: exit %d: %+v", rc, st)
	}
}

func TestDBImportRemoveExport(t *testing.T) {
	dir := t.TempDir()
	cif := filepath.Join("..", "diffraction", "crystal", "testdata", "licl.cif") // not bundled: a bundled phase is refused as a duplicate
	bad := filepath.Join(dir, "bad.cif")
	os.WriteFile(bad, []byte("data_x\n_cell_length_a 'unterminated\n"), 0o644)
	// One good and one bad file: the good one is imported, the bad one
	// reported with its name, and the exit status says something failed.
	rc, out, errs := run("db", "import", cif, bad)
	if rc != 1 || !strings.Contains(out, "user:licl") || !strings.Contains(errs, "bad.cif") {
		t.Fatalf("import: exit %d, out %q, err %q", rc, out, errs)
	}
	// The user entry is searched with the bundled ones.
	if _, out, _ := run("db", "search", "user:"); !strings.Contains(out, "user:licl") {
		t.Errorf("imported entry not found:\n%s", out)
	}
	exp := filepath.Join(dir, "out.cif")
	if rc, _, errs := run("db", "export", "-o", exp); rc != 0 {
		t.Fatalf("export: %s", errs)
	}
	if b, err := os.ReadFile(exp); err != nil || !strings.Contains(string(b), "data_user-licl") {
		t.Errorf("exported CIF: %v", err)
	}
	if rc, _, _ := run("db", "remove", "user:licl"); rc != 0 {
		t.Error("remove failed")
	}
	if rc, _, _ := run("db", "remove", "cod:5000035"); rc != 1 {
		t.Error("removing a bundled entry did not fail")
	}
	if _, out, _ := run("db", "search", "user:"); strings.Contains(out, "user:licl") {
		t.Error("removed entry still found")
	}
	// The emptied collection stays until it is removed.
	if _, out, _ := run("db", "collections"); !regexp.MustCompile(`user +0 +yes`).MatchString(out) {
		t.Errorf("the emptied collection:\n%s", out)
	}
	if rc, _, errs := run("db", "collections", "remove", "user"); rc != 0 {
		t.Errorf("remove the collection: %s", errs)
	}
}

// TestDBCollections: an import into a named collection, from a CIF and a
// zip, skips a duplicate of a bundled phase and logs it; the collection
// is listed, searched alone (identify --collection), disabled and
// removed; bad subsets are refused.
func TestDBCollections(t *testing.T) {
	dir := t.TempDir()
	cifs := filepath.Join("..", "diffraction", "crystal", "testdata")
	nacl, err := os.ReadFile(filepath.Join(cifs, "nacl.cif"))
	if err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	f, _ := zw.Create("rock salt/halite.cif")
	f.Write(nacl)
	zw.Close()
	zipPath := filepath.Join(dir, "salts.zip")
	os.WriteFile(zipPath, zb.Bytes(), 0o644)
	logPath := filepath.Join(dir, "import.log")
	rc, out, errs := run("db", "import", "--collection", "my-lab", "--log", logPath, filepath.Join(cifs, "licl.cif"), zipPath)
	if rc != 0 || out != "my-lab:licl\tLiCl\tLithium chloride\n" || !strings.Contains(errs, "1 duplicates skipped, 0 refused") {
		t.Fatalf("import: exit %d, out %q, err %q", rc, out, errs)
	}
	if b, err := os.ReadFile(logPath); err != nil || !strings.Contains(string(b), zipPath+"!rock salt/halite.cif\tduplicate\t") || !strings.Contains(string(b), "cod:9008678") {
		t.Errorf("log: %v\n%s", err, b)
	}
	defer run("db", "collections", "remove", "my-lab")

	rc, out, _ = run("db", "collections", "--json")
	var cs struct{ Collections []refdb.Collection }
	if rc != 0 || json.Unmarshal([]byte(out), &cs) != nil || len(cs.Collections) != 2 || cs.Collections[1].Name != "my-lab" || cs.Collections[1].Entries != 1 || !cs.Collections[1].Enabled {
		t.Errorf("collections: exit %d %s", rc, out)
	}
	demo := demoFile(t)
	rc, out, errs = run("identify", demo, "--wavelength", "CuKa", "--json", "--collection", "my-lab")
	var id struct{ Candidates []struct{ ID string } }
	if rc != 0 || json.Unmarshal([]byte(out), &id) != nil {
		t.Fatalf("identify --collection my-lab: exit %d: %s", rc, errs)
	}
	for _, c := range id.Candidates {
		if !strings.HasPrefix(c.ID, "my-lab:") {
			t.Errorf("identify --collection my-lab listed %s", c.ID)
		}
	}
	if rc, _, errs := run("identify", demo, "--wavelength", "CuKa", "--subset", "minerals,organics"); rc != 2 || !strings.Contains(errs, `subset "organics": no such kind of entry`) {
		t.Errorf("a bad subset: exit %d: %s", rc, errs)
	}
	if rc, _, errs := run("identify", demo, "--wavelength", "CuKa", "--collection", "nope"); rc != 1 || !strings.Contains(errs, `no collection "nope"`) {
		t.Errorf("an unknown collection: exit %d: %s", rc, errs)
	}

	if rc, _, errs := run("db", "collections", "disable", "my-lab"); rc != 0 {
		t.Fatalf("disable: %s", errs)
	}
	if _, out, _ := run("db", "collections"); !regexp.MustCompile(`my-lab +1 +no \(disabled\)`).MatchString(out) {
		t.Errorf("disabled collection listed as:\n%s", out)
	}
	if _, out, _ := run("db", "stats"); !strings.Contains(out, "refused by the sanity gate: 52 (known error 2, formula 19, close contact 18, density 8, volume per atom 5), see docs/refused.md") {
		t.Errorf("stats:\n%s", out)
	}
	if rc, _, _ := run("db", "collections", "remove", "my-lab"); rc != 0 {
		t.Error("remove failed")
	}
	if _, out, _ := run("db", "collections"); strings.Contains(out, "my-lab") {
		t.Errorf("removed collection still listed:\n%s", out)
	}
	if rc, _, errs := run("db", "collections", "remove", "bundled"); rc != 1 || !strings.Contains(errs, "cannot be changed") {
		t.Errorf("removing the bundled database: exit %d: %s", rc, errs)
	}
}

// TestDBImportDuplicates: a bundled phase imported again is skipped with
// a message naming the entry it duplicates, or replaces it with
// --duplicates replace (the bundled entry is then left out of searches).
func TestDBImportDuplicates(t *testing.T) {
	cif := filepath.Join("..", "internal", "dbgen", "cif", "hematite.cif") // bundled as bragg:hematite
	// The collection "user" outlives its last entry; the goldens see none.
	t.Cleanup(func() { run("db", "collections", "remove", refdb.DefaultCollection) })
	rc, _, errs := run("db", "import", cif)
	if rc != 1 || !strings.Contains(errs, "bragg:hematite") {
		t.Fatalf("import of a bundled phase: exit %d, %q", rc, errs)
	}
	if rc, _, _ := run("db", "import", "--duplicates", "sometimes", cif); rc != 2 {
		t.Errorf("bad --duplicates: exit %d, want 2", rc)
	}
	rc, out, errs := run("db", "import", "--duplicates", "replace", cif)
	if rc != 0 || !strings.Contains(out, "user:hematite") {
		t.Fatalf("replace: exit %d, %q %q", rc, out, errs)
	}
	if _, out, _ := run("db", "search", "--formula", "Fe2O3", "--sg", "167"); strings.Contains(out, "bragg:hematite") || !strings.Contains(out, "user:hematite") {
		t.Errorf("after replace:\n%s", out)
	}
	if rc, _, _ := run("db", "remove", "user:hematite"); rc != 0 {
		t.Error("remove failed")
	}
	if _, out, _ := run("db", "search", "--formula", "Fe2O3", "--sg", "167"); !strings.Contains(out, "bragg:hematite") {
		t.Errorf("the bundled entry did not come back:\n%s", out)
	}
}
