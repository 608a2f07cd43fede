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
	d := &gsasDecoder{l: newLineReader(in, "gsas"), s: &diffraction.Scan{Meta: map[string]string{}}, banks: 1}
	if err := d.parseHeader(); err != nil {
		return nil, err
	}
	if err := d.parseBank(); err != nil {
		return nil, err
	}
	if err := d.parseData(); err != nil {
		return nil, err
	}
	return finish("gsas", d.scan())
}

// gsasDecoder holds the state of decodeGSAS, which reads a file in three
// stages, in file order: the header (parseHeader), the first BANK line
// (parseBank), then the bank's data records (parseData).
type gsasDecoder struct {
	l       *lineReader
	s       *diffraction.Scan
	comment []byte   // header and '#' comment lines
	bank    []string // fields of the first BANK line
	nchan   int      // points in the bank
	typ     string   // data layout: STD, ESD, ALT, FXY or FXYE
	tof     bool     // time-of-flight binning
	// start and step of a constant-wavelength bank's 2θ, in centidegrees
	start, step float64
	x, y, e     []float64
	banks       int        // BANK lines in the file
	row         [4]float64 // scratch for one free-format row
}

// parseHeader reads the lines before the first BANK line: the title (line
// 1, which may say anything, even "BANK") and comment lines, '#' or plain
// text (GSAS manual, "Powder data file"). A GSAS instrument parameter file
// (INS records), which GSAS files sit next to, is named as such.
func (d *gsasDecoder) parseHeader() error {
	l := d.l
	for l.next() {
		t := l.trimmed()
		if bytes.HasPrefix(t, []byte("BANK")) && l.line > 1 {
			d.bank = strings.Fields(string(t))
			return nil
		}
		if bytes.HasPrefix(l.text, []byte("INS ")) {
			return l.errorf("this is a GSAS instrument parameter file (INS records), not a scan")
		}
		if l.line == 1 {
			d.s.Meta["title"] = cleanText(string(t))
			d.comment = noteLine(d.s, d.comment, t)
			continue
		}
		d.comment = noteLine(d.s, d.comment, bytes.TrimPrefix(t, []byte("#")))
		if l.line > 1000 {
			return l.errorf("no BANK line in the first 1000 lines")
		}
	}
	if err := l.err(); err != nil {
		return err
	}
	return l.eof("a BANK line")
}

// parseBank reads the BANK line, "BANK ibank nchan nrec bintyp bcoef1
// bcoef2 … type": the number of points, the binning (CONST or CONS, with
// the start and step of 2θ in centidegrees; or a time-of-flight binning,
// read only in the FXY and FXYE layouts) and the data layout.
func (d *gsasDecoder) parseBank() error {
	l, bank := d.l, d.bank
	if len(bank) < 5 {
		return l.errorf("BANK line with %d fields; at least 5 are needed (BANK ibank nchan nrec bintyp)", len(bank))
	}
	nchan, err := strconv.Atoi(bank[2])
	if err != nil || nchan < 1 || nchan > MaxPoints {
		return l.errorf("nchan %q is not a number of points", bank[2])
	}
	d.nchan = nchan
	d.typ = "STD"
	if t := bank[len(bank)-1]; t == "STD" || t == "ESD" || t == "ALT" || t == "FXY" || t == "FXYE" {
		d.typ = t
	}
	switch bintyp := bank[4]; bintyp {
	case "CONST", "CONS":
	case "SLOG", "TIME_MAP", "RALF", "LOG6", "LPSD":
		if d.typ != "FXY" && d.typ != "FXYE" {
			return &SyntaxError{Format: "gsas", Line: l.line, Err: UnsupportedError(fmt.Sprintf("time-of-flight data (BANK binning %s, %s layout) is not supported: its times follow from the instrument's time map, which the file does not hold", bintyp, d.typ))}
		}
		d.tof = true
	default:
		return l.errorf("unknown binning type %q", bintyp)
	}
	if !d.tof {
		if len(bank) < 7 {
			return l.errorf("CONST bank without start and step")
		}
		var ok1, ok2 bool
		d.start, ok1 = atof(bank[5])
		d.step, ok2 = atof(bank[6])
		if !ok1 || !ok2 {
			return l.errorf("start %q or step %q is not a number", bank[5], bank[6])
		}
		d.s.Meta["step"] = fmtNum(d.step / 100)
	}
	d.s.Meta["bank"] = bank[1]
	d.s.Meta["gsas_type"] = d.typ
	return nil
}

