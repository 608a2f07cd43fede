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

// Bruker BRML (DIFFRAC.SUITE) files are zip archives. Each range of a
// measurement is an XML document Experiment0/RawData<i>.xml, laid out as
// follows (read off the files; Bruker publishes no description):
//
//	<RawData>
//	  <TimeStampStarted>…
//	  <DataRoutes><DataRoute>            the first one holds the measured data
//	    <ScanInformation ScanName="LockedCoupled" VisibleName="Coupled TwoTheta/Theta">
//	      <TimePerStep>…  <ScanAxes><ScanAxisInfo AxisId="TwoTheta"><Start/><Stop/><Increment/>…
//	    <Datum>124.8,1,9.998839261,4.999419631,4471</Datum>   one per step, comma-separated
//	    <DataViews>                       what the Datum columns are:
//	      <RawDataView xsi:type="FixedRawDataView" Start="0" LogicName="MeasuredTime"/>
//	      <RawDataView xsi:type="FixedRawDataView" Start="1" LogicName="AbsorptionFactor"/>
//	      <RawDataView xsi:type="VaryingRawDataView" Start="2" Length="2">
//	        <FieldDefinitions FieldName="TwoTheta"/><FieldDefinitions FieldName="Theta"/>
//	      <RawDataView xsi:type="RecordedRawDataView" Start="4" MeasuredDataIndex="0">  the counts
//	  <FixedInformation> … <Tube><WaveLengthAlpha1 Value="1.5406"/> … <TubeMaterial>Cu</TubeMaterial>
//	  … <InfoItem Name="SampleName" Value="…"/>
//
// Intensity is the counts times the absorption (attenuator) factor, the
// way DIFFRAC.EVA shows them; esd is √counts times the factor.

// matchBRML recognises a zip archive whose first entry is a BRML part.
func matchBRML(head []byte) bool {
	if !bytes.HasPrefix(head, zipMagic) {
		return false
	}
	name := firstZipName(head)
	return strings.HasPrefix(name, "Experiment") || name == "experimentCollection.xml" ||
		bytes.Contains(head, []byte("Experiment0/"))
}

