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

// Limits of the XRDML reader. The largest XRDML files seen, area maps of a
// few hundred scans, are a few MB with fewer than a million tokens and a
// nesting depth below 10.
const (
	maxXMLBytes  = 256 << 20
	maxXMLDepth  = 64
	maxXMLTokens = 20_000_000
	maxXMLText   = 64 << 10 // a metadata element's text
)

var errTooLarge = fmt.Errorf("input larger than %d MiB", maxXMLBytes>>20)

// matchXRDML recognises a PANalytical XRDML document: XML that names the
// xrdml.com schema or has an <xrdMeasurements> element near the start
// (xylib looks for "www.xrdml.com" in the first KiB).
func matchXRDML(head []byte) bool {
	h := bytes.TrimPrefix(head, utf8BOM)
	h = bytes.TrimLeft(h, " \t\r\n")
	if len(h) == 0 || h[0] != '<' {
		return false
	}
	return bytes.Contains(h, []byte("xrdml.com")) || bytes.Contains(h, []byte("<xrdMeasurements"))
}

// xmlInput is the XML decoder's input: a buffered io.ByteReader, so that
// encoding/xml reads through it without buffering of its own (see
// xml.NewDecoder). That lets readList take the long number lists of a scan
// straight from the buffer, which is many times faster than the decoder's
// byte-at-a-time text handling. It also caps the input at maxXMLBytes.
type xmlInput struct {
	r    io.Reader
	buf  []byte // buf[pos:] is unread; buf[pos-2:pos] are the last two bytes read
	pos  int
	base int64 // input offset of buf[0]
	left int64 // bytes that may still be read
	err  error
}

func newXMLInput(r io.Reader, limit int64) *xmlInput {
	return &xmlInput{r: r, buf: make([]byte, 0, 64<<10), left: limit}
}

// ReadByte implements io.ByteReader for the XML decoder.
func (in *xmlInput) ReadByte() (byte, error) {
	if in.pos == len(in.buf) && !in.fill() {
		return 0, in.err
	}
	c := in.buf[in.pos]
	in.pos++
	return c, nil
}

// Read implements io.Reader, which xml.NewDecoder requires; the decoder
// itself only calls ReadByte.
func (in *xmlInput) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if in.pos == len(in.buf) && !in.fill() {
		return 0, in.err
	}
	n := copy(p, in.buf[in.pos:])
	in.pos += n
	return n, nil
}

