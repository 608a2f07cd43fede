package refdb

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

func readHalite(t *testing.T) *crystal.Structure {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "crystal", "testdata", "nacl.cif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := crystal.ParseCIF(f, "nacl.cif")
	if err != nil {
		t.Fatal(err)
	}
	return &ss[0]
}

func gateReason(err error) string {
	var g *GateError
	if errors.As(err, &g) {
		return g.Reason
	}
	if err != nil {
		return "not a GateError: " + err.Error()
	}
	return ""
}

// TestCheck runs the gate on halite (a = 5.6402 Å, Z = 4: 2.165 g/cm³,
// 22.4 Å³ per atom) as published and with each kind of fault.
func TestCheck(t *testing.T) {
	ok := readHalite(t)
	ok.FormulaSum, ok.FormulaUnits, ok.DensityDiffrn = "Cl Na", 4, 2.165
	cases := []struct {
		name  string
		fault func(s *crystal.Structure)
		want  string
	}{
		{"as published", func(*crystal.Structure) {}, ""},
		{"formula sum of the cell (pymatgen)", func(s *crystal.Structure) { s.FormulaSum = "Na4 Cl4" }, ""},
		{"no Z stated", func(s *crystal.Structure) { s.FormulaUnits = 0 }, ""},
		{"Z twice too large", func(s *crystal.Structure) { s.FormulaUnits = 8 }, ReasonFormula},
		{"another formula", func(s *crystal.Structure) { s.FormulaSum = "Na Cl2" }, ReasonFormula},
		{"authors' formula only", func(s *crystal.Structure) { s.FormulaSum, s.AuthorFormula = "", "Na Cl3" }, ReasonFormula},
		{"stated H missing from the sites", func(s *crystal.Structure) { s.FormulaSum, s.DensityDiffrn = "Na Cl H2 O", 0 }, ReasonFormula},
		{"site listed twice", func(s *crystal.Structure) {
			s.FormulaSum = ""
			s.Sites = append(s.Sites, s.Sites[0])
		}, ReasonContact},
		{"density 10 % off the authors'", func(s *crystal.Structure) { s.DensityDiffrn = 2.165 * 1.1 }, ReasonDensity},
		{"measured density 5 % off", func(s *crystal.Structure) { s.DensityDiffrn, s.DensityMeasured = 0, 2.165*1.05 }, ""},
		{"measured density 20 % off", func(s *crystal.Structure) { s.DensityDiffrn, s.DensityMeasured = 0, 2.165*1.2 }, ReasonDensity},
		// Dans_Diffraction's "Cubic" test file: Co in a 1 Å cell, 97.9 g/cm³.
		{"1 Å cell", func(s *crystal.Structure) {
			s.FormulaSum, s.DensityDiffrn = "", 0
			s.Cell = crystal.Cell{A: 1, B: 1, C: 1, Alpha: 90, Beta: 90, Gamma: 90}
			s.Sites = s.Sites[:1]
		}, ReasonContact},
		// Four times the cell: 0.034 g/cm³.
		{"cell far too large", func(s *crystal.Structure) {
			s.FormulaSum, s.DensityDiffrn = "", 0
			s.Cell.A, s.Cell.B, s.Cell.C = 4*5.6402, 4*5.6402, 4*5.6402
		}, ReasonDensity},
		// Pb and I on halite's sites in a cell of 1.9 times its edges:
		// 1.8 g/cm³, but 154 Å³ per atom.
		{"atoms too far apart", func(s *crystal.Structure) {
			s.FormulaSum, s.DensityDiffrn = "", 0
			s.Sites[0].Element, s.Sites[1].Element = "Pb", "I"
			s.Cell.A, s.Cell.B, s.Cell.C = 1.9*5.6402, 1.9*5.6402, 1.9*5.6402
		}, ReasonVolume},
		// A sound halite under the COD ID of an erratum.
		{"known error", func(s *crystal.Structure) { s.CODID = "9008668" }, ReasonErratum},
	}
	for _, c := range cases {
		s := *ok
		s.Sites = append([]crystal.Site(nil), ok.Sites...)
		c.fault(&s)
		if got := gateReason(Check(&s)); got != c.want {
			t.Errorf("%s: %q (%v), want %q", c.name, got, Check(&s), c.want)
		}
	}
}