// firstZipName returns the name in the zip local header at the start of
// head, "" if there is none.
func firstZipName(head []byte) string {
	if len(head) < 30 || !bytes.HasPrefix(head, zipMagic) {
		return ""
	}
	n := int(head[26]) | int(head[27])<<8
	if 30+n > len(head) {
		return ""
	}
	return strings.ReplaceAll(string(head[30:30+n]), `\`, "/")
}

func decodeBRML(r io.Reader) (*diffraction.Scan, error) {
	scans, err := decodeBRMLAll(r)
	if err != nil {
		return nil, err
	}
	return scans[0], nil
}

// decodeBRMLAll reads every Experiment0/RawData<i>.xml of the archive, in
// the order of i.
func decodeBRMLAll(in io.Reader) ([]*diffraction.Scan, error) {
	a, err := openZip(in, "brml")
	if err != nil {
		return nil, err
	}
	type part struct {
		name string
		i    int
	}
	var parts []part
	for _, n := range a.names("Experiment0/RawData", ".xml") {
		i, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(n, "Experiment0/RawData"), ".xml"))
		if err == nil && i >= 0 {
			parts = append(parts, part{n, i})
		}
	}
	if len(parts) == 0 {
		return nil, &SyntaxError{Format: "brml", Err: errors.New("no Experiment0/RawData*.xml in the archive")}
	}
	slices.SortFunc(parts, func(a, b part) int { return a.i - b.i })
	var scans []*diffraction.Scan
	var skipped []string
	for k, p := range parts {
		b, _, err := a.read(p.name)
		if err != nil {
			return nil, err
		}
		s, err := readBRMLPart(b, p.name)
		if errors.Is(err, errNot2Theta) {
			skipped = append(skipped, err.Error())
			continue
		}
		if err != nil {
			return nil, err
		}
		s.Meta["ranges"] = strconv.Itoa(len(parts))
		s.Meta["range"] = strconv.Itoa(k + 1)
		scans = append(scans, s)
	}
	if len(scans) == 0 {
		return nil, &SyntaxError{Format: "brml", Err: fmt.Errorf("no 2θ scan in the file (%s)", strings.Join(skipped, "; "))}
	}
	return scans, nil
}

// errNot2Theta marks a range whose abscissa is not 2θ.
var errNot2Theta = errors.New("not a 2θ scan")

type brmlView struct {
	kind      string // "FixedRawDataView", …
	start     int
	logicName string
	fields    []string // FieldDefinitions of a varying view
	measured  string   // MeasuredDataIndex of a recorded view
}

// readBRMLPart reads one RawData document.
func readBRMLPart(doc []byte, name string) (*diffraction.Scan, error) {
	w := newXMLWalker(bytes.NewReader(doc), "brml")
	meta := map[string]string{}
	var wl diffraction.Wavelength
	var ka1, ka2, kb, ratio, waveLength float64
	var anode string
	ratioSeen := false
	routes := 0
	var rows [][]float64
	var views []brmlView
	var firstDatum int64
	inRoute := func() bool { return routes == 1 && slices.Contains(w.stack, "DataRoute") }
	attrVal := func(t xml.StartElement, n string) string { v, _ := attr(t, n); return v }
	num := func(t xml.StartElement) float64 {
		v, err := strconv.ParseFloat(strings.TrimSpace(attrVal(t, "Value")), 64)
		if err != nil {
			return 0
		}
		return v
	}
	start := func(t xml.StartElement) error {
		n := t.Name.Local
		if len(w.stack) == 1 && n != "RawData" {
			return w.errorf("root element is <%s>, not <RawData>", n)
		}
		switch n {
		case "DataRoute":
			routes++
		case "ScanInformation":
			if inRoute() {
				meta["axis"] = attrVal(t, "VisibleName")
				meta["scan_name"] = attrVal(t, "ScanName")
			}
		case "RawDataView":
			if inRoute() {
				v := brmlView{kind: attrVal(t, "type"), logicName: attrVal(t, "LogicName"), measured: attrVal(t, "MeasuredDataIndex")}
				v.start, _ = strconv.Atoi(attrVal(t, "Start"))
				views = append(views, v)
			}
		case "FieldDefinitions":
			if inRoute() && len(views) > 0 && w.parent() == "Varying" {
				views[len(views)-1].fields = append(views[len(views)-1].fields, attrVal(t, "FieldName"))
			}
		case "WaveLengthAlpha1":
			ka1 = num(t)
		case "WaveLengthAlpha2":
			ka2 = num(t)
		case "WaveLengthBeta":
			kb = num(t)
		case "WaveLengthRatio":
			ratio, ratioSeen = num(t), true
		case "WaveLength":
			waveLength = num(t)
		case "Voltage":
			if w.parent() == "Generator" {
				meta["generator_kv"] = attrVal(t, "Value")
			}
		case "Current":
			if w.parent() == "Generator" {
				meta["generator_ma"] = attrVal(t, "Value")
			}
		case "InfoItem":
			v := strings.TrimSpace(attrVal(t, "Value"))
			switch attrVal(t, "Name") {
			case "SampleName":
				meta["sample"] = v
			case "User":
				meta["user"] = v
			case "Comment":
				meta["comment"] = v
			}
		case "Datum":
			if inRoute() && firstDatum == 0 {
				firstDatum = w.in.offset()
			}
		}
		return nil
	}
	end := func(n string, text []byte) error {
		switch n {
		case "Datum":
			if !inRoute() {
				return nil
			}
			if len(rows) >= MaxPoints {
				return w.errorf("more than %d <Datum> rows", MaxPoints)
			}
			row, err := brmlRow(text)
			if err != nil {
				return w.errorf("<Datum> %d: %v", len(rows)+1, err)
			}
			if len(rows) > 0 && len(row) != len(rows[0]) {
				return w.errorf("<Datum> %d has %d values, the first has %d", len(rows)+1, len(row), len(rows[0]))
			}
			rows = append(rows, row)
		case "TimePerStep":
			if inRoute() && w.parent() == "ScanInformation" {
				meta["counting_time"] = strings.TrimSpace(string(text))
			}
		case "Increment":
			if inRoute() && w.parent() == "ScanAxisInfo" && meta["step"] == "" {
				meta["step"] = strings.TrimSpace(string(text))
			}
		case "TimeStampStarted":
			if len(w.stack) == 2 {
				meta["date"] = strings.TrimSpace(string(text))
			}
		case "TubeMaterial":
			anode = strings.TrimSpace(string(text))
		case "GoniometerType":
			meta["instrument"] = strings.TrimSpace(string(text))
		}
		return nil
	}
	if err := w.walk(start, end); err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) error {
		return &SyntaxError{Format: "brml", Offset: firstDatum, Err: fmt.Errorf(name+": "+format, args...)}
	}
	// Find the columns.
	col2T, colCounts, colAbs := -1, -1, -1
	for _, v := range views {
		switch {
		case strings.HasSuffix(v.kind, "FixedRawDataView") && v.logicName == "AbsorptionFactor":
			colAbs = v.start
		case strings.HasSuffix(v.kind, "VaryingRawDataView"):
			for i, f := range v.fields {
				if f == "TwoTheta" && col2T < 0 {
					col2T = v.start + i
				}
			}
		case strings.HasSuffix(v.kind, "RecordedRawDataView") && v.measured == "0" && colCounts < 0:
			colCounts = v.start
		}
	}
	if routes == 0 {
		return nil, fail("no <DataRoute>")
	}
	if colCounts < 0 {
		return nil, fail("no recorded counts column (RecordedRawDataView) in the first <DataRoute>")
	}
	if col2T < 0 {
		return nil, fmt.Errorf("%s: %w: scan %q has no TwoTheta column", name, errNot2Theta, meta["axis"])
	}
	n := len(rows)
	if n < 2 {
		return nil, fail("%d <Datum> rows; a scan needs at least 2", n)
	}
	width := len(rows[0])
	if col2T >= width || colCounts >= width || colAbs >= width {
		return nil, fail("<Datum> rows have %d values, but the data views name column %d", width, max(col2T, colCounts, colAbs)+1)
	}
	x := make([]float64, n)
	y := make([]float64, n)
	esd := make([]float64, n)
	for i, row := range rows {
		f := 1.0
		if colAbs >= 0 {
			f = row[colAbs]
		}
		c := row[colCounts]
		x[i], y[i], esd[i] = row[col2T], c*f, f*math.Sqrt(max(c, 0))
	}
	if x[0] > x[n-1] {
		slices.Reverse(x)
		slices.Reverse(y)
		slices.Reverse(esd)
	}
	for i := range x {
		switch {
		case math.IsNaN(y[i]) || math.IsInf(y[i], 0) || math.IsNaN(x[i]) || math.IsInf(x[i], 0):
			return nil, fail("point %d is not a finite number", i+1)
		case !(x[i] >= 0 && x[i] < 180):
			return nil, fail("point %d: 2θ=%g° is outside [0°, 180°)", i+1, x[i])
		case i > 0 && x[i] <= x[i-1]:
			return nil, fail("point %d: 2θ=%g° does not increase (previous %g°)", i+1, x[i], x[i-1])
		}
	}
	switch {
	case ka1 > 0:
		setWavelength(&wl, anode, ka1, ka2, ratio, kb, ratioSeen)
	case waveLength > 0:
		// A high-resolution method gives one wavelength, that of its
		// monochromator.
		setWavelength(&wl, anode, waveLength, 0, 0, 0, true)
	default:
		setWavelength(&wl, anode, 0, 0, 0, 0, false)
	}
	s := &diffraction.Scan{TwoTheta: x, Intensity: y, ESD: esd, Meta: meta}
	if wl.Ka1 > 0 {
		wl.Source = diffraction.FromFile
		s.Wavelength = wl
	} else if wl.Anode != "" {
		meta["anode"] = wl.Anode
	}
	meta["units"] = "counts"
	for k, v := range meta {
		if v == "" {
			delete(meta, k)
		}
	}
	return s, nil
}

// brmlRow parses the comma-separated numbers of a <Datum>.
func brmlRow(text []byte) ([]float64, error) {
	text = bytes.TrimSpace(text)
	row := make([]float64, 0, bytes.Count(text, []byte(","))+1)
	for len(text) > 0 || len(row) == 0 {
		f := text
		if i := bytes.IndexByte(text, ','); i >= 0 {
			f, text = text[:i], text[i+1:]
			if len(text) == 0 {
				return nil, errors.New("trailing comma")
			}
		} else {
			text = nil
		}
		v, ok := parseNum(bytes.TrimSpace(f), false)
		if !ok {
			return nil, fmt.Errorf("%q is not a number", clip(f))
		}
		row = append(row, v)
		if len(row) > 1000 {
			return nil, errors.New("more than 1000 values")
		}
	}
	return row, nil
}
