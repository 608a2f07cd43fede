package refdb

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// SamePhase reports whether two entries are one phase: the same reduced
// formula, the same space-group operations count and crystal system,
// volumes per formula unit within 3 % (different temperatures, pressures
// of a few kbar and refinements of one phase differ by less; polymorphs of
// one formula differ in space group or by more), and the same strong lines
// (polytypes such as 4H and 6H SiC pass the other tests).
func SamePhase(a, b *Phase) bool {
	sa, sb := sigOf(a), sigOf(b)
	return samePhase(&sa, &sb)
}

// phaseSig is what SamePhase compares of an entry: an import compares
// what it keeps of the entries it has made so far, not whole phases.
type phaseSig struct {
	formula, system string
	ops             int
	vpf             float64 // volume per formula unit, Å³
	nLines          int     // number of lines
	dmin            float64 // the smallest d of the lines
	lines           []Line  // the lines of at least IndexMinIntensity, in order
}

func sigOf(p *Phase) phaseSig {
	s := phaseSig{formula: p.Formula, system: p.System, ops: len(p.Structure.Ops), vpf: p.Volume / p.Z, nLines: len(p.Lines)}
	for _, l := range p.Lines {
		if s.dmin == 0 || l.D < s.dmin {
			s.dmin = l.D
		}
		if l.I >= IndexMinIntensity {
			s.lines = append(s.lines, l)
		}
	}
	return s
}

func samePhase(a, b *phaseSig) bool {
	if !SameFormula(a.formula, b.formula) || a.system != b.system || a.ops != b.ops {
		return false
	}
	return math.Abs(a.vpf-b.vpf) <= 0.03*math.Max(a.vpf, b.vpf) && hasLines(a, b) && hasLines(b, a)
}

// lineTol is the relative tolerance on d of hasLines: refinements of one
// phase at different temperatures, or a computed cell against a measured
// one, change the cell anisotropically by up to about 1 % (graphite's c
// between two determinations, anatase's DFT-relaxed cell).
const lineTol = 0.008

// hasLines reports whether every one of the ten strongest lines of a (of
// at least 5 %) is in b's pattern, as a line of at least 1 % whose
// d-spacing is within lineTol of a's scaled by the cube root of the ratio
// of the volumes per formula unit; lines that fall outside b's range are
// not asked for. d-spacings do not depend on the setting of the cell, so
// two settings of one phase pass.
func hasLines(a, b *phaseSig) bool {
	if b.nLines == 0 {
		return a.nLines == 0
	}
	scale := math.Cbrt(b.vpf / a.vpf)
	strong := slices.Clone(a.lines)
	slices.SortStableFunc(strong, func(x, y Line) int { return cmp.Compare(y.I, x.I) })
	for i, l := range strong {
		if i == 10 || l.I < 5 {
			break
		}
		d := l.D * scale
		if d < b.dmin*(1+lineTol) {
			continue
		}
		found := false
		for _, m := range b.lines {
			if math.Abs(m.D-d) <= lineTol*d {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// FindSame returns the first entry of db that is the same phase as p
// (SamePhase) under another ID, or nil.
func (db *DB) FindSame(p *Phase) *Phase {
	for i := range db.Phases {
		q := &db.Phases[i]
		if q.ID != p.ID && SamePhase(p, q) {
			return q
		}
	}
	return nil
}

// DuplicateError reports an imported structure that is already in the
// database as another entry.
type DuplicateError struct {
	Source string // the imported file
	ID     string // the imported entry's ID
	Of     *Phase // the entry it duplicates
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s: %s is already in the database as %s (%s %s): not imported", e.Source, e.ID, e.Of.ID, e.Of.Formula, e.Of.Name)
}

// CheckDuplicate returns a *DuplicateError when one of dbs (the bundled
// and the user's) already holds p's phase under another ID; a re-import
// of the same file keeps its ID and replaces its entry.
func CheckDuplicate(p *Phase, dbs ...*DB) error {
	for _, db := range dbs {
		if db == nil {
			continue
		}
		if q := db.FindSame(p); q != nil {
			return &DuplicateError{Source: p.Source, ID: p.ID, Of: q}
		}
	}
	return nil
}
