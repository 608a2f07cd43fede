package scan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/bragg-xrd/bragg/diffraction"
)

// leadingNums parses the numbers at the start of line (up to len(out)) and
// returns how many there are before the first field that is not a number,
// counting beyond len(out).
func leadingNums(line []byte, out []float64) int {
	n := 0
	i := 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t' || line[i] == ',') {
			i++
		}
		j := i
		for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != ',' {
			j++
		}
		if j == i {
			return n
		}
		v, ok := parseNum(line[i:j], false)
		if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
			return n
		}
		if n < len(out) {
			out[n] = v
		}
		n++
		i = j
	}
}

// headLines splits the first lines of head (at most max), dropping a last
// line cut by the end of head.
func headLines(head []byte, max int) [][]byte {
	var lines [][]byte
	h := bytes.TrimPrefix(head, utf8BOM)
	for len(h) > 0 && len(lines) < max {
		i := bytes.IndexAny(h, "\r\n")
		if i < 0 {
			if len(head) == SniffLen {
				break
			}
			lines = append(lines, h)
			break
		}
		lines = append(lines, h[:i])
		if h[i] == '\r' && i+1 < len(h) && h[i+1] == '\n' {
			i++
		}
		h = h[i+1:]
	}
	return lines
}

// riet7SSE reports whether line starts with start, step and end 2θ values
// describing at least 4 points (xylib's rule), and the number of points.
func riet7SSE(line []byte) (start, step float64, n, fields int, ok bool) {
	var v [3]float64
	fields = leadingNums(line, v[:])
	if fields < 3 {
		return 0, 0, 0, fields, false
	}
	n, ok = stepCount(v[0], v[1], v[2], 4)
	return v[0], v[1], n, fields, ok && v[1] > 0
}

// matchRIET7 recognises the RIET7/LHPM/CSRIET, ILL D1A and PSI DMC layout,
// as xylib does: one of the first six lines starts with start, step and end
// 2θ giving a whole number of points, and the next line holds a different
// number of numbers (otherwise it is more likely a table of columns).
func matchRIET7(head []byte) bool {
	lines := headLines(head, 7)
	for i := 0; i < len(lines)-1 && i < 6; i++ {
		_, _, _, nf, ok := riet7SSE(lines[i])
		if !ok {
			continue
		}
		var v [1]float64
		return leadingNums(lines[i+1], v[:]) != nf
	}
	return false
}

// matchDBWS recognises DBWS/DMPLOT data: a first line in the Fortran format
// (3F8, A48) of start, step and end 2θ and a title.
func matchDBWS(head []byte) bool {
	lines := headLines(head, 2)
	if len(lines) == 0 {
		return false
	}
	_, _, _, ok := dbwsSSE(lines[0])
	return ok
}

func dbwsSSE(line []byte) (start, step float64, n int, ok bool) {
	if len(line) < 24 {
		return 0, 0, 0, false
	}
	var v [3]float64
	for i := range v {
		f := bytes.TrimSpace(line[8*i : 8*i+8])
		x, good := parseNum(f, false)
		if !good || math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, 0, 0, false
		}
		v[i] = x
	}
	if !(v[1] > 0) || v[0]+v[1] > v[2] {
		return 0, 0, 0, false
	}
	d := (v[2]-v[0])/v[1] + 1
	if !(d <= MaxPoints) || math.Abs(d-math.Round(d)) > 1e-6 {
		return 0, 0, 0, false
	}
	return v[0], v[1], int(math.Round(d)), true
}

// decodeRIET7 reads a RIET7/ILL D1A/PSI DMC file: up to six header lines,
// a line of start, step and end 2θ, then the intensities, any number per
// line. Reading stops when the points are complete (xylib does the same);
// if exactly as many numbers follow, they are the esds (PSI DMC files
// write them so), and any text after that is kept in Meta["trailer"].
// Points below 2θ = 0° (ILL D1A scans start at −10°) are dropped, as
// Meta["dropped"] says.
func decodeRIET7(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "riet7")
	s := &diffraction.Scan{Meta: map[string]string{}}
	var comment []byte
	for l.next() {
		start, step, n, _, ok := riet7SSE(l.trimmed())
		if ok {
			return stepData(l, s, comment, start, step, n)
		}
		if l.line > 6 {
			break
		}
		comment = noteLine(s, comment, l.trimmed())
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	return nil, &SyntaxError{Format: "riet7", Line: l.line, Err: errorString("no line of start, step and end 2θ in the first 6 lines")}
}

