package crystal

import (
	"math"
	"slices"
	"strings"
)

// Contact is the closest approach of two atoms in a structure, relative to
// their bonding distance.
type Contact struct {
	A, B  string  // site labels
	D     float64 // distance, Å
	Ratio float64 // D over the sum of the two covalent radii
}

// ShortestContact returns the pair of atoms of fully occupied sites (and
// an atom with its own lattice translates) that come closest relative to
// the sum of their covalent radii (Cordero et al. 2008, radii_gen.go);
// ok is false when no pair has known radii. Partly occupied sites are
// left out: a disordered structure lists alternative positions of one
// atom a fraction of an ångström apart on purpose. Of pairs equally close,
// the first in the order of the atoms is returned.
func (s *Structure) ShortestContact() (c Contact, ok bool) {
	g := s.Cell.Metric()
	var atoms []contactAtom
	for _, a := range s.Atoms() {
		r, known := covalentRadius[a.Element]
		if a.Occupancy < 0.999 || !known {
			continue
		}
		atoms = append(atoms, contactAtom{a.Pos, r, s.Sites[a.Site].Label})
	}
	if c, ok, certain := nearContact(g, s.Cell, atoms); certain {
		return c, ok
	}
	return allContacts(g, atoms)
}

type contactAtom struct {
	pos [3]float64 // fractional, wrapped into [0, 1)
	r   float64    // covalent radius, Å
	lab string
}

// pairContact is the distance between atoms i ≤ j at their nearest images
// and its ratio to the sum of their radii: the nearest image is among the
// 27 neighbours of the rounded difference, even in an oblique cell; an
// atom is not its own neighbour.
func pairContact(g [3][3]float64, atoms []contactAtom, i, j int) (dist, ratio float64) {
	var d [3]float64
	for k := range 3 {
		d[k] = atoms[i].pos[k] - atoms[j].pos[k]
		d[k] -= math.Round(d[k])
	}
	best := math.Inf(1)
	for t := range 27 {
		e := [3]float64{d[0] + float64(t%3-1), d[1] + float64(t/3%3-1), d[2] + float64(t/9-1)}
		if i == j && e == [3]float64{} {
			continue
		}
		best = min(best, quad(g, e))
	}
	dist = math.Sqrt(best)
	return dist, dist / (atoms[i].r + atoms[j].r)
}

// allContacts compares every pair: O(N²) in the atoms of the cell.
func allContacts(g [3][3]float64, atoms []contactAtom) (c Contact, ok bool) {
	c.Ratio = math.Inf(1)
	for i := range atoms {
		for j := i; j < len(atoms); j++ {
			if dist, r := pairContact(g, atoms, i, j); r < c.Ratio {
				c = Contact{A: atoms[i].lab, B: atoms[j].lab, D: dist, Ratio: r}
				ok = true
			}
		}
	}
	return c, ok
}

// contactReach is the ratio to the largest bond length within which
// nearContact looks for the closest pair. Sound structures have their
// closest contact at 0.65–1.2 of the bond length (ionic contacts such as
// Na–Cl, 1.05, are the longest); one with none that close is left to
// allContacts.
const contactReach = 1.25

