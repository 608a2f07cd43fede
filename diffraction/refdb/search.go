package refdb

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Query selects entries; every set criterion must hold. The zero Query
// selects everything.
type Query struct {
	// Text matches, case-insensitively, a part of the ID, name, mineral
	// name, formula or chemical formula; a Text that is a formula also
	// matches the entries with its proportions of the elements, in any
	// order ("Fe2CoO4" finds CoFe2O4).
	Text string
	// Formula matches the proportions of the elements ("Al2O3" = "O3Al2" =
	// "AlO1.5"); it may be written with groups ("CaSO4·2H2O").
	Formula string
	// AllOf, AnyOf and NoneOf restrain the elements.
	AllOf, AnyOf, NoneOf []string
	// SpaceGroup matches the Hermann–Mauguin symbol ignoring spaces and
	// case ("Fm-3m"), or the number ("225").
	SpaceGroup string
	// Strongest are up to three d-spacings (Å) of the sample's strongest
	// lines, strongest first, for a Hanawalt search: each must be one of
	// the entry's strongest lines (the first among its three strongest,
	// the others among its eight strongest) within DTolerance.
	Strongest []float64
	// DTolerance is the relative tolerance of the d-spacings; 0 means 1 %.
	DTolerance float64
}

// Hit is an entry found by Search; Score orders Hanawalt hits (the mean
// relative d deviation, smaller is better) and is 0 otherwise.
type Hit struct {
	Phase *Phase
	Score float64
}

// Search returns the entries that satisfy q, by ID, or by Score for a
// Hanawalt search (J. D. Hanawalt, H. W. Rinn & L. K. Frevel 1938, Ind.
// Eng. Chem. Anal. Ed. 10, 457: index by the strongest lines).
func (db *DB) Search(q Query) []Hit {
	c := q.compile()
	hits := c.search(db.Phases)
	c.sort(hits)
	return hits
}

// compiledQuery is a Query with its text and formulas read once.
type compiledQuery struct {
	q                              Query
	text, textFormula, formula, sg string
	tol                            float64
	hanawalt                       bool
}

func (q Query) compile() *compiledQuery {
	c := &compiledQuery{q: q, text: strings.ToLower(strings.TrimSpace(q.Text)), formula: q.Formula, sg: normSG(q.SpaceGroup),
		tol: q.DTolerance, hanawalt: len(q.Strongest) > 0}
	if f, ok := CompactFormula(q.Text); ok {
		c.textFormula = ElementCount(f)
	}
	if f, ok := CompactFormula(q.Formula); ok {
		c.formula = ElementCount(f)
	}
	if c.tol == 0 {
		c.tol = 0.01
	}
	return c
}

// admits tests every criterion but the strongest lines.
func (c *compiledQuery) admits(p *Phase) bool {
	if c.text != "" && !strings.Contains(strings.ToLower(p.ID+"\x00"+p.Name+"\x00"+p.Mineral+"\x00"+p.Formula+"\x00"+p.ChemicalFormula), c.text) &&
		(c.textFormula == "" || !SameFormula(p.Formula, c.textFormula)) {
		return false
	}
	if c.q.Formula != "" && !SameFormula(p.Formula, c.formula) {
		return false
	}
	if !elementsOK(p.Elements, c.q) {
		return false
	}
	return c.sg == "" || c.sg == normSG(p.Structure.SpaceGroup) || c.sg == strconv.Itoa(p.Structure.SpaceGroupNumber)
}

// search returns the hits among phases, in their order.
func (c *compiledQuery) search(ps []Phase) []Hit {
	var hits []Hit
	for i := range ps {
		p := &ps[i]
		if !c.admits(p) {
			continue
		}
		score := 0.0
		if c.hanawalt {
			var ok bool
			if score, ok = hanawalt(p, c.q.Strongest, c.tol); !ok {
				continue
			}
		}
		hits = append(hits, Hit{Phase: p, Score: score})
	}
	return hits
}

// sort orders the hits of a Hanawalt search by score.
func (c *compiledQuery) sort(hits []Hit) {
	if c.hanawalt {
		slices.SortStableFunc(hits, func(a, b Hit) int {
			return cmp.Compare(a.Score, b.Score)
		})
	}
}

func elementsOK(els []string, q Query) bool {
	for _, e := range q.AllOf {
		if !slices.Contains(els, e) {
			return false
		}
	}
	if len(q.AnyOf) > 0 && !slices.ContainsFunc(q.AnyOf, func(e string) bool { return slices.Contains(els, e) }) {
		return false
	}
	return !slices.ContainsFunc(q.NoneOf, func(e string) bool { return slices.Contains(els, e) })
}

// normSG folds a space-group symbol for comparison: no spaces, lower case,
// no setting suffix (":H", ":1").
func normSG(s string) string {
	s, _, _ = strings.Cut(s, ":")
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

// hanawalt checks the strongest-line criterion and scores the match.
func hanawalt(p *Phase, ds []float64, tol float64) (float64, bool) {
	strong := slices.Clone(p.Lines)
	slices.SortStableFunc(strong, func(a, b Line) int { return cmp.Compare(b.I, a.I) })
	var sum float64
	for k, d := range ds {
		n := 8
		if k == 0 {
			n = 3
		}
		best := math.Inf(1)
		for _, l := range strong[:min(n, len(strong))] {
			best = math.Min(best, math.Abs(l.D-d)/d)
		}
		if best > tol {
			return 0, false
		}
		sum += best
	}
	return sum / float64(len(ds)), true
}
