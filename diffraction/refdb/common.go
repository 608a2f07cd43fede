package refdb

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// CommonPhase is one phase of the list every laboratory database must
// cover (issue 5 of the project: elements, oxides, hydroxides, carbonates,
// sulfates, phosphates, halides, silicates, sulfides, cement phases and
// hard materials).
type CommonPhase struct {
	Name string // as listed
	// An entry is this phase when its mineral name or name contains one
	// of Minerals (case-insensitive), or, when Minerals is empty, when its
	// formula has the element counts of Formula (and its crystal system or
	// space-group number, when given).
	Minerals []string
	Formula  string
	System   string
	SG       int
}

// CommonPhases is the list; Coverage checks a database against it.
var CommonPhases = []CommonPhase{
	{Name: "Si", Formula: "Si", System: "cubic"}, {Name: "Al", Formula: "Al"}, {Name: "Cu", Formula: "Cu"},
	{Name: "Fe (α)", Formula: "Fe", SG: 229}, {Name: "Ni", Formula: "Ni"}, {Name: "Au", Formula: "Au"},
	{Name: "Ag", Formula: "Ag"}, {Name: "Pt", Formula: "Pt"}, {Name: "Zn", Formula: "Zn"}, {Name: "Ti", Formula: "Ti", System: "hexagonal"},
	{Name: "W", Formula: "W"}, {Name: "Mo", Formula: "Mo"}, {Name: "graphite", Minerals: []string{"graphite"}},
	{Name: "diamond", Minerals: []string{"diamond"}},
	{Name: "quartz", Minerals: []string{"quartz"}, Formula: "SiO2"}, {Name: "cristobalite", Minerals: []string{"cristobalite"}},
	{Name: "tridymite", Minerals: []string{"tridymite"}}, {Name: "corundum", Minerals: []string{"corundum"}},
	{Name: "rutile", Minerals: []string{"rutile"}}, {Name: "anatase", Minerals: []string{"anatase"}},
	{Name: "brookite", Minerals: []string{"brookite"}}, {Name: "hematite", Minerals: []string{"hematite"}},
	{Name: "magnetite", Minerals: []string{"magnetite"}}, {Name: "wüstite", Minerals: []string{"wüstite", "wustite", "wuestite"}},
	{Name: "goethite", Minerals: []string{"goethite"}}, {Name: "zincite", Minerals: []string{"zincite"}},
	{Name: "periclase", Minerals: []string{"periclase"}}, {Name: "lime", Formula: "CaO"},
	{Name: "bunsenite (NiO)", Formula: "NiO"}, {Name: "tenorite", Formula: "CuO"}, {Name: "cuprite", Formula: "Cu2O"},
	{Name: "CoO", Formula: "CoO"}, {Name: "Co3O4", Formula: "Co3O4"}, {Name: "hausmannite", Formula: "Mn3O4"},
	{Name: "manganosite (MnO)", Formula: "MnO"}, {Name: "pyrolusite", Minerals: []string{"pyrolusite"}},
	{Name: "bixbyite (Mn2O3)", Formula: "Mn2O3"}, {Name: "eskolaite", Formula: "Cr2O3"}, {Name: "V2O5", Formula: "V2O5"},
	{Name: "In2O3", Formula: "In2O3"}, {Name: "cassiterite", Formula: "SnO2"}, {Name: "cerianite (CeO2)", Formula: "CeO2"},
	{Name: "baddeleyite", Formula: "ZrO2", System: "monoclinic"}, {Name: "tetragonal ZrO2", Formula: "ZrO2", System: "tetragonal"},
	{Name: "cubic ZrO2", Formula: "ZrO2", System: "cubic"}, {Name: "Y2O3", Formula: "Y2O3"},
	{Name: "α-Bi2O3 (bismite)", Formula: "Bi2O3", System: "monoclinic"}, {Name: "La2O3", Formula: "La2O3"},
	{Name: "WO3", Formula: "WO3"}, {Name: "MoO3", Formula: "MoO3"}, {Name: "ilmenite", Formula: "FeTiO3"},
	{Name: "perovskite (CaTiO3)", Formula: "CaTiO3"}, {Name: "SrTiO3", Formula: "SrTiO3"}, {Name: "BaTiO3", Formula: "BaTiO3"},
	{Name: "LiNbO3", Formula: "LiNbO3"}, {Name: "spinel", Formula: "MgAl2O4"}, {Name: "gahnite", Formula: "ZnAl2O4"},
	{Name: "chromite", Formula: "FeCr2O4"}, {Name: "LiCoO2", Formula: "LiCoO2"}, {Name: "LiMn2O4", Formula: "LiMn2O4"},
	{Name: "LiFePO4", Formula: "LiFePO4"}, {Name: "Li4Ti5O12", Formula: "Li4Ti5O12"}, {Name: "Li2TiO3", Formula: "Li2TiO3"},
	{Name: "Li2MnO3", Formula: "Li2MnO3"},
	{Name: "brucite", Formula: "MgH2O2"}, {Name: "portlandite", Formula: "CaH2O2"}, {Name: "gibbsite", Minerals: []string{"gibbsite"}},
	{Name: "boehmite", Minerals: []string{"boehmite"}}, {Name: "diaspore", Minerals: []string{"diaspore"}}, {Name: "La(OH)3", Formula: "LaH3O3"},
	{Name: "calcite", Minerals: []string{"calcite"}}, {Name: "aragonite", Minerals: []string{"aragonite"}},
	{Name: "dolomite", Formula: "CaMgC2O6"}, {Name: "magnesite", Formula: "MgCO3"}, {Name: "siderite", Formula: "FeCO3"},
	{Name: "rhodochrosite", Formula: "MnCO3"}, {Name: "smithsonite", Formula: "ZnCO3"}, {Name: "cerussite", Formula: "PbCO3"},
	{Name: "strontianite", Formula: "SrCO3"}, {Name: "witherite", Formula: "BaCO3"}, {Name: "Li2CO3", Formula: "Li2CO3"},
	{Name: "Na2CO3", Formula: "Na2CO3"}, {Name: "malachite", Formula: "Cu2CH2O5"},
	{Name: "gypsum", Formula: "CaSH4O6"}, {Name: "bassanite", Minerals: []string{"bassanite"}}, {Name: "anhydrite", Formula: "CaSO4", System: "orthorhombic"},
	{Name: "barite", Formula: "BaSO4"}, {Name: "celestine", Formula: "SrSO4"}, {Name: "anglesite", Formula: "PbSO4"},
	{Name: "thenardite", Formula: "Na2SO4"}, {Name: "ettringite", Minerals: []string{"ettringite"}},
	{Name: "fluorapatite", Minerals: []string{"fluorapatite"}}, {Name: "hydroxyapatite", Minerals: []string{"hydroxyapatite", "hydroxylapatite"}},
	{Name: "monazite-(Ce)", Formula: "CePO4", System: "monoclinic"}, {Name: "xenotime-(Y)", Formula: "YPO4"}, {Name: "NH4H2PO4", Formula: "NH6PO4"},
	{Name: "halite", Formula: "NaCl"}, {Name: "sylvite", Formula: "KCl"}, {Name: "fluorite", Formula: "CaF2"},
	{Name: "LiF", Formula: "LiF"}, {Name: "cryolite", Formula: "Na3AlF6"}, {Name: "chlorargyrite", Formula: "AgCl"}, {Name: "CsCl", Formula: "CsCl"},
	{Name: "zircon", Formula: "ZrSiO4"}, {Name: "forsterite", Formula: "Mg2SiO4", System: "orthorhombic"}, {Name: "fayalite", Formula: "Fe2SiO4", System: "orthorhombic"},
	{Name: "enstatite", Minerals: []string{"enstatite"}}, {Name: "diopside", Minerals: []string{"diopside"}},
	{Name: "wollastonite", Minerals: []string{"wollastonite"}}, {Name: "kyanite", Minerals: []string{"kyanite"}},
	{Name: "andalusite", Minerals: []string{"andalusite"}}, {Name: "sillimanite", Minerals: []string{"sillimanite"}},
	{Name: "mullite", Minerals: []string{"mullite"}}, {Name: "almandine", Minerals: []string{"almandine"}},
	{Name: "grossular", Minerals: []string{"grossular"}}, {Name: "albite", Minerals: []string{"albite"}},
	{Name: "anorthite", Minerals: []string{"anorthite"}}, {Name: "orthoclase", Minerals: []string{"orthoclase"}},
	{Name: "microcline", Minerals: []string{"microcline"}}, {Name: "sanidine", Minerals: []string{"sanidine"}},
	{Name: "nepheline", Minerals: []string{"nepheline"}}, {Name: "kaolinite", Minerals: []string{"kaolinite"}},
	{Name: "muscovite", Minerals: []string{"muscovite"}}, {Name: "phlogopite", Minerals: []string{"phlogopite"}},
	{Name: "talc", Minerals: []string{"talc"}}, {Name: "clinochlore", Minerals: []string{"clinochlore"}},
	{Name: "illite", Minerals: []string{"illite"}}, {Name: "montmorillonite", Minerals: []string{"montmorillonite"}},
	{Name: "lizardite", Minerals: []string{"lizardite"}}, {Name: "titanite", Minerals: []string{"titanite", "sphene"}},
	{Name: "beryl", Minerals: []string{"beryl"}},
	{Name: "pyrite", Minerals: []string{"pyrite"}}, {Name: "marcasite", Minerals: []string{"marcasite"}},
	{Name: "chalcopyrite", Formula: "CuFeS2"}, {Name: "sphalerite", Formula: "ZnS", System: "cubic"}, {Name: "wurtzite", Formula: "ZnS", System: "hexagonal"},
	{Name: "galena", Formula: "PbS"}, {Name: "pyrrhotite", Minerals: []string{"pyrrhotite"}}, {Name: "molybdenite", Formula: "MoS2"},
	{Name: "cinnabar", Formula: "HgS", System: "trigonal"}, {Name: "stibnite", Formula: "Sb2S3"},
	{Name: "alite (C3S)", Formula: "Ca3SiO5"}, {Name: "belite (C2S)", Formula: "Ca2SiO4", System: "monoclinic"},
	{Name: "C3A", Formula: "Ca3Al2O6"}, {Name: "brownmillerite (C4AF)", Minerals: []string{"brownmillerite"}},
	{Name: "α-SiC", Formula: "SiC", System: "hexagonal"}, {Name: "β-SiC", Formula: "SiC", System: "cubic"},
	{Name: "α-Si3N4", Formula: "Si3N4", SG: 159}, {Name: "β-Si3N4", Formula: "Si3N4", SG: 176},
	{Name: "AlN", Formula: "AlN"}, {Name: "TiN", Formula: "TiN"}, {Name: "TiC", Formula: "TiC"}, {Name: "WC", Formula: "WC"},
	{Name: "hexagonal BN", Formula: "BN", System: "hexagonal"}, {Name: "B4C", Formula: "B4C"}, {Name: "LaB6", Formula: "LaB6"},
}

