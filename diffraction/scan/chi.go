package scan

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// chiCount parses the fourth line of a χPLOT file: the number of points and
// optionally the number of curves, separated by spaces or a comma.
func chiCount(line []byte) (points, curves int, ok bool) {
	f := bytes.FieldsFunc(line, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' })
	if len(f) < 1 || len(f) > 2 {
		return 0, 0, false
	}
	p, err := strconv.Atoi(string(f[0]))
	if err != nil || p < 1 || p > MaxPoints {
		return 0, 0, false
	}
	c := 1
	if len(f) == 2 {
		if c, err = strconv.Atoi(string(f[1])); err != nil || c < 1 || c > 1000 {
			return 0, 0, false
		}
	}
	return p, c, true
}

// hasLetter reports whether b contains an ASCII letter.
func hasLetter(b []byte) bool {
	for _, c := range b {
		if c|0x20 >= 'a' && c|0x20 <= 'z' {
			return true
		}
	}
	return false
}

// matchCHI recognises Fit2D/χPLOT text (.chi): a title, an x-axis label and
// a y-axis label, a line with the number of points (and curves), then rows
// of numbers. It asks more than xylib does (a lone count on line 4, a word
// among the labels), so that a plain table of numbers is not taken for it.
func matchCHI(head []byte) bool {
	lines := headLines(head, 5)
	if len(lines) < 5 {
		return false
	}
	if !hasLetter(lines[0]) && !hasLetter(lines[1]) && !hasLetter(lines[2]) {
		return false
	}
	// The second line names the x axis (chiAxis): a line of numbers there
	// is data, and the file an xy file whose first line is a comment
	// ("# wavelength 1 Å", as WriteXY writes it), which must not pass for
	// a χPLOT header (found by FuzzDecode).
	if f := bytes.FieldsFunc(lines[1], func(r rune) bool { return r == ' ' || r == '\t' || r == ',' }); len(f) > 0 && leadingNums(lines[1], nil) == len(f) {
		return false
	}
	if _, _, ok := chiCount(bytes.TrimSpace(lines[3])); !ok {
		return false
	}
	var v [2]float64
	return leadingNums(bytes.TrimSpace(lines[4]), v[:]) >= 2
}

// chiAxis interprets the x-axis label of a χPLOT file: the axis and the
// factor to Bragg's units (degrees, Å, Å⁻¹).
func chiAxis(label string) (diffraction.Axis, float64, error) {
	low := strings.ToLower(label)
	switch {
	case strings.Contains(low, "theta") || strings.Contains(low, "2θ") || strings.Contains(low, "angle"):
		if strings.Contains(low, "rad") {
			return "", 0, UnsupportedError("scan: chi: 2θ in radians (" + label + ")")
		}
		return diffraction.AxisTwoTheta, 1, nil
	case strings.HasPrefix(low, "q") || strings.Contains(low, " q ") || strings.Contains(low, "q (") || strings.Contains(low, "scattering vector"):
		switch {
		case strings.Contains(low, "nm"), strings.Contains(low, "nanomet"):
			return diffraction.AxisQ, 0.1, nil
		case strings.Contains(low, "å"), strings.Contains(low, "angstrom"), strings.Contains(low, "a^-1"), strings.Contains(low, "a-1"), strings.Contains(low, "1/a"):
			return diffraction.AxisQ, 1, nil
		}
		return "", 0, UnsupportedError("scan: chi: q without a unit (nm⁻¹ or Å⁻¹) in the x-axis label " + strconv.Quote(label))
	case strings.HasPrefix(low, "d") && (strings.Contains(low, "spacing") || strings.Contains(low, "å") || strings.Contains(low, "angstrom")):
		if strings.Contains(low, "nm") {
			return diffraction.AxisD, 10, nil
		}
		return diffraction.AxisD, 1, nil
	}
	return "", 0, UnsupportedError("scan: chi: the x axis " + strconv.Quote(label) + " is not 2θ, q or d (a radial distance needs the detector geometry)")
}

// decodeCHI reads Fit2D/χPLOT text (Fit2D reference manual, "χPLOT data
// format"): title, x label, y label, "points [curves]", then rows of x and
// the y of each curve, separated by spaces or commas. The first curve is
// read. The x label decides the axis: 2θ in degrees, q (kept as AxisQ:
// χPLOT files carry no wavelength; nm⁻¹ converted to Å⁻¹) or d.
func decodeCHI(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "chi")
	s := &diffraction.Scan{Meta: map[string]string{}}
	var labels [3]string
	for i := range labels {
		if !l.next() {
			return nil, l.eof("the title and axis labels")
		}
		labels[i] = cleanText(string(bytes.TrimLeft(l.trimmed(), "# ")))
	}
	if !l.next() {
		return nil, l.eof("the line with the number of points")
	}
	n, curves, ok := chiCount(bytes.TrimSpace(l.text))
	if !ok {
		return nil, l.errorf("line 4 must hold the number of points (and of curves), not %q", clip(l.text))
	}
	axis, scale, err := chiAxis(labels[1])
	if err != nil {
		return nil, &SyntaxError{Format: "chi", Line: 2, Err: err}
	}
	x := make([]float64, 0, min(n, 1<<16))
	y := make([]float64, 0, min(n, 1<<16))
	row := make([]float64, curves+1)
	for len(x) < n && l.next() {
		t := l.trimmed()
		if len(t) == 0 {
			continue
		}
		k, ok := numFields(t, ",", row)
		if !ok || k != curves+1 {
			return nil, l.errorf("%q is not a row of x and %d y values", clip(t), curves)
		}
		x = append(x, row[0]*scale)
		y = append(y, row[1])
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if len(x) < n {
		return nil, &SyntaxError{Format: "chi", Line: l.line, Err: fmt.Errorf("line 4 promises %d points but the file ends after %d: %w", n, len(x), io.ErrUnexpectedEOF)}
	}
	s.Axis, s.TwoTheta, s.Intensity = axis, x, y
	s.Meta["title"] = labels[0]
	s.Meta["axis"] = labels[1]
	s.Meta["units"] = labels[2]
	if curves > 1 {
		s.Meta["curves"] = strconv.Itoa(curves) + " (the first is read)"
	}
	if w, ok := headerWavelength([]byte(labels[0])); ok {
		s.Wavelength = diffraction.Wavelength{Ka1: w, Source: diffraction.FromFile}
	}
	return finish("chi", s)
}
