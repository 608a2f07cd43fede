package scan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// gsasBank finds a GSAS "BANK" line among the first lines of head: the
// title line comes first, then optional comment lines ('#' or other text),
// then "BANK ibank nchan nrec bintyp …".
func gsasBank(head []byte) bool {
	for n := 0; len(head) > 0 && n < 60; n++ {
		line := head
		if i := bytes.IndexAny(head, "\r\n"); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else if len(head) == SniffLen {
			return false // a cut line
		} else {
			head = nil
		}
		if n == 0 {
			continue // the title may say anything, even "BANK"
		}
		if n < 4 && bytes.HasPrefix(line, []byte("INS ")) && (bytes.Contains(line, []byte("BANK")) || bytes.Contains(line, []byte("HTYPE"))) {
			return true // an instrument parameter file, which decodeGSAS names
		}
		if f := bytes.Fields(line); len(f) >= 5 && string(f[0]) == "BANK" {
			switch string(f[4]) {
			case "CONST", "CONS", "SLOG", "TIME_MAP", "RALF", "LOG6", "LPSD":
				return true
			}
		}
	}
	return false
}

// matchGSAS recognises GSAS powder data (.gsa, .gss, .fxye, .xra, .raw):
// a title line, then a BANK line within the first lines.
func matchGSAS(head []byte) bool { return gsasBank(head) }

