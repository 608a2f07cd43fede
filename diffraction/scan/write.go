package scan

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// A WriteFunc writes a scan in one file format.
type WriteFunc func(w io.Writer, s *diffraction.Scan) error

// Writers maps the names of the formats Bragg writes ("xy", "xye", "csv",
// "xrdml") to their writers; they are also the usual file extensions.
var Writers = map[string]WriteFunc{
	"xy":    WriteXY,
	"xye":   WriteXYE,
	"csv":   WriteCSV,
	"xrdml": WriteXRDML,
}

// Write writes s to w in the named format, one of the keys of Writers; a
// leading dot and upper case are accepted, so a file name's extension can
// be passed as is.
func Write(w io.Writer, s *diffraction.Scan, format string) error {
	f, ok := Writers[strings.ToLower(strings.TrimPrefix(format, "."))]
	if !ok {
		names := make([]string, 0, len(Writers))
		for k := range Writers {
			names = append(names, k)
		}
		slices.Sort(names)
		return fmt.Errorf("scan: cannot write format %q (formats: %s)", format, strings.Join(names, ", "))
	}
	return f(w, s)
}

// axisName is the CSV column name of the abscissa.
func axisName(a diffraction.Axis) string {
	switch a {
	case diffraction.AxisTwoTheta:
		return "two_theta"
	case diffraction.AxisD:
		return "d"
	case diffraction.AxisQ:
		return "q"
	case diffraction.AxisTOF:
		return "tof"
	}
	return string(a)
}

