package crystal

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// posTol is the tolerance, in fractional coordinates, under which two
// positions generated from one site by the symmetry operators count as the
// same atom (after reduction modulo lattice translations).
const posTol = 1e-3

// Atom is one atom of the full unit cell: a site's element, occupancy and
// displacement at one of its symmetry-equivalent positions (fractional
// coordinates in [0, 1)).
type Atom struct {
	Site      int // index into Structure.Sites
	Element   string
	Occupancy float64
	Uiso      float64
	Pos       [3]float64
}

// Validate checks that the structure can be used for computation: a real
// cell, at least one operator and one site, known elements, finite
// coordinates and occupancies in 0–1.
func (s *Structure) Validate() error {
	if err := s.Cell.validate(); err != nil {
		return fmt.Errorf("crystal: %w", err)
	}
	if len(s.Ops) == 0 {
		return fmt.Errorf("crystal: %w", ErrNoSymmetry)
	}
	if len(s.Sites) == 0 {
		return errors.New("crystal: structure has no atom sites")
	}
	for _, op := range s.Ops {
		for i := range 3 {
			if math.IsNaN(op.T[i]) || math.IsInf(op.T[i], 0) {
				return errors.New("crystal: symmetry operator with a non-finite translation")
			}
		}
	}
	for _, st := range s.Sites {
		if lookupElement(st.Element) == nil {
			return fmt.Errorf("crystal: site %s: unknown element %q", st.Label, st.Element)
		}
		for _, v := range []float64{st.X, st.Y, st.Z, st.Uiso} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e6 {
				return fmt.Errorf("crystal: site %s: non-finite or absurd coordinate or displacement", st.Label)
			}
		}
		if !(st.Occupancy >= 0 && st.Occupancy <= 1) {
			return fmt.Errorf("crystal: site %s: occupancy %g is not in 0–1", st.Label, st.Occupancy)
		}
	}
	return nil
}

func wrap(x float64) float64 {
	x -= math.Floor(x)
	if x >= 1-1e-12 {
		x = 0
	}
	return x
}

// samePos reports whether fractional positions a and b coincide modulo
// lattice translations within posTol.
func samePos(a, b [3]float64) bool {
	for i := range 3 {
		d := a[i] - b[i]
		d -= math.Round(d)
		if math.Abs(d) > posTol {
			return false
		}
	}
	return true
}

// sameWrapped is samePos for positions already wrapped into [0, 1), where
// a difference is in (−1, 1) and needs no rounding.
func sameWrapped(a, b [3]float64) bool {
	for i := range 3 {
		d := a[i] - b[i]
		if d > 0.5 {
			d--
		} else if d < -0.5 {
			d++
		}
		if d > posTol || d < -posTol {
			return false
		}
	}
	return true
}

// apply returns R·x + t.
func (op SymOp) apply(x [3]float64) [3]float64 {
	var y [3]float64
	for i := range 3 {
		y[i] = float64(op.R[i][0])*x[0] + float64(op.R[i][1])*x[1] + float64(op.R[i][2])*x[2] + op.T[i]
	}
	return y
}

// Atoms expands the sites by the symmetry operators into the full unit
// cell. Images of one site that coincide modulo a lattice translation
// (within 1e-3 in fractional coordinates) are kept once, so a site on a
// special position gets its Wyckoff multiplicity. Images of different sites
// are never merged (mixed sites share a position on purpose).
func (s *Structure) Atoms() []Atom {
	out := make([]Atom, 0, len(s.Sites)*4)
	// The rotation parts as floats, converted once.
	rf := make([][12]float64, len(s.Ops))
	for k, op := range s.Ops {
		for i := range 3 {
			for j := range 3 {
				rf[k][3*i+j] = float64(op.R[i][j])
			}
			rf[k][9+i] = op.T[i]
		}
	}
	for i, st := range s.Sites {
		start := len(out)
	ops:
		for k := range rf {
			m := &rf[k]
			y := [3]float64{
				wrap(m[0]*st.X + m[1]*st.Y + m[2]*st.Z + m[9]),
				wrap(m[3]*st.X + m[4]*st.Y + m[5]*st.Z + m[10]),
				wrap(m[6]*st.X + m[7]*st.Y + m[8]*st.Z + m[11]),
			}
			for j := start; j < len(out); j++ {
				if sameWrapped(out[j].Pos, y) {
					continue ops
				}
			}
			out = append(out, Atom{Site: i, Element: st.Element, Occupancy: st.Occupancy, Uiso: st.Uiso, Pos: y})
		}
	}
	return out
}

// Composition returns the cell contents: for each element, the sum of the
// occupancies of its atoms in the unit cell.
func (s *Structure) Composition() map[string]float64 {
	m := map[string]float64{}
	for _, a := range s.Atoms() {
		m[a.Element] += a.Occupancy
	}
	return m
}

// Volume returns the unit-cell volume in Å³.
func (s *Structure) Volume() float64 { return s.Cell.Volume() }

// avogadro is the Avogadro constant (CODATA 2018, exact), mol⁻¹.
const avogadro = 6.02214076e23

