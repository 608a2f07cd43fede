package crystal

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func parseFile(t testing.TB, path string) []Structure {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := ParseCIF(f, filepath.Base(path))
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestParseCIFTestdata(t *testing.T) {
	t.Parallel()
	// Expected counts: operators of the space group as listed (Fd-3m and
	// Fm-3m 192 with the F centring, P4₂/mnm 16, R-3c on hexagonal axes 36,
	// P3₂21 6) and the number of sites written in each file.
	cases := []struct {
		file      string
		ops       int
		sites     int
		formula   string
		z         float64
		system    string
		sgNumber  int
		firstElem string
	}{
		{"si.cif", 192, 1, "Si", 8, "cubic", 227, "Si"},
		{"nacl.cif", 192, 2, "NaCl", 4, "cubic", 225, "Na"},
		{"rutile.cif", 16, 2, "TiO2", 2, "tetragonal", 136, "Ti"},
		{"corundum.cif", 36, 2, "Al2O3", 6, "trigonal", 167, "Al"},
		{"calcite.cif", 36, 3, "CaCO3", 6, "trigonal", 167, "Ca"},
		{"quartz.cif", 6, 2, "SiO2", 3, "trigonal", 154, "Si"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			ss := parseFile(t, filepath.Join("testdata", tc.file))
			if len(ss) != 1 {
				t.Fatalf("got %d structures, want 1", len(ss))
			}
			s := &ss[0]
			if len(s.Ops) != tc.ops || len(s.Sites) != tc.sites {
				t.Errorf("got %d ops, %d sites; want %d, %d", len(s.Ops), len(s.Sites), tc.ops, tc.sites)
			}
			if got := s.Formula(); got != tc.formula {
				t.Errorf("formula: got %s want %s", got, tc.formula)
			}
			if got := s.Z(); got != tc.z {
				t.Errorf("Z: got %g want %g", got, tc.z)
			}
			if got := s.CrystalSystem(); got != tc.system {
				t.Errorf("system: got %s want %s", got, tc.system)
			}
			if s.SpaceGroupNumber != tc.sgNumber {
				t.Errorf("space group number: got %d want %d", s.SpaceGroupNumber, tc.sgNumber)
			}
			if s.Sites[0].Element != tc.firstElem {
				t.Errorf("first element: got %s want %s", s.Sites[0].Element, tc.firstElem)
			}
			// The crystal system from the operators alone must agree with
			// the one from the space-group number.
			s.SpaceGroupNumber = 0
			if got := s.CrystalSystem(); got != tc.system {
				t.Errorf("system from operators: got %s want %s", got, tc.system)
			}
		})
	}
}

func TestParseCIFDetails(t *testing.T) {
	t.Parallel()
	const cif = `# header comment
data_global
_journal_name_full 'Test Journal'
data_x
_chemical_name_mineral 'Test ''mineral'''
_chemical_formula_structural 'Ca Fe (O2)'
_cell_length_a 5.4310(2)
_cell_length_b 5.4310(2)
_cell_length_c 7.0(1)
_cell_angle_alpha 90
_cell_angle_beta 90.00
_cell_angle_gamma 90
_space_group_name_H-M_alt 'P 1 -1'
_space_group_IT_number 2
_publ_section_title
;
A title over
two lines with 'quotes' and _tags
;
loop_
_space_group_symop_operation_xyz
'x, y, z'
"-x,-y,-z"
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
_atom_site_B_iso_or_equiv
Fe1 Fe3+ 0.1 0.2 0.3 0.5 0.78956835
O1 O2- 1/3 .5 0.25(3) ? ?
Ca2 . 0 0 0 1 .
loop_
_atom_site_aniso_label
_atom_site_aniso_U_11
_atom_site_aniso_U_22
_atom_site_aniso_U_33
_atom_site_aniso_U_12
_atom_site_aniso_U_13
_atom_site_aniso_U_23
Ca2 0.01 0.02 0.03 0 0 0
`
	ss, err := ParseCIF(strings.NewReader(cif), "x.cif")
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 {
		t.Fatalf("got %d structures, want 1 (data_global has no sites)", len(ss))
	}
	s := ss[0]
	if s.Cell.A != 5.431 || s.Cell.C != 7 {
		t.Errorf("su not stripped: a=%g c=%g", s.Cell.A, s.Cell.C)
	}
	if s.Mineral != "Test 'mineral'" && s.Mineral != "Test ''mineral''" {
		t.Errorf("mineral %q", s.Mineral)
	}
	if s.StructuralFormula != "CaFe(O2)" {
		t.Errorf("structural formula %q, want the CIF's without spaces", s.StructuralFormula)
	}
	if s.SpaceGroup != "P 1 -1" || s.SpaceGroupNumber != 2 || len(s.Ops) != 2 {
		t.Errorf("space group %q %d, %d ops", s.SpaceGroup, s.SpaceGroupNumber, len(s.Ops))
	}
	fe, o, ca := s.Sites[0], s.Sites[1], s.Sites[2]
	if fe.Element != "Fe" || fe.Charge != 3 || fe.Occupancy != 0.5 {
		t.Errorf("Fe site: %+v", fe)
	}
	// Biso 0.78956835 Å² = 8π² × 0.01 Å².
	if math.Abs(fe.Uiso-0.01) > 1e-9 {
		t.Errorf("Uiso from Biso: got %g want 0.01", fe.Uiso)
	}
	if o.Element != "O" || o.Charge != -2 || o.X != 1.0/3 || o.Y != 0.5 || o.Z != 0.25 || o.Occupancy != 1 || o.Uiso != 0 {
		t.Errorf("O site (fraction, '.5', su, ? occupancy): %+v", o)
	}
	// Element from the label when the type is '.'; Ueq of an orthogonal
	// cell is the mean of U11, U22, U33: (0.01+0.02+0.03)/3 = 0.02.
	if ca.Element != "Ca" || math.Abs(ca.Uiso-0.02) > 1e-12 {
		t.Errorf("Ca site: %+v", ca)
	}
}

