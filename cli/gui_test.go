package cli

import (
	"bytes"
	"slices"
	"testing"
)

// TestGUIView: bragg gui passes --view to the window, and with --snapshot
// to the renderer, with the files and the size.
func TestGUIView(t *testing.T) {
	var got []any
	cfg := testConfig
	cfg.GUI = func(view string, files []string) error { got = []any{"gui", view, files}; return nil }
	cfg.Snapshot = func(out string, w, h float32, view string, files []string) error {
		got = []any{"snapshot", out, w, h, view, files}
		return nil
	}
	for _, c := range []struct {
		args []string
		want []any
	}{
		{[]string{"gui", "--view", "teach", "a.xy"}, []any{"gui", "teach", []string{"a.xy"}}},
		{[]string{"gui", "--snapshot", "o.png", "--view", "browser", "--size", "900x600"}, []any{"snapshot", "o.png", float32(900), float32(600), "browser", []string(nil)}},
	} {
		got = nil
		var out, errb bytes.Buffer
		if rc := Run(cfg, c.args, &out, &errb); rc != 0 || len(got) != len(c.want) {
			t.Fatalf("%q: exit %d, %q, called %v", c.args, rc, errb.String(), got)
		}
		for i := range got {
			if f, ok := got[i].([]string); ok {
				if !slices.Equal(f, c.want[i].([]string)) {
					t.Errorf("%q: files %q", c.args, f)
				}
			} else if got[i] != c.want[i] {
				t.Errorf("%q: argument %d is %v, want %v", c.args, i, got[i], c.want[i])
			}
		}
	}
}
