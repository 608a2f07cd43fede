package scan

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// roundTripScans are the fixtures whose points, wavelength and metadata the
// writers must carry.
func roundTripScans(t *testing.T) map[string]*diffraction.Scan {
	t.Helper()
	out := map[string]*diffraction.Scan{}
	for _, f := range []string{"xrdml/intensities.xrdml", "xrdml/counts_atten.xrdml", "xy/sigma.xye", "uxd/counts.uxd",
		"ras/two_scans.ras", "udf/quartz.udf", "gsas/fxye.fxye", "rruff/quartz.txt", "riet7/d1a.dat"} {
		s, _, err := ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		out[f] = s
	}
	// Unequal steps, which XRDML must store as <listPositions>.
	out["uneven"] = &diffraction.Scan{TwoTheta: []float64{10, 10.1, 10.25, 10.3000000000001}, Intensity: []float64{1, 2.5, 1.0 / 3, 4},
		Wavelength: diffraction.Wavelength{Ka1: 0.7093171, Source: diffraction.FromFile}, Meta: map[string]string{"sample": "odd <&> name", "units": "cps", "counting_time": "2"}}
	return out
}

// TestRoundTrip writes every round-trip scan in every format and reads it
// back: the points must be identical (float64 for float64); XRDML must also
// keep the wavelength and the sample, date, counting time, units and
// instrument; xye keeps the esds.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for name, s := range roundTripScans(t) {
		for format := range Writers {
			t.Run(name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, s, format); err != nil {
					t.Fatal(err)
				}
				r, got, err := Decode(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatalf("reading back: %v\n%s", err, clip(buf.Bytes()))
				}
				want := map[string]string{"xy": "xy", "xye": "xy", "csv": "xy", "xrdml": "xrdml"}[format]
				if got != want {
					t.Errorf("read back as %s, want %s", got, want)
				}
				if !equalFloats(r.TwoTheta, s.TwoTheta) || !equalFloats(r.Intensity, s.Intensity) {
					t.Fatalf("points differ: got %v %v, want %v %v", r.TwoTheta[:2], r.Intensity[:2], s.TwoTheta[:2], s.Intensity[:2])
				}
				if (format == "xye" || format == "csv") && s.ESD != nil && !equalFloats(r.ESD, s.ESD) {
					// The delimited-text reader drops a third column that
					// does not look like esds (σ/I ≥ 0.5 and far from
					// √I), as the D1A esds of intensities below 1 are.
					if r.ESD != nil || r.Meta["column3"] == "" {
						t.Errorf("esds differ")
					}
				}
				if format == "xy" || format == "xye" || format == "xrdml" {
					if r.Wavelength.Ka1 != s.Wavelength.Ka1 {
						t.Errorf("wavelength %v, want %v", r.Wavelength, s.Wavelength)
					}
				}
				if format != "xrdml" {
					return
				}
				w, v := r.Wavelength, s.Wavelength
				if w.Ka2 != v.Ka2 || w.Ratio != v.Ratio || w.Kb != v.Kb || w.Anode != v.Anode || w.Known() && w.Source != diffraction.FromFile {
					t.Errorf("wavelength %+v, want %+v", w, v)
				}
				for _, k := range []string{"sample", "date", "counting_time", "units", "instrument"} {
					if s.Meta[k] != "" && r.Meta[k] != s.Meta[k] && !(k == "counting_time" && sameNumber(r.Meta[k], s.Meta[k])) {
						t.Errorf("Meta[%q] = %q, want %q", k, r.Meta[k], s.Meta[k])
					}
				}
				if c := s.Meta["comment"]; c != "" && !strings.HasPrefix(r.Meta["comment"], c) {
					t.Errorf("comment %q, want %q", r.Meta["comment"], c)
				}
			})
		}
	}
}

func sameNumber(a, b string) bool {
	x, ok1 := atof(a)
	y, ok2 := atof(b)
	return ok1 && ok2 && x == y
}