// TestVetFolds: halite with its eight atoms listed and the Fm-3m
// operators is repaired to the asymmetric unit, which the stated formula
// and density confirm; a fault no repair explains is refused.
func TestVetFolds(t *testing.T) {
	s := readHalite(t)
	s.FormulaSum, s.FormulaUnits, s.DensityDiffrn = "Cl Na", 4, 2.165
	p1, err := s.Transform([3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}) // the atoms of the cell as sites
	if err != nil {
		t.Fatal(err)
	}
	whole := *s
	whole.Sites = p1.Sites
	if got := gateReason(Check(&whole)); got != ReasonFormula {
		t.Fatalf("whole-cell list: gate says %q, want %q", got, ReasonFormula)
	}
	fixed, note, err := Vet(&whole)
	if err != nil {
		t.Fatalf("not repaired: %v", err)
	}
	if len(fixed.Sites) != 2 || !strings.Contains(note, "6 of the file's 8 sites") {
		t.Errorf("repaired to %d sites: %q", len(fixed.Sites), note)
	}
	if math.Abs(fixed.Density()-2.165) > 0.005 {
		t.Errorf("repaired density %.4f, want 2.165", fixed.Density())
	}
	wrong := *s
	wrong.FormulaSum = "Na Cl2"
	if _, _, err := Vet(&wrong); gateReason(err) != ReasonFormula {
		t.Errorf("wrong formula: %v, want refused", err)
	}
}

// portlandite is Ca(OH)2 (P-3m1, a = 3.5918, c = 4.9063 Å; Desgranges
// et al. 1993, Acta Cryst. B49, 812) as a structure that lacks its H
// sites, the way many X-ray structures are published.
func portlandite() *crystal.Structure {
	g, _ := crystal.LookupSpaceGroup("P -3 m 1")
	return &crystal.Structure{
		Cell: crystal.Cell{A: 3.5918, B: 3.5918, C: 4.9063, Alpha: 90, Beta: 90, Gamma: 120}, SpaceGroup: g.HM, SpaceGroupNumber: 164, Ops: g.Ops(),
		Sites: []crystal.Site{
			{Label: "Ca", Element: "Ca", Occupancy: 1},
			{Label: "O", Element: "O", X: 1.0 / 3, Y: 2.0 / 3, Z: 0.2341, Occupancy: 1},
		},
		FormulaSum: "Ca H2 O2", FormulaUnits: 1, DensityDiffrn: 2.24, StructuralFormula: "Ca(OH)2",
	}
}

// spinel is CoFe2O4 (Fd-3m origin 1, a = 8.35 Å, O x = 0.387; COD
// 5910063, with origin 1's operators), Co on 8a and Fe on 16d.
func spinel(t *testing.T) *crystal.Structure {
	g, err := crystal.LookupSpaceGroup("F d -3 m :1")
	if err != nil {
		t.Fatal(err)
	}
	return &crystal.Structure{
		Cell: crystal.Cell{A: 8.35, B: 8.35, C: 8.35, Alpha: 90, Beta: 90, Gamma: 90}, SpaceGroup: g.HM, SpaceGroupNumber: 227, Ops: g.Ops(),
		Sites: []crystal.Site{
			{Label: "Co", Element: "Co", Occupancy: 1},
			{Label: "Fe", Element: "Fe", X: 0.625, Y: 0.625, Z: 0.625, Occupancy: 1},
			{Label: "O", Element: "O", X: 0.387, Y: 0.387, Z: 0.387, Occupancy: 1},
		},
		FormulaSum: "Co Fe2 O4", StructuralFormula: "CoFe2O4",
	}
}

// TestFormulas: the H a structure lacks is in its formula (and flagged),
// the chemist's group formula is kept, and the chemist's element order
// wins over electronegativity (Fe 1.83 < Co 1.88) when the file gives it.
func TestFormulas(t *testing.T) {
	p, _, err := FromStructure(portlandite())
	if err != nil {
		t.Fatal(err)
	}
	if p.Formula != "CaH2O2" || p.ChemicalFormula != "Ca(OH)2" || !p.MissingH || p.Z != 1 || strings.Join(p.Elements, " ") != "Ca H O" {
		t.Errorf("portlandite: %s %s missing H %v Z %g elements %v", p.Formula, p.ChemicalFormula, p.MissingH, p.Z, p.Elements)
	}
	if err := Check(portlandite()); err != nil {
		t.Errorf("portlandite with the mass of its H (2.24 g/cm³): %v", err)
	}
	s := spinel(t)
	if err := Check(s); err != nil {
		t.Errorf("CoFe2O4: %v", err)
	}
	f, chem, _, z, _ := formulas(s)
	if f != "CoFe2O4" || chem != "CoFe2O4" || z != 8 {
		t.Errorf("CoFe2O4 as %s (%s), Z %g", f, chem, z)
	}
	s.StructuralFormula = ""
	if f, _, _, _, _ := formulas(s); f != "Fe2CoO4" {
		t.Errorf("without a chemist's formula: %s, want electronegativity order Fe2CoO4", f)
	}
	if got, ok := Reorder("FeCuS2", "CuFeS2"); !ok || got != "CuFeS2" {
		t.Errorf("Reorder chalcopyrite: %s %v", got, ok)
	}
	// The authors' order is not taken when it is not a chemist's (Hill).
	if _, ok := Reorder("VSe2O6", "O6 Se2 V"); ok {
		t.Error("Reorder took an order with O first")
	}
}