// Density returns the calculated density in g/cm³: the mass of the cell
// contents (standard atomic weights) divided by N_A·V, with 1 Å³ = 1e-24 cm³.
// It is 0 when an element is unknown.
func (s *Structure) Density() float64 {
	var m float64
	for el, n := range s.Composition() {
		e := lookupElement(el)
		if e == nil {
			return 0
		}
		m += n * e.Mass
	}
	return m / (avogadro * s.Volume() * 1e-24)
}

// Elements returns the element symbols present, in formula order.
func (s *Structure) Elements() []string {
	comp := s.Composition()
	els := make([]string, 0, len(comp))
	for el, n := range comp {
		if n > 0 {
			els = append(els, el)
		}
	}
	sortFormulaOrder(els)
	return els
}

// sortFormulaOrder orders elements by increasing Pauling electronegativity
// (ties and undefined values by atomic number), the convention pymatgen
// uses for reduced formulae: CaCO3, Al2O3, LiMn2O4.
func sortFormulaOrder(els []string) {
	key := func(sym string) (float64, int) {
		e := lookupElement(sym)
		if e == nil {
			return math.Inf(1), 0
		}
		x := e.X
		if x == 0 {
			x = math.Inf(1)
		}
		return x, e.Z
	}
	sort.Slice(els, func(i, j int) bool {
		xi, zi := key(els[i])
		xj, zj := key(els[j])
		if xi != xj {
			return xi < xj
		}
		return zi < zj
	})
}

// Z returns the number of formula units (of Formula) in the cell.
func (s *Structure) Z() float64 {
	_, z := s.reduced()
	return z
}

// Formula returns the reduced formula in element-count form, elements in
// order of electronegativity: "CaCO3", "Al2O3", "TiO2". Fractional
// contents (partial occupancy) keep up to three decimals.
func (s *Structure) Formula() string {
	f, _ := s.reduced()
	return f
}

func (s *Structure) reduced() (string, float64) {
	return ReducedFormula(s.Composition(), s.Elements())
}

// SortFormulaOrder orders element symbols as Formula does: by increasing
// Pauling electronegativity.
func SortFormulaOrder(els []string) { sortFormulaOrder(els) }

// ReducedFormula writes the contents comp (element → count) as a reduced
// element-count formula with the elements in the order els, and returns
// the number of formula units in comp (see Formula).
func ReducedFormula(comp map[string]float64, els []string) (string, float64) {
	if len(els) == 0 {
		return "", 0
	}
	// Integer contents (within 1e-3 per element) are divided by their gcd;
	// otherwise by the gcd of the rounded contents.
	g := 0
	for _, el := range els {
		n := int(math.Round(comp[el]))
		if n < 1 {
			n = 1
		}
		g = gcd(g, n)
	}
	if g < 1 {
		g = 1
	}
	var b strings.Builder
	for _, el := range els {
		n := comp[el] / float64(g)
		b.WriteString(el)
		if math.Abs(n-math.Round(n)) < 1e-3 {
			if r := int(math.Round(n)); r != 1 {
				b.WriteString(strconv.Itoa(r))
			}
		} else {
			b.WriteString(strconv.FormatFloat(math.Round(n*1000)/1000, 'f', -1, 64))
		}
	}
	return b.String(), float64(g)
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// CrystalSystem returns the crystal system ("cubic", "hexagonal",
// "trigonal", "tetragonal", "orthorhombic", "monoclinic", "triclinic"):
// from the space-group number when known (ITC Vol. A, Table 2.1.2.1),
// otherwise from the orders of the rotation parts of the operators.
func (s *Structure) CrystalSystem() string {
	if n := s.SpaceGroupNumber; n > 0 {
		switch {
		case n <= 2:
			return "triclinic"
		case n <= 15:
			return "monoclinic"
		case n <= 74:
			return "orthorhombic"
		case n <= 142:
			return "tetragonal"
		case n <= 167:
			return "trigonal"
		case n <= 194:
			return "hexagonal"
		default:
			return "cubic"
		}
	}
	// Order of the proper part ±R from its trace: 3→1, −1→2, 0→3, 1→4, 2→6.
	count := map[int]int{}
	seen := map[[3][3]int]bool{}
	for _, op := range s.Ops {
		r := op.R
		if det3(r) < 0 {
			for i := range 3 {
				for j := range 3 {
					r[i][j] = -r[i][j]
				}
			}
		}
		if seen[r] {
			continue
		}
		seen[r] = true
		count[r[0][0]+r[1][1]+r[2][2]]++
	}
	switch {
	case count[0] >= 8:
		return "cubic"
	case count[2] > 0:
		return "hexagonal"
	case count[0] > 0:
		return "trigonal"
	case count[1] > 0:
		return "tetragonal"
	case count[-1] >= 3:
		return "orthorhombic"
	case count[-1] > 0:
		return "monoclinic"
	}
	return "triclinic"
}

func det3(r [3][3]int) int {
	return r[0][0]*(r[1][1]*r[2][2]-r[1][2]*r[2][1]) -
		r[0][1]*(r[1][0]*r[2][2]-r[1][2]*r[2][0]) +
		r[0][2]*(r[1][0]*r[2][1]-r[1][1]*r[2][0])
}
