package scan

import (
	"bytes"
	"io"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchRRUFF recognises RRUFF powder data text, which starts with "##KEY="
// lines such as ##NAMES= and ##RRUFFID=.
func matchRRUFF(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	return bytes.HasPrefix(h, []byte("##")) && (bytes.Contains(h, []byte("##RRUFFID=")) || bytes.Contains(h, []byte("##NAMES=")))
}

// decodeRRUFF reads a RRUFF powder pattern (rruff.info XY_RAW and
// XY_Processed files): "##KEY=value" header lines (NAMES, RRUFFID, IDEAL
// CHEMISTRY, LOCALITY, SOURCE, DESCRIPTION, STATUS, X-RAY WAVELENGTH), then
// rows of 2θ and intensity separated by a comma, and "##END=". RRUFF
// states one wavelength (the Cu Kα mean, 1.541838 Å), stored as given.
func decodeRRUFF(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "rruff")
	s := &diffraction.Scan{Meta: map[string]string{}}
	var row [3]float64
	var x, y []float64
	hdr := map[string]string{}
	for l.next() {
		t := l.trimmed()
		if len(t) == 0 {
			continue
		}
		if bytes.HasPrefix(t, []byte("##")) {
			k, v, _ := bytes.Cut(t[2:], []byte("="))
			key := strings.ToUpper(strings.TrimSpace(string(k)))
			if key == "END" {
				break
			}
			hdr[key] = cleanText(string(v))
			continue
		}
		n, ok := numFields(t, ",", row[:])
		if !ok || n != 2 {
			return nil, l.errorf("%q is not a row of 2θ and intensity", clip(t))
		}
		if len(x) == MaxPoints {
			return nil, l.errorf("more than %d points", MaxPoints)
		}
		if len(x) > 0 && !(row[0] > x[len(x)-1]) {
			return nil, l.errorf("2θ=%g° does not increase (previous row %g°)", row[0], x[len(x)-1])
		}
		x = append(x, row[0])
		y = append(y, row[1])
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	s.TwoTheta, s.Intensity = x, y
	if v, ok := atof(hdr["X-RAY WAVELENGTH"]); ok {
		s.Wavelength = wavelengthFrom("", v, 0, 0, 0)
	}
	for k, m := range map[string]string{"NAMES": "sample", "RRUFFID": "rruff_id", "IDEAL CHEMISTRY": "chemistry",
		"LOCALITY": "locality", "SOURCE": "source", "DESCRIPTION": "description", "STATUS": "status", "OWNER": "owner", "URL": "url"} {
		s.Meta[m] = hdr[k]
	}
	return finish("rruff", s)
}
