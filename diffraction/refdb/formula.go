package refdb

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// ParseChemical reads a formula as a chemist writes it, with groups in
// parentheses or brackets and hydrate water after a centred dot
// ("Al2Si2O5(OH)4", "CaSO4·2H2O", "Ca(SO4)(H2O)2", "Ni Fe2 O4"): the
// element counts, the elements in order of first appearance, and ok false
// for anything else (a name, a charge, an unknown symbol).
func ParseChemical(f string) (counts map[string]float64, order []string, ok bool) {
	f = strings.Join(strings.Fields(f), "")
	counts = map[string]float64{}
	for i, part := range strings.FieldsFunc(f, func(r rune) bool { return r == '·' || r == '•' || r == '*' }) {
		mult := 1.0
		if i > 0 { // "2H2O": a leading multiplier
			k := 0
			for k < len(part) && (part[k] >= '0' && part[k] <= '9' || part[k] == '.') {
				k++
			}
			if k > 0 {
				v, err := strconv.ParseFloat(part[:k], 64)
				if err != nil {
					return nil, nil, false
				}
				mult, part = v, part[k:]
			}
		}
		p := &chemParser{s: part}
		m, ok := p.group(0)
		if !ok || p.i != len(part) || len(m) == 0 {
			return nil, nil, false
		}
		for _, el := range p.order {
			if !slices.Contains(order, el) {
				order = append(order, el)
			}
		}
		for el, n := range m {
			counts[el] += n * mult
		}
	}
	for _, n := range counts {
		if math.IsInf(n, 0) || math.IsNaN(n) { // counts of hundreds of digits, multiplied
			return nil, nil, false
		}
	}
	return counts, order, len(counts) > 0
}

type chemParser struct {
	s     string
	i     int
	order []string
}

// group reads elements and bracketed groups up to the closing bracket of
// depth (none at depth 0).
func (p *chemParser) group(depth int) (map[string]float64, bool) {
	m := map[string]float64{}
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '(' || c == '[':
			if depth > 8 {
				return nil, false
			}
			p.i++
			sub, ok := p.group(depth + 1)
			if !ok || p.i >= len(p.s) || (c == '(' && p.s[p.i] != ')') || (c == '[' && p.s[p.i] != ']') {
				return nil, false
			}
			p.i++
			n := p.count()
			for el, v := range sub {
				m[el] += v * n
			}
		case c == ')' || c == ']':
			return m, depth > 0
		case c >= 'A' && c <= 'Z':
			j := p.i + 1
			for j < len(p.s) && p.s[j] >= 'a' && p.s[j] <= 'z' {
				j++
			}
			el := p.s[p.i:j]
			if _, known := crystal.AtomicMass(el); !known {
				return nil, false
			}
			p.i = j
			m[el] += p.count()
			if !slices.Contains(p.order, el) {
				p.order = append(p.order, el)
			}
		default:
			return nil, false
		}
	}
	return m, depth == 0
}

// count reads an optional number after an element or group (1 if none).
func (p *chemParser) count() float64 {
	j := p.i
	for j < len(p.s) && (p.s[j] >= '0' && p.s[j] <= '9' || p.s[j] == '.') {
		j++
	}
	if j == p.i {
		return 1
	}
	v, err := strconv.ParseFloat(p.s[p.i:j], 64)
	if err != nil {
		p.i = len(p.s) + 1 // makes the caller fail
		return 0
	}
	p.i = j
	return v
}

// CompactFormula returns a name that is a formula written with spaces
// ("W O3", "Ni Fe2 O4") without them ("WO3"), and false for a name that
// is not a formula ("Magnesium titanate").
func CompactFormula(name string) (string, bool) {
	f := strings.Join(strings.Fields(name), "")
	if _, _, ok := ParseChemical(f); !ok {
		return "", false
	}
	return f, true
}

