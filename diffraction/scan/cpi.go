package scan

import (
	"bytes"
	"io"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchCPI recognises Sietronics Sieray CPI text, whose first line starts
// "SIETRONICS XRD SCAN".
func matchCPI(head []byte) bool {
	h := bytes.TrimPrefix(head, utf8BOM)
	return bytes.HasPrefix(h, []byte("SIETRONICS XRD SCAN"))
}

// decodeCPI reads Sietronics CPI text: the "SIETRONICS XRD SCAN" line, then
// one value per line: start 2θ, end 2θ, step, anode, wavelength (Å), date,
// step time (s), a comment, any further lines, and "SCANDATA" followed by
// one count per line.
func decodeCPI(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "cpi")
	s := &diffraction.Scan{Meta: map[string]string{}}
	var hdr []string
	for l.next() {
		line := bytes.TrimSpace(l.text)
		if bytes.HasPrefix(line, []byte("SCANDATA")) {
			break
		}
		if len(hdr) < 10 {
			hdr = append(hdr, string(line))
		}
		if l.line > 1000 {
			return nil, l.errorf("no SCANDATA line in the first 1000 lines")
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if len(hdr) < 4 {
		return nil, l.eof("the start, end and step lines")
	}
	start, ok1 := atof(hdr[1])
	end, ok2 := atof(hdr[2])
	step, ok3 := atof(hdr[3])
	if !ok1 || !ok2 || !ok3 {
		return nil, &SyntaxError{Format: "cpi", Line: 2, Err: errorString("lines 2–4 must be the start, end and step 2θ")}
	}
	if !bytes.HasPrefix(bytes.TrimSpace(l.text), []byte("SCANDATA")) {
		return nil, l.eof("the SCANDATA line")
	}
	var y []float64
	for l.next() {
		line := bytes.TrimSpace(l.text)
		if len(line) == 0 {
			continue
		}
		var bad []byte
		if y, bad = appendNums(y, line, ",", MaxPoints); bad != nil {
			return nil, l.errorf("%q is not a count", clip(bad))
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if n, ok := stepCount(start, step, end, 2); ok && n != len(y) {
		return nil, &SyntaxError{Format: "cpi", Line: l.line, Err: errorString("start, end and step give " + fmtNum(float64(n)) + " points but SCANDATA has " + fmtNum(float64(len(y))))}
	}
	s.TwoTheta, s.Intensity = stepAxis(start, step, len(y)), y
	s.ESD = poissonESD(y, 1)
	s.Meta["units"] = "counts"
	s.Meta["step"] = hdr[3]
	get := func(i int) string {
		if i < len(hdr) {
			return cleanText(hdr[i])
		}
		return ""
	}
	var wl float64
	if v, ok := atof(get(5)); ok {
		wl = v
	}
	s.Wavelength = wavelengthFrom(get(4), wl, 0, 0, 0)
	if !s.Wavelength.Known() {
		s.Meta["anode"] = get(4)
	}
	s.Meta["date"] = get(6)
	s.Meta["counting_time"] = get(7)
	s.Meta["sample"] = get(8)
	return finish("cpi", s)
}
