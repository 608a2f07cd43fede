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
	var all []crystal.Site
	for _, a := range s.Atoms() {
		st := s.Sites[a.Site]
		st.X, st.Y, st.Z = a.Pos[0], a.Pos[1], a.Pos[2]
		all = append(all, st)
	}
	whole := *s
	whole.Sites = all
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
}