func TestSplitTypeSymbol(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in     string
		el     string
		charge int
	}{
		{"Fe3+", "Fe", 3}, {"O2-", "O", -2}, {"Li+", "Li", 1}, {"Li0+", "Li", 0},
		{"Si1", "Si", 0}, {"CA1", "Ca", 0}, {"O-2", "O", -2}, {"Cl-", "Cl", -1},
		{"D1", "H", 0}, {"C4+", "C", 4}, {"Os", "Os", 0}, {"OW1", "O", 0},
	}
	for _, tc := range cases {
		el, ch, err := splitTypeSymbol(tc.in)
		if err != nil || el != tc.el || ch != tc.charge {
			t.Errorf("%q: got %s %d %v, want %s %d", tc.in, el, ch, err, tc.el, tc.charge)
		}
	}
	for _, bad := range []string{"", "1A", "Xx", "?"} {
		if _, _, err := splitTypeSymbol(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseSymOp(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in string
		r  [3][3]int
		t  [3]float64
	}{
		{"x,y,z", [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, [3]float64{}},
		{"x,y+1/2,-z", [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, -1}}, [3]float64{0, 0.5, 0}},
		{"-y,x-y,2/3+z", [3][3]int{{0, -1, 0}, {1, -1, 0}, {0, 0, 1}}, [3]float64{0, 0, 2.0 / 3}},
		{"1/2+X, 0.5-Y , z", [3][3]int{{1, 0, 0}, {0, -1, 0}, {0, 0, 1}}, [3]float64{0.5, 0.5, 0}},
		{"-x+y,y,-z+1/2", [3][3]int{{-1, 1, 0}, {0, 1, 0}, {0, 0, -1}}, [3]float64{0, 0, 0.5}},
	}
	for _, tc := range cases {
		op, err := ParseSymOp(tc.in)
		if err != nil || op.R != tc.r || op.T != tc.t {
			t.Errorf("%q: got %+v %v, want %v %v", tc.in, op, err, tc.r, tc.t)
		}
	}
	for _, bad := range []string{"x,y", "x,y,", "x,y,w", "x,y,z+", "x,y,1/0", "x,y,z,z", "3x,y,z"} {
		if _, err := ParseSymOp(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseCIFErrors(t *testing.T) {
	t.Parallel()
	const base = "data_b\n_cell_length_a 4\n_cell_length_b 4\n_cell_length_c 4\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
	const ops = "loop_\n_symmetry_equiv_pos_as_xyz\nx,y,z\n"
	const sites = "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\n"
	cases := []struct {
		name, in string
		line     int
		tag      string
		is       error
	}{
		{"no ops", base + sites, 1, "_space_group_symop_operation_xyz", ErrNoSymmetry},
		{"no blocks", "# nothing\n", 0, "", ErrNoStructure},
		{"bad number", strings.Replace(base, "_cell_length_b 4", "_cell_length_b four", 1) + ops + sites, 3, "_cell_length_b", nil},
		{"missing cell", strings.Replace(base, "_cell_angle_gamma 90\n", "", 1) + ops + sites, 1, "_cell_angle_gamma", nil},
		{"bad op", base + "loop_\n_symmetry_equiv_pos_as_xyz\n'x,y,q'\n" + sites, 10, "_symmetry_equiv_pos_as_xyz", nil},
		{"bad element", base + ops + "loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nQq1 0 0 0\n", 16, "_atom_site_label", nil},
		{"ragged loop", base + ops + "loop_\n_atom_site_label\n_atom_site_fract_x\nNa1\n", 11, "_atom_site_label", nil},
		{"open quote", base + "_chemical_name_mineral 'abc\n", 8, "", nil},
		{"open text", base + ";\nabc\n", 8, "", nil},
		// A hexagonal symbol with a cell whose γ is 90° (as avogadro's
		// W2C.cif has): the metric is not invariant under the 3-fold axis.
		{"cell without the symmetry", base + "_symmetry_space_group_name_H-M 'P 63/m m c'\n" + sites, 2, "_cell", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseCIF(strings.NewReader(tc.in), "t.cif")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("got %v, want a *ParseError", err)
			}
			if pe.File != "t.cif" || pe.Line != tc.line || pe.Tag != tc.tag {
				t.Errorf("got file %q line %d tag %q, want t.cif %d %q (%v)", pe.File, pe.Line, pe.Tag, tc.line, tc.tag, err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("got %v, want it to wrap %v", err, tc.is)
			}
		})
	}
}

// FuzzParseCIF checks that no input makes the reader (or, for small
// structures it accepts, the simulation) panic.
func FuzzParseCIF(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.cif"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("data_x\n_cell_length_a 1(\n"))
	f.Add([]byte("data_x\nloop_\n_a\n;\n"))
	f.Add([]byte(rhombohedralCorundum()))
	f.Fuzz(func(t *testing.T, b []byte) {
		ss, err := ParseCIF(strings.NewReader(string(b)), "fuzz.cif")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error is not a *ParseError: %v", err)
			}
			return
		}
		for i := range ss {
			s := &ss[i]
			// Keep the simulation small: a few hundred reflections at most.
			if s.Volume() > 500 || len(s.Ops) > 192 || len(s.Sites) > 20 {
				continue
			}
			_, _ = Pattern(s, 1.5405929, 10, 60, Options{})
			_ = s.Formula()
			_ = s.Density()
			// On hexagonal axes, a rhombohedral cell holds three
			// lattice points: three times the volume and the atoms.
			if h, err := s.HexagonalAxes(); err == nil && h != s {
				if math.Abs(h.Volume()/s.Volume()-3) > 1e-6 || len(h.Atoms()) != 3*len(s.Atoms()) {
					t.Fatalf("on hexagonal axes: volume %g for %g, %d atoms for %d", h.Volume(), s.Volume(), len(h.Atoms()), len(s.Atoms()))
				}
				_, _ = Pattern(h, 1.5405929, 10, 60, Options{})
			}
		}
	})
}

// TestParseSharedCIFs reads every CIF of the shared data folder: each must
// parse or fail with a *ParseError, never panic.
func TestParseSharedCIFs(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := filepath.Join("..", "..", "..", "shared", "data", "cif")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared data not found at %s (only present in the Bragg workspace): %v", dir, err)
	}
	var n, parsed, noOps int
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(strings.ToLower(p), ".cif") {
			return err
		}
		n++
		fh, err := os.Open(p)
		if err != nil {
			return err
		}
		defer fh.Close()
		_, err = ParseCIF(fh, p)
		var pe *ParseError
		switch {
		case err == nil:
			parsed++
		case errors.Is(err, ErrNoSymmetry):
			noOps++
		case !errors.As(err, &pe):
			t.Errorf("%s: error is not a *ParseError: %v", p, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d CIF files: %d parsed, %d without listed operators, %d other errors", n, parsed, noOps, n-parsed-noOps)
}

// TestCIFNumberFromSymbol: a file that lists its operators (or gives them
// by a Hall symbol) and names the group by its Hermann–Mauguin symbol
// alone gets the group's number (the AMCSD's files give none), unless
// the operators are not that group's (a P1 list under the symbol of
// P2₁/c has one rotation for its four).
func TestCIFNumberFromSymbol(t *testing.T) {
	t.Parallel()
	cif := func(symbol string, ops ...string) string {
		return "data_x\n_cell_length_a 5\n_cell_length_b 6\n_cell_length_c 7\n_cell_angle_alpha 90\n_cell_angle_beta 100\n_cell_angle_gamma 90\n" +
			"_symmetry_space_group_name_H-M '" + symbol + "'\nloop_\n_symmetry_equiv_pos_as_xyz\n" + strings.Join(ops, "\n") +
			"\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0.1 0.2 0.3\n"
	}
	for _, c := range []struct {
		cif  string
		want int
	}{
		{cif("P 1 21/c 1", "x,y,z", "-x,1/2+y,1/2-z", "-x,-y,-z", "x,1/2-y,1/2+z"), 14},
		{cif("C 1 2/c 1", "x,y,z", "-x,y,1/2-z", "-x,-y,-z", "x,-y,1/2+z", "1/2+x,1/2+y,z", "1/2-x,1/2+y,1/2-z", "1/2-x,1/2-y,-z", "1/2+x,1/2-y,1/2+z"), 15},
		{cif("P 1 21/c 1", "x,y,z"), 0},
		// Operators from the Hall symbol, the H-M one beside it.
		{strings.Replace(cif("P 1 21 1"), "loop_\n_symmetry_equiv_pos_as_xyz\n\n", "_symmetry_space_group_name_Hall 'P 2yb'\n", 1), 4},
		{cif("Q 9 x", "x,y,z"), 0},
	} {
		ss, err := ParseCIF(strings.NewReader(c.cif), "x.cif")
		if err != nil {
			t.Fatal(err)
		}
		if got := ss[0].SpaceGroupNumber; got != c.want {
			t.Errorf("%s with %d operators: number %d, want %d", ss[0].SpaceGroup, len(ss[0].Ops), got, c.want)
		}
	}
}
