package crystal

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// P1 returns the structure expanded to space group P1: one site per atom of
// the cell (Structure.Atoms) and the identity as the only operator.
func (s *Structure) P1() *Structure {
	out := *s
	out.SpaceGroup, out.SpaceGroupNumber = "P 1", 1
	out.Ops = []SymOp{{R: [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}}
	out.Sites = nil
	for i, a := range s.Atoms() {
		st := s.Sites[a.Site]
		st.Label = fmt.Sprintf("%s_%d", st.Label, i)
		st.X, st.Y, st.Z = a.Pos[0], a.Pos[1], a.Pos[2]
		out.Sites = append(out.Sites, st)
	}
	return &out
}

// Transform returns the structure in a new cell whose basis vectors are
// the columns of p in terms of the old basis (a' = Σ p_i1 a_i, …), as a P1
// structure (run FindSymmetry to recover the operators). The new cell must
// be a supercell or the same lattice (det p ≥ 1), e.g. rhombohedral to
// hexagonal axes (RhombToHex).
func (s *Structure) Transform(p [3][3]int) (*Structure, error) {
	det := det3(p)
	if det < 1 {
		return nil, fmt.Errorf("crystal: transformation determinant %d < 1", det)
	}
	pf := floatMatrix(p)
	out := *s
	out.Cell = s.Cell.transformed(pf)
	out.SpaceGroup, out.SpaceGroupNumber = "P 1", 1
	out.Ops = []SymOp{{R: [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}}
	out.Sites = nil
	out.FormulaUnits *= float64(det) // the new cell holds det old cells
	pinv := inverse3(pf)
	// Old lattice points inside the new cell: search old translations n in a
	// box large enough for |p| entries.
	n := 0
	for i := range 3 {
		for j := range 3 {
			n += abs(p[i][j])
		}
	}
	for i, at := range s.Atoms() {
		st := s.Sites[at.Site]
		var found [][3]float64
		for u := -n; u <= n; u++ {
			for v := -n; v <= n; v++ {
				for w := -n; w <= n; w++ {
					xo := [3]float64{at.Pos[0] + float64(u), at.Pos[1] + float64(v), at.Pos[2] + float64(w)}
					var x [3]float64
					for r := range 3 {
						x[r] = pinv[r][0]*xo[0] + pinv[r][1]*xo[1] + pinv[r][2]*xo[2]
					}
					for r := range 3 {
						x[r] = wrap(math.Round(x[r]*1e9) / 1e9)
					}
					dup := false
					for _, f := range found {
						if samePos(f, x) {
							dup = true
							break
						}
					}
					if !dup {
						found = append(found, x)
					}
				}
			}
		}
		if len(found) != det {
			return nil, fmt.Errorf("crystal: transformation gave %d images of an atom, want %d", len(found), det)
		}
		for k, x := range found {
			ns := st
			ns.Label = fmt.Sprintf("%s_%d_%d", st.Label, i, k)
			ns.X, ns.Y, ns.Z = x[0], x[1], x[2]
			out.Sites = append(out.Sites, ns)
		}
	}
	return &out, nil
}

// RhombToHex takes rhombohedral axes to hexagonal axes (obverse setting):
// a_h = a_r − b_r, b_h = b_r − c_r, c_h = a_r + b_r + c_r (the columns;
// ITC Vol. A, Table 5.1.3.1), for Transform.
var RhombToHex = [3][3]int{{1, 0, 1}, {-1, 1, 1}, {0, -1, 1}}

// OnRhombohedralAxes reports whether the cell is a rhombohedral lattice
// given on rhombohedral axes: a = b = c and α = β = γ (within 1e-4
// relative, as ParseCIF decides the setting) other than 90°, 60° and
// 109.47°, the primitive cells of the cubic P, F and I lattices.
func (c Cell) OnRhombohedralAxes() bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Abs(b) }
	if !near(c.A, c.B) || !near(c.B, c.C) || !near(c.Alpha, c.Beta) || !near(c.Beta, c.Gamma) {
		return false
	}
	cubicI := math.Acos(-1.0/3) * 180 / math.Pi
	return !near(c.Alpha, 90) && !near(c.Alpha, 60) && !near(c.Alpha, cubicI)
}

