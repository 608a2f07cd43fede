package scan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchPDCIF recognises powder diffraction CIF: the first line that is not
// a comment starts "data_", and a "_pd_" data name follows (xylib's test).
func matchPDCIF(head []byte) bool {
	lines := headLines(head, 1<<20)
	data := false
	for _, line := range lines {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		if !data {
			if !bytes.HasPrefix(bytes.ToLower(t), []byte("data_")) {
				return false
			}
			data = true
			continue
		}
		if bytes.HasPrefix(t, []byte("_pd_")) {
			return true
		}
	}
	return false
}

// cifValue is a numeric CIF value with its standard uncertainty, or a
// missing one ('.' or '?').
type cifValue struct {
	v, su   float64
	missing bool
	text    bool // not a number
}

// parseCIFNum parses "5540(160)" or "1.234(5)" or "1.5e3".
func parseCIFNum(b []byte) cifValue {
	if len(b) == 1 && (b[0] == '.' || b[0] == '?') {
		return cifValue{missing: true}
	}
	num, su := b, []byte(nil)
	if i := bytes.IndexByte(b, '('); i > 0 && b[len(b)-1] == ')' {
		num, su = b[:i], b[i+1:len(b)-1]
	}
	v, ok := parseNum(num, false)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return cifValue{text: true}
	}
	c := cifValue{v: v}
	if su != nil {
		u, ok := parseNum(su, false)
		if !ok {
			return cifValue{text: true}
		}
		// The su is in units of the last digit of the value.
		dec := 0
		if i := bytes.IndexByte(num, '.'); i >= 0 {
			j := i + 1
			for j < len(num) && num[j] >= '0' && num[j] <= '9' {
				j++
			}
			dec = j - i - 1
		}
		c.su = u / math.Pow(10, float64(dec))
	}
	return c
}

// cifBlock collects what Bragg reads from one CIF data block.
type cifBlock struct {
	name  string
	items map[string]string     // single-valued data names (lower case)
	cols  map[string][]cifValue // looped _pd_ columns and _diffrn_radiation_wavelength
}

// pdcifColumns lists the looped data names read, as prefixes of interest.
func pdcifKeep(tag string) bool {
	return strings.HasPrefix(tag, "_pd_meas_") || strings.HasPrefix(tag, "_pd_proc_") || strings.HasPrefix(tag, "_pd_calc_") ||
		strings.HasPrefix(tag, "_diffrn_radiation_wavelength")
}

// decodePDCIF reads the first data block of a powder CIF that holds a
// pattern (I. D. Brown and B. McMahon, "CIF", Acta Cryst. B58 (2002) 317;
// pdCIF dictionary, B. H. Toby, in International Tables G, 2005). The
// abscissa is _pd_meas_2theta_scan, else _pd_proc_2theta_corrected, else
// the _pd_meas_2theta_range_{min,inc,max} (then _pd_proc_) grid, else
// _pd_proc_d_spacing or _pd_proc_recip_len_Q; the intensity is
// _pd_meas_counts_total, else _pd_meas_intensity_total,
// _pd_proc_intensity_total, _pd_proc_intensity_net or
// _pd_calc_intensity_total, with its standard uncertainty in parentheses
// as the esd (√counts for counts without one). _diffrn_radiation_wavelength
// gives the wavelength. Time-of-flight data are not read.
func decodePDCIF(in io.Reader) (*diffraction.Scan, error) {
	d := &pdcifDecoder{l: newLineReader(in, "pdcif")}
	for d.l.next() {
		if err := d.parseLine(d.l.text); err != nil {
			return nil, err
		}
	}
	if err := d.l.err(); err != nil {
		return nil, err
	}
	if d.inText {
		return nil, d.l.eof("the ';' that ends a text field")
	}
	if err := d.endLoop(); err != nil {
		return nil, err
	}
	for _, b := range d.blocks {
		s, err := b.scan()
		if err == errNoPattern {
			continue
		}
		if err != nil {
			return nil, &SyntaxError{Format: "pdcif", Err: fmt.Errorf("data_%s: %w", b.name, err)}
		}
		s.Meta["blocks"] = strconv.Itoa(len(d.blocks))
		return finish("pdcif", s)
	}
	return nil, &SyntaxError{Format: "pdcif", Err: fmt.Errorf("none of the %d data blocks holds a powder pattern (a 2θ, d or q column or range with intensities)", len(d.blocks))}
}

