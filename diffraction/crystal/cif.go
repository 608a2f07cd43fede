package crystal

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrNoSymmetry is the cause of a ParseError for a data block that has a
// structure but neither lists symmetry operators nor names its space group
// (Hall or Hermann–Mauguin symbol, or number).
var ErrNoSymmetry = errors.New("no symmetry operators listed")

// ErrNoStructure is returned when no data block of a CIF holds a structure
// (cell and atom sites).
var ErrNoStructure = errors.New("no data block with a cell and atom sites")

// ParseError reports a problem in a CIF: the file name given to ParseCIF,
// the 1-based line (0 when not known), the data item's tag, and the cause.
type ParseError struct {
	File string
	Line int
	Tag  string
	Err  error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("crystal: ")
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Tag != "" {
		b.WriteString(": " + e.Tag)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// token is one CIF word with the line it starts on.
type token struct {
	s      string
	line   int
	quoted bool // quoted or text field: never a keyword, tag or ?/.
}

// cifValue is a value with its source line.
type cifValue struct {
	s    string
	line int
	ok   bool // false for ? and . (unknown / inapplicable)
}

// cifLoop is one loop_: its tags (normalised) and the values by column.
type cifLoop struct {
	tags []string
	line int
	cols map[string][]cifValue
	rows int
}

// cifBlock is one data_ block.
type cifBlock struct {
	name  string
	line  int
	items map[string]cifValue
	loops []*cifLoop
}

// lookup returns a column of values for tag: from a loop or a single item.
func (b *cifBlock) column(tag string) ([]cifValue, bool) {
	if v, ok := b.items[tag]; ok {
		return []cifValue{v}, true
	}
	for _, l := range b.loops {
		if c, ok := l.cols[tag]; ok {
			return c, true
		}
	}
	return nil, false
}

// normTag lower-cases a tag and maps the DDLm dot form
// (_space_group_symop.operation_xyz) onto the DDL1 underscore form.
func normTag(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), ".", "_")
}

// tokenize splits CIF 1.1 text into tokens (International Tables Vol. G,
// §2.2.7: comments, quoted strings that end at a quote followed by white
// space, and semicolon text fields at the start of a line).
func tokenize(r io.Reader, file string) ([]token, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var toks []token
	line := 0
	var text *strings.Builder
	textLine := 0
	for sc.Scan() {
		line++
		s := strings.TrimSuffix(sc.Text(), "\r")
		if text != nil {
			if strings.HasPrefix(s, ";") {
				toks = append(toks, token{s: strings.TrimSpace(text.String()), line: textLine, quoted: true})
				text = nil
				s = s[1:]
			} else {
				text.WriteString(s)
				text.WriteByte('\n')
				continue
			}
		} else if strings.HasPrefix(s, ";") {
			text = &strings.Builder{}
			textLine = line
			text.WriteString(s[1:])
			text.WriteByte('\n')
			continue
		}
		i := 0
		for i < len(s) {
			c := s[i]
			if c == ' ' || c == '\t' || c == '\v' || c == '\f' {
				i++
				continue
			}
			if c == '#' {
				break
			}
			if c == '\'' || c == '"' {
				// A quote ends at the same quote character followed by
				// white space or the end of the line.
				j := i + 1
				for ; j < len(s); j++ {
					if s[j] == c && (j+1 == len(s) || s[j+1] == ' ' || s[j+1] == '\t') {
						break
					}
				}
				if j >= len(s) {
					return nil, &ParseError{File: file, Line: line, Err: errors.New("unterminated quoted string")}
				}
				toks = append(toks, token{s: s[i+1 : j], line: line, quoted: true})
				i = j + 1
				continue
			}
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' {
				j++
			}
			toks = append(toks, token{s: s[i:j], line: line})
			i = j
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: file, Line: line, Err: err}
	}
	if text != nil {
		return nil, &ParseError{File: file, Line: textLine, Err: errors.New("unterminated text field (;)")}
	}
	return toks, nil
}

func isKeyword(t token, kw string) bool {
	return !t.quoted && len(t.s) >= len(kw) && strings.EqualFold(t.s[:len(kw)], kw)
}