// fill refills the buffer, keeping the last two bytes read, and reports
// whether there is unread input.
func (in *xmlInput) fill() bool {
	if in.err != nil {
		return false
	}
	keep := min(in.pos, 2)
	in.base += int64(in.pos - keep)
	copy(in.buf[:keep], in.buf[in.pos-keep:in.pos])
	in.buf, in.pos = in.buf[:keep], keep
	for range 100 {
		if in.left <= 0 {
			// At the cap: any further byte is too much.
			var b [1]byte
			if n, err := io.ReadFull(in.r, b[:]); n > 0 {
				in.err = errTooLarge
			} else {
				in.err = err
			}
			return false
		}
		p := in.buf[keep:cap(in.buf)]
		if int64(len(p)) > in.left {
			p = p[:in.left]
		}
		n, err := in.r.Read(p)
		in.left -= int64(n)
		in.buf = in.buf[:keep+n]
		if err != nil {
			in.err = err // reported once the buffer is drained
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	in.err = io.ErrNoProgress
	return false
}

// offset returns the number of bytes read so far.
func (in *xmlInput) offset() int64 { return in.base + int64(in.pos) }

// afterEmptyElement reports whether the last bytes read were "/>", the end
// of an empty element such as <counts/>.
func (in *xmlInput) afterEmptyElement() bool {
	return in.pos >= 2 && in.buf[in.pos-1] == '>' && in.buf[in.pos-2] == '/'
}

// readList feeds the character data that follows a start tag to l, up to the
// next '<' (a child, comment, CDATA section or the end tag) or '&' (an
// entity reference), which it leaves for the XML decoder; character data the
// decoder returns later is fed to l as usual. It must be called right after
// the decoder returned the start tag: the decoder has then read exactly up to
// its '>' and holds no byte back.
func (in *xmlInput) readList(l *numList) {
	if in.afterEmptyElement() {
		return
	}
	for {
		if in.pos == len(in.buf) && !in.fill() {
			return // the decoder will meet the same end of input
		}
		seg := in.buf[in.pos:]
		k := bytes.IndexAny(seg, "<&")
		if k < 0 {
			l.feed(seg)
			in.pos = len(in.buf)
			continue
		}
		l.feed(seg[:k])
		in.pos += k
		return
	}
}

// What the character data of the current element is collected for.
const (
	capNone = iota
	capText
	capList
)

// xrdmlReader holds the state of decodeXRDML.
type xrdmlReader struct {
	d     *xml.Decoder
	in    *xmlInput
	stack []string // local names of the open elements

	capture      int
	captureDepth int
	text         []byte
	list         *numList

	meta     map[string]string
	comments []string
	wl       diffraction.Wavelength
	wlDone   bool // the first <usedWavelength> has been read
	tubeSeen bool

	scans   int
	want    int  // index of the scan to read (0 for the first); see decodeXRDMLScan
	inFirst bool // inside the scan being read

	// The first scan's data points.
	pos2T       bool // inside <positions axis="2Theta">
	start, end  float64
	have        struct{ start, end, common, list bool }
	common      float64
	listPos     numList
	counts      numList
	atten       numList
	countsSeen  bool
	countsUnit  string
	dataOffset  int64
	countingSec float64
}

// errorAt reports err at the current input offset. (Line numbers are not
// reported: readList bypasses the decoder's line count.)
func (r *xrdmlReader) errorAt(err error) error {
	return &SyntaxError{Format: "xrdml", Offset: r.in.offset(), Err: err}
}

// decodeXRDML reads the first scan of a PANalytical XRDML file with a
// streaming XML decoder, and counts the scans in the file.
func decodeXRDML(in io.Reader) (*diffraction.Scan, error) {
	return decodeXRDMLScan(in, 0)
}

// decodeXRDMLScan reads scan number index (0-based) of an XRDML file, with
// the file's metadata; DecodeAll uses it for the other scans.
func decodeXRDMLScan(in io.Reader, index int) (*diffraction.Scan, error) {
	r := &xrdmlReader{meta: map[string]string{}, want: index}
	r.in = newXMLInput(in, maxXMLBytes)
	r.d = xml.NewDecoder(r.in)
	for _, l := range [...]*numList{&r.listPos, &r.counts, &r.atten} {
		l.reset(MaxPoints)
	}
	for tokens := 0; ; tokens++ {
		if tokens == maxXMLTokens {
			return nil, r.errorAt(fmt.Errorf("more than %d XML tokens", maxXMLTokens))
		}
		tok, err := r.d.Token()
		if err == io.EOF {
			if len(r.stack) > 0 {
				return nil, r.errorAt(fmt.Errorf("truncated XML: %w", io.ErrUnexpectedEOF))
			}
			break
		}
		if err != nil {
			var xe *xml.SyntaxError
			switch {
			case errors.As(err, &xe) && strings.Contains(xe.Msg, "unexpected EOF"):
				err = fmt.Errorf("truncated XML: %w", io.ErrUnexpectedEOF)
			case errors.As(err, &xe):
				err = errors.New(xe.Msg)
			}
			return nil, r.errorAt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(r.stack) == maxXMLDepth {
				return nil, r.errorAt(fmt.Errorf("elements nested deeper than %d", maxXMLDepth))
			}
			r.stack = append(r.stack, t.Name.Local)
			if err := r.startElement(t); err != nil {
				return nil, err
			}
		case xml.EndElement:
			if err := r.endElement(); err != nil {
				return nil, err
			}
			r.stack = r.stack[:len(r.stack)-1]
		case xml.CharData:
			switch r.capture {
			case capText:
				if len(r.text)+len(t) > maxXMLText {
					return nil, r.errorAt(fmt.Errorf("<%s> text longer than %d bytes", r.stack[len(r.stack)-1], maxXMLText))
				}
				r.text = append(r.text, t...)
			case capList:
				r.list.feed(t)
			}
		}
	}
	return r.scan()
}

// parent returns the local name of the element enclosing the current one.
func (r *xrdmlReader) parent() string {
	if len(r.stack) < 2 {
		return ""
	}
	return r.stack[len(r.stack)-2]
}

func attr(t xml.StartElement, name string) (string, bool) {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

func (r *xrdmlReader) captureText() {
	r.capture, r.captureDepth = capText, len(r.stack)
	r.text = r.text[:0]
}

func (r *xrdmlReader) captureList(l *numList) {
	r.capture, r.captureDepth = capList, len(r.stack)
	r.list = l
	l.reset(MaxPoints)
	r.dataOffset = r.in.offset()
	r.in.readList(l)
}

func (r *xrdmlReader) startElement(t xml.StartElement) error {
	name, parent := t.Name.Local, r.parent()
	if len(r.stack) == 1 && name != "xrdMeasurements" {
		return r.errorAt(fmt.Errorf("root element is <%s>, not <xrdMeasurements>", name))
	}
	switch {
	case name == "entry" && parent == "comment",
		name == "id" && parent == "sample", name == "name" && parent == "sample":
		r.captureText()
	case parent == "usedWavelength" && !r.wlDone:
		r.captureText()
	case name == "usedWavelength" && !r.wlDone:
		if v, ok := attr(t, "intended"); ok {
			r.meta["wavelength_intended"] = v
		}
	case name == "xRayTube" && !r.tubeSeen:
		if v, ok := attr(t, "name"); ok {
			r.meta["tube"] = v
		}
		if v, ok := attr(t, "anodeMaterial"); ok {
			r.wl.Anode = strings.TrimSpace(v)
		}
	case name == "anodeMaterial" && parent == "xRayTube" && !r.tubeSeen:
		r.captureText()
	case name == "radius" && parent == "incidentBeamPath" && r.meta["goniometer_radius"] == "":
		// The goniometer radius, sample to focus (mm), that the specimen
		// displacement's shift −2s·cos θ/R needs (analysis.Instrument).
		if unit, ok := attr(t, "unit"); !ok || unit == "mm" {
			r.captureText()
		}
	case name == "divergenceSlit" && parent == "incidentBeamPath" && r.meta["divergence_slit"] == "":
		// The incident slit as the file names it and its schema type
		// (fixed, programmable, automatic): a variable slit changes the
		// intensities with 2θ (refine.Instrument.VariableSlit).
		n, _ := attr(t, "name")
		typ, _ := attr(t, "type")
		if v := strings.TrimSpace(strings.Join([]string{n, typ}, " ")); v != "" {
			r.meta["divergence_slit"] = v
		}
	case name == "diffractometer":
		if v, ok := attr(t, "name"); ok && r.meta["instrument"] == "" {
			r.meta["instrument"] = v
		}
	case name == "scan":
		r.scans++
		if r.scans == r.want+1 {
			r.inFirst = true
			if v, ok := attr(t, "scanAxis"); ok {
				r.meta["axis"] = v
			}
		}
	case !r.inFirst:
	case name == "startTimeStamp", name == "instrumentControlSoftware", name == "commonCountingTime":
		r.captureText()
	case name == "positions":
		axis, _ := attr(t, "axis")
		r.pos2T = axis == "2Theta"
		if unit, ok := attr(t, "unit"); r.pos2T && ok && unit != "deg" {
			return r.errorAt(fmt.Errorf("2Theta positions in %q; only degrees are supported", unit))
		}
	case r.pos2T && parent == "positions" && (name == "startPosition" || name == "endPosition" || name == "commonPosition"):
		r.captureText()
	case r.pos2T && parent == "positions" && name == "listPositions":
		r.captureList(&r.listPos)
	case parent == "dataPoints" && (name == "counts" || name == "intensities"):
		if r.countsSeen {
			return r.errorAt(errors.New("a second <counts> or <intensities> in one scan"))
		}
		r.countsSeen = true
		r.countsUnit, _ = attr(t, "unit")
		// PANalytical writes the attenuation factors first: one per point.
		r.counts.vals = slices.Grow(r.counts.vals, len(r.atten.vals))
		r.captureList(&r.counts)
	case parent == "dataPoints" && name == "beamAttenuationFactors":
		r.captureList(&r.atten)
	}
	return nil
}

func (r *xrdmlReader) number(what string) (float64, error) {
	v, err := strconv.ParseFloat(string(bytes.TrimSpace(r.text)), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, r.errorAt(fmt.Errorf("<%s> %q is not a number", what, clip(bytes.TrimSpace(r.text))))
	}
	return v, nil
}

func (r *xrdmlReader) endElement() error {
	name, parent := r.stack[len(r.stack)-1], r.parent()
	switch {
	case name == "usedWavelength":
		r.wlDone = true
	case name == "xRayTube":
		r.tubeSeen = true
	case name == "scan" && r.inFirst:
		r.inFirst = false
	case name == "positions":
		r.pos2T = false
	}
	if r.capture == capNone || len(r.stack) != r.captureDepth {
		return nil
	}
	kind := r.capture
	r.capture = capNone
	if kind == capList {
		if _, err := r.list.finish(); err != nil {
			return &SyntaxError{Format: "xrdml", Offset: r.dataOffset, Err: fmt.Errorf("<%s>: %w", name, err)}
		}
		return nil
	}
	text := string(bytes.TrimSpace(r.text))
	var err error
	switch {
	case name == "entry":
		if text != "" {
			r.comments = append(r.comments, text)
		}
		if v, ok := strings.CutPrefix(text, "Diffractometer system="); ok && r.meta["diffractometer_system"] == "" {
			r.meta["diffractometer_system"] = v
		}
	case parent == "sample" && text != "":
		r.meta["sample_"+name] = text
	case name == "kAlpha1":
		r.wl.Ka1, err = r.number(name)
	case name == "kAlpha2":
		r.wl.Ka2, err = r.number(name)
	case name == "kBeta":
		r.wl.Kb, err = r.number(name)
	case name == "ratioKAlpha2KAlpha1":
		r.wl.Ratio, err = r.number(name)
	case name == "anodeMaterial":
		r.wl.Anode = text
	case name == "radius":
		var v float64
		if v, err = r.number(name); err == nil && v > 0 {
			r.meta["goniometer_radius"] = text
		}
	case name == "startTimeStamp":
		r.meta["date"] = text
	case name == "instrumentControlSoftware":
		r.meta["control_software"] = text
	case name == "commonCountingTime":
		r.countingSec, err = r.number(name)
		r.meta["counting_time"] = text
	case name == "startPosition":
		r.start, err = r.number(name)
		r.have.start = true
	case name == "endPosition":
		r.end, err = r.number(name)
		r.have.end = true
	case name == "commonPosition":
		r.common, err = r.number(name)
		r.have.common = true
	}
	return err
}

// scan assembles the scan from what was read: its 2θ positions
// (positions), intensities and esds (intensities), in increasing 2θ
// (checkPoints), the wavelength and the metadata (describe).
func (r *xrdmlReader) scan() (*diffraction.Scan, error) {
	if r.scans == 0 {
		return nil, r.dataError("no <scan> element")
	}
	counts, _ := r.counts.finish()
	if !r.countsSeen {
		return nil, r.dataError("the first scan has no <counts> or <intensities>")
	}
	n := len(counts)
	if n < 2 {
		return nil, r.dataError("the first scan has %d points; a scan needs at least 2", n)
	}
	x, err := r.positions(n)
	if err != nil {
		return nil, err
	}
	r.counts.vals = nil // the list's storage now belongs to the scan
	atten, _ := r.atten.finish()
	if len(atten) > 0 && len(atten) != n {
		return nil, r.dataError("%d beam attenuation factors but %d intensities", len(atten), n)
	}
	s := &diffraction.Scan{TwoTheta: x, Intensity: counts, Meta: r.meta}
	r.intensities(s, atten)
	if err := r.checkPoints(s); err != nil {
		return nil, err
	}
	r.wavelength(s)
	r.describe(s)
	return s, nil
}

// dataError reports a problem with the scan's data at the offset of the
// last data list read.
func (r *xrdmlReader) dataError(format string, args ...any) error {
	return &SyntaxError{Format: "xrdml", Offset: r.dataOffset, Err: fmt.Errorf(format, args...)}
}

// positions returns the n 2θ positions of the scan: <listPositions>, or
// equally spaced from <startPosition> to <endPosition> inclusive, as
// PANalytical and xylib compute them. A <commonPosition> alone means 2θ
// did not move.
func (r *xrdmlReader) positions(n int) ([]float64, error) {
	x := make([]float64, n)
	switch list, _ := r.listPos.finish(); {
	case len(list) > 0:
		if len(list) != n {
			return nil, r.dataError("%d 2Theta positions but %d intensities", len(list), n)
		}
		copy(x, list)
	case r.have.start && r.have.end:
		step := (r.end - r.start) / float64(n-1)
		for i := range x {
			x[i] = r.start + float64(i)*step
		}
		x[n-1] = r.end
	case r.have.common:
		return nil, r.dataError("2Theta is fixed at %g° during the scan (a scan of %s), which is not a powder pattern", r.common, r.meta["axis"])
	default:
		return nil, r.dataError("the first scan has no 2Theta positions")
	}
	return x, nil
}

// intensities multiplies the counts of s by the attenuation factors, if
// any, and gives their esds. Counts are Poisson distributed: the esd of n
// counts is √n, scaled by the attenuation factor like the counts; for
// count rates it is √(rate·t)/t with t the counting time.
func (r *xrdmlReader) intensities(s *diffraction.Scan, atten []float64) {
	y := s.Intensity
	units := "counts"
	switch strings.ToLower(r.countsUnit) {
	case "", "counts":
	case "cps", "counts per second", "counts/s":
		units = "cps"
	default:
		units = r.countsUnit
	}
	s.Meta["units"] = units
	poisson := units == "counts" || units == "cps" && r.countingSec > 0
	if poisson {
		s.ESD = make([]float64, len(y))
	}
	for i := range y {
		f := 1.0
		if atten != nil {
			f = atten[i]
		}
		if poisson {
			c := max(y[i], 0)
			if units == "cps" {
				s.ESD[i] = f * math.Sqrt(c*r.countingSec) / r.countingSec
			} else {
				s.ESD[i] = f * math.Sqrt(c)
			}
		}
		y[i] *= f
	}
}

// checkPoints stores a scan run downwards upwards, and applies the rules
// of (*diffraction.Scan).Validate, naming the first offending point.
func (r *xrdmlReader) checkPoints(s *diffraction.Scan) error {
	x, y := s.TwoTheta, s.Intensity
	if x[0] > x[len(x)-1] {
		reverseScan(s)
	}
	for i := range x {
		if math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return r.dataError("intensity %d is not a finite number", i+1)
		}
		if !(x[i] >= 0 && x[i] < 180) {
			return r.dataError("point %d: 2θ=%g° is outside [0°, 180°)", i+1, x[i])
		}
		if i > 0 && x[i] <= x[i-1] {
			return r.dataError("point %d: 2θ=%g° does not increase (previous %g°)", i+1, x[i], x[i-1])
		}
	}
	return nil
}

// wavelength gives s the first <usedWavelength>, or names the tube's anode
// when there is none.
func (r *xrdmlReader) wavelength(s *diffraction.Scan) {
	if r.wl.Ka1 > 0 {
		r.wl.Source = diffraction.FromFile
		if r.wl.Ratio == 0 {
			// The file says Kα2 does not contribute (a monochromator):
			// diffraction.Wavelength keeps Ka2 zero for a single line.
			r.wl.Ka2 = 0
		}
		s.Wavelength = r.wl
	} else if r.wl.Anode != "" {
		s.Meta["anode"] = r.wl.Anode
	}
}

// describe completes Meta: the number of scans, the sample, the
// instrument (the diffractometer, else its system or control software)
// and the comment's entries.
func (r *xrdmlReader) describe(s *diffraction.Scan) {
	s.Meta["scans"] = strconv.Itoa(r.scans)
	// "sample" is the name, or the id when the name is empty; "sample_id"
	// keeps an id that is not already there.
	if v := s.Meta["sample_name"]; v != "" {
		s.Meta["sample"] = v
	} else if v := s.Meta["sample_id"]; v != "" {
		s.Meta["sample"] = v
		delete(s.Meta, "sample_id")
	}
	delete(s.Meta, "sample_name")
	if s.Meta["instrument"] == "" {
		for _, k := range []string{"diffractometer_system", "control_software"} {
			if v := s.Meta[k]; v != "" {
				s.Meta["instrument"] = v
				break
			}
		}
	}
	if len(r.comments) > 0 {
		s.Meta["comment"] = strings.Join(r.comments, "\n")
	}
}
