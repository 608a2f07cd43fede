package scan

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Rigaku RASX (SmartLab Studio II) files are zip archives: root.xml lists
// the parts, and each scan i is Data<i>/Profile<j>.txt (lines of 2θ,
// intensity and an attenuator correction factor, tab-separated, UTF-8 with
// a BOM) with Data<i>/MesurementConditions<j>.xml (sic), which holds
// <GeneralInformation> (SampleName, Operator, Comment, SystemName),
// <XrayGenerator> (TargetName, WaveType "Ka1", "Ka" or "Kb",
// WavelengthKalpha1, WavelengthKalpha2, WavelengthKbeta) and
// <ScanInformation> (AxisName, Start, Stop, Step, Speed, IntensityUnit,
// StartTime). The layout is read off the files: Rigaku publishes no
// description. The intensity is the second column times the third, as for
// Rigaku RAS files.

// matchRASX recognises a zip archive whose first entry is a RASX part.
func matchRASX(head []byte) bool {
	if !bytes.HasPrefix(head, zipMagic) {
		return false
	}
	name := firstZipName(head)
	return strings.HasPrefix(name, "Data0/") || name == "root.xml" && bytes.Contains(head, []byte("Data0"))
}

func decodeRASX(r io.Reader) (*diffraction.Scan, error) {
	scans, err := decodeRASXAll(r)
	if err != nil {
		return nil, err
	}
	return scans[0], nil
}

// decodeRASXAll reads the profiles of the archive in the order of their
// names (Data0/Profile0.txt, Data0/Profile1.txt, Data1/Profile0.txt, …).
func decodeRASXAll(in io.Reader) ([]*diffraction.Scan, error) {
	a, err := openZip(in, "rasx")
	if err != nil {
		return nil, err
	}
	type part struct {
		dir, idx string
		d, i     int
	}
	var parts []part
	for _, n := range a.names("Data", ".txt") {
		dir, file, ok := strings.Cut(n, "/")
		idx, isProfile := strings.CutPrefix(file, "Profile")
		if !ok || !isProfile {
			continue
		}
		idx = strings.TrimSuffix(idx, ".txt")
		d, err1 := strconv.Atoi(strings.TrimPrefix(dir, "Data"))
		i, err2 := strconv.Atoi(idx)
		if err1 == nil && err2 == nil {
			parts = append(parts, part{dir, idx, d, i})
		}
	}
	if len(parts) == 0 {
		return nil, &SyntaxError{Format: "rasx", Err: errors.New("no Data*/Profile*.txt in the archive")}
	}
	slices.SortFunc(parts, func(a, b part) int {
		if a.d != b.d {
			return a.d - b.d
		}
		return a.i - b.i
	})
	var scans []*diffraction.Scan
	var skipped []string
	for k, p := range parts {
		profile := p.dir + "/Profile" + p.idx + ".txt"
		cond := p.dir + "/MesurementConditions" + p.idx + ".xml"
		meta := map[string]string{}
		var wl diffraction.Wavelength
		axis := ""
		b, ok, err := a.read(cond)
		if !ok {
			// The correctly spelled name, in case a later version fixes it.
			cond = p.dir + "/MeasurementConditions" + p.idx + ".xml"
			b, ok, err = a.read(cond)
		}
		if err != nil {
			return nil, err
		}
		if ok {
			if wl, axis, err = readRASXConditions(b, meta); err != nil {
				return nil, err
			}
		}
		if !rasx2Theta(axis) {
			skipped = append(skipped, fmt.Sprintf("%s: scan axis %q is not 2θ", profile, axis))
			continue
		}
		b, _, err = a.read(profile)
		if err != nil {
			return nil, err
		}
		s, err := readRASXProfile(b, profile, meta)
		if err != nil {
			return nil, err
		}
		if wl.Ka1 > 0 {
			wl.Source = diffraction.FromFile
			s.Wavelength = wl
		} else if wl.Anode != "" {
			meta["anode"] = wl.Anode
		}
		meta["ranges"] = strconv.Itoa(len(parts))
		meta["range"] = strconv.Itoa(k + 1)
		for key, v := range meta {
			if v == "" {
				delete(meta, key)
			}
		}
		scans = append(scans, s)
	}
	if len(scans) == 0 {
		return nil, &SyntaxError{Format: "rasx", Err: fmt.Errorf("no 2θ scan in the file (%s)", strings.Join(skipped, "; "))}
	}
	return scans, nil
}

// rasx2Theta reports whether a RASX scan axis moves 2θ (alone, or coupled
// with θ or ω). An unknown axis (no conditions file) is taken to be 2θ, as
// the profile's first column is then all there is.
func rasx2Theta(axis string) bool {
	switch axis {
	case "", "TwoTheta", "TwoThetaTheta", "TwoThetaOmega", "TwoThetaChi", "2-Theta/Theta", "2Theta/Theta":
		return true
	}
	return false
}

