package crystal

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

//go:generate sh -c "/usr/bin/python3 ../../internal/dbgen/tables/gen_spacegroups.py > spacegroups_gen.go && gofmt -w spacegroups_gen.go"

// spaceGroupSetting is one row of the generated settings table.
type spaceGroupSetting struct {
	Number    int
	HM        string // Hermann–Mauguin symbol with the setting: "P 1 21/c 1", "F d -3 m :2", "R -3 c :H"
	Hall      string
	Qualifier string // monoclinic unique axis and cell choice ("b1"), orthorhombic setting; "" otherwise
	sig       string // signature of the operator set (gen_spacegroups.py)
}

// SpaceGroup is a space-group setting found by LookupSpaceGroup.
type SpaceGroup struct {
	Number int    // 1–230
	HM     string // Hermann–Mauguin symbol with the setting, as in ITC Vol. B Table A1.4.2.7
	Hall   string // Hall symbol
}

// Ops returns the symmetry operators of the setting, built from its Hall
// symbol.
func (g SpaceGroup) Ops() []SymOp {
	ops, err := HallOps(g.Hall)
	if err != nil {
		panic("crystal: bad Hall symbol in the table: " + g.Hall) // the table is tested
	}
	return ops
}

// GroupNumber is the number of the space group that name names (a
// Hermann–Mauguin symbol or a number), when ops have as many rotations as
// that group (its point group's order, the same in every setting); 0
// when name names no group or ops are not its.
func GroupNumber(name string, ops []SymOp) int {
	g, err := LookupSpaceGroup(name)
	if err != nil || len(Rotations(g.Ops())) != len(Rotations(ops)) {
		return 0
	}
	return g.Number
}

// ErrUnknownSpaceGroup is the cause of a failed LookupSpaceGroup.
var ErrUnknownSpaceGroup = errors.New("unknown space-group symbol")

