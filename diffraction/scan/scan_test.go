package scan

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/bragg-xrd/bragg/diffraction"
)

// TestGolden decodes every fixture in the text and XRDML directories of
// testdata and compares its dump with <file>.golden (go test -update
// rewrites them). The fixtures of formats with no sample in the shared
// collection (rigaku_dat, udf, cpi, chi, dbws, rruff) were written from the
// published format descriptions; the others are cut-down real layouts.
func TestGolden(t *testing.T) {
	t.Parallel()
	wantFormat := map[string]string{"xy": "xy", "xrdml": "xrdml", "uxd": "uxd", "ras": "ras", "gsas": "gsas",
		"riet7": "riet7", "rigaku_dat": "rigaku_dat", "udf": "udf", "cpi": "cpi", "chi": "chi", "dbws": "dbws", "rruff": "rruff", "pdcif": "pdcif"}
	for dir, format := range wantFormat {
		files, err := filepath.Glob(filepath.Join("testdata", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range files {
			if strings.HasSuffix(p, ".golden") {
				continue
			}
			t.Run(filepath.Base(p), func(t *testing.T) {
				s, name, err := ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if name != format {
					t.Errorf("format %q, want %q", name, format)
				}
				if err := s.Validate(); err != nil {
					t.Error(err)
				}
				checkGolden(t, p+".golden", dump(s, name))
			})
		}
	}
}

// TestFixtureValues spells out the values the golden files hold that matter
// most, so that a wrong golden file cannot hide a bug.
func TestFixtureValues(t *testing.T) {
	t.Parallel()
	cases := []struct {
		file      string
		n         int     // number of points
		x0, y0    float64 // first point
		esdAt     int     // index of a point whose esd is checked, -1 for none
		yAt, esd  float64 // its intensity and esd
		ka1, ka2  float64 // wavelength, 0 for unknown or absent
		anode     string
		metaKey   string
		metaValue string
	}{
		// comments.xy: four rows from 10° to 10.3°; "Wavelength (Angstrom):
		// 1.5406" is the only wavelength; "Anode: Cu" must not count.
		{"xy/comments.xy", 4, 10, 100, -1, 0, 0, 1.5406, 0, "", "comment", ""},
		// header.csv: the header line is skipped; the trailing comma of the
		// last row is not a column.
		{"xy/header.csv", 4, 20, 5.5, -1, 0, 0, 0, 0, "", "comment", "2theta,intensity"},
		// decimal_comma.csv: "5,5;12,25" is 2θ = 5.5°, I = 12.25; the last
		// row's "1,2e3" is 1200.
		{"xy/decimal_comma.csv", 3, 5.5, 12.25, 2, 1200, 0, 0, 0, "", "", ""},
		// tab_comma.txt: tab-separated, "30,25" is 30.25.
		{"xy/tab_comma.txt", 3, 30.25, 1000.5, -1, 0, 0, 0, 0, "", "", ""},
		// sigma.xye: third column is the esd, √10 ≈ 3.1623 in the file.
		{"xy/sigma.xye", 3, 1.5, 10, 0, 10, 3.1623, 0, 0, "", "", ""},
		// intensities.xrdml: 5 points 10°…11°, esd of 100 counts is 10.
		{"xrdml/intensities.xrdml", 5, 10, 4, 2, 100, 10, 1.540598, 1.544426, "Cu", "sample", "Quartz standard"},
		// counts_atten.xrdml: point 3 is 25 counts × attenuation 172 = 4300
		// with esd 5 × 172 = 860; ratio 0 means no Kα2.
		{"xrdml/counts_atten.xrdml", 5, 65.5, 1, 2, 4300, 860, 1.540598, 0, "Cu", "sample", "B10135"},
		// list_multi.xrdml: first of 2 scans, 4 listed positions; 25 cps for
		// 4 s is 100 counts, esd √100/4 = 2.5 cps.
		{"xrdml/list_multi.xrdml", 4, 67.5, 25, 0, 25, 2.5, 0.7093171, 0.7136066, "Mo", "scans", "2"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			s, _, err := ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if s.Len() != tc.n || s.TwoTheta[0] != tc.x0 || s.Intensity[0] != tc.y0 {
				t.Errorf("got %d points starting (%g, %g), want %d starting (%g, %g)",
					s.Len(), s.TwoTheta[0], s.Intensity[0], tc.n, tc.x0, tc.y0)
			}
			if tc.esdAt >= 0 {
				if s.Intensity[tc.esdAt] != tc.yAt {
					t.Errorf("intensity[%d] = %g, want %g", tc.esdAt, s.Intensity[tc.esdAt], tc.yAt)
				}
				if tc.esd != 0 && (s.ESD == nil || s.ESD[tc.esdAt] != tc.esd) {
					t.Errorf("esd[%d] = %v, want %g", tc.esdAt, s.ESD, tc.esd)
				}
			}
			w := s.Wavelength
			if w.Ka1 != tc.ka1 || w.Ka2 != tc.ka2 || w.Anode != tc.anode {
				t.Errorf("wavelength %+v, want Ka1 %g Ka2 %g anode %q", w, tc.ka1, tc.ka2, tc.anode)
			}
			if w.Known() != (w.Source == diffraction.FromFile) {
				t.Errorf("wavelength source %q with Known() = %v", w.Source, w.Known())
			}
			if tc.metaKey != "" && !strings.Contains(s.Meta[tc.metaKey], tc.metaValue) {
				t.Errorf("Meta[%q] = %q, want it to contain %q", tc.metaKey, s.Meta[tc.metaKey], tc.metaValue)
			}
		})
	}
}

// xrdmlDoc wraps the content of <dataPoints> in a minimal XRDML document.
func xrdmlDoc(dataPoints string) string {
	return `<?xml version="1.0"?><xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/2.1">` +
		`<xrdMeasurement><scan scanAxis="Gonio"><dataPoints>` + dataPoints +
		`</dataPoints></scan></xrdMeasurement></xrdMeasurements>`
}

// nested returns an XRDML root holding depth nested elements.
func nested(depth int) string {
	return `<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/2.1">` +
		strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth) + `</xrdMeasurements>`
}