// decodeGSAS reads the first bank of a GSAS raw powder data file (A. C.
// Larson and R. B. Von Dreele, GSAS manual, LAUR 86-748, "Powder data
// file"). The BANK line is "BANK ibank nchan nrec bintyp bcoef1 bcoef2 …
// type". For constant-wavelength data (bintyp CONST or CONS) bcoef1 and
// bcoef2 are the start and step of 2θ in centidegrees; type is
//
//   - STD (or absent): ten fields of 8 columns per line, each an I2 count
//     of averaged readings n and an F6 intensity I, with esd √(I/n);
//   - ESD: five pairs of F8 intensity and F8 esd per line;
//   - FXY: free-format rows of 2θ (centidegrees) and intensity;
//   - FXYE: as FXY with the esd in a third column.
//
// A time-of-flight bank (SLOG, TIME_MAP, RALF, LOG6, LPSD) in FXY or FXYE
// layout lists its times of flight (µs): it is read with the
// time-of-flight axis (and the DIFC of a header line "DIFC v", which
// relates TOF ≈ DIFC·d, in Meta["difc"]); Bragg's analysis works on 2θ and
// says so. Other time-of-flight layouts imply the times through the
// instrument's time map, which the file does not carry: they are refused
// with that reason. Header and '#' comment
// lines are kept in Meta["comment"]; one stating a wavelength gives it
// (GSAS keeps the wavelength in the instrument parameter file, so mostly it
// is unknown). The number of banks goes to Meta["banks"].
func decodeGSAS(in io.Reader) (*diffraction.Scan, error) {
	l := newLineReader(in, "gsas")
	s := &diffraction.Scan{Meta: map[string]string{}}
	var comment []byte
	note := func(text []byte) {
		text = bytes.TrimSpace(text)
		if len(text) == 0 {
			return
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
	}
	var bank []string
	for l.next() {
		t := l.trimmed()
		if bytes.HasPrefix(t, []byte("BANK")) && l.line > 1 {
			bank = strings.Fields(string(t))
			break
		}
		if bytes.HasPrefix(l.text, []byte("INS ")) {
			return nil, l.errorf("this is a GSAS instrument parameter file (INS records), not a scan")
		}
		if l.line == 1 {
			s.Meta["title"] = cleanText(string(t))
			note(t)
			continue
		}
		note(bytes.TrimPrefix(t, []byte("#")))
		if l.line > 1000 {
			return nil, l.errorf("no BANK line in the first 1000 lines")
		}
	}
	if bank == nil {
		if err := l.err(); err != nil {
			return nil, err
		}
		return nil, l.eof("a BANK line")
	}
	bankLine := l.line
	if len(bank) < 5 {
		return nil, l.errorf("BANK line with %d fields; at least 5 are needed (BANK ibank nchan nrec bintyp)", len(bank))
	}
	nchan, err := strconv.Atoi(bank[2])
	if err != nil || nchan < 1 || nchan > MaxPoints {
		return nil, l.errorf("nchan %q is not a number of points", bank[2])
	}
	typ := "STD"
	if t := bank[len(bank)-1]; t == "STD" || t == "ESD" || t == "ALT" || t == "FXY" || t == "FXYE" {
		typ = t
	}
	tof := false
	bintyp := bank[4]
	switch bintyp {
	case "CONST", "CONS":
	case "SLOG", "TIME_MAP", "RALF", "LOG6", "LPSD":
		if typ != "FXY" && typ != "FXYE" {
			return nil, &SyntaxError{Format: "gsas", Line: bankLine, Err: UnsupportedError(fmt.Sprintf("time-of-flight data (BANK binning %s, %s layout) is not supported: its times follow from the instrument's time map, which the file does not hold", bintyp, typ))}
		}
		tof = true
	default:
		return nil, l.errorf("unknown binning type %q", bintyp)
	}
	var start, step float64
	if !tof {
		if len(bank) < 7 {
			return nil, l.errorf("CONST bank without start and step")
		}
		var ok1, ok2 bool
		start, ok1 = atof(bank[5])
		step, ok2 = atof(bank[6])
		if !ok1 || !ok2 {
			return nil, l.errorf("start %q or step %q is not a number", bank[5], bank[6])
		}
		s.Meta["step"] = fmtNum(step / 100)
	}
	s.Meta["bank"] = bank[1]
	s.Meta["gsas_type"] = typ
	x := make([]float64, 0, min(nchan, 1<<16))
	y := make([]float64, 0, min(nchan, 1<<16))
	var e []float64
	if typ != "FXY" {
		e = make([]float64, 0, min(nchan, 1<<16))
	}
	banks := 1
	var row [4]float64
	for l.next() {
		raw := l.text
		t := bytes.TrimSpace(raw)
		if bytes.HasPrefix(t, []byte("BANK")) {
			banks++
			continue
		}
		if len(y) == nchan {
			continue // later banks, or padding at the end of the last record
		}
		if len(t) == 0 || t[0] == '#' {
			continue
		}
		switch typ {
		case "STD":
			for i := 0; i < len(raw) && len(y) < nchan; i += 8 {
				f := raw[i:min(i+8, len(raw))]
				nf := bytes.TrimSpace(f[:min(2, len(f))])
				n := 1.0
				if len(nf) > 0 {
					v, ok := parseNum(nf, false)
					if !ok {
						return nil, l.errorf("columns %d–%d: %q is not a count of readings", i+1, i+2, nf)
					}
					if v > 1 {
						n = v
					}
				}
				var v float64
				if len(f) > 2 {
					iv := bytes.TrimSpace(f[2:])
					var ok bool
					if len(iv) > 0 {
						if v, ok = parseNum(iv, false); !ok {
							return nil, l.errorf("columns %d–%d: %q is not an intensity", i+3, i+8, iv)
						}
					}
				}
				y = append(y, v)
				e = append(e, math.Sqrt(max(v, 0)/n))
			}
		case "ESD", "ALT":
			if typ == "ALT" {
				return nil, l.errorf("ALT data in a CONST bank (ALT is a time-of-flight layout)")
			}
			for i := 0; i < len(raw) && len(y) < nchan; i += 16 {
				f1 := bytes.TrimSpace(raw[i:min(i+8, len(raw))])
				var f2 []byte
				if i+8 < len(raw) {
					f2 = bytes.TrimSpace(raw[i+8 : min(i+16, len(raw))])
				}
				v, ok := parseNum(f1, false)
				ev, ok2 := parseNum(f2, false)
				if !ok || !ok2 {
					return nil, l.errorf("columns %d–%d: %q %q is not an intensity and its esd", i+1, i+16, f1, f2)
				}
				y = append(y, v)
				e = append(e, ev)
			}
		case "FXY", "FXYE":
			n, ok := numFields(t, "", row[:])
			want := 3
			if typ == "FXY" {
				want = 2
			}
			if !ok || n != want {
				return nil, l.errorf("%q is not a row of %d numbers (%s)", clip(t), want, typ)
			}
			if tof {
				x = append(x, row[0]) // µs
			} else {
				x = append(x, row[0]/100) // centidegrees
			}
			y = append(y, row[1])
			if typ == "FXYE" {
				e = append(e, row[2])
			}
		}
	}
	if err := l.err(); err != nil {
		return nil, err
	}
	if len(y) < nchan {
		return nil, &SyntaxError{Format: "gsas", Line: l.line, Err: fmt.Errorf("bank %s has %d of its %d points: %w", bank[1], len(y), nchan, io.ErrUnexpectedEOF)}
	}
	if typ == "STD" || typ == "ESD" {
		x = stepAxis(start/100, step/100, nchan)
	}
	s.TwoTheta, s.Intensity, s.ESD = x, y, e
	if tof {
		s.Axis = diffraction.AxisTOF
		if s.Wavelength.Known() {
			// A pulsed source has a band of wavelengths; a header's
			// "wavelength" is its centre, not a scan's λ.
			s.Meta["wavelength_note"] = "a wavelength in the header of a time-of-flight scan is the band's centre: not used"
			s.Wavelength = diffraction.Wavelength{}
		}
		if i := bytes.Index(comment, []byte("DIFC")); i >= 0 {
			if f := strings.Fields(string(comment[i+4:])); len(f) > 0 {
				if v, ok := atof(strings.Trim(f[0], ",;:=")); ok && v > 0 {
					s.Meta["difc"] = fmtNum(v)
				}
			}
		}
	}
	s.Meta["banks"] = strconv.Itoa(banks)
	if len(comment) > 0 {
		s.Meta["comment"] = string(comment)
	}
	return finish("gsas", s)
}