// TestWriteXRDMLXyconv checks that xylib reads the XRDML Bragg writes, with
// the same points (printed to six decimals) and wavelength.
func TestWriteXRDMLXyconv(t *testing.T) {
	xyconv, err := exec.LookPath("xyconv")
	if err != nil {
		t.Skip("xyconv (libxy-bin) not on PATH")
	}
	for name, s := range roundTripScans(t) {
		var buf bytes.Buffer
		if err := WriteXRDML(&buf, s); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "out.xrdml")
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(xyconv, "-t", "xrdml", p, "-").CombinedOutput()
		if err != nil {
			t.Errorf("%s: xyconv: %v\n%s", name, err, out)
			continue
		}
		_, rows, err := xyconvTable(out)
		if err != nil || len(rows) != s.Len() {
			t.Errorf("%s: xyconv gave %d rows (%v), want %d", name, len(rows), err, s.Len())
			continue
		}
		for i, row := range rows {
			if x := strings.TrimRight(strings.TrimRight(row[0], "0"), "."); math.Abs(s.TwoTheta[i]-mustAtof(t, row[0])) > 5e-7 || math.Abs(s.Intensity[i]-mustAtof(t, row[1])) > 5e-7*max(1, math.Abs(s.Intensity[i])) {
				t.Errorf("%s: point %d: xyconv %s %s, want %g %g", name, i+1, x, row[1], s.TwoTheta[i], s.Intensity[i])
				break
			}
		}
		if s.Wavelength.Known() && !bytes.Contains(out, []byte("alpha1")) && !bytes.Contains(out, []byte("lambda")) {
			t.Logf("%s: xyconv metadata: %s", name, clip(out))
		}
	}
}

func mustAtof(t *testing.T, s string) float64 {
	v, ok := atof(s)
	if !ok {
		t.Fatalf("%q is not a number", s)
	}
	return v
}

// TestWriteErrors checks the writers' refusals.
func TestWriteErrors(t *testing.T) {
	t.Parallel()
	q := &diffraction.Scan{Axis: diffraction.AxisQ, TwoTheta: []float64{1, 2}, Intensity: []float64{3, 4}}
	if err := WriteXRDML(&bytes.Buffer{}, q); err == nil || !strings.Contains(err.Error(), "axis is q") {
		t.Errorf("WriteXRDML of a q scan: %v", err)
	}
	if err := Write(&bytes.Buffer{}, q, "pdf"); err == nil || !strings.Contains(err.Error(), "csv, xrdml, xy, xye") {
		t.Errorf("Write pdf: %v", err)
	}
	var b bytes.Buffer
	if err := Write(&b, q, ".CSV"); err != nil || !strings.HasPrefix(b.String(), "q,intensity\n1,3\n") {
		t.Errorf("Write .CSV: %v %q", err, b.String())
	}
}

// TestToTwoTheta converts d and q scans with Bragg's law and checks that a
// scan without a wavelength keeps its axis.
func TestToTwoTheta(t *testing.T) {
	t.Parallel()
	const lambda = 1.5405929
	// d = λ/(2 sin θ): at 2θ = 60°, sin 30° = 0.5, so d = λ; at 2θ = 90°,
	// d = λ/√2. q = 4π sin θ/λ: at 2θ = 60°, q = 2π/λ.
	d := &diffraction.Scan{Axis: diffraction.AxisD, TwoTheta: []float64{lambda / math.Sqrt2, lambda}, Intensity: []float64{1, 2}}
	if err := ToTwoTheta(d, diffraction.Wavelength{Ka1: lambda, Source: diffraction.FromFlag}); err != nil {
		t.Fatal(err)
	}
	if d.Axis != diffraction.AxisTwoTheta || math.Abs(d.TwoTheta[0]-60) > 1e-9 || math.Abs(d.TwoTheta[1]-90) > 1e-9 || d.Intensity[0] != 2 {
		t.Errorf("d → 2θ: %v %v", d.TwoTheta, d.Intensity)
	}
	if d.Wavelength.Source != diffraction.FromFlag {
		t.Errorf("wavelength not recorded: %v", d.Wavelength)
	}
	q := &diffraction.Scan{Axis: diffraction.AxisQ, TwoTheta: []float64{1, 2 * math.Pi / lambda}, Intensity: []float64{1, 2}}
	if err := ToTwoTheta(q, diffraction.Wavelength{}); !errors.Is(err, ErrNoWavelength) || q.Axis != diffraction.AxisQ || q.Meta["axis_note"] == "" {
		t.Errorf("q without wavelength: %v, axis %q, meta %v", err, q.Axis, q.Meta)
	}
	if err := ToTwoTheta(q, diffraction.Wavelength{Ka1: lambda}); err != nil || math.Abs(q.TwoTheta[1]-60) > 1e-9 {
		t.Errorf("q → 2θ: %v %v", err, q.TwoTheta)
	}
	far := &diffraction.Scan{Axis: diffraction.AxisD, TwoTheta: []float64{0.1, 1}, Intensity: []float64{1, 2}}
	if err := ToTwoTheta(far, diffraction.Wavelength{Ka1: lambda}); err == nil || far.Axis != diffraction.AxisD {
		t.Errorf("d below λ/2 converted: %v", err)
	}
}