// truncated returns the first half of a fixture.
func truncated(t testing.TB, file string) string {
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	return string(b[:len(b)/2])
}

// twoTheta10to11 is the <positions> element for 2θ from 10° to 11°.
const twoTheta10to11 = `<positions axis="2Theta" unit="deg"><startPosition>10</startPosition><endPosition>11</endPosition></positions>`

type errorCase struct {
	name string
	in   string
	want string // substring of the message
	is   error  // when non-nil, errors.Is must hold
	line int    // when non-zero, the *SyntaxError's line
}

func errorCases(t testing.TB) []errorCase {
	return []errorCase{
		{name: "empty", in: "", want: "scan: empty file"},
		{name: "binary junk", in: "\x00\x01\x02\x89PNG\x00\xff\xfe", want: "tried xrdml, brukerraw", is: ErrFormat},
		{name: "unknown XML", in: `<?xml version="1.0"?><gpx/>`, want: "unknown format", is: ErrFormat},
		{name: "only blank", in: " \n\t\n", want: "scan: empty file"},
		{name: "text without numbers", in: "hello\nworld\n", want: "no data rows"},
		{name: "UTF-16 text", in: "\xff\xfe1\x000\x00 \x001\x00", want: "unknown format", is: ErrFormat},
		// Rows 2θ = 10°, 11°, then 10.5° on line 3 goes backwards.
		{name: "2θ not increasing", in: "10 1\n11 2\n10.5 3\n", want: "does not increase", line: 3},
		// The same 2θ twice is not strictly increasing either (line 3).
		{name: "2θ repeated", in: "# x\n10 1\n10 2\n", want: "does not increase", line: 3},
		// Negative 2θ and 180° lie outside [0°, 180°).
		{name: "2θ negative", in: "-1 1\n1 2\n", want: "outside", line: 1},
		{name: "2θ 180", in: "179 1\n180 2\n", want: "outside", line: 2},
		{name: "NaN intensity", in: "10 1\n11 NaN\n", want: "not a finite number", line: 2},
		{name: "words after data", in: "10 1\n11 2\nend of data\n", want: "not a row of 2 numbers", line: 3},
		// Line 2 has a third column that line 1 lacks.
		{name: "column count changes", in: "10 1\n11 2 3\n", want: "3 columns, but the rows above have 2", line: 2},
		{name: "one row", in: "10 1\n", want: "only one data row"},
		// A RIET7-style start (8.01°) / step (0.01°) / end (84.99°) line,
		// then ten intensities per row.
		{name: "start step end", in: "8.01 0.01 84.99\n1 2 3 4 5 6 7 8 9 10\n", want: "start/step/end", line: 2},
		{name: "line too long", in: "10 1\n11 2\n" + strings.Repeat("1", maxLineLen+1), want: "longer than", line: 3},
		{name: "truncated XML", in: truncated(t, "xrdml/intensities.xrdml"), want: "truncated", is: io.ErrUnexpectedEOF},
		{name: "XML cut after root", in: `<xrdMeasurements xmlns="http://www.xrdml.com/">`, want: "truncated", is: io.ErrUnexpectedEOF},
		// 65 levels (the root plus 64) exceed the depth limit of 64.
		{name: "nesting bomb", in: nested(1_000_000), want: "nested deeper than 64"},
		{name: "malformed XML", in: xrdmlDoc(`<counts>1 2</intensities>`), want: "element <counts> closed by </intensities>"},
		{name: "wrong root", in: `<root xmlns="http://www.xrdml.com/"/>`, want: "root element is <root>"},
		{name: "no scan", in: `<xrdMeasurements xmlns="http://www.xrdml.com/"></xrdMeasurements>`, want: "no <scan>"},
		{name: "no intensities", in: xrdmlDoc(twoTheta10to11), want: "no <counts> or <intensities>"},
		{name: "no 2θ", in: xrdmlDoc(`<counts>1 2</counts>`), want: "no 2Theta positions"},
		{name: "bad count", in: xrdmlDoc(twoTheta10to11 + `<counts>1 x2 3</counts>`), want: `value 2: "x2" is not a number`},
		{name: "bad position", in: xrdmlDoc(`<positions axis="2Theta" unit="deg"><startPosition>ten</startPosition></positions>`), want: `<startPosition> "ten" is not a number`},
		// Three listed positions for two intensities.
		{name: "list length", in: xrdmlDoc(`<positions axis="2Theta" unit="deg"><listPositions>1 2 3</listPositions></positions><counts>1 2</counts>`), want: "3 2Theta positions but 2 intensities"},
		// Two attenuation factors for three counts.
		{name: "attenuation length", in: xrdmlDoc(twoTheta10to11 + `<beamAttenuationFactors>1 1</beamAttenuationFactors><counts>1 2 3</counts>`), want: "2 beam attenuation factors but 3"},
		// An omega rocking curve: 2θ fixed at 30°.
		{name: "2θ fixed", in: xrdmlDoc(`<positions axis="2Theta" unit="deg"><commonPosition>30</commonPosition></positions><counts>1 2</counts>`), want: "2Theta is fixed at 30°"},
		{name: "2θ in radians", in: xrdmlDoc(`<positions axis="2Theta" unit="rad"><startPosition>1</startPosition></positions>`), want: "only degrees"},
		// Listed positions 10°, 12°, 11° go back at the third point.
		{name: "list not increasing", in: xrdmlDoc(`<positions axis="2Theta" unit="deg"><listPositions>10 12 11</listPositions></positions><counts>1 2 3</counts>`), want: "point 3: 2θ=11° does not increase"},
		{name: "one point", in: xrdmlDoc(twoTheta10to11 + `<counts>5</counts>`), want: "has 1 points"},
		// The text formats: each error names its line.
		// A time-of-flight bank whose times follow from the time map
		// (STD layout) cannot be read without the instrument file.
		{name: "gsas TOF time map", in: "POWGEN\nBANK 1 3 3 SLOG 1 2 3 0 STD\n 1 2 3\n", want: "time-of-flight data", line: 2},
		{name: "gsas prm", in: "            123\nINS   BANK      1\nINS   HTYPE   PXCR\n", want: "instrument parameter file", line: 2},
		{name: "gsas short bank", in: "t\nBANK 1 20 2 CONST 1000 2.5 0 0 STD\n     1     2\n", want: "has 2 of its 20 points", is: io.ErrUnexpectedEOF},
		{name: "gsas bad STD field", in: "t\nBANK 1 2 1 CONST 1000 2.5 0 0 STD\n     1    x2\n", want: `"x2" is not an intensity`, line: 3},
		{name: "uxd bad count", in: "_FILEVERSION=1\n_DRIVE='C'\n_START=10\n_STEPSIZE=0.1\n_COUNTS\n1 2 x\n", want: `"x" is not a number`, line: 6},
		{name: "uxd no data", in: "; c\n_FILEVERSION=1\n_SAMPLE='a'\n", want: "no data"},
		{name: "ras unterminated", in: "*RAS_DATA_START\n*RAS_HEADER_START\n*RAS_HEADER_END\n*RAS_INT_START\n10 1 1\n11 2 1\n", want: "*RAS_INT_END", is: io.ErrUnexpectedEOF},
		{name: "ras omega scan", in: "*RAS_DATA_START\n*RAS_HEADER_START\n*MEAS_SCAN_AXIS_X_INTERNAL \"Omega\"\n*RAS_HEADER_END\n*RAS_INT_START\n10 1 1\n11 2 1\n*RAS_INT_END\n", want: "not 2θ"},
		// 8.01° to 8.10° in 0.01° steps is 10 points; 5 are given.
		{name: "riet7 short", in: "8.01 0.01 8.10\n1 2 3 4 5\n", want: "promises 10 points but the file ends after 5", is: io.ErrUnexpectedEOF},
		{name: "chi short", in: "title\n2-Theta Angle (Degrees)\nIntensity\n5\n1 2\n2 3\n", want: "promises 5 points", is: io.ErrUnexpectedEOF},
		{name: "chi radial mm", in: "title\nRadial distance (mm)\nIntensity\n2\n1 2\n2 3\n", want: "radial distance", line: 2},
		{name: "chi q without unit", in: "title\nQ\nIntensity\n2\n1 2\n2 3\n", want: "without a unit", line: 2},
		{name: "pdcif open text", in: "data_x\n_pd_block_id a\n_pd_meas_number_of_points 2\n;\nno end\n", want: "text field", is: io.ErrUnexpectedEOF},
		{name: "pdcif no pattern", in: "data_x\n_pd_block_id a\n_cell_length_a 5\n", want: "holds a powder pattern"},
		{name: "pdcif range mismatch", in: "data_x\n_pd_meas_2theta_range_min 10\n_pd_meas_2theta_range_max 11\n_pd_meas_2theta_range_inc 0.5\nloop_\n_pd_meas_counts_total\n1 2\n", want: "give 3 points but"},
		{name: "udf count mismatch", in: "SampleIdent,a,/\nDataAngleRange, 10, 11,/\nScanStepSize, 0.5,/\nRawScan\n1, 2/\n", want: "give 3 points but the RawScan has 2"},
		{name: "cpi no scandata", in: "SIETRONICS XRD SCAN\n10\n11\n0.5\nCu\n", want: "SCANDATA", is: io.ErrUnexpectedEOF},
		{name: "rigaku dat count", in: "*TYPE = Raw\n*GROUP_COUNT = 1\n*BEGIN\n*START = 10\n*STEP = 0.5\n*COUNT = 3\n1, 2\n*END\n*EOF\n", want: "*COUNT = 3 but 2 values"},
		{name: "rruff words", in: "##NAMES=Quartz\n##RRUFFID=R1\n5.00, 12\n5.02, 13\nend\n", want: "not a row of 2θ", line: 5},
		{name: "two intensity lists", in: xrdmlDoc(twoTheta10to11 + `<counts>1 2</counts><intensities>1 2</intensities>`), want: "a second <counts>"},
	}
}

