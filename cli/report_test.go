package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/xuri/excelize/v2"
	"gonum.org/v1/plot/vg"

	"github.com/bragg-xrd/bragg/report"
)

// summaryValue returns the value beside a label on a workbook's Summary.
func summaryValue(t *testing.T, path, label string) string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(report.SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) > 1 && r[0] == label {
			return r[1]
		}
	}
	return ""
}

// TestReportLab: the lab's fields come from the template, overridden by
// the flags, and the element restraints are recorded.
func TestReportLab(t *testing.T) {
	f := demoFile(t)
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "lab.toml")
	if err := os.WriteFile(tmpl, []byte("laboratory = \"X-ray lab\"\noperator = \"A. Default\"\napproval = [\"Checked by\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.xlsx")
	rc, _, errs := run("report", f, "-o", out, "--template", tmpl, "--operator", "B. Technician", "--sample", "S-17",
		"--project", "P-3", "--comment", "as received", "--only", "Si,Ca,Al,C,O", "--wavelength", "CuKa")
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, errs)
	}
	for label, want := range map[string]string{
		"Operator":           "B. Technician",
		"Sample":             "S-17",
		"Project / customer": "P-3",
		"Comment":            "as received",
		"Element restraints": "only Si, Ca, Al, C, O",
		"Checked by":         "Name:                                  Signature:                                  Date:",
	} {
		if got := summaryValue(t, out, label); got != want {
			t.Errorf("%s got: %q want: %q", label, got, want)
		}
	}
	// A template with a misspelt key is an error naming it.
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"operater": "A"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if rc, _, errs := run("report", f, "-o", out, "--template", bad); rc != 1 || !strings.Contains(errs, `unknown field "operater"`) {
		t.Errorf("bad template: exit %d, %q", rc, errs)
	}
}