func valueOf(t token) cifValue {
	if !t.quoted && (t.s == "?" || t.s == ".") {
		return cifValue{s: t.s, line: t.line}
	}
	return cifValue{s: t.s, line: t.line, ok: true}
}

// parseBlocks groups tokens into data blocks. Save frames and global_
// blocks are skipped.
func parseBlocks(toks []token, file string) ([]*cifBlock, error) {
	var blocks []*cifBlock
	var cur *cifBlock
	for i := 0; i < len(toks); {
		t := toks[i]
		switch {
		case isKeyword(t, "data_"):
			cur = &cifBlock{name: t.s[5:], line: t.line, items: map[string]cifValue{}}
			blocks = append(blocks, cur)
			i++
		case isKeyword(t, "global_") || isKeyword(t, "save_") || isKeyword(t, "stop_"):
			i++
		case isKeyword(t, "loop_"):
			if cur == nil {
				return nil, &ParseError{File: file, Line: t.line, Err: errors.New("loop_ before the first data_ block")}
			}
			l := &cifLoop{line: t.line, cols: map[string][]cifValue{}}
			i++
			for i < len(toks) && !toks[i].quoted && strings.HasPrefix(toks[i].s, "_") {
				l.tags = append(l.tags, normTag(toks[i].s))
				i++
			}
			if len(l.tags) == 0 {
				return nil, &ParseError{File: file, Line: t.line, Err: errors.New("loop_ without tags")}
			}
			var vals []token
			for i < len(toks) {
				u := toks[i]
				if !u.quoted && (strings.HasPrefix(u.s, "_") || isKeyword(u, "loop_") || isKeyword(u, "data_") ||
					isKeyword(u, "save_") || isKeyword(u, "global_")) {
					break
				}
				vals = append(vals, u)
				i++
			}
			if len(vals)%len(l.tags) != 0 {
				return nil, &ParseError{File: file, Line: t.line, Tag: l.tags[0],
					Err: fmt.Errorf("loop has %d values for %d tags", len(vals), len(l.tags))}
			}
			l.rows = len(vals) / len(l.tags)
			for k, v := range vals {
				tag := l.tags[k%len(l.tags)]
				l.cols[tag] = append(l.cols[tag], valueOf(v))
			}
			cur.loops = append(cur.loops, l)
		case !t.quoted && strings.HasPrefix(t.s, "_"):
			if cur == nil {
				// Tolerated: items before any data_ header form an
				// unnamed block.
				cur = &cifBlock{line: t.line, items: map[string]cifValue{}}
				blocks = append(blocks, cur)
			}
			if i+1 >= len(toks) {
				return nil, &ParseError{File: file, Line: t.line, Tag: t.s, Err: errors.New("data item without a value")}
			}
			v := toks[i+1]
			if !v.quoted && (strings.HasPrefix(v.s, "_") || isKeyword(v, "loop_") || isKeyword(v, "data_")) {
				return nil, &ParseError{File: file, Line: t.line, Tag: t.s, Err: errors.New("data item without a value")}
			}
			val := valueOf(v)
			i += 2
			// Tolerated: an unquoted value with spaces ("P63mmc supercell")
			// takes the rest of its line.
			for !v.quoted && i < len(toks) && toks[i].line == v.line && !toks[i].quoted &&
				!strings.HasPrefix(toks[i].s, "_") && !isKeyword(toks[i], "loop_") && !isKeyword(toks[i], "data_") {
				val.s += " " + toks[i].s
				val.ok = true
				i++
			}
			cur.items[normTag(t.s)] = val
		default:
			if cur == nil {
				// Text before the first block (stray words): tolerate.
				i++
				continue
			}
			return nil, &ParseError{File: file, Line: t.line, Err: fmt.Errorf("unexpected value %q outside a loop", t.s)}
		}
	}
	return blocks, nil
}