// hmKey normalises a Hermann–Mauguin symbol for lookup: no spaces or
// underscores, lower case ("P 1 21/c 1" → "p121/c1").
func hmKey(s string) string {
	s = strings.Trim(strings.TrimSpace(s), "'\"")
	s = axesNote.Replace(s)
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r == ' ' || r == '_' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// axesNote turns the older COD notation of the rhombohedral settings,
// "R 3 c {rhombohedral axes}", into the setting extension ":R" (":H").
var axesNote = strings.NewReplacer("{rhombohedral axes}", ":R", "{hexagonal axes}", ":H")

// hmIndex maps normalised symbols (with ":ext" for settings) to rows of
// spaceGroupTable. Each row is entered under its full symbol with and
// without the extension, and, for monoclinic groups, under the short
// symbol without the 1s ("P 1 21/c 1" → "p21/c"). The first row wins, so
// a symbol without extension means the first setting in ITC order: origin
// choice 1, hexagonal axes, unique axis b, cell choice 1.
var hmIndex = func() map[string]int {
	m := map[string]int{}
	put := func(k string, i int) {
		if _, ok := m[k]; !ok {
			m[k] = i
		}
	}
	for i, g := range spaceGroupTable {
		full, ext, _ := strings.Cut(g.HM, ":")
		k := hmKey(full)
		if ext != "" {
			put(k+":"+strings.ToLower(strings.TrimSpace(ext)), i)
		}
		put(k, i)
		if g.Number >= 3 && g.Number <= 15 {
			f := strings.Fields(full)
			var short []string
			for _, w := range f[1:] {
				if w != "1" {
					short = append(short, w)
				}
			}
			put(hmKey(f[0]+strings.Join(short, "")), i)
			if g.Qualifier != "" {
				put(k+":"+g.Qualifier, i)
			}
		}
	}
	return m
}()

// LookupSpaceGroup finds a space-group setting from a Hermann–Mauguin
// symbol as CIFs write it: "P 21/c", "P 1 21/c 1", "Fd-3m", "F d -3 m :2",
// "R -3 c :R", "R-3cH", "Pm3m" (pre-1983 cubic symbol); or from a number
// ("225"). Spaces and case do not matter. Without a setting the first one
// of ITC Vol. A is taken: origin choice 1, hexagonal axes for R groups,
// unique axis b, cell choice 1 (Structure parsing refines this with the
// cell and the atoms, see ParseCIF).
func LookupSpaceGroup(symbol string) (SpaceGroup, error) {
	k := hmKey(symbol)
	if i, ok := lookupKey(k); ok {
		g := spaceGroupTable[i]
		return SpaceGroup{g.Number, g.HM, g.Hall}, nil
	}
	// Centred triclinic cells ("C -1", "A 1", "I -1"): the Hall symbol
	// is the same letters in the other order.
	if len(k) >= 2 && strings.IndexByte("abcif", k[0]) >= 0 && (k[1:] == "1" || k[1:] == "-1") {
		hall := strings.ToUpper(k[:1]) + " 1"
		n := 1
		if k[1:] == "-1" {
			hall, n = "-"+hall, 2
		}
		return SpaceGroup{n, strings.ToUpper(k[:1]) + " " + k[1:], hall}, nil
	}
	if n, err := strconv.Atoi(k); err == nil && n >= 1 && n <= 230 {
		for _, g := range spaceGroupTable {
			if g.Number == n {
				return SpaceGroup{g.Number, g.HM, g.Hall}, nil
			}
		}
	}
	return SpaceGroup{}, fmt.Errorf("%w %q", ErrUnknownSpaceGroup, symbol)
}

func lookupKey(k string) (int, bool) {
	// "Pmn2(1)" → "pmn21" (subscripts in parentheses).
	for _, d := range "123456" {
		k = strings.ReplaceAll(k, "("+string(d)+")", string(d))
	}
	try := []string{k}
	// Settings written without a colon: "R-3cH", "R3R", "Fd-3mS", "Fd-3mZ"
	// (S and Z: origin choice 1 and 2 in some programs; also written after
	// a symbol that has a single origin, "P6/mccS").
	if !strings.Contains(k, ":") && len(k) > 2 {
		last, stem := k[len(k)-1], k[:len(k)-1]
		switch {
		case k[0] == 'r' && (last == 'h' || last == 'r'):
			try = append(try, stem+":"+string(last))
		case last == 's':
			try = append(try, stem+":1", stem)
		case last == 'z':
			try = append(try, stem+":2", stem)
		}
	}
	for _, t := range try {
		t = strings.ReplaceAll(t, ":s", ":1")
		t = strings.ReplaceAll(t, ":z", ":2")
		if i, ok := lookupVariants(t); ok {
			return i, true
		}
	}
	return 0, false
}

// lookupVariants tries a normalised symbol as written and in the older or
// fuller forms CIFs use for the same group: pre-1983 cubic symbols without
// the bar ("Pm3m"), full symbols with 2/ ("I 2/b 2/a 2/m" → "Ibam";
// not for cubic groups), and the e glide of ITA 2002 written for a or b
// ("Cmce" = "Cmca", "Bmeb" = "Bmab").
func lookupVariants(t string) (int, bool) {
	if i, ok := hmIndex[t]; ok {
		return i, true
	}
	if j := strings.IndexByte(t, '3'); j > 1 && t[j-1] != '-' {
		if i, ok := hmIndex[t[:j]+"-"+t[j:]]; ok && spaceGroupTable[i].Number >= 200 {
			return i, true
		}
	}
	if u := strings.ReplaceAll(t, "2/", ""); u != t {
		if i, ok := lookupVariants(u); ok && spaceGroupTable[i].Number < 195 {
			return i, true
		}
	}
	if len(t) < 2 {
		return 0, false
	}
	if j := strings.IndexByte(t[1:], 'e'); j >= 0 {
		for _, g := range []string{"a", "b", "c"} {
			if i, ok := hmIndex[t[:j+1]+g+t[j+2:]]; ok {
				return i, true
			}
		}
	}
	return 0, false
}

// settingsOf returns the rows of the table with the same number and base
// symbol as row i (the alternative origin choices or axes of a symbol
// given without extension).
func settingsOf(i int) []int {
	base, _, _ := strings.Cut(spaceGroupTable[i].HM, ":")
	var out []int
	for j, g := range spaceGroupTable {
		b, _, _ := strings.Cut(g.HM, ":")
		if g.Number == spaceGroupTable[i].Number && b == base {
			out = append(out, j)
		}
	}
	return out
}

// seitz is an operator with the translation in 24ths, reduced to 0–23.
type seitz struct {
	r [3][3]int
	t [3]int
}

func (a seitz) mul(b seitz) seitz {
	var c seitz
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c.r[i][j] += a.r[i][k] * b.r[k][j]
			}
		}
		v := a.t[i]
		for k := range 3 {
			v += a.r[i][k] * b.t[k]
		}
		c.t[i] = mod24(v)
	}
	return c
}