// readRASXConditions reads a measurement conditions document into meta and
// returns the wavelength and the scan axis name.
func readRASXConditions(doc []byte, meta map[string]string) (diffraction.Wavelength, string, error) {
	w := newXMLWalker(bytes.NewReader(doc), "rasx")
	var wl diffraction.Wavelength
	var ka1, ka2, kb float64
	var target, waveType, axis string
	fields := map[string]string{}
	start := func(t xml.StartElement) error {
		if len(w.stack) == 1 && t.Name.Local != "MeasurementConditions" {
			return w.errorf("root element is <%s>, not <MeasurementConditions>", t.Name.Local)
		}
		return nil
	}
	end := func(n string, text []byte) error {
		v := strings.TrimSpace(string(text))
		switch p := w.parent(); {
		case len(w.stack) == 3 && (p == "GeneralInformation" || p == "ScanInformation"):
			fields[n] = v
		case p == "XrayGenerator" && len(w.stack) == 4 && w.stack[1] == "HWConfigurations":
			num := func() (float64, error) {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || math.IsNaN(f) {
					return 0, w.errorf("<%s> %q is not a number", n, clip([]byte(v)))
				}
				return f, nil
			}
			var err error
			switch n {
			case "TargetName":
				target = v
			case "WaveType":
				waveType = v
			case "WavelengthKalpha1":
				ka1, err = num()
			case "WavelengthKalpha2":
				ka2, err = num()
			case "WavelengthKbeta":
				kb, err = num()
			case "Voltage":
				meta["generator_kv"] = v
			case "Current":
				meta["generator_ma"] = v
			}
			return err
		}
		return nil
	}
	if err := w.walk(start, end); err != nil {
		return wl, "", err
	}
	axis = fields["AxisName"]
	meta["sample"] = fields["SampleName"]
	meta["user"] = fields["Operator"]
	meta["comment"] = fields["Comment"]
	meta["instrument"] = fields["SystemName"]
	meta["axis"] = axis
	meta["date"] = fields["StartTime"]
	meta["step"] = fields["Step"]
	meta["scan_mode"] = fields["Mode"]
	if v := fields["Speed"]; v != "" {
		meta["speed"] = v + " " + fields["SpeedUnit"]
	}
	meta["units"] = strings.ToLower(fields["IntensityUnit"])
	meta["wave_type"] = waveType
	// WaveType says which lines reach the sample: "Ka1" (a Kα1
	// monochromator), "Ka" (the doublet) or "Kb". The file gives no
	// Kα2/Kα1 ratio, so Ratio stays 0.
	switch strings.ToLower(waveType) {
	case "ka1":
		setWavelength(&wl, target, ka1, 0, 0, kb, true)
	case "kb", "kb1":
		setWavelength(&wl, target, kb, 0, 0, 0, true)
	default:
		setWavelength(&wl, target, ka1, ka2, 0, kb, false)
	}
	return wl, axis, nil
}

// readRASXProfile reads the lines "2θ<TAB>intensity<TAB>factor" of a
// profile.
func readRASXProfile(b []byte, name string, meta map[string]string) (*diffraction.Scan, error) {
	b = bytes.TrimPrefix(b, utf8BOM)
	n := bytes.Count(b, []byte("\n")) + 1
	if n > MaxPoints {
		return nil, &SyntaxError{Format: "rasx", Err: fmt.Errorf("%s: more than %d lines", name, MaxPoints)}
	}
	x := make([]float64, 0, n)
	y := make([]float64, 0, n)
	esd := make([]float64, 0, n)
	counts := meta["units"] == "" || meta["units"] == "counts"
	line := 0
	var f [3][]byte
	for len(b) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			l, b = b[:i], b[i+1:]
		} else {
			l, b = b, nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		fail := func(format string, args ...any) error {
			return &SyntaxError{Format: "rasx", Line: line, Err: fmt.Errorf(name+": "+format, args...)}
		}
		k := 0
		for _, fld := range bytes.FieldsFunc(l, func(r rune) bool { return r == '\t' || r == ' ' || r == ',' }) {
			if k == 3 {
				return nil, fail("more than 3 columns")
			}
			f[k] = fld
			k++
		}
		if k < 2 {
			return nil, fail("%d column; want 2θ, intensity and a factor", k)
		}
		var v [3]float64
		v[2] = 1
		for j := range k {
			var ok bool
			if v[j], ok = parseNum(f[j], false); !ok || math.IsNaN(v[j]) || math.IsInf(v[j], 0) {
				return nil, fail("column %d: %q is not a finite number", j+1, clip(f[j]))
			}
		}
		if !(v[0] >= 0 && v[0] < 180) {
			return nil, fail("2θ=%g° is outside [0°, 180°)", v[0])
		}
		if len(x) > 0 && v[0] <= x[len(x)-1] {
			return nil, fail("2θ=%g° does not increase (previous %g°)", v[0], x[len(x)-1])
		}
		x = append(x, v[0])
		y = append(y, v[1]*v[2])
		esd = append(esd, v[2]*math.Sqrt(max(v[1], 0)))
	}
	if len(x) < 2 {
		return nil, &SyntaxError{Format: "rasx", Err: fmt.Errorf("%s: %d points; a scan needs at least 2", name, len(x))}
	}
	s := &diffraction.Scan{TwoTheta: x, Intensity: y, Meta: meta}
	if counts {
		s.ESD = esd
		meta["units"] = "counts"
	}
	return s, nil
}
