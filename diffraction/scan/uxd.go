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
	d := &uxdDecoder{l: newLineReader(in, "uxd"), s: &diffraction.Scan{Meta: map[string]string{}}}
	for d.l.next() {
		line := bytes.TrimSpace(d.l.text)
		if len(line) == 0 || line[0] == ';' {
			continue
		}
		if i := bytes.IndexByte(line, ';'); i > 0 && line[0] != '_' {
			line = bytes.TrimSpace(line[:i]) // a comment after data
		}
		var err error
		if line[0] == '_' {
			err = d.parseKey(uxdKeyValue(line))
		} else {
			err = d.parseData(line)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := d.l.err(); err != nil {
		return nil, err
	}
	s, err := d.scan()
	if err != nil {
		return nil, err
	}
	return finish("uxd", s)
}

// The stages of a UXD file, which decide what a line is: header keys
// come first, then the first range's data, which end at the next key.
const (
	uxdHeader = iota // _KEY=value lines of the file and the first range
	uxdSteps         // intensities at equal steps, after _COUNTS or _CPS
	uxdRows          // rows of 2θ and intensity, after _2THETACOUNTS and the like
	uxdPeaks         // a peak list (_D-I, _2THETA-I), skipped
	uxdDone          // after the first range's data: the rest is skipped
)

// uxdDecoder holds the state of decodeUXD.
type uxdDecoder struct {
	l     *lineReader
	s     *diffraction.Scan
	stage int // uxdHeader, …
	// file-wide wavelength keys: _WL1 Kα1, _WL2 Kα2, _WL3 Kβ, _WLRATIO
	wl1, wl2, wl3, ratio float64
	anode                string
	start, step          float64 // the first range's _START and _STEPSIZE
	haveStart, haveStep  bool
	ranges               int // _DRIVE lines seen
	x, y                 []float64
	row                  [3]float64 // scratch for one row
	units                string     // "cps" after _CPS or _2THETACPS, else ""
}

// parseKey reads a "_KEY=value" line: _DRIVE starts a range, a data
// keyword (_COUNTS, _CPS, _2THETACOUNTS, _2THETACPS, _2THETACOUNTSTIME)
// starts its data, a peak list keyword (_D-I, _2THETA-I) a peak list, and
// any other key is a header key, which also ends the first range's data.
func (d *uxdDecoder) parseKey(key, val string) error {
	switch key {
	case "DRIVE":
		d.ranges++
		if d.ranges > 1 && d.stage != uxdHeader {
			d.stage = uxdDone
		}
		if d.stage != uxdDone {
			d.s.Meta["axis"] = val
		}
		return nil
	case "COUNTS", "CPS", "COUNT", "2THETACOUNTS", "2THETACPS", "2THETACOUNTSTIME":
		return d.parseDataKey(key)
	case "D-I", "2THETA-I":
		if d.stage != uxdHeader && d.stage != uxdPeaks {
			d.stage = uxdDone
		} else {
			d.stage = uxdPeaks
		}
		return nil
	}
	if d.stage == uxdSteps || d.stage == uxdRows {
		d.stage = uxdDone // the first range's data ended
	}
	if d.stage == uxdDone {
		return nil
	}
	return d.parseHeaderKey(key, val)
}

// parseDataKey starts the first range's data: intensities at equal steps
// from _START by _STEPSIZE (_COUNTS, _COUNT, _CPS), or rows of 2θ and
// intensity (_2THETACOUNTS, _2THETACPS, _2THETACOUNTSTIME).
func (d *uxdDecoder) parseDataKey(key string) error {
	if d.stage == uxdDone {
		return nil
	}
	if d.ranges == 0 {
		return d.l.errorf("data keyword _%s before any _DRIVE", key)
	}
	d.units = ""
	if key == "CPS" || key == "2THETACPS" {
		d.units = "cps"
	}
	switch key {
	case "COUNTS", "CPS", "COUNT":
		if !d.haveStart || !d.haveStep {
			return d.l.errorf("_%s data without _START and _STEPSIZE", key)
		}
		d.stage = uxdSteps
	default:
		d.stage = uxdRows
	}
	return nil
}

// parseHeaderKey reads the keys of the file header (_WL1 Kα1, _WL2 Kα2,
// _WL3 Kβ, _WLRATIO, _ANODE, _SAMPLE, _DATEMEASURED, _SITE, _USER) and of
// the first range's header (_START, _STEPSIZE, _STEPTIME).
func (d *uxdDecoder) parseHeaderKey(key, val string) error {
	switch key {
	case "WL1":
		d.wl1, _ = atof(val)
	case "WL2":
		d.wl2, _ = atof(val)
	case "WL3":
		d.wl3, _ = atof(val)
	case "WLRATIO":
		d.ratio, _ = atof(val)
	case "ANODE":
		d.anode = val
	case "SAMPLE":
		d.s.Meta["sample"] = cleanText(val)
	case "DATEMEASURED":
		d.s.Meta["date"] = cleanText(val)
	case "SITE", "USER":
		d.s.Meta[strings.ToLower(key)] = cleanText(val)
	case "START":
		v, ok := atof(val)
		if !ok {
			return d.l.errorf("_START=%q is not a number", val)
		}
		d.start, d.haveStart = v, true
	case "STEPSIZE":
		v, ok := atof(val)
		if !ok {
			return d.l.errorf("_STEPSIZE=%q is not a number", val)
		}
		d.step, d.haveStep = v, true
		d.s.Meta["step"] = val
	case "STEPTIME":
		d.s.Meta["counting_time"] = val
	}
	return nil
}

// parseData reads a line that is not a key: intensities after _COUNTS
// (several a line, separated by white space or commas), or a row of 2θ
// and intensity after _2THETACOUNTS. Peak lists and later ranges are
// skipped; before any data keyword such a line is an error.
func (d *uxdDecoder) parseData(line []byte) error {
	switch d.stage {
	case uxdHeader:
		return d.l.errorf("%q is neither a _KEY=value line nor a comment, and no data keyword (_COUNTS, _2THETACOUNTS) precedes it", clip(line))
	case uxdSteps:
		var bad []byte
		if d.y, bad = appendNums(d.y, line, ",", MaxPoints); bad != nil {
			return d.l.errorf("%q is not a number (intensities expected after _COUNTS)", clip(bad))
		}
	case uxdRows:
		n, ok := numFields(line, ",", d.row[:])
		if !ok || n < 2 || n > 3 {
			return d.l.errorf("%q is not a row of 2θ and intensity", clip(line))
		}
		if len(d.x) == MaxPoints {
			return d.l.errorf("more than %d points", MaxPoints)
		}
		if len(d.x) > 0 && !(d.row[0] > d.x[len(d.x)-1]) {
			return d.l.errorf("2θ=%g° does not increase (previous row %g°)", d.row[0], d.x[len(d.x)-1])
		}
		d.x = append(d.x, d.row[0])
		d.y = append(d.y, d.row[1])
	}
	return nil
}

// scan assembles the first range: 2θ from _START and _STEPSIZE unless the
// rows gave it, esd √counts for counts, the wavelength from the file
// header and the number of ranges.
func (d *uxdDecoder) scan() (*diffraction.Scan, error) {
	s := d.s
	if d.ranges == 0 || len(d.y) == 0 {
		return nil, &SyntaxError{Format: "uxd", Line: d.l.line, Err: errorString("no data: the file has no _COUNTS or _2THETACOUNTS section")}
	}
	x := d.x
	if x == nil {
		x = stepAxis(d.start, d.step, len(d.y))
	}
	s.TwoTheta, s.Intensity = x, d.y
	if d.units == "" {
		s.ESD = poissonESD(d.y, 1)
		s.Meta["units"] = "counts"
	} else {
		s.Meta["units"] = d.units
	}
	s.Wavelength = wavelengthFrom(d.anode, d.wl1, d.wl2, d.ratio, d.wl3)
	if !s.Wavelength.Known() && d.anode != "" {
		s.Meta["anode"] = d.anode
	}
	s.Meta["ranges"] = strconv.Itoa(d.ranges)
	return s, nil
}

// errorString is an error with a fixed message.
type errorString string

func (e errorString) Error() string { return string(e) }
