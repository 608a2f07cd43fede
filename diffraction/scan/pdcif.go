package scan

import (
	"bytes"
	"fmt"
	"io"
	"math"
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
	l := newLineReader(in, "pdcif")
	var (
		blocks []*cifBlock
		b      *cifBlock
		// loop state
		loopTags []string
		loopCol  int
		inLoop   bool
		loopBody bool // the loop's values have begun
		// tag waiting for its value
		pending string
		text    []byte // a ;-delimited text field
		inText  bool
	)
	endLoop := func() error {
		if inLoop && len(loopTags) > 0 && loopCol != 0 {
			return l.errorf("the loop of %s has %d values in its last row, not %d", loopTags[0], loopCol, len(loopTags))
		}
		inLoop, loopBody, loopTags, loopCol = false, false, nil, 0
		return nil
	}
	value := func(tok []byte, quoted bool) error {
		switch {
		case pending != "":
			if b != nil {
				b.items[pending] = string(tok)
			}
			pending = ""
		case inLoop && len(loopTags) > 0:
			loopBody = true
			tag := loopTags[loopCol]
			if b != nil && pdcifKeep(tag) {
				c := cifValue{text: true}
				if !quoted {
					c = parseCIFNum(tok)
				}
				if len(b.cols[tag]) >= MaxPoints {
					return l.errorf("more than %d values for %s", MaxPoints, tag)
				}
				b.cols[tag] = append(b.cols[tag], c)
			}
			loopCol = (loopCol + 1) % len(loopTags)
		default:
			// A value without a data name: tolerated, as xylib does.
		}
		return nil
	}
	for l.next() {
		line := l.text
		if inText {
			if len(line) > 0 && line[0] == ';' {
				inText = false
				if err := value(bytes.TrimSpace(text), true); err != nil {
					return nil, err
				}
				text = text[:0]
				line = line[1:]
			} else {
				if len(text) < maxCommentLen {
					text = append(text, line...)
					text = append(text, '\n')
				}
				continue
			}
		} else if len(line) > 0 && line[0] == ';' {
			inText = true
			text = append(text[:0], line[1:]...)
			text = append(text, '\n')
			continue
		}
		i := 0
		for i < len(line) {
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			if i == len(line) || line[i] == '#' {
				break
			}
			var tok []byte
			quoted := false
			if q := line[i]; q == '\'' || q == '"' {
				// A quoted string ends at the quote followed by white space.
				j := i + 1
				for j < len(line) && !(line[j] == q && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t')) {
					j++
				}
				if j == len(line) {
					return nil, l.errorf("unterminated quoted string")
				}
				tok, quoted = line[i+1:j], true
				i = j + 1
			} else {
				j := i
				for j < len(line) && line[j] != ' ' && line[j] != '\t' {
					j++
				}
				tok = line[i:j]
				i = j
			}
			if !quoted {
				low := strings.ToLower(string(tok[:min(len(tok), 5)]))
				switch {
				case low == "data_":
					if err := endLoop(); err != nil {
						return nil, err
					}
					pending = ""
					b = &cifBlock{name: string(tok[5:]), items: map[string]string{}, cols: map[string][]cifValue{}}
					blocks = append(blocks, b)
					continue
				case low == "loop_" && len(tok) == 5:
					if pending != "" {
						return nil, l.errorf("%s has no value", pending)
					}
					if err := endLoop(); err != nil {
						return nil, err
					}
					inLoop = true
					continue
				case tok[0] == '_':
					tag := strings.ToLower(string(tok))
					if inLoop && !loopBody {
						loopTags = append(loopTags, tag)
						continue
					}
					if err := endLoop(); err != nil {
						return nil, err
					}
					if pending != "" {
						return nil, l.errorf("%s has no value", pending)
					}
					pending = tag
					continue
				}
			}
			if err := value(tok, quoted); err != nil {
				return nil, err
			}
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if inText {
		return nil, l.eof("the ';' that ends a text field")
	}
	if err := endLoop(); err != nil {
		return nil, err
	}
	for _, b := range blocks {
		s, err := b.scan()
		if err == errNoPattern {
			continue
		}
		if err != nil {
			return nil, &SyntaxError{Format: "pdcif", Err: fmt.Errorf("data_%s: %w", b.name, err)}
		}
		s.Meta["blocks"] = strconv.Itoa(len(blocks))
		return finish("pdcif", s)
	}
	return nil, &SyntaxError{Format: "pdcif", Err: fmt.Errorf("none of the %d data blocks holds a powder pattern (a 2θ, d or q column or range with intensities)", len(blocks))}
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

func (b *cifBlock) scan() (*diffraction.Scan, error) {
	s := &diffraction.Scan{Meta: map[string]string{}}
	yName, yc := b.column("_pd_meas_counts_total", "_pd_meas_intensity_total", "_pd_proc_intensity_total", "_pd_proc_intensity_net", "_pd_calc_intensity_total")
	if yc == nil {
		return nil, errNoPattern
	}
	if tof, _ := b.column("_pd_meas_time_of_flight"); tof != "" {
		return nil, UnsupportedError("time-of-flight data (_pd_meas_time_of_flight) is not supported; Bragg reads angle-dispersive scans")
	}
	n := len(yc)
	xName, xc := b.column("_pd_meas_2theta_scan", "_pd_proc_2theta_corrected", "_pd_meas_angle_2theta")
	var x []float64
	switch {
	case xc != nil:
		if len(xc) != n {
			return nil, fmt.Errorf("%d values of %s but %d of %s", len(xc), xName, n, yName)
		}
		x = make([]float64, n)
		for i, c := range xc {
			if c.missing || c.text {
				return nil, fmt.Errorf("%s value %d is not a number", xName, i+1)
			}
			x[i] = c.v
		}
		s.Meta["axis"] = xName
	default:
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
			x = stepAxis(mn, inc, n)
			s.Meta["axis"] = p + "{min,inc,max}"
			break
		}
		if x == nil {
			dName, dc := b.column("_pd_proc_d_spacing", "_pd_proc_recip_len_q")
			if dc == nil {
				return nil, fmt.Errorf("%s has no 2θ, d or q abscissa", yName)
			}
			if len(dc) != n {
				return nil, fmt.Errorf("%d values of %s but %d of %s", len(dc), dName, n, yName)
			}
			x = make([]float64, n)
			for i, c := range dc {
				if c.missing || c.text {
					return nil, fmt.Errorf("%s value %d is not a number", dName, i+1)
				}
				x[i] = c.v
			}
			s.Axis = diffraction.AxisD
			if dName == "_pd_proc_recip_len_q" {
				s.Axis = diffraction.AxisQ
			}
			s.Meta["axis"] = dName
		}
	}
	y := make([]float64, n)
	e := make([]float64, n)
	haveSU := false
	for i, c := range yc {
		if c.missing || c.text {
			return nil, fmt.Errorf("%s value %d is not a number", yName, i+1)
		}
		y[i], e[i] = c.v, c.su
		haveSU = haveSU || c.su > 0
	}
	switch {
	case haveSU:
		s.ESD = e
	case yName == "_pd_meas_counts_total":
		s.ESD = poissonESD(y, 1)
	}
	if yName == "_pd_meas_counts_total" {
		s.Meta["units"] = "counts"
	}
	s.Meta["intensity"] = yName
	s.TwoTheta, s.Intensity = x, y
	// The wavelength: one value, or a loop of lines with weights.
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
	if typ != "" {
		s.Meta["radiation"] = cleanText(typ)
		a := strings.Fields(typ)
		if len(a) > 0 {
			if an := anodeName(strings.TrimSuffix(strings.TrimSuffix(a[0], "K"), "k")); an != "" {
				if s.Wavelength.Known() {
					s.Wavelength.Anode = an
				} else {
					s.Meta["anode"] = an
				}
			}
		}
	}
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
	return s, nil
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
