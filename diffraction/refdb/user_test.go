package refdb

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testCorundumScale stands in for the bundled corundum's intensity scale;
// with it the imported phase's RIR is just its own scale (scale/1).
const testCorundumScale = 1

func importNaCl(t *testing.T) Phase {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "crystal", "testdata", "nacl.cif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ps, err := ImportCIF(f, "my NaCl.cif", testCorundumScale)
	if err != nil || len(ps) != 1 {
		t.Fatalf("import: %v, %d entries", err, len(ps))
	}
	return ps[0]
}

// TestImportedEntry: an imported CIF is an entry computed like the
// bundled ones, named by its file.
func TestImportedEntry(t *testing.T) {
	p := importNaCl(t)
	if p.ID != "user:my-nacl" || p.Formula != "NaCl" || !(p.RIR > 0) || len(p.Lines) == 0 || p.Source != "my NaCl.cif" {
		t.Fatalf("imported %s %s RIR %g, %d lines, source %q", p.ID, p.Formula, p.RIR, len(p.Lines), p.Source)
	}
	// Halite is one of the common laboratory phases.
	if !p.Common {
		t.Error("halite is not flagged common")
	}
}

// TestExportCIF: an exported entry reads back as the same structure, so
// its computed lines are the same.
func TestExportCIF(t *testing.T) {
	p := importNaCl(t)
	var buf bytes.Buffer
	if err := WriteCIF(&buf, &p); err != nil {
		t.Fatal(err)
	}
	q, err := ImportCIF(&buf, "export.cif", testCorundumScale)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if !reflect.DeepEqual(q[0].Lines, p.Lines) || q[0].Formula != p.Formula || q[0].Structure.Cell != p.Structure.Cell {
		t.Errorf("exported CIF does not give the same phase:\n%s", buf.String())
	}
	if len(q[0].Structure.Ops) != len(p.Structure.Ops) {
		t.Errorf("%d operations read back, want %d", len(q[0].Structure.Ops), len(p.Structure.Ops))
	}
}

func TestSearch(t *testing.T) {
	nacl := importNaCl(t)
	nacl.ID, nacl.Mineral = "cod:9008678", "Halite"
	// A made-up second entry, corundum-like, to be told apart.
	al := Phase{ID: "cod:1000017", Name: "Aluminium oxide", Mineral: "Corundum", Formula: "Al2O3", Elements: []string{"Al", "O"},
		Lines: []Line{{D: 2.085, I: 100}, {D: 2.552, I: 90}, {D: 1.601, I: 80}, {D: 3.479, I: 60}}}
	al.Structure.SpaceGroup, al.Structure.SpaceGroupNumber = "R -3 c :H", 167
	db := &DB{Phases: []Phase{al, nacl}}
	cases := []struct {
		name string
		q    Query
		want string
	}{
		{"text in mineral", Query{Text: "hali"}, "cod:9008678"},
		{"formula any order", Query{Formula: "O3Al2"}, "cod:1000017"},
		{"formula as a multiple", Query{Formula: "Al4O6"}, "cod:1000017"},
		{"formula with fractions", Query{Formula: "AlO1.5"}, "cod:1000017"},
		{"formula of other proportions", Query{Formula: "AlO"}, ""},
		{"all of", Query{AllOf: []string{"Na", "Cl"}}, "cod:9008678"},
		{"none of", Query{NoneOf: []string{"Na"}}, "cod:1000017"},
		{"any of", Query{AnyOf: []string{"Cl", "Xe"}}, "cod:9008678"},
		{"space group symbol", Query{SpaceGroup: "R-3c"}, "cod:1000017"},
		{"space group number", Query{SpaceGroup: "225"}, "cod:9008678"},
		// Hanawalt: corundum's three strongest, 0.3 % off.
		{"three strongest d", Query{Strongest: []float64{2.091, 2.559, 1.605}}, "cod:1000017"},
		{"id", Query{Text: "cod:1000017"}, "cod:1000017"},
	}
	for _, c := range cases {
		hits := db.Search(c.q)
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Phase.ID)
		}
		if strings.Join(ids, ",") != c.want {
			t.Errorf("%s: got %v, want [%s]", c.name, ids, c.want)
		}
	}
	if n := len(db.Search(Query{})); n != 2 {
		t.Errorf("empty query: %d hits, want all 2", n)
	}
	// 2 % off is outside the default 1 % tolerance.
	if hits := db.Search(Query{Strongest: []float64{2.13}}); len(hits) != 0 {
		t.Errorf("2 %% off matched %v", hits[0].Phase.ID)
	}
}

func TestParseFormula(t *testing.T) {
	m, ok := ParseFormula("Li3MnCoNi1.002O6")
	if !ok || m["Li"] != 3 || m["Ni"] != 1.002 || m["O"] != 6 || m["Mn"] != 1 {
		t.Errorf("got %v %v", m, ok)
	}
	for _, bad := range []string{"", "al2o3", "Al2O3)", "3Al"} {
		if _, ok := ParseFormula(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestSameFormula: proportions of the elements, in any order and any
// multiple; an element written twice counts twice.
func TestSameFormula(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"Al2O3", "O3Al2", true},
		{"Al2O3", "AlO1.5", true},
		{"Al2O3", "Al4O6", true},
		{"Al2O3", "AlO", false},
		{"Al2O3", "Al2O3Si", false},
		{"Al2O3Si", "Al2O3", false},
		{"H2O", "HOH", true},
		{"AB", "AA", false}, // two tokens each, one element missing
		{"CaCO3", "CCaO3", true},
		{"NaCl", "nacl", false},
	} {
		if got := SameFormula(c.a, c.b); got != c.same {
			t.Errorf("SameFormula(%q, %q) = %v", c.a, c.b, got)
		}
		if got := SameFormula(c.b, c.a); got != c.same {
			t.Errorf("SameFormula(%q, %q) = %v", c.b, c.a, got)
		}
	}
}

func TestParseDSpacingsAndValidate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []float64
		err  string
	}{
		{"3.34, 4.26,1.82", []float64{3.34, 4.26, 1.82}, ""},
		{"3.34 4.26;1.82", []float64{3.34, 4.26, 1.82}, ""},
		{"", nil, ""},
		{"3.34,x", nil, `"x"`},
		{"-1", nil, `"-1"`},
		{"1,2,3,4", nil, "at most 3"},
	} {
		got, err := ParseDSpacings(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one with %s", c.in, err, c.err)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%q: %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		q   Query
		err string
	}{
		{Query{AllOf: []string{"Si"}, AnyOf: []string{"O"}, NoneOf: []string{"Pb"}, Strongest: []float64{3.1}, DTolerance: 0.02}, ""},
		{Query{AnyOf: []string{"si"}}, "any of the elements"},
		{Query{NoneOf: []string{"Xx"}}, "none of the elements"},
		{Query{Strongest: []float64{1, 2, 3, 4}}, "at most 3"},
		{Query{DTolerance: 0.5}, "tolerance"},
	} {
		err := c.q.Validate()
		if (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%+v: %v, want %q", c.q, err, c.err)
		}
	}
}