// batchInput is a folder with n copies of the demo scan and, when bad,
// a file that is not a scan.
func batchInput(t *testing.T, n int, bad bool) string {
	t.Helper()
	demo, err := os.ReadFile(demoFile(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := range n {
		if err := os.WriteFile(filepath.Join(dir, "demo"+string(rune('a'+i))+".xy"), demo, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if bad {
		if err := os.WriteFile(filepath.Join(dir, "bad.xy"), []byte("no data here\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReportBatch(t *testing.T) {
	in := batchInput(t, 2, true)
	out := filepath.Join(t.TempDir(), "reports")
	rc, _, errs := run("report", in, "-o", out, "--jobs", "2", "--wavelength", "CuKa", "--operator", "A. Technician")
	// One file failed: exit 1, its reason listed, the rest reported.
	if rc != 1 || !strings.Contains(errs, "bad.xy") || !strings.Contains(errs, "3 scans: 2 reported (") || !strings.Contains(errs, "1 failed; summary "+filepath.Join(out, "summary.xlsx")) {
		t.Errorf("batch: exit %d, stderr:\n%s", rc, errs)
	}
	// Not a terminal: a line per scan.
	if n := strings.Count(errs, "bragg: ["); n != 3 {
		t.Errorf("%d progress lines, want 3:\n%s", n, errs)
	}
	for _, name := range []string{"demoa.xlsx", "demob.xlsx", "summary.xlsx"} {
		if _, err := excelize.OpenFile(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if got := summaryValue(t, filepath.Join(out, "demoa.xlsx"), "Operator"); got != "A. Technician" {
		t.Errorf("operator %q", got)
	}
	// Nothing is overwritten without --force.
	if rc, _, errs := run("report", in, "-o", out); rc != 1 || !strings.Contains(errs, "summary.xlsx exists: not overwritten") {
		t.Errorf("second batch: exit %d, %q", rc, errs)
	}
	if rc, _, errs := run("report", in, "-o", out, "--force", "--wavelength", "CuKa"); rc != 1 || !strings.Contains(errs, "2 reported") {
		t.Errorf("second batch with --force: exit %d, %q", rc, errs)
	}
	// One file and an -o that is no workbook is a mistake, not a folder.
	if rc, _, errs := run("report", filepath.Join(in, "demoa.xy"), "-o", filepath.Join(out, "r.xls")); rc != 2 || !strings.Contains(errs, "a workbook is written as .xlsx") {
		t.Errorf("-o r.xls: exit %d, %q", rc, errs)
	}
	// A batch takes each scan's sample from its file.
	if rc, _, errs := run("report", in, "-o", out, "--sample", "S-1"); rc != 2 || !strings.Contains(errs, "--sample names the sample of one scan") {
		t.Errorf("--sample in a batch: exit %d, %q", rc, errs)
	}
}

// lockedWriter is a writer safe for the batch's goroutines that calls
// onLine for every line written.
type lockedWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	onLine func(string)
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.onLine != nil {
		for _, l := range strings.Split(strings.TrimSpace(string(p)), "\n") {
			w.onLine(l)
		}
	}
	return len(p), nil
}

// TestReportBatchInterrupt sends the process SIGINT, as Ctrl-C does, when
// the first of eight scans is reported: the batch stops, says so, writes
// no summary and leaves only complete workbooks.
func TestReportBatchInterrupt(t *testing.T) {
	in := batchInput(t, 8, false)
	out := t.TempDir()
	var once sync.Once
	errw := &lockedWriter{onLine: func(l string) {
		if strings.HasPrefix(l, "bragg: [1/8]") {
			once.Do(func() { syscall.Kill(os.Getpid(), syscall.SIGINT) })
		}
	}}
	var stdout bytes.Buffer
	rc := Run(testConfig, []string{"report", in, "-o", out, "--jobs", "2", "--wavelength", "CuKa"}, &stdout, errw)
	errs := errw.buf.String()
	if rc != 1 || !strings.Contains(errs, "interrupted: ") || !strings.Contains(errs, "no summary written") {
		t.Fatalf("interrupted batch: exit %d, stderr:\n%s", rc, errs)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) == 0 || len(ents) == 8 {
		t.Errorf("%d workbooks: the batch should have stopped early", len(ents))
	}
	for _, e := range ents {
		if e.Name() == "summary.xlsx" || strings.HasPrefix(e.Name(), ".") {
			t.Errorf("%s left in the folder", e.Name())
			continue
		}
		f, err := excelize.OpenFile(filepath.Join(out, e.Name()))
		if err != nil {
			t.Errorf("%s is not a complete workbook: %v", e.Name(), err)
			continue
		}
		f.Close()
	}
}

// TestJSONLines: identify and peaks on several files write one JSON
// object per line, each the object the command writes for that file
// alone; a file that fails is reported and the others written.
func TestJSONLines(t *testing.T) {
	in := batchInput(t, 2, true)
	for _, cmd := range []string{"identify", "peaks"} {
		rc, single, errs := run(cmd, filepath.Join(in, "demoa.xy"), "--json", "--wavelength", "CuKa")
		if rc != 0 {
			t.Fatalf("%s: exit %d: %s", cmd, rc, errs)
		}
		var one any
		if err := json.Unmarshal([]byte(single), &one); err != nil {
			t.Fatal(err)
		}
		rc, out, errs := run(cmd, in, "--json", "--wavelength", "CuKa", "--jobs", "2")
		if rc != 1 || !strings.Contains(errs, "bad.xy") || !strings.Contains(errs, "1 of 3 files failed") {
			t.Errorf("%s: exit %d, stderr %q", cmd, rc, errs)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("%s: %d lines, want 2:\n%s", cmd, len(lines), out)
		}
		for i, l := range lines {
			var v map[string]any
			if err := json.Unmarshal([]byte(l), &v); err != nil {
				t.Fatalf("%s line %d: %v", cmd, i+1, err)
			}
			// The same object as the file's own, but for its name.
			v["file"] = filepath.Join(in, "demoa.xy")
			a, _ := json.Marshal(v)
			b, _ := json.Marshal(one)
			if !bytes.Equal(a, b) {
				t.Errorf("%s line %d differs from the single-file object", cmd, i+1)
			}
		}
	}
}

func TestPlot(t *testing.T) {
	f := demoFile(t)
	dir := t.TempDir()
	for _, c := range []struct {
		name   string
		args   []string
		prefix string
	}{
		{"fig.svg", nil, "<?xml"},
		{"fig.pdf", nil, "%PDF-"},
		{"fig.png", []string{"--size", "800x450px", "--dpi", "100"}, "\x89PNG"},
	} {
		out := filepath.Join(dir, c.name)
		args := append([]string{"plot", f, "-o", out, "--wavelength", "CuKa", "--title", "Demo"}, c.args...)
		if rc, _, errs := run(args...); rc != 0 {
			t.Fatalf("%s: exit %d: %s", c.name, rc, errs)
		}
		b, err := os.ReadFile(out)
		if err != nil || !strings.HasPrefix(string(b), c.prefix) {
			t.Errorf("%s: %.20q, %v", c.name, b, err)
		}
	}
	for _, args := range [][]string{
		{"plot", f, "-o", filepath.Join(dir, "fig.gif")},
		{"plot", f, "-o", filepath.Join(dir, "fig.svg"), "--size", "17x10"},
		{"plot", f, "-o", filepath.Join(dir, "fig.png"), "--size", "1x1cm"},
		{"plot", f},
	} {
		if rc, _, _ := run(args...); rc != 2 && rc != 1 {
			t.Errorf("%q: exit %d, want an error", args, rc)
		}
	}
	if rc, _, errs := run("plot", f, "-o", filepath.Join(dir, "fig.gif")); rc != 2 || !strings.Contains(errs, ".png, .svg or .pdf") {
		t.Errorf("GIF: exit %d, %q", rc, errs)
	}
}

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		s    string
		w, h vg.Length
	}{
		{"17x10cm", 17 * vg.Centimeter, 10 * vg.Centimeter},
		{"6.5x4in", 6.5 * vg.Inch, 4 * vg.Inch},
		{"480x300pt", 480, 300},
		{"150x100mm", 15 * vg.Centimeter, 10 * vg.Centimeter},
		{"600x300px", 2 * vg.Inch, 1 * vg.Inch}, // at 300 dpi
	} {
		got, err := parseSize(c.s, 300)
		if err != nil || !near(float64(got.Width), float64(c.w)) || !near(float64(got.Height), float64(c.h)) {
			t.Errorf("parseSize(%q) got: %+v, %v want: %v × %v", c.s, got, err, c.w, c.h)
		}
	}
	for _, s := range []string{"17x10", "17cm", "x10cm", "-1x10cm", "axbcm"} {
		if _, err := parseSize(s, 300); err == nil {
			t.Errorf("parseSize(%q): no error", s)
		}
	}
}

func near(a, b float64) bool { return a-b < 1e-9*b && b-a < 1e-9*b }

// TestProgressBar: on a terminal the bar is redrawn in place and messages
// are printed above it.
func TestProgressBar(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, tty: true}
	p.update(1, 3, "/data/a.xy")
	p.line(2, 3, "failed: /data/b.xy: no data")
	p.done()
	want := "\r\033[K[██████████····················] 1/3 a.xy" +
		"\r\033[Kbragg: failed: /data/b.xy: no data\n" +
		"\r\033[K[████████████████████··········] 2/3 \n"
	if b.String() != want {
		t.Errorf("got: %q\nwant: %q", b.String(), want)
	}
	if isTerminal(&b) {
		t.Error("a buffer taken for a terminal")
	}
}
