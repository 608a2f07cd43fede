package scan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Limits of the text reader.
const (
	maxLineLen    = 1 << 20 // a data row is a few dozen bytes; 1 MiB is surely not one
	maxCommentLen = 64 << 10
)

// matchXY accepts anything that looks like text and not like markup: no NUL
// bytes, hardly any other control characters, and not starting with '<'.
// It is the generic fallback and must stay last in the table.
func matchXY(head []byte) bool {
	h := bytes.TrimPrefix(head, utf8BOM)
	h = bytes.TrimLeft(h, " \t\r\n")
	if len(h) == 0 || h[0] == '<' {
		return false
	}
	ctl := 0
	for _, c := range h {
		switch {
		case c == 0:
			return false
		case c == 0x1a: // Ctrl-Z, the end mark of DOS text files
		case c < 0x20 && !isSpace(c), c == 0x7f:
			ctl++
		}
	}
	// One stray control byte in a hundred is a damaged text file; more is
	// binary.
	return ctl*100 <= len(h)
}

var utf8BOM = []byte("\xef\xbb\xbf")

// dialect is how the numbers of a data row are written.
type dialect struct {
	sep   byte // ';', ',' or 0 for white space (spaces and tabs)
	comma bool // ',' is the decimal separator
}

func (d dialect) String() string {
	sep := map[byte]string{0: "white space", ',': "commas", ';': "semicolons"}[d.sep]
	if d.comma {
		return sep + " with decimal commas"
	}
	return sep
}

// fields splits line by d and parses the numbers, storing the first three in
// out. It returns the number of fields and whether all of them are numbers.
// With a separator, a trailing one (as spreadsheets write) ends the row.
func (d dialect) fields(line []byte, out *[3]float64) (n int, ok bool) {
	ok = true
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			return n, ok
		}
		j := i
		if d.sep == 0 {
			for j < len(line) && line[j] != ' ' && line[j] != '\t' {
				j++
			}
		} else {
			for j < len(line) && line[j] != d.sep {
				j++
			}
		}
		f := line[i:j]
		for len(f) > 0 && (f[len(f)-1] == ' ' || f[len(f)-1] == '\t') {
			f = f[:len(f)-1]
		}
		if d.sep != 0 && j < len(line) {
			j++ // the separator
		}
		v, good := parseNum(f, d.comma)
		if n < len(out) {
			out[n] = v
		}
		ok = ok && good
		n++
		i = j
	}
}

// guessDialect finds the dialect in which line is a row of two or three
// numbers. Decimal commas are recognised when semicolons or white space
// separate the columns.
func guessDialect(line []byte) (dialect, bool) {
	var v [3]float64
	try := func(d dialect) bool {
		n, ok := d.fields(line, &v)
		return ok && (n == 2 || n == 3)
	}
	if bytes.IndexByte(line, ';') >= 0 {
		for _, d := range []dialect{{sep: ';'}, {sep: ';', comma: true}} {
			if try(d) {
				return d, true
			}
		}
		return dialect{}, false
	}
	for _, d := range []dialect{{}, {comma: true}, {sep: ','}} {
		if try(d) {
			return d, true
		}
	}
	return dialect{}, false
}

// commentText returns the text of a comment line without its marker, and
// whether the line is a comment: it starts with '#', '!', ';', '%', "//" or
// an apostrophe (Bruker EVA's comment mark).
func commentText(line []byte) ([]byte, bool) {
	if len(line) == 0 {
		return nil, false
	}
	switch line[0] {
	case '#', '!', ';', '%', '\'':
		return bytes.TrimSpace(line[1:]), true
	case '/':
		if len(line) > 1 && line[1] == '/' {
			return bytes.TrimSpace(line[2:]), true
		}
	}
	return nil, false
}

// xyReader holds the state of decodeXY.
type xyReader struct {
	s       *diffraction.Scan
	comment []byte
	line    int
	d       dialect    // of the data rows, set by the first
	cols    int        // numbers in a data row; 0 until the first
	inBlock bool       // inside a /* … */ comment
	wide    int        // rows of more than three numbers before any data
	v       [3]float64 // scratch for one row
}

func (r *xyReader) errorf(format string, args ...any) error {
	return &SyntaxError{Format: "xy", Line: r.line, Err: fmt.Errorf(format, args...)}
}

// note records a header or comment line and looks for a wavelength in it.
func (r *xyReader) note(text []byte) { r.comment = noteLine(r.s, r.comment, text) }

// decodeXY reads delimited text: a header of comment or word lines, then rows
// of 2θ, intensity and optionally its standard uncertainty.
func decodeXY(in io.Reader) (*diffraction.Scan, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineLen)
	sc.Split(scanLines)
	r := &xyReader{s: &diffraction.Scan{Meta: map[string]string{}}}
	for sc.Scan() {
		r.line++
		line := sc.Bytes()
		if r.line == 1 {
			line = bytes.TrimPrefix(line, utf8BOM)
		}
		if n := len(line); n > 0 && line[n-1] == 0x1a {
			line = line[:n-1] // the Ctrl-Z that ends old DOS text files
		}
		if err := r.parseLine(bytes.TrimSpace(line)); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &SyntaxError{Format: "xy", Line: r.line + 1, Err: fmt.Errorf("line longer than %d bytes", maxLineLen)}
		}
		return nil, err
	}
	return r.scan()
}