// decodeDBWS reads DBWS/DMPLOT data: the (3F8, A48) line of start, step
// and end 2θ and a title, then intensities separated by spaces or commas.
func decodeDBWS(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "dbws")
	s := &diffraction.Scan{Meta: map[string]string{}}
	if !l.next() {
		return nil, l.eof("the start/step/end line")
	}
	start, step, n, ok := dbwsSSE(l.text)
	if !ok {
		return nil, l.errorf("the first line is not start, step and end 2θ in columns 1–24")
	}
	var comment []byte
	if len(l.text) > 24 {
		comment = noteLine(s, comment, l.text[24:])
		s.Meta["title"] = cleanText(string(l.text[24:]))
	}
	return stepData(l, s, comment, start, step, n)
}

// noteLine adds a header line to the comment and takes a wavelength from it.
func noteLine(s *diffraction.Scan, comment, text []byte) []byte {
	text = bytes.TrimSpace(text)
	if len(text) == 0 {
		return comment
	}
	if !s.Wavelength.Known() {
		if w, ok := headerWavelength(text); ok {
			s.Wavelength = diffraction.Wavelength{Ka1: w, Source: diffraction.FromFile}
		}
	}
	if len(comment)+len(text) < maxCommentLen {
		if len(comment) > 0 {
			comment = append(comment, '\n')
		}
		comment = append(comment, text...)
	}
	return comment
}

// stepData reads n intensities after a start/step/end line, then an
// optional block of n esds, then ignores the rest.
func stepData(l *lineReader, s *diffraction.Scan, comment []byte, start, step float64, n int) (*diffraction.Scan, error) {
	format := l.format
	y := make([]float64, 0, min(n, 1<<16))
	for len(y) < n && l.next() {
		t := l.trimmed()
		if len(t) == 0 {
			continue
		}
		var bad []byte
		if y, bad = appendNums(y, t, ",", n); bad != nil {
			if len(y) == n {
				return nil, l.errorf("more intensities on this line than the %d points of the start/step/end line", n)
			}
			return nil, l.errorf("%q is not an intensity (%d of %d read)", clip(bad), len(y), n)
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if len(y) < n {
		return nil, &SyntaxError{Format: format, Line: l.line, Err: fmt.Errorf("the start/step/end line promises %d points but the file ends after %d: %w", n, len(y), io.ErrUnexpectedEOF)}
	}
	s.TwoTheta, s.Intensity = stepAxis(start, step, n), y
	// An esd block of exactly n numbers may follow.
	e := make([]float64, 0, min(n, 1<<16))
	var trailer []byte
	nums := true
	for l.next() {
		t := l.trimmed()
		if len(t) == 0 {
			continue
		}
		if nums {
			var bad []byte
			if e, bad = appendNums(e, t, ",", n+1); bad == nil && len(e) <= n {
				continue
			}
			nums = false
		}
		if len(trailer) < 4096 {
			trailer = append(trailer, t...)
			trailer = append(trailer, '\n')
		}
	}
	esdOK := len(e) == n
	if err := l.err(); err != nil {
		return nil, err
	}
	if len(e) == n && esdOK {
		s.ESD = e
		for _, v := range e {
			if v < 0 {
				s.ESD = nil
				break
			}
		}
	} else if len(e) > 0 {
		s.Meta["trailer_numbers"] = strconv.Itoa(len(e)) + " numbers after the intensities, ignored (not one esd per point)"
	}
	if len(trailer) > 0 {
		s.Meta["trailer"] = cleanText(string(bytes.ReplaceAll(bytes.TrimSpace(trailer), []byte("\n"), []byte(" | "))))
	}
	if len(comment) > 0 {
		s.Meta["comment"] = string(comment)
	}
	s.Meta["step"] = fmtNum(step)
	return finish(format, s)
}