// parseNumber reads a CIF number, dropping a standard uncertainty in
// parentheses ("5.4310(2)" → 5.431). Simple fractions ("1/3") are accepted
// because some programs write coordinates that way.
func parseNumber(s string) (float64, error) {
	if k := strings.IndexByte(s, '('); k > 0 {
		s = s[:k]
	}
	if k := strings.IndexByte(s, '/'); k > 0 {
		n, err1 := strconv.ParseFloat(s[:k], 64)
		d, err2 := strconv.ParseFloat(s[k+1:], 64)
		if err1 != nil || err2 != nil || d == 0 {
			return 0, fmt.Errorf("not a number: %q", s)
		}
		return n / d, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	return v, nil
}

// ParseCIF reads the crystal structures in a CIF 1.1 file: one Structure per
// data block that has a cell and an atom-site loop (blocks with only
// bibliographic data are skipped). name is used in error messages and as a
// fallback structure name.
//
// The symmetry operators listed in the file (_symmetry_equiv_pos_as_xyz or
// _space_group_symop_operation_xyz) are used as they are, whatever the
// origin. Without them they are built from the Hall symbol
// (_space_group_name_Hall), else from the Hermann–Mauguin symbol (see
// LookupSpaceGroup), else from the space-group number; with none of these
// the error wraps ErrNoSymmetry. A Hermann–Mauguin symbol without its
// setting is resolved with the structure (chooseSetting): rhombohedral
// axes when a = b = c and α = β = γ ≠ 90°, and between two origin choices
// the one that does not put images of one site closer than 0.5 Å
// (origin choice 1 when both are plausible). Structure.SymmetryFrom says
// which source was used. Charges in type symbols ("Fe3+") are kept in Site.Charge.
// Displacements are read as U (Å²): Uiso directly, Biso/8π², or Ueq from
// the anisotropic U or B tensor.
func ParseCIF(r io.Reader, name string) ([]Structure, error) {
	toks, err := tokenize(r, name)
	if err != nil {
		return nil, err
	}
	blocks, err := parseBlocks(toks, name)
	if err != nil {
		return nil, err
	}
	var out []Structure
	for _, b := range blocks {
		if _, ok := b.column("_atom_site_fract_x"); !ok {
			continue
		}
		s, err := structureFromBlock(b, name)
		if err != nil {
			return nil, err
		}
		if err := s.Cell.CheckMetric(s.Ops); err != nil {
			line := b.line
			if v, ok := b.items["_cell_length_a"]; ok {
				line = v.line
			}
			return nil, &ParseError{File: name, Line: line, Tag: "_cell", Err: err}
		}
		out = append(out, *s)
	}
	if len(out) == 0 {
		return nil, &ParseError{File: name, Err: ErrNoStructure}
	}
	return out, nil
}

// first returns the first present, known value of the tags.
func (b *cifBlock) first(tags ...string) (cifValue, string) {
	for _, t := range tags {
		if c, ok := b.column(t); ok && len(c) > 0 && c[0].ok {
			return c[0], t
		}
	}
	return cifValue{}, ""
}

func structureFromBlock(b *cifBlock, file string) (*Structure, error) {
	perr := func(line int, tag string, err error) error {
		return &ParseError{File: file, Line: line, Tag: tag, Err: err}
	}
	num := func(tag string) (float64, error) {
		v, ok := b.items[tag]
		if !ok {
			return 0, perr(b.line, tag, errors.New("missing"))
		}
		if !v.ok {
			return 0, perr(v.line, tag, fmt.Errorf("value unknown (%s)", v.s))
		}
		x, err := parseNumber(v.s)
		if err != nil {
			return 0, perr(v.line, tag, err)
		}
		return x, nil
	}
	s := &Structure{Name: b.name, Block: b.name}
	var err error
	cell := []*float64{&s.Cell.A, &s.Cell.B, &s.Cell.C, &s.Cell.Alpha, &s.Cell.Beta, &s.Cell.Gamma}
	for i, tag := range []string{"_cell_length_a", "_cell_length_b", "_cell_length_c",
		"_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma"} {
		if *cell[i], err = num(tag); err != nil {
			return nil, err
		}
	}
	if err := s.Cell.validate(); err != nil {
		return nil, perr(b.line, "_cell", err)
	}

	if v, _ := b.first("_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt", "_space_group_name_h-m"); v.ok {
		s.SpaceGroup = strings.TrimSpace(v.s)
	}
	if v, tag := b.first("_space_group_it_number", "_symmetry_int_tables_number"); v.ok {
		n, err := parseNumber(v.s)
		if err != nil || n < 0 || n > 230 || n != math.Trunc(n) {
			return nil, perr(v.line, tag, fmt.Errorf("space-group number %q is not 1–230", v.s))
		}
		s.SpaceGroupNumber = int(n) // 0 (written by some programs) means unknown
	}
	if v, _ := b.first("_chemical_name_mineral"); v.ok {
		s.Mineral = strings.TrimSpace(v.s)
	}
	if v, _ := b.first("_chemical_name_systematic", "_chemical_name_common"); v.ok {
		s.ChemicalName = strings.TrimSpace(v.s)
	}
	if v, _ := b.first("_chemical_formula_structural"); v.ok {
		s.StructuralFormula = strings.Join(strings.Fields(v.s), "")
	}
	if v, _ := b.first("_cod_database_code"); v.ok {
		s.CODID = strings.TrimSpace(v.s)
	}
	if v, _ := b.first("_chemical_formula_sum"); v.ok {
		s.FormulaSum = strings.Join(strings.Fields(v.s), " ")
	}
	if v, _ := b.first("_cod_chemical_formula_sum_orig", "_[local]_cod_chemical_formula_sum_orig"); v.ok {
		s.AuthorFormula = strings.Join(strings.Fields(v.s), " ")
	}
	// The stated Z and densities are only checked against, so a value
	// that is not a positive number ("not measured") is taken as not
	// stated rather than refusing the file.
	for _, f := range []struct {
		tag string
		v   *float64
	}{{"_cell_formula_units_z", &s.FormulaUnits}, {"_exptl_crystal_density_meas", &s.DensityMeasured}, {"_exptl_crystal_density_diffrn", &s.DensityDiffrn}} {
		if v, _ := b.first(f.tag); v.ok {
			if x, err := parseNumber(v.s); err == nil && x > 0 {
				*f.v = x
			}
		}
	}

	s.Citation = citation(b)

	if err := readSites(b, s, perr); err != nil {
		return nil, err
	}

	opTag := "_symmetry_equiv_pos_as_xyz"
	ops, _ := b.column(opTag)
	if !anyKnown(ops) {
		opTag = "_space_group_symop_operation_xyz"
		ops, _ = b.column(opTag)
	}
	for _, v := range ops {
		if !v.ok {
			continue
		}
		op, err := ParseSymOp(v.s)
		if err != nil {
			return nil, perr(v.line, opTag, err)
		}
		s.Ops = append(s.Ops, op)
	}
	if len(s.Ops) > 0 {
		s.symmetryFrom = "listed operators"
		s.numberFromSymbol()
		return s, nil
	}
	// No operators: build them from the Hall symbol, else the
	// Hermann–Mauguin symbol, else the number.
	if v, tag := b.first("_space_group_name_hall", "_symmetry_space_group_name_hall"); v.ok {
		hall := strings.TrimSpace(v.s)
		ops, err := HallOps(hall)
		if err != nil {
			return nil, perr(v.line, tag, err)
		}
		s.Ops, s.hall, s.symmetryFrom = ops, hall, "Hall symbol"
		s.numberFromSymbol()
		return s, nil
	}
	sym, tag := b.first("_symmetry_space_group_name_h-m", "_space_group_name_h-m_alt", "_space_group_name_h-m")
	what := "Hermann–Mauguin symbol"
	if !sym.ok {
		sym, tag = b.first("_space_group_it_number", "_symmetry_int_tables_number")
		what = "space-group number"
	}
	if !sym.ok {
		return nil, perr(b.line, opTag, ErrNoSymmetry)
	}
	g, err := LookupSpaceGroup(sym.s)
	if err != nil {
		return nil, perr(sym.line, tag, fmt.Errorf("%w (and no operators listed)", err))
	}
	// The setting was named when the symbol differs from the bare one
	// ("F d -3 m :2", "R-3cR"); bars do not count ("Fd3m").
	base, _, _ := strings.Cut(g.HM, ":")
	named := what != "space-group number" &&
		strings.ReplaceAll(hmKey(sym.s), "-", "") != strings.ReplaceAll(hmKey(base), "-", "")
	if !named {
		g = chooseSetting(s, g)
	}
	s.Ops, s.hall = g.Ops(), g.Hall
	s.symmetryFrom = what + " (" + g.HM + ")"
	if s.SpaceGroup == "" {
		s.SpaceGroup = g.HM
	}
	if s.SpaceGroupNumber == 0 {
		s.SpaceGroupNumber = g.Number
	}
	return s, nil
}

// numberFromSymbol sets the number of the group the Hermann–Mauguin
// symbol names when the file leaves it out (GroupNumber: if the
// operators, listed or built from a Hall symbol, are that group's).
func (s *Structure) numberFromSymbol() {
	if s.SpaceGroupNumber == 0 && s.SpaceGroup != "" {
		s.SpaceGroupNumber = GroupNumber(s.SpaceGroup, s.Ops)
	}
}

func anyKnown(c []cifValue) bool {
	for _, v := range c {
		if v.ok {
			return true
		}
	}
	return false
}

func readSites(b *cifBlock, s *Structure, perr func(int, string, error) error) error {
	var loop *cifLoop
	for _, l := range b.loops {
		if _, ok := l.cols["_atom_site_fract_x"]; ok {
			loop = l
			break
		}
	}
	if loop == nil { // single-site structure written without loop_
		loop = &cifLoop{cols: map[string][]cifValue{}, rows: 1, line: b.line}
		for tag, v := range b.items {
			if strings.HasPrefix(tag, "_atom_site_") {
				loop.cols[tag] = []cifValue{v}
			}
		}
	}
	col := func(tag string) []cifValue { return loop.cols[tag] }
	labels, types := col("_atom_site_label"), col("_atom_site_type_symbol")
	xs, ys, zs := col("_atom_site_fract_x"), col("_atom_site_fract_y"), col("_atom_site_fract_z")
	if ys == nil || zs == nil {
		return perr(loop.line, "_atom_site_fract_y", errors.New("missing"))
	}
	occ := col("_atom_site_occupancy")
	uiso, biso := col("_atom_site_u_iso_or_equiv"), col("_atom_site_b_iso_or_equiv")
	if uiso == nil {
		uiso = col("_atom_site_u_iso")
	}
	if biso == nil {
		biso = col("_atom_site_b_iso")
	}
	aniso := anisoUeq(b, s.Cell, perr)
	for i := 0; i < loop.rows; i++ {
		var site Site
		if labels != nil && labels[i].ok {
			site.Label = labels[i].s
		}
		sym := ""
		symTag := "_atom_site_type_symbol"
		symLine := loop.line
		if types != nil && types[i].ok {
			sym, symLine = types[i].s, types[i].line
		} else if site.Label != "" {
			sym, symTag, symLine = site.Label, "_atom_site_label", labels[i].line
		}
		el, charge, err := splitTypeSymbol(sym)
		if err != nil {
			return perr(symLine, symTag, err)
		}
		site.Element, site.Charge = el, charge
		if site.Label == "" {
			site.Label = fmt.Sprintf("%s%d", el, i+1)
		}
		coords := []*float64{&site.X, &site.Y, &site.Z}
		for k, c := range [][]cifValue{xs, ys, zs} {
			tag := "_atom_site_fract_" + string(rune('x'+k))
			if !c[i].ok {
				return perr(c[i].line, tag, fmt.Errorf("coordinate of %s unknown", site.Label))
			}
			v, err := parseNumber(c[i].s)
			if err != nil {
				return perr(c[i].line, tag, err)
			}
			*coords[k] = v
		}
		site.Occupancy = 1
		if occ != nil && occ[i].ok {
			v, err := parseNumber(occ[i].s)
			if err != nil || v < 0 || v > 1.0001 {
				return perr(occ[i].line, "_atom_site_occupancy", fmt.Errorf("occupancy %q is not in 0–1", occ[i].s))
			}
			site.Occupancy = min(v, 1)
		}
		switch {
		case uiso != nil && uiso[i].ok:
			v, err := parseNumber(uiso[i].s)
			if err != nil {
				return perr(uiso[i].line, "_atom_site_u_iso_or_equiv", fmt.Errorf("bad Uiso %q", uiso[i].s))
			}
			site.Uiso = max(v, 0) // a refined negative U is unphysical: no damping
		case biso != nil && biso[i].ok:
			v, err := parseNumber(biso[i].s)
			if err != nil {
				return perr(biso[i].line, "_atom_site_b_iso_or_equiv", fmt.Errorf("bad Biso %q", biso[i].s))
			}
			site.Uiso = max(v, 0) / (8 * math.Pi * math.Pi) // B = 8π²U (ITC Vol. C, §6.1.1.3)
		default:
			if u, ok := aniso[site.Label]; ok {
				site.Uiso = u
			}
		}
		s.Sites = append(s.Sites, site)
	}
	return nil
}

// anisoUeq reads the anisotropic displacement loop (U or B) and returns
// Ueq per site label: Ueq = (1/3) Σ_ij U^ij a*_i a*_j a_i·a_j
// (Fischer & Tillmanns 1988, Acta Cryst. C44, 775–776), which reduces to
// the mean of U11, U22, U33 for orthogonal axes. Unreadable rows are
// skipped (Uiso then stays 0).
func anisoUeq(b *cifBlock, c Cell, _ func(int, string, error) error) map[string]float64 {
	var loop *cifLoop
	for _, l := range b.loops {
		if _, ok := l.cols["_atom_site_aniso_label"]; ok {
			loop = l
			break
		}
	}
	if loop == nil {
		return nil
	}
	prefix, scale := "_atom_site_aniso_u_", 1.0
	if _, ok := loop.cols[prefix+"11"]; !ok {
		prefix, scale = "_atom_site_aniso_b_", 1/(8*math.Pi*math.Pi)
	}
	g := c.Metric()
	gs, err := c.ReciprocalMetric()
	if err != nil {
		return nil
	}
	ar := [3]float64{math.Sqrt(gs[0][0]), math.Sqrt(gs[1][1]), math.Sqrt(gs[2][2])}
	out := map[string]float64{}
rows:
	for i := 0; i < loop.rows; i++ {
		lab := loop.cols["_atom_site_aniso_label"][i]
		var u [3][3]float64
		for _, ij := range []string{"11", "22", "33", "12", "13", "23"} {
			col := loop.cols[prefix+ij]
			if col == nil || !col[i].ok {
				continue rows
			}
			v, err := parseNumber(col[i].s)
			if err != nil {
				continue rows
			}
			p, q := ij[0]-'1', ij[1]-'1'
			u[p][q], u[q][p] = v*scale, v*scale
		}
		var ueq float64
		for p := range 3 {
			for q := range 3 {
				ueq += u[p][q] * ar[p] * ar[q] * g[p][q]
			}
		}
		out[lab.s] = max(ueq/3, 0)
	}
	return out
}

// splitTypeSymbol reads an element and a formal charge from an atom type
// symbol or a site label: "Fe3+" → Fe, 3; "O2-" → O, -2; "Li+" → Li, 1;
// "Si1" → Si, 0; "CA1" → Ca; "D" (deuterium) → H; "Wat1" (a water
// oxygen, as mineral CIFs label it) → O.
func splitTypeSymbol(s string) (string, int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", 0, errors.New("no element symbol")
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "wat") {
		return "O", 0, nil
	}
	if s[0] < 'A' || (s[0] > 'Z' && s[0] < 'a') || s[0] > 'z' {
		return "", 0, fmt.Errorf("no element symbol in %q", s)
	}
	el := ""
	up := strings.ToUpper(s[:1])
	if len(s) > 1 && isLetter(s[1]) {
		if two := up + strings.ToLower(s[1:2]); lookupElement(two) != nil {
			el = two
		}
	}
	if el == "" {
		if lookupElement(up) != nil {
			el = up
		} else if up == "D" || up == "T" {
			el = "H"
		} else {
			return "", 0, fmt.Errorf("unknown element in %q", s)
		}
	}
	rest := s[len(el):]
	if el == "H" && (up == "D" || up == "T") {
		rest = s[1:]
	}
	// Charge: digits then a sign ("3+"), a sign then digits ("-2"), or a lone sign.
	charge := 0
	if k := strings.IndexAny(rest, "+-"); k >= 0 {
		sign := 1
		if rest[k] == '-' {
			sign = -1
		}
		digits := ""
		for j := k - 1; j >= 0 && rest[j] >= '0' && rest[j] <= '9'; j-- {
			digits = string(rest[j]) + digits
		}
		if digits == "" {
			for j := k + 1; j < len(rest) && rest[j] >= '0' && rest[j] <= '9'; j++ {
				digits += string(rest[j])
			}
		}
		n := 1
		if digits != "" {
			n, _ = strconv.Atoi(digits)
		}
		charge = sign * n
	}
	return el, charge, nil
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

// ParseSymOp reads a symmetry operator in the xyz form used by CIF:
// "x,y+1/2,-z", "-y,x-y,2/3+z", "1/2+X, 0.5-Y, z".
func ParseSymOp(s string) (SymOp, error) {
	var op SymOp
	parts := strings.Split(s, ",")
	if len(parts) != 3 {
		return op, fmt.Errorf("symmetry operator %q: want 3 comma-separated parts", s)
	}
	for row, p := range parts {
		p = strings.ToLower(strings.ReplaceAll(p, " ", ""))
		if p == "" {
			return op, fmt.Errorf("symmetry operator %q: empty part", s)
		}
		i := 0
		seen := false
		for i < len(p) {
			sign := 1.0
			if p[i] == '+' || p[i] == '-' {
				if p[i] == '-' {
					sign = -1
				}
				i++
			} else if seen {
				return op, fmt.Errorf("symmetry operator %q: expected + or - at %q", s, p[i:])
			}
			j := i
			for j < len(p) && (p[j] >= '0' && p[j] <= '9' || p[j] == '.' || p[j] == '/') {
				j++
			}
			num := 1.0
			hasNum := j > i
			if hasNum {
				v, err := parseNumber(p[i:j])
				if err != nil {
					return op, fmt.Errorf("symmetry operator %q: %v", s, err)
				}
				num = v
			}
			if j < len(p) && p[j] == '*' {
				j++
			}
			if j < len(p) && p[j] >= 'x' && p[j] <= 'z' {
				if num != math.Trunc(num) || math.Abs(num) > 2 {
					return op, fmt.Errorf("symmetry operator %q: coefficient %g is not an integer", s, num)
				}
				op.R[row][p[j]-'x'] += int(sign * num)
				j++
			} else if hasNum {
				op.T[row] += sign * num
			} else {
				return op, fmt.Errorf("symmetry operator %q: cannot read %q", s, p[i:])
			}
			i = j
			seen = true
		}
	}
	return op, nil
}

// citation formats the primary reference of a block as
// "Authors (year). Journal volume, page", or "" when there is no journal.
func citation(b *cifBlock) string {
	get := func(tags ...string) string {
		v, _ := b.first(tags...)
		if !v.ok {
			return ""
		}
		return strings.Join(strings.Fields(v.s), " ")
	}
	journal := get("_journal_name_full", "_journal_name_abbrev", "_citation_journal_full", "_citation_journal_abbrev")
	if journal == "" {
		return ""
	}
	var authors []string
	if c, ok := b.column("_publ_author_name"); ok {
		for _, v := range c {
			if v.ok {
				authors = append(authors, strings.Join(strings.Fields(v.s), " "))
			}
		}
	}
	var sb strings.Builder
	if len(authors) > 0 {
		sb.WriteString(strings.Join(authors, "; ") + " ")
	}
	if y := get("_journal_year", "_citation_year"); y != "" {
		sb.WriteString("(" + y + "). ")
	}
	sb.WriteString(journal)
	if v := get("_journal_volume", "_citation_journal_volume"); v != "" {
		sb.WriteString(" " + v)
	}
	if p := get("_journal_page_first", "_citation_page_first"); p != "" {
		sb.WriteString(", " + p)
	}
	return sb.String()
}
