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

// readBRMLPart reads one RawData document, name in the archive: the
// elements as the walk meets them (startElement, endElement), then the
// scan they make.
func readBRMLPart(doc []byte, name string) (*diffraction.Scan, error) {
	d := &brmlDecoder{w: newXMLWalker(bytes.NewReader(doc), "brml"), name: name, meta: map[string]string{}}
	if err := d.w.walk(d.startElement, d.endElement); err != nil {
		return nil, err
	}
	return d.scan()
}

// brmlDecoder holds what readBRMLPart gathers from a RawData document.
type brmlDecoder struct {
	w    *xmlWalker
	name string // of the document in the archive, for errors
	meta map[string]string
	// <Tube>'s wavelengths (Å) and Kα2/Kα1 ratio, and <WaveLength>, the
	// one wavelength of a high-resolution method
	ka1, ka2, kb, ratio, waveLength float64
	ratioSeen                       bool
	anode                           string // <TubeMaterial>
	routes                          int    // <DataRoute>s seen; the first holds the data
	rows                            [][]float64
	views                           []brmlView
	firstDatum                      int64 // offset of the first <Datum>, for errors
}

// inRoute reports whether the walk is inside the first <DataRoute>.
func (d *brmlDecoder) inRoute() bool {
	return d.routes == 1 && slices.Contains(d.w.stack, "DataRoute")
}

// attrValue returns the value of t's attribute name, "" when absent.
func attrValue(t xml.StartElement, name string) string {
	v, _ := attr(t, name)
	return v
}

// brmlNumber returns the number in t's Value attribute, 0 when there is
// none.
func brmlNumber(t xml.StartElement) float64 {
	v, err := strconv.ParseFloat(strings.TrimSpace(attrValue(t, "Value")), 64)
	if err != nil {
		return 0
	}
	return v
}

// startElement reads the attributes of an element: those of the first
// <DataRoute> (startRoute) and those of the instrument and method
// (startInfo). The root must be <RawData>.
func (d *brmlDecoder) startElement(t xml.StartElement) error {
	n := t.Name.Local
	if len(d.w.stack) == 1 && n != "RawData" {
		return d.w.errorf("root element is <%s>, not <RawData>", n)
	}
	switch n {
	case "DataRoute":
		d.routes++
	case "ScanInformation", "RawDataView", "FieldDefinitions", "Datum":
		if d.inRoute() {
			d.startRoute(t)
		}
	default:
		d.startInfo(t)
	}
	return nil
}

// startRoute reads the first <DataRoute>'s <ScanInformation> (the scan's
// name), its <RawDataView>s and their <FieldDefinitions> (what the <Datum>
// columns are), and notes where the first <Datum> is.
func (d *brmlDecoder) startRoute(t xml.StartElement) {
	switch t.Name.Local {
	case "ScanInformation":
		d.meta["axis"] = attrValue(t, "VisibleName")
		d.meta["scan_name"] = attrValue(t, "ScanName")
	case "RawDataView":
		v := brmlView{kind: attrValue(t, "type"), logicName: attrValue(t, "LogicName"), measured: attrValue(t, "MeasuredDataIndex")}
		v.start, _ = strconv.Atoi(attrValue(t, "Start"))
		d.views = append(d.views, v)
	case "FieldDefinitions":
		if len(d.views) > 0 && d.w.parent() == "Varying" {
			d.views[len(d.views)-1].fields = append(d.views[len(d.views)-1].fields, attrValue(t, "FieldName"))
		}
	case "Datum":
		if d.firstDatum == 0 {
			d.firstDatum = d.w.in.offset()
		}
	}
}

// startInfo reads the Value attributes of the tube's wavelengths and ratio
// (<WaveLengthAlpha1> …), of a method's <WaveLength>, of the <Generator>'s
// <Voltage> and <Current>, and the <InfoItem>s that name the sample, user
// and comment.
func (d *brmlDecoder) startInfo(t xml.StartElement) {
	switch t.Name.Local {
	case "WaveLengthAlpha1":
		d.ka1 = brmlNumber(t)
	case "WaveLengthAlpha2":
		d.ka2 = brmlNumber(t)
	case "WaveLengthBeta":
		d.kb = brmlNumber(t)
	case "WaveLengthRatio":
		d.ratio, d.ratioSeen = brmlNumber(t), true
	case "WaveLength":
		d.waveLength = brmlNumber(t)
	case "Voltage":
		if d.w.parent() == "Generator" {
			d.meta["generator_kv"] = attrValue(t, "Value")
		}
	case "Current":
		if d.w.parent() == "Generator" {
			d.meta["generator_ma"] = attrValue(t, "Value")
		}
	case "InfoItem":
		v := strings.TrimSpace(attrValue(t, "Value"))
		switch attrValue(t, "Name") {
		case "SampleName":
			d.meta["sample"] = v
		case "User":
			d.meta["user"] = v
		case "Comment":
			d.meta["comment"] = v
		}
	}
}