func mod24(v int) int { return ((v % 24) + 24) % 24 }

// Hall (1981), Acta Cryst. A37, 517–525, Tables 1–4, and Hall's "Space-group
// notation with an explicit origin" as amended in ITC Vol. B, §A1.4.2
// (Grosse-Kunstleve 1999, Acta Cryst. A55, 383–395).
var (
	// Lattice centring translations in 24ths (Table 1).
	hallLattice = map[byte][][3]int{
		'P': nil,
		'A': {{0, 12, 12}},
		'B': {{12, 0, 12}},
		'C': {{12, 12, 0}},
		'I': {{12, 12, 12}},
		'R': {{16, 8, 8}, {8, 16, 16}},
		'S': {{8, 8, 16}, {16, 16, 8}},
		'T': {{8, 16, 8}, {16, 8, 16}},
		'F': {{0, 12, 12}, {12, 0, 12}, {12, 12, 0}},
	}
	// Translation symbols in 24ths (Table 2).
	hallTrans = map[byte][3]int{
		'a': {12, 0, 0}, 'b': {0, 12, 0}, 'c': {0, 0, 12}, 'n': {12, 12, 12},
		'u': {6, 0, 0}, 'v': {0, 6, 0}, 'w': {0, 0, 6}, 'd': {6, 6, 6},
	}
)

// hallRotation returns the proper rotation of order n about the axis
// ('x', 'y', 'z', '\”, '"', '*'); ref is the preceding axis for ' and "
// (Table 3).
func hallRotation(n int, axis, ref byte) ([3][3]int, bool) {
	id := [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	if n == 1 {
		return id, true
	}
	type key struct {
		n    int
		axis byte
	}
	principal := map[key][3][3]int{
		{2, 'x'}: {{1, 0, 0}, {0, -1, 0}, {0, 0, -1}},
		{2, 'y'}: {{-1, 0, 0}, {0, 1, 0}, {0, 0, -1}},
		{2, 'z'}: {{-1, 0, 0}, {0, -1, 0}, {0, 0, 1}},
		{3, 'x'}: {{1, 0, 0}, {0, 0, -1}, {0, 1, -1}},
		{3, 'y'}: {{-1, 0, 1}, {0, 1, 0}, {-1, 0, 0}},
		{3, 'z'}: {{0, -1, 0}, {1, -1, 0}, {0, 0, 1}},
		{4, 'x'}: {{1, 0, 0}, {0, 0, -1}, {0, 1, 0}},
		{4, 'y'}: {{0, 0, 1}, {0, 1, 0}, {-1, 0, 0}},
		{4, 'z'}: {{0, -1, 0}, {1, 0, 0}, {0, 0, 1}},
		{6, 'x'}: {{1, 0, 0}, {0, 1, -1}, {0, 1, 0}},
		{6, 'y'}: {{0, 0, 1}, {0, 1, 0}, {-1, 0, 1}},
		{6, 'z'}: {{1, -1, 0}, {1, 0, 0}, {0, 0, 1}},
		{3, '*'}: {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}},
	}
	if r, ok := principal[key{n, axis}]; ok {
		return r, true
	}
	if n != 2 || (axis != '\'' && axis != '"') {
		return id, false
	}
	// Two-fold axes along face diagonals, relative to the preceding axis.
	diag := map[[2]byte][3][3]int{
		{'x', '\''}: {{-1, 0, 0}, {0, 0, -1}, {0, -1, 0}},
		{'x', '"'}:  {{-1, 0, 0}, {0, 0, 1}, {0, 1, 0}},
		{'y', '\''}: {{0, 0, -1}, {0, -1, 0}, {-1, 0, 0}},
		{'y', '"'}:  {{0, 0, 1}, {0, -1, 0}, {1, 0, 0}},
		{'z', '\''}: {{0, -1, 0}, {-1, 0, 0}, {0, 0, -1}},
		{'z', '"'}:  {{0, 1, 0}, {1, 0, 0}, {0, 0, -1}},
	}
	r, ok := diag[[2]byte{ref, axis}]
	return r, ok
}

