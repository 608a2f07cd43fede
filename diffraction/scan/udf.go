package scan

import (
	"bytes"
	"io"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchUDF recognises Philips UDF text, which starts "SampleIdent".
func matchUDF(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	return bytes.HasPrefix(h, []byte("SampleIdent"))
}

// decodeUDF reads Philips UDF (PC-APD) text: header lines "Key,value,/"
// (DataAngleRange gives start and end 2θ, ScanStepSize the step, Anode,
// LabdaAlpha1, LabdaAlpha2 and RatioAlpha21 the radiation), then "RawScan"
// and the counts separated by commas, the last followed by '/'.
func decodeUDF(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "udf")
	s := &diffraction.Scan{Meta: map[string]string{}}
	hdr := map[string][]string{}
	raw := false
	for l.next() {
		line := bytes.TrimSpace(l.text)
		if len(line) == 0 {
			continue
		}
		if bytes.EqualFold(line, []byte("RawScan")) {
			raw = true
			break
		}
		line = bytes.TrimSuffix(line, []byte("/"))
		parts := strings.Split(string(line), ",")
		key := strings.TrimSpace(parts[0])
		var vals []string
		for _, p := range parts[1:] {
			if p = strings.TrimSpace(p); p != "" {
				vals = append(vals, p)
			}
		}
		hdr[key] = vals
	}
	if !raw {
		if err := l.err(); err != nil {
			return nil, err
		}
		return nil, l.eof("the RawScan line")
	}
	first := func(k string) string {
		if v := hdr[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	rng := hdr["DataAngleRange"]
	if len(rng) < 2 {
		return nil, &SyntaxError{Format: "udf", Err: errorString("no DataAngleRange with start and end 2θ in the header")}
	}
	start, ok1 := atof(rng[0])
	end, ok2 := atof(rng[1])
	step, ok3 := atof(first("ScanStepSize"))
	if !ok1 || !ok2 || !ok3 {
		return nil, &SyntaxError{Format: "udf", Err: errorString("DataAngleRange or ScanStepSize is not a number")}
	}
	var y []float64
	ended := false
	for !ended && l.next() {
		line := bytes.TrimSpace(l.text)
		if i := bytes.IndexByte(line, '/'); i >= 0 {
			line, ended = line[:i], true
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
		return nil, &SyntaxError{Format: "udf", Line: l.line, Err: errorString("DataAngleRange and ScanStepSize give " + fmtNum(float64(n)) + " points but the RawScan has " + fmtNum(float64(len(y))))}
	}
	s.TwoTheta, s.Intensity = stepAxis(start, step, len(y)), y
	s.ESD = poissonESD(y, 1)
	s.Meta["units"] = "counts"
	if !ended {
		s.Meta["note"] = "the RawScan does not end with '/'"
	}
	ka1, _ := atof(first("LabdaAlpha1"))
	ka2, _ := atof(first("LabdaAlpha2"))
	ratio, _ := atof(first("RatioAlpha21"))
	s.Wavelength = wavelengthFrom(first("Anode"), ka1, ka2, ratio, 0)
	if !s.Wavelength.Known() {
		s.Meta["anode"] = cleanText(first("Anode"))
	}
	s.Meta["sample"] = cleanText(first("SampleIdent"))
	s.Meta["date"] = cleanText(strings.Join(hdr["FileDateTime"], " "))
	s.Meta["instrument"] = cleanText(first("DiffrType"))
	s.Meta["step"] = first("ScanStepSize")
	s.Meta["counting_time"] = first("ScanStepTime")
	s.Meta["scan_mode"] = cleanText(first("ScanType"))
	s.Meta["title"] = cleanText(strings.TrimSpace(first("Title1") + " " + first("Title2")))
	return finish("udf", s)
}