// endElement reads the text of an element: a <Datum> row of the first
// <DataRoute>, its <TimePerStep> and first <Increment>, and the
// document's <TimeStampStarted>, <TubeMaterial> and <GoniometerType>.
func (d *brmlDecoder) endElement(n string, text []byte) error {
	switch n {
	case "Datum":
		if d.inRoute() {
			return d.parseDatum(text)
		}
	case "TimePerStep":
		if d.inRoute() && d.w.parent() == "ScanInformation" {
			d.meta["counting_time"] = strings.TrimSpace(string(text))
		}
	case "Increment":
		if d.inRoute() && d.w.parent() == "ScanAxisInfo" && d.meta["step"] == "" {
			d.meta["step"] = strings.TrimSpace(string(text))
		}
	case "TimeStampStarted":
		if len(d.w.stack) == 2 {
			d.meta["date"] = strings.TrimSpace(string(text))
		}
	case "TubeMaterial":
		d.anode = strings.TrimSpace(string(text))
	case "GoniometerType":
		d.meta["instrument"] = strings.TrimSpace(string(text))
	}
	return nil
}

// parseDatum reads a <Datum> row of the first <DataRoute>: comma-separated
// numbers, as many in every row.
func (d *brmlDecoder) parseDatum(text []byte) error {
	if len(d.rows) >= MaxPoints {
		return d.w.errorf("more than %d <Datum> rows", MaxPoints)
	}
	row, err := brmlRow(text)
	if err != nil {
		return d.w.errorf("<Datum> %d: %v", len(d.rows)+1, err)
	}
	if len(d.rows) > 0 && len(row) != len(d.rows[0]) {
		return d.w.errorf("<Datum> %d has %d values, the first has %d", len(d.rows)+1, len(row), len(d.rows[0]))
	}
	d.rows = append(d.rows, row)
	return nil
}

// fail reports a problem with the data at the first <Datum>.
func (d *brmlDecoder) fail(format string, args ...any) error {
	return &SyntaxError{Format: "brml", Offset: d.firstDatum, Err: fmt.Errorf(d.name+": "+format, args...)}
}

// columns returns the <Datum> columns of 2θ (the TwoTheta field of the
// varying view), of the counts (the recorded view of measured data 0) and
// of the absorption factor (a fixed view), -1 for each one absent.
func (d *brmlDecoder) columns() (col2T, colCounts, colAbs int) {
	col2T, colCounts, colAbs = -1, -1, -1
	for _, v := range d.views {
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
	return col2T, colCounts, colAbs
}

// scan assembles the scan: the points from the <Datum> columns, which
// must be a 2θ scan (errNot2Theta otherwise), and the wavelength.
func (d *brmlDecoder) scan() (*diffraction.Scan, error) {
	col2T, colCounts, colAbs := d.columns()
	if d.routes == 0 {
		return nil, d.fail("no <DataRoute>")
	}
	if colCounts < 0 {
		return nil, d.fail("no recorded counts column (RecordedRawDataView) in the first <DataRoute>")
	}
	if col2T < 0 {
		return nil, fmt.Errorf("%s: %w: scan %q has no TwoTheta column", d.name, errNot2Theta, d.meta["axis"])
	}
	n := len(d.rows)
	if n < 2 {
		return nil, d.fail("%d <Datum> rows; a scan needs at least 2", n)
	}
	if width := len(d.rows[0]); col2T >= width || colCounts >= width || colAbs >= width {
		return nil, d.fail("<Datum> rows have %d values, but the data views name column %d", width, max(col2T, colCounts, colAbs)+1)
	}
	s, err := d.points(col2T, colCounts, colAbs)
	if err != nil {
		return nil, err
	}
	if wl := d.wavelength(); wl.Ka1 > 0 {
		wl.Source = diffraction.FromFile
		s.Wavelength = wl
	} else if wl.Anode != "" {
		d.meta["anode"] = wl.Anode
	}
	d.meta["units"] = "counts"
	for k, v := range d.meta {
		if v == "" {
			delete(d.meta, k)
		}
	}
	return s, nil
}

// points makes the scan's points from the <Datum> columns: the intensity
// is the counts times the absorption factor, the esd √counts times the
// factor, stored in increasing 2θ.
func (d *brmlDecoder) points(col2T, colCounts, colAbs int) (*diffraction.Scan, error) {
	n := len(d.rows)
	x := make([]float64, n)
	y := make([]float64, n)
	esd := make([]float64, n)
	for i, row := range d.rows {
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
			return nil, d.fail("point %d is not a finite number", i+1)
		case !(x[i] >= 0 && x[i] < 180):
			return nil, d.fail("point %d: 2θ=%g° is outside [0°, 180°)", i+1, x[i])
		case i > 0 && x[i] <= x[i-1]:
			return nil, d.fail("point %d: 2θ=%g° does not increase (previous %g°)", i+1, x[i], x[i-1])
		}
	}
	return &diffraction.Scan{TwoTheta: x, Intensity: y, ESD: esd, Meta: d.meta}, nil
}

// wavelength returns the tube's wavelengths, or a method's one wavelength
// (that of its monochromator) when the tube gives none, with the anode.
func (d *brmlDecoder) wavelength() diffraction.Wavelength {
	var wl diffraction.Wavelength
	switch {
	case d.ka1 > 0:
		setWavelength(&wl, d.anode, d.ka1, d.ka2, d.ratio, d.kb, d.ratioSeen)
	case d.waveLength > 0:
		setWavelength(&wl, d.anode, d.waveLength, 0, 0, 0, true)
	default:
		setWavelength(&wl, d.anode, 0, 0, 0, 0, false)
	}
	return wl
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