// TestDecodeErrors checks that broken inputs give the documented errors.
func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range errorCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			s, _, err := Decode(strings.NewReader(tc.in))
			if err == nil {
				t.Fatalf("no error; decoded %d points", s.Len())
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "scan: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
			if tc.line != 0 {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Line != tc.line {
					t.Errorf("error %q: want a *SyntaxError at line %d", err, tc.line)
				}
			}
		})
	}
}

// TestDownwardScan checks that an XRDML scan run from high to low 2θ (11° to
// 10°) is stored upwards, its intensities (1, 2, 3) reversed with it.
func TestDownwardScan(t *testing.T) {
	t.Parallel()
	in := xrdmlDoc(`<positions axis="2Theta" unit="deg"><startPosition>11</startPosition><endPosition>10</endPosition></positions><counts>1 2 3</counts>`)
	s, _, err := Decode(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	// Points at 10°, 10.5° and 11° hold 3, 2 and 1 counts.
	want := []float64{10, 10.5, 11, 3, 2, 1}
	got := append(append([]float64(nil), s.TwoTheta...), s.Intensity...)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got 2θ, I = %v, want %v", got, want)
		}
	}
}

// TestFormats checks the order of the format table: specific before generic,
// the delimited-text fallback last.
func TestFormats(t *testing.T) {
	t.Parallel()
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	got := strings.Join(names, " ")
	if !strings.HasPrefix(got, "xrdml ") || !strings.HasSuffix(got, " riet7 dbws xy") {
		t.Errorf("formats %q, want xrdml first and riet7, dbws, xy last", got)
	}
	// Each text format before the generic readers that would also take it.
	for _, pair := range [][2]string{{"gsas", "riet7"}, {"chi", "riet7"}, {"rruff", "xy"}, {"uxd", "xy"}} {
		if strings.Index(got, " "+pair[0]+" ") > strings.Index(got, " "+pair[1]) {
			t.Errorf("formats %q: %s must come before %s", got, pair[0], pair[1])
		}
	}
	// A DOS end-of-file mark (Ctrl-Z, 0x1a) after two rows is not data.
	if _, _, err := Decode(strings.NewReader("10 1\r\n11 2\r\n\x1a")); err != nil {
		t.Errorf("Ctrl-Z at the end: %v", err)
	}
}