// Where a CIF loop_ is: its data names come first, then its values, row
// by row, until a data name, loop_ or data_ outside the values ends it.
const (
	cifNoLoop     = iota // not in a loop
	cifLoopNames         // after loop_, reading the data names
	cifLoopValues        // reading the values
)

// pdcifDecoder holds the state of decodePDCIF: the data blocks read so far
// and where the reader is in the CIF syntax (S. R. Hall, F. H. Allen and
// I. D. Brown, "The Crystallographic Information File", Acta Cryst. A47
// (1991) 655).
type pdcifDecoder struct {
	l        *lineReader
	blocks   []*cifBlock
	b        *cifBlock // the current block; nil before the first data_
	loop     int       // cifNoLoop, …
	loopTags []string  // the data names of the current loop
	loopCol  int       // the loop column of the next value
	pending  string    // a data name waiting for its value
	text     []byte    // a ;-delimited text field
	inText   bool
}

// parseLine reads one line: a line of a text field (which starts and ends
// with a line beginning with ';'), or tokens separated by blanks up to a
// '#' comment.
func (d *pdcifDecoder) parseLine(line []byte) error {
	if d.inText {
		if len(line) == 0 || line[0] != ';' {
			if len(d.text) < maxCommentLen {
				d.text = append(d.text, line...)
				d.text = append(d.text, '\n')
			}
			return nil
		}
		d.inText = false
		if err := d.value(bytes.TrimSpace(d.text), true); err != nil {
			return err
		}
		d.text = d.text[:0]
		line = line[1:]
	} else if len(line) > 0 && line[0] == ';' {
		d.inText = true
		d.text = append(d.text[:0], line[1:]...)
		d.text = append(d.text, '\n')
		return nil
	}
	for i := 0; ; {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) || line[i] == '#' {
			return nil
		}
		tok, quoted, next, err := d.token(line, i)
		if err != nil {
			return err
		}
		if err := d.parseToken(tok, quoted); err != nil {
			return err
		}
		i = next
	}
}

// token returns the token that starts at line[i], without the quotes of
// a quoted string, and the index after it. A quoted string ends at its
// quote followed by a blank.
func (d *pdcifDecoder) token(line []byte, i int) (tok []byte, quoted bool, next int, err error) {
	if q := line[i]; q == '\'' || q == '"' {
		j := i + 1
		for j < len(line) && !(line[j] == q && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t')) {
			j++
		}
		if j == len(line) {
			return nil, false, 0, d.l.errorf("unterminated quoted string")
		}
		return line[i+1 : j], true, j + 1, nil
	}
	j := i
	for j < len(line) && line[j] != ' ' && line[j] != '\t' {
		j++
	}
	return line[i:j], false, j, nil
}

// parseToken reads a token: data_ starts a data block, loop_ a loop, a
// data name starts a loop's names or waits for its value; anything else
// (a quoted string always) is a value.
func (d *pdcifDecoder) parseToken(tok []byte, quoted bool) error {
	if quoted {
		return d.value(tok, true)
	}
	low := strings.ToLower(string(tok[:min(len(tok), 5)]))
	switch {
	case low == "data_":
		if err := d.endLoop(); err != nil {
			return err
		}
		d.pending = ""
		d.b = &cifBlock{name: string(tok[5:]), items: map[string]string{}, cols: map[string][]cifValue{}}
		d.blocks = append(d.blocks, d.b)
	case low == "loop_" && len(tok) == 5:
		if d.pending != "" {
			return d.l.errorf("%s has no value", d.pending)
		}
		if err := d.endLoop(); err != nil {
			return err
		}
		d.loop = cifLoopNames
	case tok[0] == '_':
		tag := strings.ToLower(string(tok))
		if d.loop == cifLoopNames {
			d.loopTags = append(d.loopTags, tag)
			return nil
		}
		if err := d.endLoop(); err != nil {
			return err
		}
		if d.pending != "" {
			return d.l.errorf("%s has no value", d.pending)
		}
		d.pending = tag
	default:
		return d.value(tok, false)
	}
	return nil
}

// endLoop ends the current loop, which must hold whole rows.
func (d *pdcifDecoder) endLoop() error {
	if d.loop != cifNoLoop && len(d.loopTags) > 0 && d.loopCol != 0 {
		return d.l.errorf("the loop of %s has %d values in its last row, not %d", d.loopTags[0], d.loopCol, len(d.loopTags))
	}
	d.loop, d.loopTags, d.loopCol = cifNoLoop, nil, 0
	return nil
}

