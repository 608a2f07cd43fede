package fastconvert

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/bragg-xrd/bragg/cli/convert"
)

// xyFile writes a small two-column scan.
func xyFile(t *testing.T, dir, name string) string {
	t.Helper()
	var b bytes.Buffer
	for i := range 50 {
		fmt.Fprintf(&b, "%.2f %d\n", 10+0.01*float64(i), 100+i%7)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTry: a convert that succeeds is done here, with the bytes the
// command line's convert writes; help, flag errors, usage errors and
// unreadable files are left to the command line (ok false).
func TestTry(t *testing.T) {
	dir := t.TempDir()
	in := xyFile(t, dir, "a.xy")
	out := filepath.Join(dir, "a.csv")
	if rc, ok := try([]string{in, "-o", out}); !ok || rc != 0 {
		t.Fatalf("convert to -o: rc %d, ok %v", rc, ok)
	}
	var want bytes.Buffer
	if err := convert.Run(convert.Options{To: "csv"}, []string{in}, &want, t.Errorf); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(out); err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Errorf("fast path wrote %q, the command writes %q (%v)", got, want.Bytes(), err)
	}
	batch := filepath.Join(dir, "batch")
	if err := os.Mkdir(batch, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"help", []string{in, "--help"}},
		{"unknown flag", []string{in, "--nope"}},
		{"usage: two files without -m", []string{in, in}},
		{"unknown output format", []string{in, "--to", "raw"}},
		{"missing file", []string{filepath.Join(dir, "missing.xy"), "-o", filepath.Join(dir, "m.xy")}},
		{"batch with a missing file", []string{"-m", batch, in, filepath.Join(dir, "missing.xy")}},
	} {
		if _, ok := try(c.args); ok {
			t.Errorf("%s: handled by the fast path, want it left to the command line", c.name)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "m.xy")); err == nil {
		t.Error("a failed convert left an output file")
	}
}
