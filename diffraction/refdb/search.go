package refdb

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
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

// MaxStrongest is how many d-spacings a Hanawalt search takes: the three
// strongest lines, as the Hanawalt index lists them.
const MaxStrongest = 3

// ParseDSpacings reads the d-spacings of a Hanawalt search as a user
// writes them: numbers in Å separated by commas, semicolons or spaces,
// strongest first ("3.34, 4.26, 1.82"). An empty s is no d-spacing.
func ParseDSpacings(s string) ([]float64, error) {
	var ds []float64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%q is not a d-spacing in Å", f)
		}
		ds = append(ds, v)
	}
	if len(ds) > MaxStrongest {
		return nil, fmt.Errorf("%d d-spacings: a search takes at most %d, the strongest first", len(ds), MaxStrongest)
	}
	return ds, nil
}

// Validate reports the first criterion of q that cannot be meant: an
// element symbol that is not one as chemistry writes it ("Si", not "si"),
// more than MaxStrongest d-spacings or one that is not positive, or a
// d tolerance outside 0–10 %.
func (q Query) Validate() error {
	for _, l := range []struct {
		name string
		syms []string
	}{{"elements", q.AllOf}, {"any of the elements", q.AnyOf}, {"none of the elements", q.NoneOf}} {
		for _, e := range l.syms {
			if err := crystal.CheckSymbol(e); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
		}
	}
	if len(q.Strongest) > MaxStrongest {
		return fmt.Errorf("%d d-spacings: a search takes at most %d", len(q.Strongest), MaxStrongest)
	}
	for _, d := range q.Strongest {
		if !(d > 0) || math.IsInf(d, 0) {
			return fmt.Errorf("d-spacing %g Å is not positive", d)
		}
	}
	if !(q.DTolerance >= 0 && q.DTolerance <= 0.1) {
		return fmt.Errorf("d tolerance %g is outside 0–0.1 (10 %%)", q.DTolerance)
	}
	return nil
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
	var hits []Hit
	for _, h := range c.search(db.Phases) {
		hits = append(hits, h.Hit)
	}
	c.sort(hits)
	return hits
}

// compiledQuery is a Query with its text and formulas read once.
type compiledQuery struct {
	q                    Query
	text, sg             string
	textFormula, formula proportions
	textIsFormula        bool
	// textSymbols and symbols are the element symbols of textFormula and
	// formula (mayAdmit).
	textSymbols, symbols [][]byte
	tol                  float64
	hanawalt             bool
}

func (q Query) compile() *compiledQuery {
	c := &compiledQuery{q: q, text: strings.ToLower(strings.TrimSpace(q.Text)), sg: normSG(q.SpaceGroup),
		tol: q.DTolerance, hanawalt: len(q.Strongest) > 0}
	if f, ok := CompactFormula(q.Text); ok {
		c.textFormula, c.textIsFormula = proportionsOf(ElementCount(f))
	}
	if q.Formula != "" {
		f := q.Formula
		if cf, ok := CompactFormula(f); ok {
			f = ElementCount(cf)
		}
		c.formula, _ = proportionsOf(f) // none: nothing matches
	}
	if c.tol == 0 {
		c.tol = 0.01
	}
	c.textSymbols, c.symbols = c.textFormula.symbols(), c.formula.symbols()
	return c
}

// symbols lists the element symbols of p.
func (p proportions) symbols() [][]byte {
	var out [][]byte
	for el := range p.counts {
		out = append(out, []byte(el))
	}
	return out
}

// byText reports whether the query has a text or formula criterion, which
// mayAdmit tests.
func (c *compiledQuery) byText() bool { return c.text != "" || c.q.Formula != "" }

// mayAdmit is a test of an entry's fields as its search text holds them
// (collFile.searchText: ID, names and formulas) that passes every entry
// admits passes, and spares decoding the heads that cannot match: a text
// criterion is found, folded as containsFold folds it, in the text, or,
// for a formula, every one of its element symbols is (in the entry's
// formula); a formula criterion's symbols are.
func (c *compiledQuery) mayAdmit(text []byte) bool {
	hasAll := func(syms [][]byte) bool {
		for _, s := range syms {
			if !bytes.Contains(text, s) {
				return false
			}
		}
		return true
	}
	if c.text != "" && !foldContains(c.text, text) && !(c.textIsFormula && hasAll(c.textSymbols)) {
		return false
	}
	return c.q.Formula == "" || c.formula.counts != nil && hasAll(c.symbols)
}

// textFields are the fields of p a search by text looks in (admits, and
// collFile.searchText, which must hold every one of them for mayAdmit).
func (p *Phase) textFields() []string {
	return []string{p.ID, p.Name, p.Mineral, p.Formula, p.ChemicalFormula}
}

// admits tests every criterion but the strongest lines.
func (c *compiledQuery) admits(p *Phase) bool {
	if c.text != "" && !containsFold(c.text, p.textFields()...) &&
		(!c.textIsFormula || !c.textFormula.same(p.Formula)) {
		return false
	}
	if c.q.Formula != "" && (c.formula.counts == nil || !c.formula.same(p.Formula)) {
		return false
	}
	if !elementsOK(p.Elements, c.q) {
		return false
	}
	return c.sg == "" || c.sg == normSG(p.Structure.SpaceGroup) || c.sg == strconv.Itoa(p.Structure.SpaceGroupNumber)
}

// indexedHit is a hit with the index of its phase.
type indexedHit struct {
	Hit
	index int
}

// search returns the hits among phases, in their order.
func (c *compiledQuery) search(ps []Phase) []indexedHit {
	var hits []indexedHit
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
		hits = append(hits, indexedHit{Hit{Phase: p, Score: score}, i})
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

// containsFold reports whether one of fields contains sub, which is in
// lower case, ignoring case. An ASCII sub (what users type) is looked for
// byte by byte with ASCII folding, without allocating: a search of 100,000
// entries per keystroke; any other goes through strings.ToLower.
func containsFold(sub string, fields ...string) bool {
	for _, f := range fields {
		if foldContains(sub, f) {
			return true
		}
	}
	return false
}

// foldContains reports whether f contains sub, which is in lower case,
// ignoring case (see containsFold).
func foldContains[S ~string | ~[]byte](sub string, f S) bool {
	ascii := true
	for i := range len(sub) {
		ascii = ascii && sub[i] < 0x80
	}
	if !ascii {
		return strings.Contains(strings.ToLower(string(f)), sub)
	}
scan:
	for i := 0; i+len(sub) <= len(f); i++ {
		for j := range len(sub) {
			c := f[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				continue scan
			}
		}
		return true
	}
	return false
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