// parseLine reads a line, white space trimmed: a line of a /* … */ block,
// a comment line, a header line before the data, or a data row, which
// must have as many numbers as the first, in its dialect. (The row is
// read here rather than in a method of its own: one more call per row
// costs 1 % more instructions in BenchmarkDecodeXY.)
func (r *xyReader) parseLine(line []byte) error {
	if r.inBlock {
		text := line
		if i := bytes.Index(line, []byte("*/")); i >= 0 {
			r.inBlock = false
			text = line[:i]
		}
		r.note(bytes.TrimSpace(bytes.TrimLeft(text, "#*")))
		return nil
	}
	if len(line) == 0 {
		return nil
	}
	if len(line) > 1 && line[0] == '/' && line[1] == '*' {
		text := line[2:]
		if i := bytes.Index(text, []byte("*/")); i >= 0 {
			text = text[:i]
		} else {
			r.inBlock = true
		}
		r.note(bytes.TrimSpace(text))
		return nil
	}
	if text, ok := commentText(line); ok {
		r.note(text)
		return nil
	}
	if r.cols == 0 && !r.parseFirstRow(line) {
		r.note(line) // a header line such as "2theta,intensity"
		return nil
	}
	s := r.s
	n, ok := r.d.fields(line, &r.v)
	switch {
	case !ok:
		return r.errorf("%q is not a row of %d numbers separated by %v like the rows above (after the data only comments and blank lines may follow)", clip(line), r.cols, r.d)
	case n != r.cols && n > 3 && len(s.TwoTheta) == 1:
		return r.errorf("%d columns, but the row above has %d (a start/step/end line followed by rows of intensities, as in RIET7 .dat files, is not supported yet)", n, r.cols)
	case n != r.cols:
		return r.errorf("%d columns, but the rows above have %d", n, r.cols)
	}
	if len(s.TwoTheta) == MaxPoints {
		return r.errorf("more than %d points", MaxPoints)
	}
	if err := r.checkPoint(r.v[:n]); err != nil {
		return err
	}
	s.TwoTheta = append(s.TwoTheta, r.v[0])
	s.Intensity = append(s.Intensity, r.v[1])
	if n == 3 {
		s.ESD = append(s.ESD, r.v[2])
	}
	return nil
}

// parseFirstRow finds the dialect in which line is a row of two or three
// numbers, which makes it the first data row; it reports false for a
// header line.
func (r *xyReader) parseFirstRow(line []byte) bool {
	d, ok := guessDialect(line)
	if !ok {
		if n, ok := (dialect{}).fields(line, &r.v); ok && n > 3 {
			r.wide++
		}
		return false
	}
	r.d = d
	r.cols, _ = d.fields(line, &r.v)
	r.s.TwoTheta = make([]float64, 0, 1024)
	r.s.Intensity = make([]float64, 0, 1024)
	if r.cols == 3 {
		r.s.ESD = make([]float64, 0, 1024)
	}
	return true
}

// scan checks that the file held at least two data rows, and keeps the
// comment and the third column, when it can be standard uncertainties.
func (r *xyReader) scan() (*diffraction.Scan, error) {
	s := r.s
	if r.cols == 0 {
		err := fmt.Errorf("no data rows of 2θ and intensity in %d lines", r.line)
		if r.wide > 0 {
			err = fmt.Errorf("%w (%d rows of more than three numbers: a layout such as start/step/end plus intensities, not supported yet)", err, r.wide)
		}
		return nil, &SyntaxError{Format: "xy", Err: err}
	}
	if len(s.TwoTheta) < 2 {
		return nil, &SyntaxError{Format: "xy", Line: r.line, Err: errors.New("only one data row; a scan needs at least 2")}
	}
	if len(r.comment) > 0 {
		s.Meta["comment"] = string(r.comment)
	}
	if s.ESD != nil && !plausibleESD(s.Intensity, s.ESD) {
		// Text exports often carry a third column that is a background or
		// a fitted curve (the XRD-AutoAnalyzer files do); taken as
		// uncertainties it would make every peak insignificant.
		s.ESD = nil
		s.Meta["column3"] = "ignored: not standard uncertainties (comparable to the intensities)"
	}
	return s, nil
}

// plausibleESD reports whether a third column can be the standard
// uncertainties of the intensities: positive (zero for zero counts), and either close to the
// Poisson σ = √N of counts, or typically well below the intensity (σ/I =
// 1/√N is below 0.5 for N > 4 counts, and scaled or averaged data keep that
// relation). A background or calculated curve is of the order of the
// intensity itself (σ/I near 1) and far from √N. Medians decide, so that a
// few odd points do not.
func plausibleESD(inten, esd []float64) bool {
	rel := make([]float64, 0, len(esd))     // σ/|I|
	poisson := make([]float64, 0, len(esd)) // |σ − √|I||/√|I|
	for i, e := range esd {
		a := math.Abs(inten[i])
		// σ = 0 is right for zero counts only.
		if e < 0 || (e == 0 && a != 0) {
			return false
		}
		if a != 0 {
			rel = append(rel, e/a)
			poisson = append(poisson, math.Abs(e-math.Sqrt(a))/math.Sqrt(a))
		}
	}
	if len(rel) == 0 {
		return true
	}
	return median(rel) < 0.5 || median(poisson) < 0.2
}