// value files a value under the data name waiting for it, or in the next
// column of the current loop (keeping the columns pdcifKeep names).
func (d *pdcifDecoder) value(tok []byte, quoted bool) error {
	switch {
	case d.pending != "":
		if d.b != nil {
			d.b.items[d.pending] = string(tok)
		}
		d.pending = ""
	case d.loop != cifNoLoop && len(d.loopTags) > 0:
		d.loop = cifLoopValues
		tag := d.loopTags[d.loopCol]
		if d.b != nil && pdcifKeep(tag) {
			c := cifValue{text: true}
			if !quoted {
				c = parseCIFNum(tok)
			}
			if len(d.b.cols[tag]) >= MaxPoints {
				return d.l.errorf("more than %d values for %s", MaxPoints, tag)
			}
			d.b.cols[tag] = append(d.b.cols[tag], c)
		}
		d.loopCol = (d.loopCol + 1) % len(d.loopTags)
	default:
		// A value without a data name: tolerated, as xylib does.
	}
	return nil
}

var errNoPattern = errorString("no powder pattern in this block")

// column returns the first looped column present among names.
func (b *cifBlock) column(names ...string) (string, []cifValue) {
	for _, n := range names {
		if c, ok := b.cols[n]; ok && len(c) > 0 {
			return n, c
		}
	}
	return "", nil
}

// scan reads the pattern of the block: the intensities and their esds
// (cifIntensities), the abscissa (abscissa), the wavelength and the
// metadata. A block without intensities gives errNoPattern.
func (b *cifBlock) scan() (*diffraction.Scan, error) {
	s := &diffraction.Scan{Meta: map[string]string{}}
	yName, yc := b.column("_pd_meas_counts_total", "_pd_meas_intensity_total", "_pd_proc_intensity_total", "_pd_proc_intensity_net", "_pd_calc_intensity_total")
	if yc == nil {
		return nil, errNoPattern
	}
	if tof, _ := b.column("_pd_meas_time_of_flight"); tof != "" {
		return nil, UnsupportedError("time-of-flight data (_pd_meas_time_of_flight) is not supported; Bragg reads angle-dispersive scans")
	}
	x, err := b.abscissa(s, yName, len(yc))
	if err != nil {
		return nil, err
	}
	if err := cifIntensities(s, yName, yc); err != nil {
		return nil, err
	}
	s.TwoTheta = x
	b.wavelength(s)
	b.meta(s)
	return s, nil
}

// abscissa returns the n abscissae of the pattern, in the order of
// preference of decodePDCIF: a 2θ column, the 2θ range grid, or a d or q
// column (which sets s.Axis). Meta["axis"] names the source.
func (b *cifBlock) abscissa(s *diffraction.Scan, yName string, n int) ([]float64, error) {
	if xName, xc := b.column("_pd_meas_2theta_scan", "_pd_proc_2theta_corrected", "_pd_meas_angle_2theta"); xc != nil {
		s.Meta["axis"] = xName
		return cifColumn(xName, xc, yName, n)
	}
	x, err := b.rangeAxis(s, yName, n)
	if x != nil || err != nil {
		return x, err
	}
	dName, dc := b.column("_pd_proc_d_spacing", "_pd_proc_recip_len_q")
	if dc == nil {
		return nil, fmt.Errorf("%s has no 2θ, d or q abscissa", yName)
	}
	s.Axis = diffraction.AxisD
	if dName == "_pd_proc_recip_len_q" {
		s.Axis = diffraction.AxisQ
	}
	s.Meta["axis"] = dName
	return cifColumn(dName, dc, yName, n)
}

// rangeAxis returns the 2θ grid of _pd_meas_2theta_range_{min,inc,max}
// (else _pd_proc_2theta_range_), which must have n points; nil when the
// block has neither.
func (b *cifBlock) rangeAxis(s *diffraction.Scan, yName string, n int) ([]float64, error) {
	for _, p := range []string{"_pd_meas_2theta_range_", "_pd_proc_2theta_range_"} {
		mn, ok1 := atof(b.items[p+"min"])
		inc, ok2 := atof(b.items[p+"inc"])
		mx, ok3 := atof(b.items[p+"max"])
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		// xylib counts int((max − min)/inc + 0.5) + 1 points.
		d := (mx-mn)/inc + 0.5
		if !(d >= 0 && d < MaxPoints) {
			return nil, fmt.Errorf("%smin/inc/max = %g/%g/%g give no points", p, mn, inc, mx)
		}
		if m := int(d) + 1; m != n {
			return nil, fmt.Errorf("%smin/inc/max give %d points but %s has %d values", p, m, yName, n)
		}
		s.Meta["axis"] = p + "{min,inc,max}"
		return stepAxis(mn, inc, n), nil
	}
	return nil, nil
}

