package scan

import (
	"bytes"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// matchRAS recognises Rigaku RAS text, which starts "*RAS_DATA_START".
func matchRAS(head []byte) bool {
	h := bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	return bytes.HasPrefix(h, []byte("*RAS_DATA_START"))
}

// rasKeyValue splits `*KEY "value"` (or *KEY value) into its parts.
func rasKeyValue(line []byte) (string, string) {
	line = line[1:]
	i := bytes.IndexAny(line, " \t")
	if i < 0 {
		return string(line), ""
	}
	key := string(line[:i])
	val := bytes.TrimSpace(line[i+1:])
	if len(val) > 0 && val[0] == '"' {
		val = val[1:]
		if n := len(val); n > 0 && val[n-1] == '"' {
			val = val[:n-1]
		}
	}
	return key, string(val)
}

// decodeRAS reads the first scan of a Rigaku RAS file (SmartLab, MiniFlex,
// Ultima). Each scan is a *RAS_HEADER_START … *RAS_HEADER_END block of
// `*KEY "value"` lines, then *RAS_INT_START, rows of 2θ, intensity and the
// intensity correction factor (attenuator and the like), and *RAS_INT_END.
// The intensity is the second column times the third, as Rigaku's own
// software shows it; the esd of counts is √counts times the factor. The
// number of scans goes to Meta["scans"].
func decodeRAS(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "ras")
	s := &diffraction.Scan{Meta: map[string]string{}}
	hdr := map[string]string{}
	var (
		scans     int
		inHeader  bool
		inData    bool
		done      bool
		x, y, esd []float64
		row       [4]float64
		factors   bool
	)
	for l.next() {
		line := l.trimmed()
		if len(line) == 0 {
			continue
		}
		if line[0] == '*' {
			key, val := rasKeyValue(line)
			switch key {
			case "RAS_HEADER_START":
				scans++
				inHeader = !done
				continue
			case "RAS_HEADER_END":
				inHeader = false
				continue
			case "RAS_INT_START":
				if scans == 0 {
					return nil, l.errorf("*RAS_INT_START without a header")
				}
				inData = !done
				continue
			case "RAS_INT_END":
				if inData {
					done = true
				}
				inData = false
				continue
			}
			if inData {
				return nil, l.errorf("header line %q inside the data (missing *RAS_INT_END)", clip(line))
			}
			if inHeader {
				hdr[key] = val
			}
			continue
		}
		if !inData {
			if done || scans > 0 && !inHeader {
				continue // data of a later scan, or stray text between scans
			}
			return nil, l.errorf("%q is not a *KEY line", clip(line))
		}
		n, ok := numFields(line, "", row[:])
		if !ok || n < 2 || n > 3 {
			return nil, l.errorf("%q is not a row of 2θ, intensity and correction factor", clip(line))
		}
		if len(x) == MaxPoints {
			return nil, l.errorf("more than %d points", MaxPoints)
		}
		f := 1.0
		if n == 3 {
			f = row[2]
			if f != 1 {
				factors = true
			}
		}
		x = append(x, row[0])
		y = append(y, row[1]*f)
		esd = append(esd, math.Sqrt(max(row[1], 0))*math.Abs(f))
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if scans == 0 {
		return nil, &SyntaxError{Format: "ras", Line: l.line, Err: errorString("no *RAS_HEADER_START")}
	}
	if inData {
		return nil, l.eof("*RAS_INT_END")
	}
	s.TwoTheta, s.Intensity = x, y
	units := strings.ToLower(hdr["MEAS_SCAN_UNIT_Y"])
	switch units {
	case "", "counts", "count":
		s.ESD = esd
		units = "counts"
	case "cps":
	}
	s.Meta["units"] = units
	if factors {
		s.Meta["intensity_correction"] = "multiplied by the file's correction factors (third column)"
	}
	s.Meta["scans"] = strconv.Itoa(scans)
	if u := hdr["MEAS_SCAN_UNIT_X"]; u != "" && !strings.EqualFold(u, "deg") {
		return nil, &SyntaxError{Format: "ras", Err: UnsupportedError("scan: ras: the scan axis unit is " + cleanText(u) + ", only degrees are read")}
	}
	axis := hdr["MEAS_SCAN_AXIS_X_INTERNAL"]
	if axis == "" {
		axis = hdr["MEAS_SCAN_AXIS_X"]
	}
	if axis != "" && !strings.HasPrefix(strings.ToLower(axis), "twotheta") && !strings.HasPrefix(strings.ToLower(cleanText(axis)), "2") {
		return nil, &SyntaxError{Format: "ras", Err: UnsupportedError("scan: ras: the first scan moves " + cleanText(axis) + ", not 2θ; it is not a powder pattern")}
	}
	s.Meta["axis"] = cleanText(axis)
	for k, m := range map[string]string{
		"FILE_SAMPLE": "sample", "MEAS_SCAN_START_TIME": "date", "HW_GONIOMETER_NAME": "instrument",
		"MEAS_SCAN_STEP": "step", "MEAS_SCAN_SPEED": "scan_speed", "MEAS_SCAN_SPEED_UNIT": "scan_speed_unit",
		"MEAS_SCAN_MODE": "scan_mode", "FILE_COMMENT": "comment", "FILE_MEMO": "memo", "FILE_OPERATOR": "operator",
		"MEAS_COND_XG_VOLTAGE": "tube_voltage", "MEAS_COND_XG_CURRENT": "tube_current", "HW_COUNTER_SELECT_NAME": "detector",
	} {
		if v := cleanText(hdr[k]); v != "" {
			s.Meta[m] = v
		}
	}
	if strings.EqualFold(hdr["MEAS_SCAN_MODE"], "STEP") {
		if v := hdr["MEAS_SCAN_SPEED"]; v != "" {
			s.Meta["counting_time"] = v
		}
	} else if sp, ok := atof(hdr["MEAS_SCAN_SPEED"]); ok && sp > 0 && strings.EqualFold(hdr["MEAS_SCAN_SPEED_UNIT"], "deg/min") {
		if st, ok := atof(hdr["MEAS_SCAN_STEP"]); ok && st > 0 {
			s.Meta["counting_time"] = fmtNum(math.Round(st/sp*60*1e6) / 1e6)
		}
	}
	// The wavelength: HW_XG_WAVE_LENGTH_* give the tube's lines and
	// MEAS_COND_XG_WAVE_TYPE says which were used ("Ka" the doublet, "Ka1"
	// with a monochromator, "Kb").
	ka1, _ := atof(hdr["HW_XG_WAVE_LENGTH_ALPHA1"])
	ka2, _ := atof(hdr["HW_XG_WAVE_LENGTH_ALPHA2"])
	kb, _ := atof(hdr["HW_XG_WAVE_LENGTH_BETA"])
	anode := hdr["HW_XG_TARGET_NAME"]
	switch strings.ToLower(strings.TrimSpace(hdr["MEAS_COND_XG_WAVE_TYPE"])) {
	case "ka", "":
		s.Wavelength = wavelengthFrom(anode, ka1, ka2, 0.5, kb)
		if s.Wavelength.Ka2 > 0 {
			s.Meta["ratio"] = "Kα2/Kα1 = 0.5 (conventional; RAS files do not state it)"
		}
	case "ka1":
		s.Wavelength = wavelengthFrom(anode, ka1, 0, 0, kb)
	case "kb":
		s.Wavelength = wavelengthFrom(anode, kb, 0, 0, 0)
	default:
		s.Meta["wave_type"] = cleanText(hdr["MEAS_COND_XG_WAVE_TYPE"])
	}
	if !s.Wavelength.Known() && anode != "" {
		s.Meta["anode"] = cleanText(anode)
	}
	return finish("ras", s)
}
