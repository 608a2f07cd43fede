package crystal

import (
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readTestCIF(t *testing.T, name string) *Structure {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := ParseCIF(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return &ss[0]
}

// TestShortestContact: in halite the closest atoms are Na and Cl at a/2 =
// 2.8201 Å, 1.05 of their covalent radii (1.66 + 1.02 Å, Cordero et al.
// 2008); a site listed twice puts an atom on itself.
func TestShortestContact(t *testing.T) {
	s := readTestCIF(t, "nacl.cif")
	c, ok := s.ShortestContact()
	if !ok || math.Abs(c.D-5.6402/2) > 1e-6 || math.Abs(c.Ratio-2.8201/2.68) > 1e-3 {
		t.Errorf("halite: %+v, want Na–Cl 2.8201 Å, ratio %.3f", c, 2.8201/2.68)
	}
	s.Sites = append(s.Sites, s.Sites[0])
	s.Sites[2].Label = "Na2"
	if c, _ := s.ShortestContact(); c.D > 1e-9 {
		t.Errorf("site listed twice: closest %+v, want 0 Å", c)
	}
	// A partly occupied copy is disorder, not a fault.
	s.Sites[2].Occupancy = 0.5
	if c, _ := s.ShortestContact(); c.D < 2.8 {
		t.Errorf("partly occupied copy counted: %+v", c)
	}
}

// TestFoldEquivalentSites: halite's eight atoms listed with the Fm-3m
// operators fold back to one Na and one Cl site; the folded structure
// expands to the listed cell, 4 Na and 4 Cl.
func TestFoldEquivalentSites(t *testing.T) {
	s := readTestCIF(t, "nacl.cif")
	p1, err := s.Transform([3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}) // the atoms of the cell as sites
	if err != nil {
		t.Fatal(err)
	}
	whole := *s
	whole.Sites = p1.Sites
	if got := whole.Composition(); got["Na"] != 16 || got["Cl"] != 16 {
		t.Fatalf("whole-cell list with the operators: %v, want 16 Na and 16 Cl (each of the 4 atoms expanded again to 4)", got)
	}
	folded, n := whole.FoldEquivalentSites()
	if n != 6 || len(folded.Sites) != 2 {
		t.Errorf("folded %d of 8 sites to %d, want 6 to 2", n, len(folded.Sites))
	}
	if got := folded.Composition(); got["Na"] != 4 || got["Cl"] != 4 {
		t.Errorf("folded cell holds %v, want 4 Na and 4 Cl", got)
	}
	if _, n := s.FoldEquivalentSites(); n != 0 {
		t.Errorf("the asymmetric unit folded %d sites", n)
	}
}

// TestOtherOrigins: F d -3 m has two origins (ITC Vol. A); coordinates of
// origin 1 (spinel cations on 8a at 0,0,0) read with origin 2's operators
// give 16 images, with origin 1's the Wyckoff multiplicity 8.
func TestOtherOrigins(t *testing.T) {
	g, err := LookupSpaceGroup("F d -3 m :2")
	if err != nil {
		t.Fatal(err)
	}
	s := &Structure{Cell: Cell{8.35, 8.35, 8.35, 90, 90, 90}, SpaceGroup: g.HM, SpaceGroupNumber: 227, Ops: g.Ops(),
		Sites: []Site{{Label: "Co", Element: "Co", Occupancy: 1}}}
	if n := len(s.Atoms()); n != 16 {
		t.Fatalf("(0,0,0) with origin-2 operators: %d atoms, want 16 (16c)", n)
	}
	alts := s.OtherOrigins()
	if len(alts) != 1 || !strings.HasSuffix(alts[0].SpaceGroup, ":1") {
		t.Fatalf("other origins: %d", len(alts))
	}
	if n := len(alts[0].Atoms()); n != 8 {
		t.Errorf("(0,0,0) with origin-1 operators: %d atoms, want 8 (8a)", n)
	}
	s.SpaceGroup, s.SpaceGroupNumber = "P m -3 m", 221
	if alts := s.OtherOrigins(); len(alts) != 0 {
		t.Errorf("P m -3 m has one origin, got %d others", len(alts))
	}
}

// TestStatedContents: ParseCIF keeps what the file states about its
// contents, for the sanity gate.
func TestStatedContents(t *testing.T) {
	cif := `data_x
_chemical_formula_sum 'Ca H4 O6 S'
_[local]_cod_chemical_formula_sum_orig 'Ca S O6 H4'
_cell_formula_units_Z 4
_exptl_crystal_density_meas 2.32(1)
_exptl_crystal_density_diffrn 'not measured'
_cell_length_a 5 _cell_length_b 5 _cell_length_c 5
_cell_angle_alpha 90 _cell_angle_beta 90 _cell_angle_gamma 90
_symmetry_space_group_name_H-M 'P 1'
loop_
_atom_site_label _atom_site_fract_x _atom_site_fract_y _atom_site_fract_z
Ca1 0 0 0
`
	ss, err := ParseCIF(strings.NewReader(cif), "x.cif")
	if err != nil {
		t.Fatal(err)
	}
	s := ss[0]
	if s.FormulaSum != "Ca H4 O6 S" || s.AuthorFormula != "Ca S O6 H4" || s.FormulaUnits != 4 || s.DensityMeasured != 2.32 || s.DensityDiffrn != 0 {
		t.Errorf("stated contents %q %q Z=%g ρ=%g/%g", s.FormulaSum, s.AuthorFormula, s.FormulaUnits, s.DensityMeasured, s.DensityDiffrn)
	}
}

// TestNearContactAgrees: on the structures of ../shared/data/cif the cell
// list, where it is certain, finds the pair the all-pairs loop finds
// (cells of up to 200 atoms, which the all-pairs loop compares in about
// 3 ms).
func TestNearContactAgrees(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data", "cif")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("%s is absent: skipping the comparison on shared structures", dir)
	}
	certain := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".cif" {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		ss, err := ParseCIF(f, path)
		if err != nil {
			return nil // the readers' own tests judge the files
		}
		for i := range ss {
			s := &ss[i]
			if len(s.Sites)*len(s.Ops) > 200 {
				continue
			}
			var atoms []contactAtom
			for _, a := range s.Atoms() {
				if r, known := covalentRadius[a.Element]; a.Occupancy >= 0.999 && known {
					atoms = append(atoms, contactAtom{a.Pos, r, s.Sites[a.Site].Label})
				}
			}
			g := s.Cell.Metric()
			near, ok, sure := nearContact(g, s.Cell, atoms)
			if !sure {
				continue
			}
			certain++
			if all, ok2 := allContacts(g, atoms); ok != ok2 || near != all {
				t.Errorf("%s data_%s: cell list %+v, all pairs %+v", path, s.Block, near, all)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if certain < 100 {
		t.Errorf("the cell list was certain for only %d structures", certain)
	}
	t.Logf("%d structures compared", certain)
}

// TestHasBond: in halite Na and Cl are 1.05 of their bond length apart
// (TestShortestContact), two Na atoms a/√2 = 3.99 Å, 1.20 of theirs (2 ×
// 1.66 Å).
func TestHasBond(t *testing.T) {
	s := readTestCIF(t, "nacl.cif")
	for _, c := range []struct {
		a, b  string
		ratio float64
		want  bool
	}{{"Na", "Cl", 1.1, true}, {"Cl", "Na", 1.1, true}, {"Na", "Cl", 1.0, false}, {"Na", "Na", 1.1, false}, {"Na", "Na", 1.25, true}, {"Na", "O", 5, false}} {
		if got := s.HasBond(c.a, c.b, c.ratio); got != c.want {
			t.Errorf("%s–%s within %g: %v, want %v", c.a, c.b, c.ratio, got, c.want)
		}
	}
}