// cifColumn returns the numbers of the looped column name, which must have
// as many values, n, as the intensity column yName.
func cifColumn(name string, c []cifValue, yName string, n int) ([]float64, error) {
	if len(c) != n {
		return nil, fmt.Errorf("%d values of %s but %d of %s", len(c), name, n, yName)
	}
	x := make([]float64, n)
	for i, v := range c {
		if v.missing || v.text {
			return nil, fmt.Errorf("%s value %d is not a number", name, i+1)
		}
		x[i] = v.v
	}
	return x, nil
}

// cifIntensities sets the intensities of s from the column yName, with the
// standard uncertainties given in parentheses as the esds, or √counts for
// _pd_meas_counts_total without them.
func cifIntensities(s *diffraction.Scan, yName string, yc []cifValue) error {
	y, err := cifColumn(yName, yc, yName, len(yc))
	if err != nil {
		return err
	}
	s.Intensity = y
	if slices.ContainsFunc(yc, func(c cifValue) bool { return c.su > 0 }) {
		s.ESD = make([]float64, len(yc))
		for i, c := range yc {
			s.ESD[i] = c.su
		}
	} else if yName == "_pd_meas_counts_total" {
		s.ESD = poissonESD(y, 1)
	}
	if yName == "_pd_meas_counts_total" {
		s.Meta["units"] = "counts"
	}
	s.Meta["intensity"] = yName
	return nil
}

// wavelength reads _diffrn_radiation_wavelength, one value or a loop of
// lines with their weights _diffrn_radiation_wavelength_wt (Kα1 and Kα2
// with their ratio), and the anode of _diffrn_radiation_type ("Cu K\a").
func (b *cifBlock) wavelength(s *diffraction.Scan) {
	wl := b.cols["_diffrn_radiation_wavelength"]
	wt := b.cols["_diffrn_radiation_wavelength_wt"]
	switch {
	case len(wl) > 0 && !wl[0].missing && !wl[0].text:
		ka1, ka2, ratio := wl[0].v, 0.0, 0.0
		if len(wl) > 1 && !wl[1].text && len(wt) > 1 && wt[0].v > 0 {
			ka2, ratio = wl[1].v, wt[1].v/wt[0].v
		}
		s.Wavelength = wavelengthFrom("", ka1, ka2, ratio, 0)
	default:
		if v, ok := atof(b.items["_diffrn_radiation_wavelength"]); ok {
			s.Wavelength = wavelengthFrom("", v, 0, 0, 0)
		}
	}
	typ := b.items["_diffrn_radiation_type"]
	if typ == "" {
		return
	}
	s.Meta["radiation"] = cleanText(typ)
	a := strings.Fields(typ)
	if len(a) == 0 {
		return
	}
	if an := anodeName(strings.TrimSuffix(strings.TrimSuffix(a[0], "K"), "k")); an != "" {
		if s.Wavelength.Known() {
			s.Wavelength.Anode = an
		} else {
			s.Meta["anode"] = an
		}
	}
}

// meta copies the block's description of the sample, date, instrument,
// step and counting time into Meta.
func (b *cifBlock) meta(s *diffraction.Scan) {
	s.Meta["probe"] = cleanText(b.items["_diffrn_radiation_probe"])
	s.Meta["sample"] = cleanText(firstOf(b.items, "_pd_spec_id", "_chemical_name_common", "_chemical_name_mineral", "_pd_block_id"))
	s.Meta["date"] = cleanText(firstOf(b.items, "_pd_meas_datetime_initiated", "_pd_proc_info_datetime", "_audit_creation_date"))
	s.Meta["instrument"] = cleanText(firstOf(b.items, "_diffrn_measurement_device_type", "_pd_instr_location"))
	s.Meta["block"] = b.name
	if v := b.items["_pd_meas_2theta_range_inc"]; v != "" {
		s.Meta["step"] = v
	}
	if v := b.items["_pd_meas_step_count_time"]; v != "" {
		s.Meta["counting_time"] = v
	}
}

// firstOf returns the first non-empty, non-missing item among keys.
func firstOf(items map[string]string, keys ...string) string {
	for _, k := range keys {
		if v := strings.TrimSpace(items[k]); v != "" && v != "?" && v != "." {
			return v
		}
	}
	return ""
}