// Matches reports whether entry p is this common phase.
func (c CommonPhase) Matches(p *Phase) bool {
	if len(c.Minerals) > 0 {
		for _, m := range c.Minerals {
			if containsWord(p.Mineral, m) || containsWord(p.Name, m) {
				return c.Formula == "" || SameFormula(p.Formula, c.Formula)
			}
		}
		return false
	}
	if !SameFormula(p.Formula, c.Formula) {
		return false
	}
	if c.System != "" && !strings.EqualFold(p.System, c.System) {
		return false
	}
	return c.SG == 0 || p.Structure.SpaceGroupNumber == c.SG
}

// Coverage reports which common phases have an entry among ps (whole
// entries or heads: Matches reads neither atoms nor lines).
func Coverage(ps []*Phase) (present, missing []string) {
	for _, c := range CommonPhases {
		found := false
		for _, p := range ps {
			if c.Matches(p) {
				found = true
				break
			}
		}
		if found {
			present = append(present, c.Name)
		} else {
			missing = append(missing, c.Name)
		}
	}
	return present, missing
}

func containsWord(s, w string) bool {
	s, w = strings.ToLower(s), strings.ToLower(w)
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !unicode.IsLetter(rune(s[j-1]))
		end := j + len(w)
		after := end == len(s) || !unicode.IsLetter(rune(s[end]))
		if before && after {
			return true
		}
		i = j + 1
	}
}