// nearContact finds the closest contact with a cell list (Allen &
// Tildesley, "Computer Simulation of Liquids", §5.3.2), in time linear in
// the atoms for a cell many bonds across: the cell is cut into bins, and
// each atom is compared with those of the bins within rc = contactReach ×
// the largest bond length of it (all bins along an axis where the cell is
// thinner than three times rc). The answer is certain, and the same as
// allContacts', when the closest pair found is closer, relative to its
// bond, than any pair beyond rc can be; certain is false when it is not.
func nearContact(g [3][3]float64, cell Cell, atoms []contactAtom) (c Contact, ok, certain bool) {
	var maxR float64
	for _, a := range atoms {
		maxR = math.Max(maxR, a.r)
	}
	rc := contactReach * 2 * maxR
	gs, err := cell.ReciprocalMetric()
	if err != nil || len(atoms) == 0 {
		return c, false, false
	}
	// Axis k is 1/|b*_k| thick; a bin is at least rc thick (32 a side are
	// plenty), and atoms within rc of each other are at most reach[k]
	// bins apart along it, with 1e-9 of slack for rounding.
	var n, reach [3]int
	var thick [3]float64
	for k := range 3 {
		thick[k] = 1 / math.Sqrt(gs[k][k])
		n[k] = max(1, min(int(thick[k]/rc), 32))
		reach[k] = int(math.Ceil(rc * (1 + 1e-9) * float64(n[k]) / thick[k]))
	}
	bin := func(a contactAtom) [3]int {
		var b [3]int
		for k := range 3 {
			b[k] = min(int(a.pos[k]*float64(n[k])), n[k]-1)
		}
		return b
	}
	// first[bin] and next[atom] chain the atoms of each bin (-1 ends).
	first := make([]int, n[0]*n[1]*n[2])
	for i := range first {
		first[i] = -1
	}
	next := make([]int, len(atoms))
	flat := func(b [3]int) int { return (b[0]*n[1]+b[1])*n[2] + b[2] }
	for i := len(atoms) - 1; i >= 0; i-- {
		f := flat(bin(atoms[i]))
		next[i], first[f] = first[f], i
	}
	// near lists, along each axis, the bins within reach of a bin: each
	// once, however many images of the cell the reach spans (pairContact
	// takes the nearest image itself).
	var near [3][]int
	c.Ratio = math.Inf(1)
	bi, bj := -1, -1
	for i, a := range atoms {
		b := bin(a)
		for k := range 3 {
			near[k] = near[k][:0]
			if 2*reach[k]+1 >= n[k] {
				for x := range n[k] {
					near[k] = append(near[k], x)
				}
				continue
			}
			for o := -reach[k]; o <= reach[k]; o++ {
				near[k] = append(near[k], ((b[k]+o)%n[k]+n[k])%n[k])
			}
		}
		for _, x := range near[0] {
			for _, y := range near[1] {
				for _, z := range near[2] {
					for j := first[flat([3]int{x, y, z})]; j >= 0; j = next[j] {
						if j < i || far(atoms, i, j, thick, c.Ratio) {
							continue
						}
						dist, r := pairContact(g, atoms, i, j)
						if r < c.Ratio || r == c.Ratio && (i < bi || i == bi && j < bj) {
							c = Contact{A: atoms[i].lab, B: atoms[j].lab, D: dist, Ratio: r}
							bi, bj = i, j
						}
					}
				}
			}
		}
	}
	if bi < 0 || c.Ratio >= rc/(2*maxR)*(1-1e-9) {
		return c, false, false
	}
	return c, true, true
}

// far reports whether atoms i and j are surely further apart, relative
// to their bond, than ratio: every image of their fractional difference
// has a component k of at least |δk| (δ the rounded difference, |δk| ≤
// ½), and a vector's length is at least its component k times the cell's
// thickness across axis k, so their distance is at least max_k |δk|·thick_k
// (less 1e-9 for rounding).
func far(atoms []contactAtom, i, j int, thick [3]float64, ratio float64) bool {
	var lb float64
	for k := range 3 {
		d := atoms[i].pos[k] - atoms[j].pos[k]
		lb = math.Max(lb, math.Abs(d-math.Round(d))*thick[k])
	}
	return lb*(1-1e-9) > ratio*(atoms[i].r+atoms[j].r)
}

// HasBond reports whether an atom of element a and one of element b (on
// sites of any occupancy) come within ratio × the sum of their covalent
// radii of each other, at their nearest images; false when either element
// has no atom or no known radius.
func (s *Structure) HasBond(a, b string, ratio float64) bool {
	ra, okA := covalentRadius[a]
	rb, okB := covalentRadius[b]
	if !okA || !okB {
		return false
	}
	var as, bs []contactAtom
	for _, at := range s.Atoms() {
		if at.Element == a {
			as = append(as, contactAtom{pos: at.Pos, r: ra})
		} else if at.Element == b {
			bs = append(bs, contactAtom{pos: at.Pos, r: rb})
		}
	}
	na, atoms := len(as), append(as, bs...)
	g := s.Cell.Metric()
	// The lower bound of far spares most pairs the 27 images of
	// pairContact.
	var thick [3]float64
	if gs, err := s.Cell.ReciprocalMetric(); err == nil {
		for k := range 3 {
			thick[k] = 1 / math.Sqrt(gs[k][k])
		}
	}
	for i := range na {
		// With a = b every pair of the a atoms, an atom with its own
		// translates included; else each a atom with each b atom.
		j0 := na
		if a == b {
			j0 = i
		}
		for j := j0; j < len(atoms); j++ {
			if far(atoms, i, j, thick, ratio) {
				continue
			}
			if _, r := pairContact(g, atoms, i, j); r <= ratio {
				return true
			}
		}
	}
	return false
}