// HexagonalAxes returns a structure given on rhombohedral axes
// (Cell.OnRhombohedralAxes) on the hexagonal axes of its lattice, the
// conventional setting of ITC Vol. A and of the Powder Diffraction File,
// in which cells of one structure type compare axis by axis (corundum's
// a = 4.76, c = 12.99 Å, not a = 5.13 Å, α = 55.3°); other structures are
// returned as they are. The cell holds three lattice points: Z triples.
// When the group is known by its symbol or number, each site's
// coordinates are taken to the new axes (x_h = P⁻¹x_r, P = RhombToHex)
// under the operators of the group's hexagonal setting ("R -3 c :H"): the
// same sites, conjugate operators, so that the expansion holds the same
// atoms three times over. Otherwise (a computed structure listed in P1)
// the cell is transformed atom by atom and FindSymmetry finds the
// operators.
func (s *Structure) HexagonalAxes() (*Structure, error) {
	if !s.Cell.OnRhombohedralAxes() {
		return s, nil
	}
	g, ok := hexagonalSetting(s)
	if !ok {
		t, err := s.Transform(RhombToHex)
		if err != nil {
			return nil, err
		}
		u, err := FindSymmetry(t)
		if err != nil {
			return nil, err
		}
		u.SpaceGroup, u.SpaceGroupNumber = s.SpaceGroup, s.SpaceGroupNumber
		return u, nil
	}
	pf := floatMatrix(RhombToHex)
	pinv := inverse3(pf)
	out := *s
	out.Cell, out.FormulaUnits = s.Cell.transformed(pf), 3*s.FormulaUnits // det P = 3
	out.Ops, out.hall, out.SpaceGroup, out.SpaceGroupNumber = g.Ops(), g.Hall, g.HM, g.Number
	out.Sites = slices.Clone(s.Sites)
	for i := range out.Sites {
		st := &out.Sites[i]
		x := [3]float64{st.X, st.Y, st.Z}
		var y [3]float64
		for r := range 3 {
			y[r] = wrap(math.Round((pinv[r][0]*x[0]+pinv[r][1]*x[1]+pinv[r][2]*x[2])*1e9) / 1e9)
		}
		st.X, st.Y, st.Z = y[0], y[1], y[2]
	}
	if n, want := len(out.Atoms()), 3*len(s.Atoms()); n != want {
		return nil, fmt.Errorf("crystal: %s on hexagonal axes expands to %d atoms, want %d", g.HM, n, want)
	}
	return &out, nil
}

// hexagonalSetting is the hexagonal-axes setting of the rhombohedral
// space group of s, known by its symbol ("R -3 c", "R -3 c :R") or
// number (146, 148, 155, 160, 161, 166, 167).
func hexagonalSetting(s *Structure) (SpaceGroup, bool) {
	var hm string
	if i, ok := lookupKey(hmKey(s.SpaceGroup)); ok {
		hm = spaceGroupTable[i].HM
	} else if s.SpaceGroupNumber > 0 {
		for _, row := range spaceGroupTable {
			if row.Number == s.SpaceGroupNumber {
				hm = row.HM
				break
			}
		}
	}
	base, found := strings.CutSuffix(hm, " :R")
	if !found {
		base, found = strings.CutSuffix(hm, " :H")
	}
	if !found {
		return SpaceGroup{}, false
	}
	g, err := LookupSpaceGroup(base + " :H")
	return g, err == nil
}

// floatMatrix is p in floating point.
func floatMatrix(p [3][3]int) [3][3]float64 {
	var pf [3][3]float64
	for i := range 3 {
		for j := range 3 {
			pf[i][j] = float64(p[i][j])
		}
	}
	return pf
}

// transformed is the cell whose basis vectors are the columns of p in
// terms of c's: metric G' = PᵀGP (ITC Vol. A, §5.1.3), angles rounded to
// 1e-6°.
func (c Cell) transformed(p [3][3]float64) Cell {
	g := c.Metric()
	var gn [3][3]float64
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				for l := range 3 {
					gn[i][j] += p[k][i] * g[k][l] * p[l][j]
				}
			}
		}
	}
	a, b, cc := math.Sqrt(gn[0][0]), math.Sqrt(gn[1][1]), math.Sqrt(gn[2][2])
	ang := func(x, y, z float64) float64 {
		v := x / (y * z)
		return math.Round(math.Acos(max(-1, min(1, v)))*180/math.Pi*1e6) / 1e6
	}
	return Cell{A: a, B: b, C: cc, Alpha: ang(gn[1][2], b, cc), Beta: ang(gn[0][2], a, cc), Gamma: ang(gn[0][1], a, b)}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// FindSymmetry finds the space-group operators of a structure from its
