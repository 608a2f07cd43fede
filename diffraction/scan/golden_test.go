package scan

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// dump is the canonical text form of a decoded scan that golden files hold:
// the format, the header fields, then one line per point with 2θ, intensity
// and esd printed with %.6g.
func dump(s *diffraction.Scan, format string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "format: %s\n", format)
	fmt.Fprintf(&b, "points: %d\n", s.Len())
	if s.Axis != diffraction.AxisTwoTheta {
		fmt.Fprintf(&b, "axis: %s\n", s.Axis)
	}
	fmt.Fprintf(&b, "wavelength: %s\n", s.Wavelength)
	if s.Wavelength.Known() {
		w := s.Wavelength
		fmt.Fprintf(&b, "wavelength.fields: anode=%q ka1=%.8g ka2=%.8g ratio=%.4g kb=%.8g\n", w.Anode, w.Ka1, w.Ka2, w.Ratio, w.Kb)
	}
	keys := make([]string, 0, len(s.Meta))
	for k := range s.Meta {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "meta.%s: %q\n", k, s.Meta[k])
	}
	if s.ESD != nil {
		b.WriteString("# 2θ intensity esd\n")
	} else {
		b.WriteString("# 2θ intensity\n")
	}
	for i := range s.TwoTheta {
		fmt.Fprintf(&b, "%.6g %.6g", s.TwoTheta[i], s.Intensity[i])
		if s.ESD != nil {
			fmt.Fprintf(&b, " %.6g", s.ESD[i])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// checkGolden compares got with the file golden, or rewrites it with -update.
func checkGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Fatalf("%s: line %d differs:\n got: %s\nwant: %s", filepath.Base(golden), i+1, g, w)
		}
	}
}