// ParseFormula reads an element-count formula ("CaCO3", "Li3MnCoNi1.002O6")
// into counts per element; ok is false for anything else.
func ParseFormula(f string) (map[string]float64, bool) {
	m := map[string]float64{}
	if !formulaTokens(f, func(el string, c float64) bool { m[el] += c; return true }) {
		return nil, false
	}
	return m, true
}

// SameFormula compares two formulas as proportions of the elements, so
// that neither the order of the elements nor the multiple matters
// ("Li4Ti5O12" is the reduced formula "Li1.333Ti1.667O4" of a structure
// with a mixed site; "Al2O3" is "O3Al2"). Proportions agree to 1e-4.
func SameFormula(a, b string) bool {
	p, ok := proportionsOf(a)
	return ok && p.same(b)
}

// proportions is a formula parsed once, to compare many with it (Search
// compares the query's with every entry's).
type proportions struct {
	counts map[string]float64
	total  float64
}

func proportionsOf(f string) (proportions, bool) {
	m, ok := ParseFormula(f)
	if !ok {
		return proportions{}, false
	}
	p := proportions{counts: m}
	for _, v := range m {
		p.total += v
	}
	return p, true
}

// same reports whether f has p's proportions (to 1e-4), reading f in
// place: two passes over its tokens, the first for the elements and the
// total, the second for the proportions.
func (p proportions) same(f string) bool {
	var seen [16]string // the elements of f, to notice one written twice
	n, total, repeated := 0, 0.0, false
	if !formulaTokens(f, func(el string, c float64) bool {
		_, ok := p.counts[el]
		for _, s := range seen[:min(n, len(seen))] {
			repeated = repeated || s == el
		}
		if n < len(seen) {
			seen[n] = el
		} else {
			repeated = true // too many to tell: the long way
		}
		n++
		total += c
		return ok
	}) {
		return false
	}
	if repeated || n != len(p.counts) {
		// An element written twice ("HOH"), or one missing: count them
		// the long way.
		m, ok := ParseFormula(f)
		if !ok || len(m) != len(p.counts) {
			return false
		}
		for el, c := range m {
			if w, ok := p.counts[el]; !ok || math.Abs(c/total-w/p.total) > 1e-4 {
				return false
			}
		}
		return true
	}
	return formulaTokens(f, func(el string, c float64) bool {
		return math.Abs(c/total-p.counts[el]/p.total) <= 1e-4
	})
}

// formulaTokens calls fn with each element and count of an element-count
// formula, in order, while fn returns true; it reports false when fn did
// or when f is not such a formula (ParseFormula's syntax).
func formulaTokens(f string, fn func(el string, count float64) bool) bool {
	if f == "" {
		return false
	}
	for i := 0; i < len(f); {
		if f[i] < 'A' || f[i] > 'Z' {
			return false
		}
		j := i + 1
		for j < len(f) && f[j] >= 'a' && f[j] <= 'z' {
			j++
		}
		k := j
		for k < len(f) && (f[k] >= '0' && f[k] <= '9' || f[k] == '.') {
			k++
		}
		c := 1.0
		if k > j {
			v, err := strconv.ParseFloat(f[j:k], 64)
			if err != nil {
				return false
			}
			c = v
		}
		if !fn(f[i:j], c) {
			return false
		}
		i = k
	}
	return true
}
