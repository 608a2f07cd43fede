package scan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bragg-xrd/bragg/diffraction"
)

// lineReader reads a text scan file line by line for the readers of the
// line-oriented formats, counting lines for error messages. Lines end at
// "\n", "\r\n" or a lone "\r"; a UTF-8 byte order mark at the start and the
// Ctrl-Z that ends old DOS files are dropped.
type lineReader struct {
	sc     *bufio.Scanner
	format string
	line   int    // 1-based number of the current line
	text   []byte // the current line, trailing white space removed
	peeked bool   // text holds a line pushed back by unread
}

func newLineReader(r io.Reader, format string) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLen)
	sc.Split(scanLines)
	return &lineReader{sc: sc, format: format}
}

// next advances to the next line and reports whether there is one.
func (l *lineReader) next() bool {
	if l.peeked {
		l.peeked = false
		l.line++
		return true
	}
	if !l.sc.Scan() {
		return false
	}
	l.line++
	b := l.sc.Bytes()
	if l.line == 1 {
		b = bytes.TrimPrefix(b, utf8BOM)
	}
	if n := len(b); n > 0 && b[n-1] == 0x1a {
		b = b[:n-1]
	}
	l.text = bytes.TrimRight(b, " \t\f\v\x00")
	return true
}

// unread pushes the current line back, so that next returns it again.
func (l *lineReader) unread() {
	l.peeked = true
	l.line--
}

// trimmed returns the current line without leading white space either.
func (l *lineReader) trimmed() []byte { return bytes.TrimLeft(l.text, " \t") }

// err returns the error that stopped next: a line too long (as a
// *SyntaxError) or a read error.
func (l *lineReader) err() error {
	err := l.sc.Err()
	if errors.Is(err, bufio.ErrTooLong) {
		return &SyntaxError{Format: l.format, Line: l.line + 1, Err: fmt.Errorf("line longer than %d bytes", maxLineLen)}
	}
	return err
}

// errorf returns a *SyntaxError at the current line.
func (l *lineReader) errorf(format string, args ...any) error {
	return &SyntaxError{Format: l.format, Line: l.line, Err: fmt.Errorf(format, args...)}
}

// eof returns the error for a file that ends before what must follow: a
// read error if there was one, else io.ErrUnexpectedEOF naming what is
// missing.
func (l *lineReader) eof(what string) error {
	if err := l.err(); err != nil {
		return err
	}
	return &SyntaxError{Format: l.format, Line: l.line, Err: fmt.Errorf("file ends before %s: %w", what, io.ErrUnexpectedEOF)}
}

// isNumSep reports whether c separates numbers in a free-format row: white
// space, or one of the extra separators in seps.
func isNumSep(c byte, seps string) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' ||
		(seps != "" && strings.IndexByte(seps, c) >= 0)
}

// appendNums parses the numbers of a free-format row, separated by white
// space or any byte of seps, appending them to dst. It stops at the first
// field that is not a number and returns it (nil when all were numbers).
// At most max values are appended in total; reaching it is not an error,
// the rest of the row is returned as bad.
func appendNums(dst []float64, line []byte, seps string, max int) ([]float64, []byte) {
	i := 0
	for {
		for i < len(line) && isNumSep(line[i], seps) {
			i++
		}
		if i == len(line) {
			return dst, nil
		}
		j := i
		for j < len(line) && !isNumSep(line[j], seps) {
			j++
		}
		if len(dst) >= max {
			return dst, line[i:]
		}
		v, ok := parseNum(line[i:j], false)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return dst, line[i:j]
		}
		dst = append(dst, v)
		i = j
	}
}

// numFields parses all fields of line as numbers separated by white space
// (and seps) into out, returning how many there are (counting beyond
// len(out)) and whether all are finite numbers.
func numFields(line []byte, seps string, out []float64) (n int, ok bool) {
	ok = true
	i := 0
	for {
		for i < len(line) && isNumSep(line[i], seps) {
			i++
		}
		if i == len(line) {
			return n, ok
		}
		j := i
		for j < len(line) && !isNumSep(line[j], seps) {
			j++
		}
		v, good := parseNum(line[i:j], false)
		if !good || math.IsNaN(v) || math.IsInf(v, 0) {
			ok = false
		}
		if n < len(out) {
			out[n] = v
		}
		n++
		i = j
	}
}

