package scan

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// FuzzDecode requires that no input makes Decode panic, and that whatever it
// accepts is a valid scan that survives a WriteXY round trip. Seeds are the
// fixtures and the error table.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/*")
	for _, p := range files {
		if strings.HasSuffix(p, ".golden") || strings.HasPrefix(filepath.ToSlash(p), "testdata/fuzz/") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tc := range errorCases(f) {
		if len(tc.in) < 64<<10 { // the fuzzer mutates small inputs best
			f.Add([]byte(tc.in))
		}
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		s, name, err := Decode(bytes.NewReader(in))
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("%s: decoded an invalid scan: %v", name, err)
		}
		if s.Axis != diffraction.AxisTwoTheta {
			// Plain xy text has no axis marker, and a q or d axis may
			// exceed 180, which the xy reader takes for a bad 2θ.
			return
		}
		var buf bytes.Buffer
		if err := WriteXY(&buf, s); err != nil {
			t.Fatalf("%s: WriteXY: %v", name, err)
		}
		r, _, err := Decode(&buf)
		if err != nil {
			t.Fatalf("%s: reading back WriteXY output: %v", name, err)
		}
		if !equalFloats(r.TwoTheta, s.TwoTheta) || !equalFloats(r.Intensity, s.Intensity) {
			t.Fatalf("%s: WriteXY round trip changed the points", name)
		}
	})
}