// HallOps returns the full set of symmetry operators (centring
// translations included, identity first) of a Hall symbol such as
// "-P 2ybc", "F 4d 2 3 -1d", "P 31 2c (0 0 1)" or "P 2yb (x,y,z+1/4)"
// (Hall 1981, Acta Cryst. A37, 517; ITC Vol. B, §A1.4.2). The default
// axes follow Hall's rules: the first rotation is about c; a following
// 2-fold is about a after a 2- or 4-fold and about a−b (') after a 3- or
// 6-fold; a 3-fold in third place is about a+b+c (*).
func HallOps(hall string) ([]SymOp, error) {
	bad := func(f string, a ...any) error {
		return fmt.Errorf("crystal: Hall symbol %q: %s", hall, fmt.Sprintf(f, a...))
	}
	s := strings.TrimSpace(hall)
	var cob string
	if i := strings.IndexByte(s, '('); i >= 0 {
		j := strings.LastIndexByte(s, ')')
		if j < i {
			return nil, bad("unclosed change of basis")
		}
		cob, s = s[i+1:j], strings.TrimSpace(s[:i])
	}
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil, bad("empty")
	}
	var gens []seitz
	id := seitz{r: [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}
	lat := words[0]
	if strings.HasPrefix(lat, "-") {
		gens = append(gens, seitz{r: [3][3]int{{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}}})
		lat = lat[1:]
	}
	if len(lat) != 1 {
		return nil, bad("lattice symbol %q", words[0])
	}
	cent, ok := hallLattice[lat[0]&^0x20]
	if !ok {
		return nil, bad("unknown lattice %q", lat)
	}
	for _, c := range cent {
		gens = append(gens, seitz{r: id.r, t: c})
	}
	prevN, prevAxis := 0, byte('z')
	for pos, w := range words[1:] {
		improper := false
		if strings.HasPrefix(w, "-") {
			improper, w = true, w[1:]
		}
		if w == "" || w[0] < '1' || w[0] > '6' || w[0] == '5' {
			return nil, bad("rotation %q", w)
		}
		n := int(w[0] - '0')
		w = w[1:]
		screw := 0
		if len(w) > 0 && w[0] >= '1' && w[0] <= '5' {
			screw = int(w[0] - '0')
			if screw >= n {
				return nil, bad("screw %d%d", n, screw)
			}
			w = w[1:]
		}
		var axis byte
		if len(w) > 0 && strings.IndexByte("xyz'\"*", w[0]) >= 0 {
			axis, w = w[0], w[1:]
		}
		if axis == 0 {
			switch {
			case n == 1:
				axis = 'z'
			case pos == 0:
				axis = 'z'
			case pos == 1 && n == 2 && (prevN == 2 || prevN == 4):
				axis = 'x'
			case pos == 1 && n == 2 && (prevN == 3 || prevN == 6):
				axis = '\''
			case pos == 2 && n == 3:
				axis = '*'
			default:
				return nil, bad("no axis for rotation %d at position %d", n, pos+1)
			}
		}
		r, ok := hallRotation(n, axis, prevAxis)
		if !ok {
			return nil, bad("rotation %d about %c", n, axis)
		}
		g := seitz{r: r}
		if improper {
			for i := range 3 {
				for j := range 3 {
					g.r[i][j] = -g.r[i][j]
				}
			}
		}
		if screw > 0 {
			k := strings.IndexByte("xyz", axis)
			if k < 0 {
				return nil, bad("screw along %c", axis)
			}
			g.t[k] += 24 * screw / n
		}
		for _, c := range []byte(w) {
			t, ok := hallTrans[c]
			if !ok {
				return nil, bad("translation symbol %q", c)
			}
			for i := range 3 {
				g.t[i] += t[i]
			}
		}
		for i := range 3 {
			g.t[i] = mod24(g.t[i])
		}
		gens = append(gens, g)
		prevN = n
		if axis == 'x' || axis == 'y' || axis == 'z' {
			prevAxis = axis
		}
	}
	group, err := closeGroup(gens)
	if err != nil {
		return nil, bad("%v", err)
	}
	if cob != "" {
		v, err := parseChangeOfBasis(cob)
		if err != nil {
			return nil, bad("%v", err)
		}
		// The operators in the new origin: W' = V·W·V⁻¹ with V = (I, v),
		// t' = t + v − R·v (ITC Vol. A, §5.2; Hall 1981, §2.3).
		for i := range group {
			for a := range 3 {
				rv := 0
				for b := range 3 {
					rv += group[i].r[a][b] * v[b]
				}
				group[i].t[a] = mod24(group[i].t[a] + v[a] - rv)
			}
		}
	}
	out := make([]SymOp, len(group))
	for i, g := range group {
		out[i].R = g.r
		for a := range 3 {
			out[i].T[a] = float64(g.t[a]) / 24
		}
	}
	return out, nil
}