// parseData reads the records of the first bank, nchan points in the
// layout of the BANK line, and counts the later BANK lines; what follows
// the bank's points (later banks, padding of the last record) is skipped.
func (d *gsasDecoder) parseData() error {
	l := d.l
	d.x = make([]float64, 0, min(d.nchan, 1<<16))
	d.y = make([]float64, 0, min(d.nchan, 1<<16))
	if d.typ != "FXY" {
		d.e = make([]float64, 0, min(d.nchan, 1<<16))
	}
	for l.next() {
		t := bytes.TrimSpace(l.text)
		if bytes.HasPrefix(t, []byte("BANK")) {
			d.banks++
			continue
		}
		if len(d.y) == d.nchan || len(t) == 0 || t[0] == '#' {
			continue
		}
		var err error
		switch d.typ {
		case "STD":
			err = d.parseSTD(l.text)
		case "ESD", "ALT":
			err = d.parseESD(l.text)
		case "FXY", "FXYE":
			err = d.parseFXY(t)
		}
		if err != nil {
			return err
		}
	}
	if err := l.err(); err != nil {
		return err
	}
	if len(d.y) < d.nchan {
		return &SyntaxError{Format: "gsas", Line: l.line, Err: fmt.Errorf("bank %s has %d of its %d points: %w", d.bank[1], len(d.y), d.nchan, io.ErrUnexpectedEOF)}
	}
	return nil
}

// parseSTD reads a record of the STD layout: ten fields of 8 columns, each
// an I2 count of averaged readings n (blank for 1) and an F6 intensity I,
// whose esd is √(I/n).
func (d *gsasDecoder) parseSTD(raw []byte) error {
	for i := 0; i < len(raw) && len(d.y) < d.nchan; i += 8 {
		f := raw[i:min(i+8, len(raw))]
		nf := bytes.TrimSpace(f[:min(2, len(f))])
		n := 1.0
		if len(nf) > 0 {
			v, ok := parseNum(nf, false)
			if !ok {
				return d.l.errorf("columns %d–%d: %q is not a count of readings", i+1, i+2, nf)
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
					return d.l.errorf("columns %d–%d: %q is not an intensity", i+3, i+8, iv)
				}
			}
		}
		d.y = append(d.y, v)
		d.e = append(d.e, math.Sqrt(max(v, 0)/n))
	}
	return nil
}

// parseESD reads a record of the ESD layout: five pairs of an F8
// intensity and its F8 esd. ALT, a time-of-flight layout, has no place in
// a CONST bank.
func (d *gsasDecoder) parseESD(raw []byte) error {
	if d.typ == "ALT" {
		return d.l.errorf("ALT data in a CONST bank (ALT is a time-of-flight layout)")
	}
	for i := 0; i < len(raw) && len(d.y) < d.nchan; i += 16 {
		f1 := bytes.TrimSpace(raw[i:min(i+8, len(raw))])
		var f2 []byte
		if i+8 < len(raw) {
			f2 = bytes.TrimSpace(raw[i+8 : min(i+16, len(raw))])
		}
		v, ok := parseNum(f1, false)
		ev, ok2 := parseNum(f2, false)
		if !ok || !ok2 {
			return d.l.errorf("columns %d–%d: %q %q is not an intensity and its esd", i+1, i+16, f1, f2)
		}
		d.y = append(d.y, v)
		d.e = append(d.e, ev)
	}
	return nil
}

// parseFXY reads a row of the FXY or FXYE layout: free-format 2θ
// (centidegrees) or time of flight (µs), intensity and, for FXYE, its esd.
func (d *gsasDecoder) parseFXY(t []byte) error {
	n, ok := numFields(t, "", d.row[:])
	want := 3
	if d.typ == "FXY" {
		want = 2
	}
	if !ok || n != want {
		return d.l.errorf("%q is not a row of %d numbers (%s)", clip(t), want, d.typ)
	}
	if d.tof {
		d.x = append(d.x, d.row[0]) // µs
	} else {
		d.x = append(d.x, d.row[0]/100) // centidegrees
	}
	d.y = append(d.y, d.row[1])
	if d.typ == "FXYE" {
		d.e = append(d.e, d.row[2])
	}
	return nil
}

// scan assembles what the stages read: the 2θ axis of a STD or ESD bank
// from its start and step, the time-of-flight axis (with the DIFC of a
// header line "DIFC v") of a time-of-flight bank, the comment and the
// number of banks.
func (d *gsasDecoder) scan() *diffraction.Scan {
	s := d.s
	x := d.x
	if d.typ == "STD" || d.typ == "ESD" {
		x = stepAxis(d.start/100, d.step/100, d.nchan)
	}
	s.TwoTheta, s.Intensity, s.ESD = x, d.y, d.e
	if d.tof {
		s.Axis = diffraction.AxisTOF
		if s.Wavelength.Known() {
			// A pulsed source has a band of wavelengths; a header's
			// "wavelength" is its centre, not a scan's λ.
			s.Meta["wavelength_note"] = "a wavelength in the header of a time-of-flight scan is the band's centre: not used"
			s.Wavelength = diffraction.Wavelength{}
		}
		if i := bytes.Index(d.comment, []byte("DIFC")); i >= 0 {
			if f := strings.Fields(string(d.comment[i+4:])); len(f) > 0 {
				if v, ok := atof(strings.Trim(f[0], ",;:=")); ok && v > 0 {
					s.Meta["difc"] = fmtNum(v)
				}
			}
		}
	}
	s.Meta["banks"] = strconv.Itoa(d.banks)
	if len(d.comment) > 0 {
		s.Meta["comment"] = string(d.comment)
	}
	return s
}