// atoms, in the given cell and origin: every integer matrix R (entries
// −1, 0, 1) that keeps the metric (RᵀGR = G within 1e-3 relative) and,
// with some translation t, maps every atom onto an atom of the same
// element, occupancy and displacement (within 1e-3 in fractional
// coordinates). It returns a copy with those operators and the sites
// reduced to one per orbit (the asymmetric unit). The space-group symbol
// and number are cleared: the caller sets them when known. Use it on P1 listings (computed structures)
// so that multiplicities and hkl follow the true Laue class.
func FindSymmetry(s *Structure) (*Structure, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	atoms := s.Atoms()
	if len(atoms) == 0 {
		return nil, errors.New("crystal: no atoms")
	}
	type kind struct {
		el   string
		occ  float64
		uiso float64
	}
	kindOf := func(a Atom) kind {
		return kind{a.Element, math.Round(a.Occupancy * 1e4), math.Round(a.Uiso * 1e5)}
	}
	count := map[kind]int{}
	for _, a := range atoms {
		count[kindOf(a)]++
	}
	ref := 0
	for i, a := range atoms {
		if count[kindOf(a)] < count[kindOf(atoms[ref])] {
			ref = i
		}
	}
	g := s.Cell.Metric()
	scale := max(g[0][0], g[1][1], g[2][2])
	var ops []SymOp
	var r [3][3]int
	for code := range 19683 { // 3⁹ matrices with entries −1, 0, 1
		c := code
		for i := range 3 {
			for j := range 3 {
				r[i][j] = c%3 - 1
				c /= 3
			}
		}
		if d := det3(r); d != 1 && d != -1 {
			continue
		}
		if !keepsMetric(r, g, 1e-3*scale) {
			continue
		}
		x0 := atoms[ref].Pos
		rx0 := SymOp{R: r}.apply(x0)
		for _, b := range atoms {
			if kindOf(b) != kindOf(atoms[ref]) {
				continue
			}
			var t [3]float64
			for i := range 3 {
				t[i] = wrap(b.Pos[i] - rx0[i])
				t[i] = snap(t[i])
			}
			op := SymOp{R: r, T: t}
			if mapsOnto(op, atoms, func(a, b Atom) bool { return kindOf(a) == kindOf(b) }) {
				ops = append(ops, op)
			}
		}
	}
	if len(ops) == 0 {
		return nil, errors.New("crystal: no symmetry found (not even the identity)")
	}
	// Put the identity first.
	for i, op := range ops {
		if op.R == [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} && op.T == [3]float64{} {
			ops[0], ops[i] = ops[i], ops[0]
			break
		}
	}
	out := *s
	out.Ops = ops
	out.Sites = nil
	out.SpaceGroup, out.SpaceGroupNumber = "", 0
	var covered [][3]float64
	var coveredKind []kind
	for _, a := range atoms {
		skip := false
		for i, c := range covered {
			if coveredKind[i] == kindOf(a) && samePos(c, a.Pos) {
				skip = true
				break
			}
		}
		if skip {
			continue
		}
		st := s.Sites[a.Site]
		st.X, st.Y, st.Z = a.Pos[0], a.Pos[1], a.Pos[2]
		out.Sites = append(out.Sites, st)
		for _, op := range ops {
			y := op.apply(a.Pos)
			covered = append(covered, y)
			coveredKind = append(coveredKind, kindOf(a))
		}
	}
	return &out, nil
}

// snap rounds a translation component to the nearest multiple of 1/24
// when it is within 1e-4 of it (space-group translations are multiples of
// 1/12 or 1/8 in conventional settings), so operators print cleanly.
func snap(t float64) float64 {
	v := math.Round(t * 24)
	if math.Abs(t*24-v) < 24e-4 {
		return wrap(v / 24)
	}
	return t
}

func keepsMetric(r [3][3]int, g [3][3]float64, tol float64) bool {
	for i := range 3 {
		for j := range 3 {
			var v float64
			for k := range 3 {
				for l := range 3 {
					v += float64(r[k][i]) * g[k][l] * float64(r[l][j])
				}
			}
			if math.Abs(v-g[i][j]) > tol {
				return false
			}
		}
	}
	return true
}

func mapsOnto(op SymOp, atoms []Atom, same func(a, b Atom) bool) bool {
	for _, a := range atoms {
		y := op.apply(a.Pos)
		hit := false
		for _, b := range atoms {
			if same(a, b) && samePos(y, b.Pos) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}