// WriteCSV writes s as comma-separated values with the header line
// "two_theta,intensity" ("two_theta,intensity,esd" when s has esds; "d" or
// "q" in place of "two_theta" for such scans), then one row per point, in
// the shortest form that reads back to the same float64. Decode reads the
// points back exactly; the wavelength and metadata are not kept.
func WriteCSV(w io.Writer, s *diffraction.Scan) error {
	if err := s.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(axisName(s.Axis) + ",intensity")
	if s.ESD != nil {
		bw.WriteString(",esd")
	}
	bw.WriteByte('\n')
	var buf []byte
	for i := range s.TwoTheta {
		buf = strconv.AppendFloat(buf[:0], s.TwoTheta[i], 'g', -1, 64)
		buf = append(buf, ',')
		buf = strconv.AppendFloat(buf, s.Intensity[i], 'g', -1, 64)
		if s.ESD != nil {
			buf = append(buf, ',')
			buf = strconv.AppendFloat(buf, s.ESD[i], 'g', -1, 64)
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// xmlText escapes s for XML character data and attribute values.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// WriteXRDML writes s as a PANalytical XRDML 1.5 document
// (http://www.xrdml.com/XRDMeasurement/1.5) holding one scan: the
// wavelength (<usedWavelength>) and tube anode, the sample name, comment,
// date and instrument from Meta, the 2θ positions (<startPosition> and
// <endPosition> when the points are equally spaced so exactly that this
// package computes them back to the same float64, else <listPositions>),
// the counting time, and the intensities (unit "counts" or "cps" from
// Meta["units"]). Programs that read XRDML, this package and xylib among
// them, read it back. Only 2θ scans can be written; the esds are not stored
// (XRDML readers derive √counts).
func WriteXRDML(w io.Writer, s *diffraction.Scan) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if s.Axis != diffraction.AxisTwoTheta {
		return fmt.Errorf("scan: XRDML holds 2θ scans; this scan's axis is %s (convert it with ToTwoTheta)", s.Axis)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	m := s.Meta
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	p("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
	p("<xrdMeasurements xmlns=\"http://www.xrdml.com/XRDMeasurement/1.5\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.xrdml.com/XRDMeasurement/1.5 http://www.xrdml.com/XRDMeasurement/1.5/XRDMeasurement.xsd\" status=\"Completed\">\n")
	var entries []string
	if c := m["comment"]; c != "" {
		entries = strings.Split(c, "\n")
	}
	if in := m["instrument"]; in != "" && !strings.Contains(m["comment"], "Diffractometer system=") {
		// Where PANalytical's own files name the instrument.
		entries = append(entries, "Diffractometer system="+in)
	}
	if len(entries) > 0 {
		p("\t<comment>\n")
		for _, line := range entries {
			p("\t\t<entry>%s</entry>\n", xmlText(line))
		}
		p("\t</comment>\n")
	}
	p("\t<sample type=\"To be analyzed\">\n\t\t<id>%s</id>\n\t\t<name>%s</name>\n\t</sample>\n", xmlText(m["sample_id"]), xmlText(m["sample"]))
	p("\t<xrdMeasurement measurementType=\"Scan\" status=\"Completed\">\n")
	wl := s.Wavelength
	if wl.Known() {
		intended := "K-Alpha 1"
		if wl.Ka2 > 0 && wl.Ratio > 0 {
			intended = "K-Alpha"
		}
		p("\t\t<usedWavelength intended=\"%s\">\n", intended)
		p("\t\t\t<kAlpha1 unit=\"Angstrom\">%s</kAlpha1>\n", num(wl.Ka1))
		p("\t\t\t<kAlpha2 unit=\"Angstrom\">%s</kAlpha2>\n", num(wl.Ka2))
		if wl.Kb > 0 {
			p("\t\t\t<kBeta unit=\"Angstrom\">%s</kBeta>\n", num(wl.Kb))
		}
		p("\t\t\t<ratioKAlpha2KAlpha1>%s</ratioKAlpha2KAlpha1>\n", num(wl.Ratio))
		p("\t\t</usedWavelength>\n")
	}
	anode := wl.Anode
	if anode == "" {
		anode = m["anode"]
	}
	if anode != "" {
		p("\t\t<incidentBeamPath>\n\t\t\t<xRayTube>\n\t\t\t\t<anodeMaterial>%s</anodeMaterial>\n\t\t\t</xRayTube>\n\t\t</incidentBeamPath>\n", xmlText(anode))
	}
	p("\t\t<scan appendNumber=\"0\" mode=\"Continuous\" scanAxis=\"Gonio\" status=\"Completed\">\n")
	p("\t\t\t<header>\n")
	if d := m["date"]; d != "" {
		p("\t\t\t\t<startTimeStamp>%s</startTimeStamp>\n", xmlText(d))
	}
	p("\t\t\t\t<author>\n\t\t\t\t\t<name>Bragg</name>\n\t\t\t\t</author>\n")
	p("\t\t\t\t<source>\n\t\t\t\t\t<applicationSoftware>Bragg</applicationSoftware>\n")
	p("\t\t\t\t</source>\n\t\t\t</header>\n")
	p("\t\t\t<dataPoints>\n")
	x := s.TwoTheta
	n := len(x)
	p("\t\t\t\t<positions axis=\"2Theta\" unit=\"deg\">\n")
	if equallySpaced(x) {
		p("\t\t\t\t\t<startPosition>%s</startPosition>\n\t\t\t\t\t<endPosition>%s</endPosition>\n", num(x[0]), num(x[n-1]))
	} else {
		bw.WriteString("\t\t\t\t\t<listPositions>")
		writeList(bw, x)
		bw.WriteString("</listPositions>\n")
	}
	p("\t\t\t\t</positions>\n")
	if t, ok := atof(m["counting_time"]); ok && t > 0 {
		p("\t\t\t\t<commonCountingTime unit=\"seconds\">%s</commonCountingTime>\n", num(t))
	}
	unit := "counts"
	if m["units"] == "cps" {
		unit = "cps"
	}
	p("\t\t\t\t<intensities unit=\"%s\">", unit)
	writeList(bw, s.Intensity)
	p("</intensities>\n")
	p("\t\t\t</dataPoints>\n\t\t</scan>\n\t</xrdMeasurement>\n</xrdMeasurements>\n")
	return bw.Flush()
}

// equallySpaced reports whether x is exactly the grid that the XRDML reader
// computes from its first and last values, start + i·(end − start)/(n − 1).
func equallySpaced(x []float64) bool {
	n := len(x)
	step := (x[n-1] - x[0]) / float64(n-1)
	for i := 0; i < n-1; i++ {
		if x[0]+float64(i)*step != x[i] {
			return false
		}
	}
	return true
}

// writeList writes numbers separated by spaces.
func writeList(bw *bufio.Writer, v []float64) {
	var buf []byte
	for i, f := range v {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = strconv.AppendFloat(buf, f, 'g', -1, 64)
		bw.Write(buf)
	}
}
