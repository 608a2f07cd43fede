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
	d := &rasDecoder{l: newLineReader(in, "ras"), hdr: map[string]string{}}
	for d.l.next() {
		line := d.l.trimmed()
		if len(line) == 0 {
			continue
		}
		var err error
		if line[0] == '*' {
			err = d.parseKey(line)
		} else {
			err = d.parseRow(line)
		}
		if err != nil {
			return nil, err
		}
	}
	if err := d.l.err(); err != nil {
		return nil, err
	}
	if d.scans == 0 {
		return nil, &SyntaxError{Format: "ras", Line: d.l.line, Err: errorString("no *RAS_HEADER_START")}
	}
	if d.inData {
		return nil, d.l.eof("*RAS_INT_END")
	}
	s, err := d.scan()
	if err != nil {
		return nil, err
	}
	return finish("ras", s)
}

// rasDecoder holds the state of decodeRAS. Where a line belongs is kept
// as the file's block markers set it (the markers of a damaged file may
// nest or be missing, and these flags say how such a file is read).
type rasDecoder struct {
	l         *lineReader
	hdr       map[string]string // the first scan's header
	scans     int               // *RAS_HEADER_START lines
	inHeader  bool              // inside the first scan's header block
	inData    bool              // inside the first scan's data block
	done      bool              // the first scan's data block has ended
	x, y, esd []float64
	row       [4]float64 // scratch for one row
	factors   bool       // a correction factor other than 1 was applied
}

// parseKey reads a `*KEY "value"` line: the block markers *RAS_HEADER_START,
// *RAS_HEADER_END, *RAS_INT_START and *RAS_INT_END, or a key of the first
// scan's header. A key inside the data means the *RAS_INT_END is missing.
func (d *rasDecoder) parseKey(line []byte) error {
	key, val := rasKeyValue(line)
	switch key {
	case "RAS_HEADER_START":
		d.scans++
		d.inHeader = !d.done
	case "RAS_HEADER_END":
		d.inHeader = false
	case "RAS_INT_START":
		if d.scans == 0 {
			return d.l.errorf("*RAS_INT_START without a header")
		}
		d.inData = !d.done
	case "RAS_INT_END":
		if d.inData {
			d.done = true
		}
		d.inData = false
	default:
		if d.inData {
			return d.l.errorf("header line %q inside the data (missing *RAS_INT_END)", clip(line))
		}
		if d.inHeader {
			d.hdr[key] = val
		}
	}
	return nil
}

// parseRow reads a row of the first scan's data: 2θ, intensity and the
// intensity correction factor (1 when absent), which multiplies the
// intensity and its esd √counts. Rows of later scans are skipped.
func (d *rasDecoder) parseRow(line []byte) error {
	if !d.inData {
		if d.done || d.scans > 0 && !d.inHeader {
			return nil // data of a later scan, or stray text between scans
		}
		return d.l.errorf("%q is not a *KEY line", clip(line))
	}
	n, ok := numFields(line, "", d.row[:])
	if !ok || n < 2 || n > 3 {
		return d.l.errorf("%q is not a row of 2θ, intensity and correction factor", clip(line))
	}
	if len(d.x) == MaxPoints {
		return d.l.errorf("more than %d points", MaxPoints)
	}
	f := 1.0
	if n == 3 {
		f = d.row[2]
		if f != 1 {
			d.factors = true
		}
	}
	d.x = append(d.x, d.row[0])
	d.y = append(d.y, d.row[1]*f)
	d.esd = append(d.esd, math.Sqrt(max(d.row[1], 0))*math.Abs(f))
	return nil
}

// scan assembles the first scan from its data and header: the units
// (MEAS_SCAN_UNIT_Y; the esd is kept for counts), the axis, which must be
// 2θ in degrees, the metadata and the wavelength.
func (d *rasDecoder) scan() (*diffraction.Scan, error) {
	s := &diffraction.Scan{Meta: map[string]string{}}
	s.TwoTheta, s.Intensity = d.x, d.y
	units := strings.ToLower(d.hdr["MEAS_SCAN_UNIT_Y"])
	switch units {
	case "", "counts", "count":
		s.ESD = d.esd
		units = "counts"
	case "cps":
	}
	s.Meta["units"] = units
	if d.factors {
		s.Meta["intensity_correction"] = "multiplied by the file's correction factors (third column)"
	}
	s.Meta["scans"] = strconv.Itoa(d.scans)
	if err := d.checkAxis(s); err != nil {
		return nil, err
	}
	d.meta(s)
	d.wavelength(s)
	return s, nil
}

// checkAxis refuses a first scan whose axis is not 2θ in degrees
// (MEAS_SCAN_UNIT_X, MEAS_SCAN_AXIS_X_INTERNAL or MEAS_SCAN_AXIS_X) and
// records the axis.
func (d *rasDecoder) checkAxis(s *diffraction.Scan) error {
	if u := d.hdr["MEAS_SCAN_UNIT_X"]; u != "" && !strings.EqualFold(u, "deg") {
		return &SyntaxError{Format: "ras", Err: UnsupportedError("scan: ras: the scan axis unit is " + cleanText(u) + ", only degrees are read")}
	}
	axis := d.hdr["MEAS_SCAN_AXIS_X_INTERNAL"]
	if axis == "" {
		axis = d.hdr["MEAS_SCAN_AXIS_X"]
	}
	if axis != "" && !strings.HasPrefix(strings.ToLower(axis), "twotheta") && !strings.HasPrefix(strings.ToLower(cleanText(axis)), "2") {
		return &SyntaxError{Format: "ras", Err: UnsupportedError("scan: ras: the first scan moves " + cleanText(axis) + ", not 2θ; it is not a powder pattern")}
	}
	s.Meta["axis"] = cleanText(axis)
	return nil
}

// meta copies the header keys Bragg shows into Meta, and gives the
// counting time: the time per step of a step scan (MEAS_SCAN_SPEED), or
// step / speed of a continuous scan in deg/min.
func (d *rasDecoder) meta(s *diffraction.Scan) {
	hdr := d.hdr
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
}

// wavelength reads the wavelength: HW_XG_WAVE_LENGTH_* give the tube's
// lines and MEAS_COND_XG_WAVE_TYPE says which were used ("Ka" the doublet,
// "Ka1" with a monochromator, "Kb").
func (d *rasDecoder) wavelength(s *diffraction.Scan) {
	hdr := d.hdr
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
}
