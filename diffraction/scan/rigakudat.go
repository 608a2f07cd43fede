package scan

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchRigakuDAT recognises Rigaku's older DAT text, which starts "*TYPE"
// (xylib's test).
func matchRigakuDAT(head []byte) bool {
	h := bytes.TrimPrefix(head, utf8BOM)
	return bytes.HasPrefix(h, []byte("*TYPE"))
}

// decodeRigakuDAT reads the first group of a Rigaku DAT file: "*KEY = value"
// header lines (file-wide, then per group between *BEGIN and *END), with
// *START, *STOP, *STEP and *COUNT giving the 2θ grid, followed by the
// counts separated by commas or spaces. *GROUP_COUNT says how many groups
// there are (Meta["scans"]); '#' starts a comment; *EOF ends the file.
// Keys used when present: *SAMPLE, *DATE, *TARGET (anode; the format
// states no wavelength), *SPEED and *STEP_TIME.
func decodeRigakuDAT(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "rigaku_dat")
	s := &diffraction.Scan{Meta: map[string]string{}}
	hdr := map[string]string{}
	var (
		groups     int
		inGroup    bool
		done       bool
		y          []float64
		groupCount string
	)
	for l.next() {
		line := l.trimmed()
		if i := bytes.IndexByte(line, '#'); i >= 0 {
			line = bytes.TrimSpace(line[:i])
		}
		if len(line) == 0 {
			continue
		}
		if line[0] == '*' {
			k, v, _ := bytes.Cut(line[1:], []byte("="))
			key, val := string(bytes.TrimSpace(k)), strings.TrimSpace(string(v))
			switch key {
			case "BEGIN":
				if inGroup {
					return nil, l.errorf("*BEGIN inside a group (missing *END)")
				}
				groups++
				inGroup = true
				continue
			case "END":
				if !inGroup {
					return nil, l.errorf("*END without *BEGIN")
				}
				inGroup = false
				done = true
				continue
			case "EOF":
				if inGroup {
					return nil, l.errorf("*EOF inside a group (missing *END)")
				}
				goto end
			case "GROUP_COUNT":
				groupCount = val
			}
			if !done {
				hdr[key] = val
			}
			continue
		}
		if !inGroup {
			return nil, l.errorf("%q: values outside a *BEGIN … *END group", clip(line))
		}
		if done {
			continue
		}
		var bad []byte
		if y, bad = appendNums(y, line, ",", MaxPoints); bad != nil {
			return nil, l.errorf("%q is not a number", clip(bad))
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if inGroup {
		return nil, l.eof("*END")
	}
end:
	if groups == 0 {
		return nil, &SyntaxError{Format: "rigaku_dat", Line: l.line, Err: errorString("no *BEGIN … *END group of data")}
	}
	start, ok1 := atof(hdr["START"])
	step, ok2 := atof(hdr["STEP"])
	if !ok1 || !ok2 {
		return nil, &SyntaxError{Format: "rigaku_dat", Err: errorString("the first group lacks a numeric *START or *STEP")}
	}
	if c, err := strconv.Atoi(strings.TrimSpace(hdr["COUNT"])); err == nil && c != len(y) {
		return nil, &SyntaxError{Format: "rigaku_dat", Err: errorString("the first group has *COUNT = " + strconv.Itoa(c) + " but " + strconv.Itoa(len(y)) + " values")}
	}
	if gc, err := strconv.Atoi(groupCount); err == nil && gc != groups {
		return nil, &SyntaxError{Format: "rigaku_dat", Err: errorString("*GROUP_COUNT = " + groupCount + " but the file has " + strconv.Itoa(groups) + " groups")}
	}
	s.TwoTheta, s.Intensity = stepAxis(start, step, len(y)), y
	s.ESD = poissonESD(y, 1)
	s.Meta["units"] = "counts"
	s.Meta["scans"] = strconv.Itoa(groups)
	s.Meta["step"] = hdr["STEP"]
	for k, m := range map[string]string{"SAMPLE": "sample", "DATE": "date", "COMMENT": "comment", "SPEED": "scan_speed", "STEP_TIME": "counting_time", "TARGET": "anode", "AXIS": "axis"} {
		if v := cleanText(hdr[k]); v != "" {
			s.Meta[m] = v
		}
	}
	return finish("rigaku_dat", s)
}