// atof parses a header value, tolerating surrounding white space and quotes.
func atof(s string) (float64, bool) {
	s = strings.Trim(strings.TrimSpace(s), `'"`)
	s = strings.TrimSpace(s)
	v, ok := parseNum([]byte(s), false)
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// stepAxis returns n angles start + i·step, the way xylib and the
// instrument software compute them (a product, not a running sum, so that
// rounding does not accumulate).
func stepAxis(start, step float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = start + step*float64(i)
	}
	return x
}

// stepCount returns the number of points from start to end inclusive in
// steps of step, and whether that is a whole number (within 1 %, the
// tolerance of xylib's start/step/end check) of at least min.
func stepCount(start, step, end float64, min int) (int, bool) {
	if !(step != 0) || math.IsNaN(start) || math.IsNaN(end) || math.IsInf(step, 0) {
		return 0, false
	}
	d := (end-start)/step + 1
	if !(d >= float64(min) && d <= MaxPoints) {
		return 0, false
	}
	n := math.Round(d)
	if math.Abs(n-d) > 1e-2 {
		return 0, false
	}
	return int(n), true
}

// poissonESD returns √I for each intensity (0 for negative ones): the
// standard uncertainty of counts.
func poissonESD(y []float64, scale float64) []float64 {
	e := make([]float64, len(y))
	for i, v := range y {
		e[i] = scale * math.Sqrt(max(v, 0))
	}
	return e
}

// checkAxis applies the rules of (*diffraction.Scan).Validate to the
// abscissa of s and returns an error naming the first offending point.
func checkAxis(format string, s *diffraction.Scan) error {
	x := s.TwoTheta
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &SyntaxError{Format: format, Err: fmt.Errorf("point %d: the angle is not a finite number", i+1)}
		}
		if s.Axis == diffraction.AxisTwoTheta && !(v >= 0 && v < 180) {
			return &SyntaxError{Format: format, Err: fmt.Errorf("point %d: 2θ=%g° is outside [0°, 180°)", i+1, v)}
		}
		if i > 0 && !(v > x[i-1]) {
			return &SyntaxError{Format: format, Err: fmt.Errorf("point %d: 2θ=%g° does not increase (previous %g°)", i+1, v, x[i-1])}
		}
	}
	return nil
}

// dropNegative removes the leading points of a 2θ scan below 0°, which
// neutron diffractometers such as ILL D1A record on the far side of the
// direct beam, and says so in Meta["dropped"].
func dropNegative(s *diffraction.Scan) {
	k := 0
	for k < len(s.TwoTheta) && s.TwoTheta[k] < 0 {
		k++
	}
	if k == 0 {
		return
	}
	s.TwoTheta = s.TwoTheta[k:]
	s.Intensity = s.Intensity[k:]
	if s.ESD != nil {
		s.ESD = s.ESD[k:]
	}
	s.Meta["dropped"] = fmt.Sprintf("%d points below 2θ = 0° (the far side of the direct beam)", k)
}

// reverseScan reverses the points of s in place.
func reverseScan(s *diffraction.Scan) {
	for i, j := 0, len(s.TwoTheta)-1; i < j; i, j = i+1, j-1 {
		s.TwoTheta[i], s.TwoTheta[j] = s.TwoTheta[j], s.TwoTheta[i]
		s.Intensity[i], s.Intensity[j] = s.Intensity[j], s.Intensity[i]
		if s.ESD != nil {
			s.ESD[i], s.ESD[j] = s.ESD[j], s.ESD[i]
		}
	}
}

// checkValues rejects non-finite intensities and esds.
func checkValues(format string, s *diffraction.Scan) error {
	for i, v := range s.Intensity {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return &SyntaxError{Format: format, Err: fmt.Errorf("intensity %d is not a finite number", i+1)}
		}
	}
	for i, v := range s.ESD {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return &SyntaxError{Format: format, Err: fmt.Errorf("esd %d (%g) is not a finite non-negative number", i+1, v)}
		}
	}
	return nil
}