// FoldEquivalentSites returns a copy of the structure without the sites
// that an operator maps onto an earlier site of the same element and
// occupancy (within 1e-3 in fractional coordinates), and how many it
// dropped. A file that lists every atom of the cell (a P1 list) together
// with the operators of its space group expands each atom again onto the
// others: the folded copy lists the asymmetric unit, whose expansion is
// the listed cell.
func (s *Structure) FoldEquivalentSites() (*Structure, int) {
	t := *s
	t.Sites = nil
	type image struct {
		site int
		pos  [3]float64
	}
	var kept []image // the images of the sites kept so far
	for _, st := range s.Sites {
		p := [3]float64{wrap(st.X), wrap(st.Y), wrap(st.Z)}
		dup := false
		for _, im := range kept {
			k := t.Sites[im.site]
			if k.Element == st.Element && math.Abs(k.Occupancy-st.Occupancy) < 1e-3 && sameWrapped(im.pos, p) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		t.Sites = append(t.Sites, st)
		for _, op := range s.Ops {
			y := op.apply([3]float64{st.X, st.Y, st.Z})
			kept = append(kept, image{len(t.Sites) - 1, [3]float64{wrap(y[0]), wrap(y[1]), wrap(y[2])}})
		}
	}
	return &t, len(s.Sites) - len(t.Sites)
}

// OtherOrigins returns copies of the structure with the operators of the
// other origin choices of its space group (ITC Vol. A: the 24
// centrosymmetric groups with two origins, "F d -3 m :1" and ":2"), for a
// file whose coordinates refer to another origin than its operators; nil
// when the group has one origin or is not known by its symbol or number.
func (s *Structure) OtherOrigins() []*Structure {
	i, ok := lookupKey(hmKey(s.SpaceGroup))
	if !ok && s.SpaceGroupNumber > 0 {
		for j, row := range spaceGroupTable {
			if row.Number == s.SpaceGroupNumber {
				i, ok = j, true
				break
			}
		}
	}
	if !ok {
		return nil
	}
	own, _ := opKeys(s.Ops)
	var out []*Structure
	for _, j := range settingsOf(i) {
		row := spaceGroupTable[j]
		if !strings.HasSuffix(row.HM, ":1") && !strings.HasSuffix(row.HM, ":2") {
			continue // other axes, not another origin
		}
		g := SpaceGroup{row.Number, row.HM, row.Hall}
		ops := g.Ops()
		if keys, _ := opKeys(ops); slices.Equal(keys, own) {
			continue
		}
		t := *s
		t.Ops, t.hall, t.SpaceGroup = ops, g.Hall, g.HM
		t.symmetryFrom = "Hermann–Mauguin symbol (" + g.HM + "), other origin than the file's"
		out = append(out, &t)
	}
	return out
}

// opKeys returns the operators as comparable keys with the translation
// reduced modulo lattice translations and rounded to 1/24 (CIFs write
// 1/3 as 0.3333), or false when a translation is not near a multiple of
// 1/24 within 1e-3.
func opKeys(ops []SymOp) ([]seitz, bool) {
	out := make([]seitz, 0, len(ops))
	for _, op := range ops {
		k := seitz{r: op.R}
		for i := range 3 {
			x := op.T[i] * 24
			if math.Abs(x-math.Round(x)) > 24e-3 {
				return nil, false
			}
			k.t[i] = mod24(int(math.Round(x)))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b seitz) int {
		return strings.Compare(string(fmtSeitz(a)), string(fmtSeitz(b)))
	})
	return out, true
}

func fmtSeitz(a seitz) []byte {
	b := make([]byte, 0, 12)
	for i := range 3 {
		for j := range 3 {
			b = append(b, byte(a.r[i][j]+8))
		}
	}
	return append(b, byte(a.t[0]), byte(a.t[1]), byte(a.t[2]))
}