// TestReadFileNamesFile checks that ReadFile errors start with the path and
// keep their cause.
func TestReadFileNamesFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xy")
	// Line 3 goes back from 11° to 10.5°.
	if err := os.WriteFile(bad, []byte("10 1\n11 2\n10.5 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := ReadFile(bad)
	if want := "scan: " + bad + ": line 3: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %q, want prefix %q", err, want)
	}
	junk := filepath.Join(dir, "junk.bin")
	if err := os.WriteFile(junk, []byte{0, 1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = ReadFile(junk)
	if err == nil || !errors.Is(err, ErrFormat) || !strings.HasPrefix(err.Error(), "scan: "+junk+": unknown format (tried") {
		t.Errorf("error %q, want ErrFormat naming the file", err)
	}
	_, _, err = ReadFile(filepath.Join(dir, "missing.xy"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want os.ErrNotExist", err)
	}
}

// TestExtensionHint checks that when two formats claim a file, ReadFile
// takes the one whose extensions include the file's, and Decode the first.
func TestExtensionHint(t *testing.T) {
	saved := formats
	t.Cleanup(func() { formats = saved })
	fake := Format{Name: "fake", Exts: []string{".fake"}, Match: func([]byte) bool { return true },
		Decode: func(io.Reader) (*diffraction.Scan, error) {
			// Two points, 10° and 20°, of intensity 1: a valid scan.
			return &diffraction.Scan{TwoTheta: []float64{10, 20}, Intensity: []float64{1, 1}}, nil
		}}
	formats = []Format{fake, saved[len(saved)-1]}
	dir := t.TempDir()
	for ext, want := range map[string]string{".xy": "xy", ".fake": "fake", ".other": "fake"} {
		p := filepath.Join(dir, "a"+ext)
		// Two rows 10°, 11°: valid xy as well.
		if err := os.WriteFile(p, []byte("10 1\n11 2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, name, err := ReadFile(p); err != nil || name != want {
			t.Errorf("%s: read as %q (%v), want %q", ext, name, err, want)
		}
	}
	if _, name, _ := Decode(strings.NewReader("10 1\n11 2\n")); name != "fake" {
		t.Errorf("Decode chose %q, want the first match", name)
	}
}

// TestWriteXYRoundTrip writes every fixture as text (with WriteXYE, to keep the esd) and reads it back: the
// numbers must be bit-for-bit the same.
func TestWriteXYRoundTrip(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/*/*")
	for _, p := range files {
		if strings.HasSuffix(p, ".golden") || strings.HasPrefix(filepath.ToSlash(p), "testdata/fuzz/") {
			continue
		}
		s, _, err := ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		// Awkward values: 0.1 + 0.2 has no short decimal form, and 1e-300
		// and 1.7976931348623157e308 (the largest float64) need exponents.
		s.Intensity[0] = 0.1 + 0.2
		if s.Len() > 2 {
			s.Intensity[1], s.Intensity[2] = 1e-300, 1.7976931348623157e308
		}
		// Uncertainties stay well below their intensities, or the reader
		// rightly takes the column for something else (plausibleESD).
		if s.ESD != nil {
			s.ESD[0] = 0.01
			if s.Len() > 2 {
				s.ESD[1], s.ESD[2] = 1e-301, 1e307
			}
		}
		var buf bytes.Buffer
		if err := WriteXYE(&buf, s); err != nil {
			t.Fatal(err)
		}
		r, name, err := Decode(&buf)
		if err != nil || name != "xy" {
			t.Fatalf("%s: reading back: %q, %v", p, name, err)
		}
		if !equalFloats(r.TwoTheta, s.TwoTheta) || !equalFloats(r.Intensity, s.Intensity) || !equalFloats(r.ESD, s.ESD) {
			t.Errorf("%s: round trip changed the points", p)
		}
		if r.Wavelength.Ka1 != s.Wavelength.Ka1 {
			t.Errorf("%s: wavelength %g read back as %g", p, s.Wavelength.Ka1, r.Wavelength.Ka1)
		}
	}
	// An invalid scan (one point) is refused.
	if err := WriteXY(io.Discard, &diffraction.Scan{TwoTheta: []float64{10}, Intensity: []float64{1}}); err == nil {
		t.Error("WriteXY wrote a one-point scan")
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestHeaderWavelength checks which header lines state a wavelength.
func TestHeaderWavelength(t *testing.T) {
	t.Parallel()
	cases := []struct {
		line string
		want float64 // 0: no wavelength
	}{
		{"Calibrated wavelength = 0.414581", 0.414581}, // 11-BM header line
		{"Wavelength (Angstrom): 1.5406", 1.5406},
		{"lambda=1.54056 A", 1.54056},
		{"λ 0.7093", 0.7093},
		{"Wavelength1 = 1.540598", 1.540598},          // "1" is an index, not the value
		{"wavelength 0.15406 nm", 1.5406},             // nm converted to Å
		{"Wavelength: CuKa", 0},                       // an anode line is not guessed
		{"Anode: Cu  Wavelength: unknown", 0},         // no number
		{"Energy / wavelength: 8.04 keV", 0},          // an energy
		{"wavelength 1540.6", 0},                      // outside 0.01–10 Å: picometres?
		{"Operator: Emmy Noether, TimePerStep 96", 0}, // no keyword
	}
	for _, tc := range cases {
		got, ok := headerWavelength([]byte(tc.line))
		if ok != (tc.want != 0) || got != tc.want {
			t.Errorf("%q: got %g, %v; want %g", tc.line, got, ok, tc.want)
		}
	}
}

// TestXMLInputCap checks the size cap: exactly the limit passes, one more
// byte fails with errTooLarge.
func TestXMLInputCap(t *testing.T) {
	t.Parallel()
	// A limit of 5 bytes against inputs of 5 and 6 bytes.
	b, err := io.ReadAll(newXMLInput(strings.NewReader("12345"), 5))
	if err != nil || string(b) != "12345" {
		t.Errorf("at the limit: %q, %v", b, err)
	}
	if _, err := io.ReadAll(newXMLInput(iotest.OneByteReader(strings.NewReader("123456")), 5)); err != errTooLarge {
		t.Errorf("over the limit: %v, want errTooLarge", err)
	}
}

func TestThirdColumnNotESD(t *testing.T) {
	// The XRD-AutoAnalyzer exports carry 2θ, counts and a background curve
	// of the same size as the counts: the third column must not become
	// uncertainties. Counts of 100 with σ = 10 (σ/I = 0.1) must.
	bg := "10.00 1882 1833.5\n10.01 1829 1834.9\n10.02 1760 1836.2\n"
	s, _, err := Decode(strings.NewReader(bg))
	if err != nil {
		t.Fatal(err)
	}
	if s.ESD != nil || s.Meta["column3"] == "" {
		t.Errorf("background column taken as esd: %v, meta %q", s.ESD, s.Meta["column3"])
	}
	sig := "10.00 100 10\n10.01 121 11\n10.02 144 12\n"
	if s, _, err = Decode(strings.NewReader(sig)); err != nil || len(s.ESD) != 3 {
		t.Errorf("uncertainty column dropped: %v, %v", s, err)
	}
}

// TestReadFileAs: --format overrides detection, and an unknown name lists
// the known ones.
func TestReadFileAs(t *testing.T) {
	// A UXD fixture read as UXD by name gives the same as detection.
	p := filepath.Join("testdata", "uxd")
	files, _ := filepath.Glob(filepath.Join(p, "*"))
	var f string
	for _, x := range files {
		if !strings.HasSuffix(x, ".golden") {
			f = x
			break
		}
	}
	a, _, err1 := ReadFile(f)
	b, name, err2 := ReadFileAs(f, "uxd")
	if err1 != nil || err2 != nil || name != "uxd" || a.Len() != b.Len() {
		t.Fatalf("%s: detected %v, forced %v (%s)", f, err1, err2, name)
	}
	// Forcing the wrong format is that format's error, naming the file.
	if _, _, err := ReadFileAs(f, "xrdml"); err == nil || !strings.Contains(err.Error(), filepath.Base(f)) {
		t.Errorf("uxd read as xrdml: %v", err)
	}
	if _, _, err := ReadFileAs(f, "nope"); err == nil || !strings.Contains(err.Error(), "brukerraw") {
		t.Errorf("unknown format: %v", err)
	}
}

// TestGSASTimeOfFlight: a time-of-flight bank that lists its times (FXYE)
// is read with the TOF axis, the DIFC of the header kept, the header's
// band-centre "wavelength" not taken for the scan's.
func TestGSASTimeOfFlight(t *testing.T) {
	in := "POWGEN Wavelength: 1.066 Angstrom\n# Total flight path 63.18m, tth 90deg, DIFC 22585.8\nBANK 2 3 3 SLOG 6776 103816 0.0004 0 FXYE\n6776.0 10.5 1.2\n6778.7 11.0 1.3\n6781.4 9.5 1.1\n"
	s, name, err := Decode(strings.NewReader(in))
	if err != nil || name != "gsas" {
		t.Fatalf("%q, %v", name, err)
	}
	if s.Axis != diffraction.AxisTOF || s.TwoTheta[0] != 6776 || s.Meta["difc"] != "22585.8" || s.Wavelength.Known() {
		t.Errorf("axis %q x0 %g difc %q wavelength %v", s.Axis, s.TwoTheta[0], s.Meta["difc"], s.Wavelength)
	}
}