// parseChangeOfBasis reads Hall's origin shift: "0 0 1" (in twelfths) or
// "x,y,z+1/4" (a pure shift in the xyz form). It returns the shift in 24ths.
func parseChangeOfBasis(s string) ([3]int, error) {
	var v [3]int
	if strings.ContainsAny(s, "xyzXYZ") {
		op, err := ParseSymOp(s)
		if err != nil {
			return v, err
		}
		if op.R != [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} {
			return v, errors.New("only origin shifts are supported as change of basis")
		}
		for i := range 3 {
			x := op.T[i] * 24
			if math.Abs(x-math.Round(x)) > 1e-6 {
				return v, fmt.Errorf("origin shift %g is not a multiple of 1/24", op.T[i])
			}
			v[i] = int(math.Round(x))
		}
		return v, nil
	}
	f := strings.Fields(s)
	if len(f) != 3 {
		return v, fmt.Errorf("change of basis %q: want three numbers", s)
	}
	for i, w := range f {
		n, err := strconv.Atoi(w)
		if err != nil {
			return v, fmt.Errorf("change of basis %q: %v", s, err)
		}
		v[i] = 2 * n // twelfths → 24ths
	}
	return v, nil
}

// closeGroup returns the group generated by gens (identity first), with
// translations modulo lattice translations. A group larger than 192
// operators (the largest space group, Fm-3m) means inconsistent generators.
func closeGroup(gens []seitz) ([]seitz, error) {
	id := seitz{r: [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}
	group := []seitz{id}
	seen := map[seitz]bool{id: true}
	for i := 0; i < len(group); i++ {
		for _, g := range gens {
			p := group[i].mul(g)
			if !seen[p] {
				if len(group) == 192 {
					return nil, errors.New("generators do not close into a space group")
				}
				seen[p] = true
				group = append(group, p)
			}
		}
	}
	return group, nil
}

// chooseSetting picks, among the settings that share g's symbol (origin
// choices 1 and 2, hexagonal and rhombohedral axes), the one that fits the
// structure: rhombohedral axes when a = b = c and α = β = γ ≠ 90° (within
// 1e-4 relative), hexagonal otherwise; between origin choices, the one
// whose operators keep the images of every site at least 0.5 Å apart (a
// wrong origin turns special positions into clusters of near-coincident
// images), and origin choice 1 (ITC's first) when both do.
func chooseSetting(s *Structure, g SpaceGroup) SpaceGroup {
	i, ok := lookupKey(hmKey(g.HM))
	if !ok {
		return g
	}
	alts := settingsOf(i)
	if len(alts) < 2 {
		return g
	}
	c := s.Cell
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-4*math.Abs(b) }
	rhombo := near(c.A, c.B) && near(c.B, c.C) && near(c.Alpha, c.Beta) && near(c.Beta, c.Gamma) && !near(c.Alpha, 90)
	best, bestScore := -1, -1.0
	for _, j := range alts {
		row := spaceGroupTable[j]
		if strings.HasSuffix(row.HM, ":H") && rhombo || strings.HasSuffix(row.HM, ":R") && !rhombo {
			continue
		}
		t := *s
		t.Ops = SpaceGroup{row.Number, row.HM, row.Hall}.Ops()
		score := min(minImageDistance(&t), 0.5)
		if score > bestScore {
			best, bestScore = j, score
		}
	}
	if best < 0 {
		return g
	}
	row := spaceGroupTable[best]
	return SpaceGroup{row.Number, row.HM, row.Hall}
}

// minImageDistance returns the smallest distance (Å) between two distinct
// images of one site (nearest lattice translation of the fractional
// difference; +Inf for a structure with one image per site).
func minImageDistance(s *Structure) float64 {
	g := s.Cell.Metric()
	atoms := s.Atoms()
	best := math.Inf(1)
	for i := range atoms {
		for j := i + 1; j < len(atoms) && atoms[j].Site == atoms[i].Site; j++ {
			var d [3]float64
			for k := range 3 {
				d[k] = atoms[i].Pos[k] - atoms[j].Pos[k]
				d[k] -= math.Round(d[k])
			}
			best = min(best, math.Sqrt(quad(g, d)))
		}
	}
	return best
}
