package crystal

import (
	"fmt"
	"math"
	"strings"
)

// Cell is a unit cell: edge lengths in ångström, angles in degrees.
type Cell struct {
	A, B, C            float64
	Alpha, Beta, Gamma float64
}

// SymOp is a space-group operation x' = R·x + T in fractional coordinates.
type SymOp struct {
	R [3][3]int
	T [3]float64
}

// Rotations returns the distinct rotation parts of the operators, in
// their order (the identity for none): the point group, whose order is
// the same in every setting of a space group.
func Rotations(ops []SymOp) [][3][3]int {
	var out [][3][3]int
	seen := map[[3][3]int]bool{}
	for _, op := range ops {
		if !seen[op.R] {
			seen[op.R] = true
			out = append(out, op.R)
		}
	}
	if len(out) == 0 {
		out = append(out, [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}})
	}
	return out
}

// Site is one atom site of the asymmetric unit.
type Site struct {
	Label     string  `json:"label"`
	Element   string  `json:"element"`          // element symbol, "Fe"
	Charge    int     `json:"charge,omitempty"` // formal charge from the type symbol ("Fe3+" → 3), 0 if none
	X, Y, Z   float64 // fractional coordinates
	Occupancy float64 `json:"occ"`  // 0–1
	Uiso      float64 `json:"uiso"` // isotropic displacement, Å²
}

// Structure is a crystal structure: cell, symmetry operations (all of them,
// including centring translations) and the asymmetric unit.
type Structure struct {
	Name             string  `json:"name,omitempty"`
	Cell             Cell    `json:"cell"`
	SpaceGroup       string  `json:"space_group"` // Hermann–Mauguin symbol as in the source
	SpaceGroupNumber int     `json:"space_group_number,omitempty"`
	Ops              []SymOp `json:"ops"`
	// hall is the Hall symbol the operators were built from, when the file
	// listed none; symmetryFrom says where Ops came from (see
	// SymmetrySource). Unexported: they are not part of the stored
	// reference database.
	hall, symmetryFrom string
	Sites              []Site `json:"sites"`

	// Provenance read from the CIF, when present.
	Block        string `json:"block,omitempty"`         // CIF data block name
	Mineral      string `json:"mineral,omitempty"`       // _chemical_name_mineral
	ChemicalName string `json:"chemical_name,omitempty"` // _chemical_name_systematic or _common
	// StructuralFormula is _chemical_formula_structural without its
	// spaces: "Ba(CO3)", "Al2(SiO4)O".
	StructuralFormula string `json:"structural_formula,omitempty"`
	CODID             string `json:"cod_id,omitempty"`   // _cod_database_code
	Citation          string `json:"citation,omitempty"` // authors (year) journal volume, first page

	// What the CIF states about the contents, to check the structure
	// against (refdb's sanity gate); empty or 0 when the file does not say.
	// FormulaSum is _chemical_formula_sum as written ("Ca H4 O6 S");
	// AuthorFormula is the authors' own formula sum, in their element
	// order, that COD keeps as _cod_chemical_formula_sum_orig ("Ni Fe2
	// O4"); FormulaUnits is _cell_formula_units_Z; DensityMeasured and
	// DensityDiffrn are _exptl_crystal_density_meas and _diffrn (g/cm³).
	FormulaSum      string  `json:"formula_sum,omitempty"`
	AuthorFormula   string  `json:"author_formula,omitempty"`
	FormulaUnits    float64 `json:"formula_units,omitempty"`
	DensityMeasured float64 `json:"density_measured,omitempty"`
	DensityDiffrn   float64 `json:"density_diffrn,omitempty"`
}

// SpaceGroupLabel is the space group in a few characters, for a list: the
// symbol, or the number when the setting has no symbol ("No. 148").
func (s *Structure) SpaceGroupLabel() string {
	if s.SpaceGroup == "" && s.SpaceGroupNumber > 0 {
		return s.SpaceGroupName()
	}
	return s.SpaceGroup
}

// SpaceGroupName is the space group as a reader writes it: the symbol with
// its number ("P 1 21/c 1 (No. 14)"), the number alone when the setting
// has no symbol ("No. 148": operators found in a computed cell), the
// symbol alone when the number is unknown, "" when neither is known.
func (s *Structure) SpaceGroupName() string {
	switch {
	case s.SpaceGroupNumber <= 0:
		return s.SpaceGroup
	case s.SpaceGroup == "":
		return fmt.Sprintf("No. %d", s.SpaceGroupNumber)
	}
	return fmt.Sprintf("%s (No. %d)", s.SpaceGroup, s.SpaceGroupNumber)
}

// SymmetrySource says where ParseCIF took the operators from: "listed
// operators", "Hall symbol", "Hermann–Mauguin symbol (P 1 21/c 1)" (with
// the setting chosen) or "space-group number (…)"; "" for a structure not
// read from a CIF.
func (s *Structure) SymmetrySource() string { return s.symmetryFrom }

// HallSymbol returns the Hall symbol the operators were built from, or ""
// when they were listed in the file.
func (s *Structure) HallSymbol() string { return s.hall }

// String writes the operation as CIF does: "x,y+1/2,-z".
func (op SymOp) String() string {
	parts := make([]string, 3)
	for i := range 3 {
		var t strings.Builder
		for j, v := range []string{"x", "y", "z"} {
			switch op.R[i][j] {
			case 1:
				if t.Len() > 0 {
					t.WriteString("+")
				}
				t.WriteString(v)
			case -1:
				t.WriteString("-" + v)
			case 0:
			default:
				fmt.Fprintf(&t, "%+d*%s", op.R[i][j], v)
			}
		}
		if tr := op.T[i]; tr != 0 {
			t.WriteString(fraction(tr))
		}
		parts[i] = t.String()
	}
	return strings.Join(parts, ",")
}

// fraction writes a translation as a signed fraction with denominator 12
// or less when it is one (1/2, 1/3, 1/4, 1/6, 1/8, 1/12 …), else as a
// decimal.
func fraction(v float64) string {
	for den := 1; den <= 12; den++ {
		n := v * float64(den)
		if r := math.Round(n); math.Abs(n-r) < 1e-9 {
			if den == 1 {
				return fmt.Sprintf("%+d", int(r))
			}
			return fmt.Sprintf("%+d/%d", int(r), den)
		}
	}
	return fmt.Sprintf("%+g", v)
}