// formulas works out an entry's formulas from its structure and what the
// CIF states (crystal.Structure.FormulaSum and the chemist's formulas):
//
//   - formula, the reduced element-count formula of the cell contents
//     with the hydrogen that the stated formula has and the structure
//     lacks in part or in full (then missingH). The elements are in the
//     order of the chemist's formula (the structural formula, or a name
//     that is a formula: CoFe2O4, not FeCo2O4) when it has the same
//     elements, no H and the most electronegative one last; else by
//     increasing electronegativity (the IUPAC principle of electropositive
//     before electronegative constituents, Red Book 2005 IR-4.4.2.1, as
//     pymatgen orders reduced formulae: CaCO3, Al2Si2H4O9). Hill order (C,
//     H, then alphabetical), which CIF formula sums use, is for organic
//     compounds and would write calcite CCaO3; so is the authors' formula
//     sum ("O6 Se2 V") often.
//   - chemical, the formula a chemist writes, with groups and hydrate
//     water (Ca(SO4)(H2O)2), from the structural formula when it has the
//     proportions of the contents and a group worth showing; else formula.
//   - els, the elements of formula in its order.
//   - z, the number of formula units of formula in the cell.
func formulas(s *crystal.Structure) (formula, chemical string, els []string, z float64, missingH bool) {
	comp := s.Composition()
	if stated, ok := statedFormula(s); ok && stated["H"] > 0 {
		if k, ok := unitsOf(comp, stated); ok && comp["H"] < (1-formulaTol)*k*stated["H"] {
			missingH = true
			comp["H"] = k * stated["H"]
		} else if !ok && comp["H"] == 0 {
			missingH = true
		}
	}
	for el, n := range comp {
		if n > 0 {
			els = append(els, el)
		}
	}
	crystal.SortFormulaOrder(els)
	for _, f := range []string{s.StructuralFormula, s.ChemicalName} {
		if order, ok := chemistOrder(els, f); ok {
			els = order
			break
		}
	}
	formula, z = crystal.ReducedFormula(comp, els)
	chemical = formula
	if c, ok := CompactFormula(s.StructuralFormula); ok && multipliedGroup.MatchString(c) && SameFormula(formula, ElementCount(c)) {
		chemical = c
	}
	return formula, chemical, els, z, missingH
}

// multipliedGroup finds what makes a structural formula worth showing: a
// group taken more than once or hydrate water ("Ca(OH)2", "CuSO4·5H2O");
// COD's single groups ("Ca(TiO3)", "Ba(CO3)") are written plainly.
var multipliedGroup = regexp.MustCompile(`[)\]][0-9]|·`)

// unitsOf returns k such that comp = k × stated for the elements other
// than H, when all agree within formulaTol (see Check): k is taken from
// the element with the most atoms in the formula, which rounding moves
// least.
func unitsOf(comp, stated map[string]float64) (float64, bool) {
	ref := ""
	for el, n := range stated {
		if el != "H" && (ref == "" || n > stated[ref] || n == stated[ref] && el < ref) {
			ref = el
		}
	}
	if ref == "" || stated[ref] <= 0 {
		return 0, false
	}
	k := comp[ref] / stated[ref]
	for el, n := range stated {
		if el != "H" && math.Abs(comp[el]-k*n) > formulaTol*k*n+1e-3*k {
			return 0, false
		}
	}
	return k, k > 0
}

// chemistOrder returns the elements els (by electronegativity) in the
// order of the chemist's formula f, when f has the same elements, no H
// and the most electronegative one last (see formulas).
func chemistOrder(els []string, f string) ([]string, bool) {
	c, ok := CompactFormula(f)
	if !ok || len(els) == 0 {
		return nil, false
	}
	m, order, _ := ParseChemical(c)
	if m["H"] > 0 || !sameElements(m, els) || order[len(order)-1] != els[len(els)-1] {
		return nil, false
	}
	return order, true
}

// Reorder writes an element-count formula in the element order of a
// chemist's formula of the same elements ("FeCuS2", "CuFeS2" →
// "CuFeS2"), under the conditions of formulas; ok is false when it does
// not apply.
func Reorder(formula, chemist string) (string, bool) {
	m, ok := ParseFormula(formula)
	if !ok {
		return "", false
	}
	els := make([]string, 0, len(m))
	for el := range m {
		els = append(els, el)
	}
	crystal.SortFormulaOrder(els)
	order, ok := chemistOrder(els, chemist)
	if !ok {
		return "", false
	}
	f, _ := crystal.ReducedFormula(m, order)
	return f, true
}

func sameElements(m map[string]float64, els []string) bool {
	if len(m) != len(els) {
		return false
	}
	for _, el := range els {
		if m[el] <= 0 {
			return false
		}
	}
	return true
}

// ElementCount writes a chemist's formula as element counts in its own
// order ("Al2Si2O5(OH)4" → "Al2Si2O9H4"), or "" if it does not parse.
func ElementCount(f string) string {
	m, order, ok := ParseChemical(f)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, el := range order {
		b.WriteString(el)
		if n := m[el]; n != 1 {
			b.WriteString(strconv.FormatFloat(math.Round(n*1000)/1000, 'f', -1, 64))
		}
	}
	return b.String()
}