func TestParseChemical(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"Al2Si2O5(OH)4", "Al2Si2O9H4"},
		{"CaSO4·2H2O", "CaSO6H4"},
		{"Ca (S O4) (H2 O)2", "CaSO6H4"},
		{"CaSO4·0.5H2O", "CaSO4.5H"},
		{"Ni Fe2 O4", "NiFe2O4"},
		{"K[AlSi3O8]", "KAlSi3O8"},
		{"Magnesium titanate", ""},
		{"Boron Nitride", ""},
		{"Fe2+", ""},
		{"Al2(SiO4", ""},
		{"", ""},
	} {
		if got := ElementCount(c.in); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
	if f, ok := CompactFormula("W O3"); !ok || f != "WO3" {
		t.Errorf("W O3 → %q %v", f, ok)
	}
	for in, want := range map[string]string{
		"  \\a-quartz  ": "α-Quartz",
		"zinc cyanamide": "Zinc cyanamide",
		"silver(I) diammino-disulfito-palladat(II)": "Silver(I) diammino-disulfito-palladat(II)",
		"n-butylammonium chloride":                  "n-butylammonium chloride",
		"cis-platin":                                "cis-platin",
		"Iron(III) oxide":                           "Iron(III) oxide",
		"4-nitrophenol":                             "4-nitrophenol",
	} {
		if n := CleanName(in); n != want {
			t.Errorf("CleanName(%q) = %q, want %q", in, n, want)
		}
	}
	if n := CleanName("Silicon nitride - $-beta"); n != "Silicon nitride - β" {
		t.Errorf("CleanName: %q", n)
	}
}

// TestSearchNames: gypsum is found by its mineral name, its chemist's
// formula and its elements in any order; CoFe2O4 by its formula written
// in another order.
func TestSearchNames(t *testing.T) {
	db := &DB{Phases: []Phase{
		{ID: "cod:2300259", Name: "Gypsum", Mineral: "Gypsum", Formula: "CaH4SO6", ChemicalFormula: "CaSO4·2H2O", Elements: []string{"Ca", "H", "S", "O"}},
		{ID: "cod:5910063", Name: "CoFe2O4", Formula: "CoFe2O4", ChemicalFormula: "CoFe2O4", Elements: []string{"Co", "Fe", "O"}},
	}}
	for _, c := range []struct {
		q    Query
		want string
	}{
		{Query{Text: "gypsum"}, "cod:2300259"},
		{Query{Text: "CaSO4·2H2O"}, "cod:2300259"},
		{Query{Text: "SO6CaH4"}, "cod:2300259"},
		{Query{Formula: "CaSO4·2H2O"}, "cod:2300259"},
		{Query{Text: "Fe2CoO4"}, "cod:5910063"},
		{Query{Text: "O4Fe2Co"}, "cod:5910063"},
	} {
		var ids []string
		for _, h := range db.Search(c.q) {
			ids = append(ids, h.Phase.ID)
		}
		if strings.Join(ids, ",") != c.want {
			t.Errorf("%+v: %v, want %s", c.q, ids, c.want)
		}
	}
}

// TestCheckDuplicate: a CIF imported again under another name is the
// same phase as the entry already there; imported again under its own
// name it replaces that entry.
func TestCheckDuplicate(t *testing.T) {
	p := importNaCl(t)
	user := &DB{Phases: []Phase{p}}
	again := p
	again.ID = "user:halite-copy"
	var dup *DuplicateError
	if err := CheckDuplicate(&again, nil, user); !errors.As(err, &dup) || dup.Of.ID != p.ID {
		t.Errorf("copy under another name: %v", err)
	}
	if err := CheckDuplicate(&p, user); err != nil {
		t.Errorf("re-import of the same file: %v", err)
	}
	other := portlandite()
	q, _, err := FromStructure(other)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckDuplicate(&q, user); err != nil {
		t.Errorf("another phase: %v", err)
	}
}

// FuzzParseChemical: no formula makes ParseChemical panic, and what it
// accepts has positive counts and an order that lists each element once.
func FuzzParseChemical(f *testing.F) {
	for _, s := range []string{"Al2Si2O5(OH)4", "CaSO4·2H2O", "Ca (S O4) (H2 O)2", "K[AlSi3O8]", "Fe2+", "((((O)2)3)4)5", "H2O·0.5", "(O1" + strings.Repeat("0", 300) + ")1" + strings.Repeat("0", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, order, ok := ParseChemical(s)
		if !ok {
			return
		}
		if len(order) != len(m) {
			t.Fatalf("%q: order %v for %v", s, order, m)
		}
		for el, n := range m {
			if !(n >= 0) || math.IsInf(n, 0) {
				t.Fatalf("%q: %s count %g", s, el, n)
			}
		}
	})
}