// finish does what every reader does last: checks the points, converts a d
// or q axis to 2θ when the file gives the wavelength (and otherwise says
// in Meta that the axis is kept), and drops empty Meta values.
func finish(format string, s *diffraction.Scan) (*diffraction.Scan, error) {
	if n := len(s.TwoTheta); n < 2 {
		return nil, &SyntaxError{Format: format, Err: fmt.Errorf("%d data points; a scan needs at least 2", n)}
	}
	if len(s.Intensity) != len(s.TwoTheta) || (s.ESD != nil && len(s.ESD) != len(s.TwoTheta)) {
		return nil, &SyntaxError{Format: format, Err: fmt.Errorf("%d angles but %d intensities", len(s.TwoTheta), len(s.Intensity))}
	}
	if err := checkValues(format, s); err != nil {
		return nil, err
	}
	if s.Axis != diffraction.AxisTwoTheta {
		if len(s.TwoTheta) > 1 && s.TwoTheta[0] > s.TwoTheta[len(s.TwoTheta)-1] {
			reverseScan(s)
		}
		if err := checkAxis(format, s); err != nil {
			return nil, err
		}
		if s.Wavelength.Known() {
			if err := ToTwoTheta(s, s.Wavelength); err != nil {
				return nil, &SyntaxError{Format: format, Err: err}
			}
		} else {
			ToTwoTheta(s, s.Wavelength) // records in Meta why the axis is kept
		}
	}
	if len(s.TwoTheta) > 1 && s.TwoTheta[0] > s.TwoTheta[len(s.TwoTheta)-1] {
		reverseScan(s)
	}
	if s.Axis == diffraction.AxisTwoTheta && len(s.TwoTheta) > 0 && s.TwoTheta[0] < 0 {
		dropNegative(s)
		if len(s.TwoTheta) < 2 {
			return nil, &SyntaxError{Format: format, Err: errors.New("fewer than 2 points at 2θ ≥ 0°")}
		}
	}
	if err := checkAxis(format, s); err != nil {
		return nil, err
	}
	for k, v := range s.Meta {
		if v == "" {
			delete(s.Meta, k)
		}
	}
	return s, nil
}

// cleanText makes a header value printable: valid UTF-8 (files from
// Japanese instruments hold Shift-JIS text, which is replaced), without
// control characters, trimmed. A Rigaku "日本語|English" pair gives its
// English part.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if i := strings.LastIndexByte(s, '|'); i >= 0 && i < len(s)-1 {
		if e := strings.TrimSpace(s[i+1:]); e != "" && !strings.ContainsRune(e, '\uFFFD') {
			s = e
		}
	}
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// fmtNum formats a number from a header for Meta in its shortest form.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// wavelengthFrom builds a file-stated wavelength from its Kα1, Kα2, ratio
// and Kβ values (0 when absent) and anode name, or the zero Wavelength
// when ka1 is not a plausible X-ray or neutron wavelength (0.01–10 Å).
func wavelengthFrom(anode string, ka1, ka2, ratio, kb float64) diffraction.Wavelength {
	if !(ka1 >= 0.01 && ka1 <= 10) {
		return diffraction.Wavelength{}
	}
	w := diffraction.Wavelength{Anode: anodeName(anode), Ka1: ka1, Source: diffraction.FromFile}
	if ka2 >= 0.01 && ka2 <= 10 && ratio > 0 && ka2 != ka1 {
		w.Ka2, w.Ratio = ka2, ratio
	}
	if kb >= 0.01 && kb <= 10 {
		w.Kb = kb
	}
	return w
}

// anodeName returns the element symbol of a tube anode as Bragg writes it
// ("Cu"), or "" when s is not one Bragg knows.
func anodeName(s string) string {
	s = strings.Trim(strings.TrimSpace(s), `'"`)
	if w, ok := diffraction.AnodeWavelength(s); ok {
		return w.Anode
	}
	return ""
}
