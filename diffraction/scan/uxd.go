package scan

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchUXD recognises Bruker/Siemens DIFFRAC-AT UXD text: after comment
// lines starting with ';', the first line is "_FILEVERSION=…" (xylib's test).
func matchUXD(head []byte) bool {
	h := bytes.TrimPrefix(head, utf8BOM)
	for len(h) > 0 {
		line := h
		if i := bytes.IndexAny(h, "\r\n"); i >= 0 {
			line, h = h[:i], h[i+1:]
		} else {
			h = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == ';' {
			continue
		}
		return bytes.HasPrefix(line, []byte("_FILEVERSION"))
	}
	return false
}

// uxdKeyValue splits "_KEY=value" into KEY and the value without quotes.
func uxdKeyValue(line []byte) (string, string) {
	line = line[1:]
	k, v, _ := bytes.Cut(line, []byte("="))
	key := string(bytes.TrimSpace(k))
	val := strings.TrimSpace(string(v))
	if len(val) >= 2 && (val[0] == '\'' || val[0] == '"') && val[len(val)-1] == val[0] {
		val = val[1 : len(val)-1]
	}
	return key, val
}

// decodeUXD reads the first range of a UXD file. The file header holds the
// file-wide keys (_WL1 Kα1, _WL2 Kα2, _WL3 Kβ, _WLRATIO, _ANODE, _SAMPLE,
// _DATEMEASURED); each range starts at _DRIVE, has _START, _STEPSIZE and
// _STEPTIME, and its data follow _COUNTS or _CPS (intensities at equal
// steps, several per line) or _2THETACOUNTS, _2THETACPS or
// _2THETACOUNTSTIME (rows of 2θ and intensity). Peak lists (_D-I, _2THETA-I)
// are skipped. The number of ranges goes to Meta["ranges"].
func decodeUXD(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "uxd")
	s := &diffraction.Scan{Meta: map[string]string{}}
	var (
		wl1, wl2, wl3, ratio float64
		anode                string
		start, step          float64
		haveStart, haveStep  bool
		ranges               int
		mode                 int // 0 header, 1 step data, 2 2θ/intensity rows, 3 peak list, 4 after the first range
		y                    []float64
		x                    []float64
		row                  [3]float64
		units                string
	)
	for l.next() {
		line := bytes.TrimSpace(l.text)
		if len(line) == 0 || line[0] == ';' {
			continue
		}
		if i := bytes.IndexByte(line, ';'); i > 0 && line[0] != '_' {
			line = bytes.TrimSpace(line[:i]) // a comment after data
		}
		if line[0] == '_' {
			key, val := uxdKeyValue(line)
			switch {
			case key == "DRIVE":
				ranges++
				if ranges > 1 && mode != 0 {
					mode = 4
				}
				if mode != 4 {
					s.Meta["axis"] = val
				}
				continue
			case key == "COUNTS" || key == "CPS" || key == "COUNT":
				if mode == 4 {
					continue
				}
				if ranges == 0 {
					return nil, l.errorf("data keyword _%s before any _DRIVE", key)
				}
				if !haveStart || !haveStep {
					return nil, l.errorf("_%s data without _START and _STEPSIZE", key)
				}
				mode, units = 1, map[string]string{"CPS": "cps"}[key]
				continue
			case key == "2THETACOUNTS" || key == "2THETACPS" || key == "2THETACOUNTSTIME":
				if mode == 4 {
					continue
				}
				if ranges == 0 {
					return nil, l.errorf("data keyword _%s before any _DRIVE", key)
				}
				mode, units = 2, map[string]string{"2THETACPS": "cps"}[key]
				continue
			case key == "D-I" || key == "2THETA-I":
				if mode != 0 && mode != 3 {
					mode = 4
				} else {
					mode = 3
				}
				continue
			}
			if mode == 1 || mode == 2 {
				mode = 4 // the first range's data ended
			}
			if mode == 4 {
				continue
			}
			if ranges > 0 || key != "" {
				switch key {
				case "WL1":
					wl1, _ = atof(val)
				case "WL2":
					wl2, _ = atof(val)
				case "WL3":
					wl3, _ = atof(val)
				case "WLRATIO":
					ratio, _ = atof(val)
				case "ANODE":
					anode = val
				case "SAMPLE":
					s.Meta["sample"] = cleanText(val)
				case "DATEMEASURED":
					s.Meta["date"] = cleanText(val)
				case "SITE", "USER":
					s.Meta[strings.ToLower(key)] = cleanText(val)
				case "START":
					v, ok := atof(val)
					if !ok {
						return nil, l.errorf("_START=%q is not a number", val)
					}
					start, haveStart = v, true
				case "STEPSIZE":
					v, ok := atof(val)
					if !ok {
						return nil, l.errorf("_STEPSIZE=%q is not a number", val)
					}
					step, haveStep = v, true
					s.Meta["step"] = val
				case "STEPTIME":
					s.Meta["counting_time"] = val
				}
			}
			continue
		}
		switch mode {
		case 0:
			return nil, l.errorf("%q is neither a _KEY=value line nor a comment, and no data keyword (_COUNTS, _2THETACOUNTS) precedes it", clip(line))
		case 1:
			var bad []byte
			if y, bad = appendNums(y, line, ",", MaxPoints); bad != nil {
				return nil, l.errorf("%q is not a number (intensities expected after _COUNTS)", clip(bad))
			}
		case 2:
			n, ok := numFields(line, ",", row[:])
			if !ok || n < 2 || n > 3 {
				return nil, l.errorf("%q is not a row of 2θ and intensity", clip(line))
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
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if ranges == 0 || len(y) == 0 {
		return nil, &SyntaxError{Format: "uxd", Line: l.line, Err: errorString("no data: the file has no _COUNTS or _2THETACOUNTS section")}
	}
	if x == nil {
		x = stepAxis(start, step, len(y))
	}
	s.TwoTheta, s.Intensity = x, y
	if units == "" {
		s.ESD = poissonESD(y, 1)
		s.Meta["units"] = "counts"
	} else {
		s.Meta["units"] = units
	}
	s.Wavelength = wavelengthFrom(anode, wl1, wl2, ratio, wl3)
	if !s.Wavelength.Known() && anode != "" {
		s.Meta["anode"] = anode
	}
	s.Meta["ranges"] = strconv.Itoa(ranges)
	return finish("uxd", s)
}

// errorString is an error with a fixed message.
type errorString string

func (e errorString) Error() string { return string(e) }