func median(v []float64) float64 {
	slices.Sort(v)
	return v[len(v)/2]
}

// checkPoint applies the rules of (*diffraction.Scan).Validate to one row so
// that the error can name its line.
func (r *xyReader) checkPoint(v []float64) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return r.errorf("column %d is not a finite number", i+1)
		}
	}
	x := v[0]
	if x < 0 || x >= 180 {
		return r.errorf("2θ=%g° is outside [0°, 180°)", x)
	}
	if n := len(r.s.TwoTheta); n > 0 && x <= r.s.TwoTheta[n-1] {
		return r.errorf("2θ=%g° does not increase (previous row %g°)", x, r.s.TwoTheta[n-1])
	}
	return nil
}

// scanLines is bufio.ScanLines that also ends lines at a lone '\r' (classic
// Mac OS files) and drops the '\r' of "\r\n".
func scanLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	for i, c := range data {
		switch c {
		case '\n':
			return i + 1, data[:i], nil
		case '\r':
			if i+1 < len(data) {
				if data[i+1] == '\n' {
					return i + 2, data[:i], nil
				}
				return i + 1, data[:i], nil
			}
			if atEOF {
				return i + 1, data[:i], nil
			}
			return 0, nil, nil // need one more byte to tell "\r\n" from "\r"
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// headerWavelength finds a wavelength stated in a header line: a keyword
// ("wavelength", "lambda" or "λ") followed on the same line by a number, in
// ångström unless "nm" stands next to it. It reports false when the line says
// nothing definite (no keyword, no number, an energy, or a value outside
// 0.01–10 Å, the range of diffraction X-rays and neutrons). Anode names
// ("Cu") are deliberately not turned into wavelengths.
func headerWavelength(line []byte) (float64, bool) {
	low := strings.ToLower(string(line))
	at := -1
	for _, k := range []string{"wavelength", "lambda", "λ"} {
		if i := strings.Index(low, k); i >= 0 && (at < 0 || i < at) {
			at = i + len(k)
		}
	}
	if at < 0 {
		return 0, false
	}
	return wavelengthAfter(low[at:], true)
}

// wavelengthAfter parses the number that follows a wavelength keyword.
// With index, a whole number glued to the keyword and followed by '=' or ':'
// ("wavelength1 = 1.5406") is taken as an index and skipped.
func wavelengthAfter(rest string, index bool) (float64, bool) {
	i := strings.IndexAny(rest, "0123456789")
	if i < 0 {
		return 0, false
	}
	j := i
	for j < len(rest) && (rest[j] >= '0' && rest[j] <= '9' || rest[j] == '.') {
		j++
	}
	if i > 0 && rest[i-1] == '.' {
		i--
	}
	v, err := strconv.ParseFloat(rest[i:j], 64)
	if err != nil {
		return 0, false
	}
	before, after := rest[:i], strings.TrimSpace(rest[j:])
	if index && strings.TrimSpace(before) == "" && strings.IndexAny(rest[i:j], ".") < 0 &&
		(strings.HasPrefix(after, "=") || strings.HasPrefix(after, ":")) {
		return wavelengthAfter(after[1:], false)
	}
	if strings.HasPrefix(after, "kev") || strings.HasPrefix(after, "ev") {
		return 0, false
	}
	if strings.Contains(before, "nm") || strings.HasPrefix(after, "nm") {
		v *= 10
	}
	if !(v >= 0.01 && v <= 10) {
		return 0, false
	}
	return v, true
}

// WriteXY writes s as two-column text: an optional "# wavelength" comment,
// then one line of 2θ and intensity per point, separated by a space. Numbers
// are written in the shortest form that reads back to the same float64.
func WriteXY(w io.Writer, s *diffraction.Scan) error { return writeText(w, s, false) }

// WriteXYE writes s as WriteXY does, with the standard uncertainty as a
// third column when s has them.
func WriteXYE(w io.Writer, s *diffraction.Scan) error { return writeText(w, s, s.ESD != nil) }

func writeText(w io.Writer, s *diffraction.Scan, esd bool) error {
	if err := s.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if s.Wavelength.Known() {
		fmt.Fprintf(bw, "# wavelength %s Å\n", strconv.FormatFloat(s.Wavelength.Ka1, 'g', -1, 64))
	}
	var buf []byte
	for i := range s.TwoTheta {
		buf = strconv.AppendFloat(buf[:0], s.TwoTheta[i], 'g', -1, 64)
		buf = append(buf, ' ')
		buf = strconv.AppendFloat(buf, s.Intensity[i], 'g', -1, 64)
		if esd {
			buf = append(buf, ' ')
			buf = strconv.AppendFloat(buf, s.ESD[i], 'g', -1, 64)
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}
