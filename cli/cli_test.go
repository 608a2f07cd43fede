package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// testConfig is the command line's configuration in the tests: the
// bundled database and a user database in a temporary folder (TestMain),
// and no window.
var testConfig Config

// run runs the command line and returns its exit status and streams.
func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	rc := Run(testConfig, args, &out, &errb)
	return rc, out.String(), errb.String()
}

// demoFile writes the demo pattern as a two-column text file, which has no
// wavelength, as plain .xy exports have none.
func demoFile(t *testing.T) string {
	t.Helper()
	db, err := assets.RefDB()
	if err != nil {
		t.Fatal(err)
	}
	s, err := analysis.DemoScan(db)
	if err != nil {
		t.Fatal(err)
	}
	s.Wavelength = diffraction.Wavelength{}
	p := filepath.Join(t.TempDir(), "demo.xy")
	var b bytes.Buffer
	if err := scan.WriteXY(&b, s); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInfoJSON(t *testing.T) {
	f := demoFile(t)
	rc, out, errs := run("info", f, "--json")
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, errs)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	// The contract's names (README, "Machine-readable output").
	for _, k := range []string{"file", "format", "points", "two_theta_min", "two_theta_max", "step", "wavelength", "metadata"} {
		if _, ok := v[k]; !ok {
			t.Errorf("info --json lacks %q", k)
		}
	}
	w := v["wavelength"].(map[string]any)
	for _, k := range []string{"ka1", "ka2", "ratio", "source"} {
		if _, ok := w[k]; !ok {
			t.Errorf("wavelength lacks %q", k)
		}
	}
	// The demo spans 10–80° in 0.02° steps: 3501 points.
	if v["points"].(float64) != 3501 || w["source"] != "assumed" {
		t.Errorf("points %v source %v, want 3501 and assumed", v["points"], w["source"])
	}
	if !strings.Contains(errs, "assuming Cu Kα") {
		t.Errorf("no warning about the assumed wavelength on stderr: %q", errs)
	}
	// With --wavelength the source is the flag, and no warning.
	rc, out, errs = run("info", "--wavelength", "CuKa", f, "--json")
	if rc != 0 || !strings.Contains(out, `"source": "flag"`) || errs != "" {
		t.Errorf("--wavelength: exit %d, out %q, err %q", rc, out, errs)
	}
}

func TestIdentifyAndPeaksJSON(t *testing.T) {
	f := demoFile(t)
	rc, out, errs := run("identify", f, "--json", "--top", "4", "--wavelength", "CuKa")
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, errs)
	}
	var v struct {
		Phases []struct {
			ID, Name, Formula string
			FOM               float64 `json:"fom"`
			Scale             float64
			WeightPercent     float64 `json:"weight_percent"`
		}
		Candidates []struct{ ID, Name, Formula string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	// The demo is quartz, calcite and corundum (50/30/20 wt %).
	got := map[string]bool{}
	for _, p := range v.Phases {
		got[p.Formula] = true
	}
	if len(v.Phases) != 3 || !got["SiO2"] || !got["CaCO3"] || !got["Al2O3"] {
		t.Errorf("phases %+v, want SiO2, CaCO3, Al2O3", v.Phases)
	}
	if len(v.Candidates) != 4 {
		t.Errorf("%d candidates, want --top 4", len(v.Candidates))
	}

	rc, out, _ = run("peaks", f, "--json")
	var pv struct {
		Peaks []map[string]float64
	}
	if rc != 0 || json.Unmarshal([]byte(out), &pv) != nil || len(pv.Peaks) < 20 {
		t.Fatalf("peaks: exit %d, %d peaks", rc, len(pv.Peaks))
	}
	for _, k := range []string{"two_theta", "d", "height", "area", "fwhm", "rel_intensity"} {
		if _, ok := pv.Peaks[0][k]; !ok {
			t.Errorf("peak lacks %q", k)
		}
	}
}

func TestConvertAndReport(t *testing.T) {
	f := demoFile(t)
	rc, out, _ := run("convert", f, "--to", "xy")
	if rc != 0 || strings.Count(out, "\n") != 3501 {
		t.Errorf("convert: exit %d, %d lines, want 3501", rc, strings.Count(out, "\n"))
	}
	// Every writer, chosen by --to or by -o's extension, reads back with
	// the same 3501 points.
	dir := t.TempDir()
	for _, args := range [][]string{{"--to", "csv", "-o", filepath.Join(dir, "a.txt")}, {"-o", filepath.Join(dir, "b.xrdml")}, {"-o", filepath.Join(dir, "c.xye")}} {
		if rc, _, errs := run(append([]string{"convert", f}, args...)...); rc != 0 {
			t.Fatalf("convert %v: exit %d: %s", args, rc, errs)
		}
		s, _, err := scan.ReadFile(args[len(args)-1])
		if err != nil || s.Len() != 3501 {
			t.Errorf("convert %v: read back %v points, %v", args, s, err)
		}
	}
	// Batch: two files into a directory; a missing one is reported, the
	// other converted, exit 1.
	batch := t.TempDir()
	rc, _, errs := run("convert", "-m", batch, "--to", "csv", f, filepath.Join(dir, "missing.xy"))
	if rc != 1 || !strings.Contains(errs, "missing.xy") {
		t.Errorf("batch convert: exit %d, stderr %q", rc, errs)
	}
	if s, _, err := scan.ReadFile(filepath.Join(batch, "demo.csv")); err != nil || s.Len() != 3501 {
		t.Errorf("batch output: %v", err)
	}
	// Two inputs with one base name: the second would overwrite the
	// first's output, so it is refused and named (the batch runs in
	// parallel, so "last wins" would not even be deterministic).
	other := filepath.Join(t.TempDir(), "demo.xy")
	if b, err := os.ReadFile(f); err != nil || os.WriteFile(other, b, 0o644) != nil {
		t.Fatal(err)
	}
	rc, _, errs = run("convert", "-m", batch, f, other)
	if rc != 1 || !strings.Contains(errs, other+": not converted") || strings.Count(errs, "\n") != 2 {
		t.Errorf("batch with one base name twice: exit %d, stderr %q", rc, errs)
	}
	if rc, _, _ := run("convert", f, f); rc != 2 {
		t.Errorf("two files without -m: exit %d, want 2", rc)
	}
	if rc, _, _ := run("convert", f, "--to", "raw"); rc != 2 {
		t.Errorf("convert --to raw: exit %d, want 2", rc)
	}
	x := filepath.Join(t.TempDir(), "r.xlsx")
	if rc, _, errs := run("report", f, "-o", x); rc != 0 {
		t.Fatalf("report: exit %d: %s", rc, errs)
	}
	if b, err := os.ReadFile(x); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("report is not a zip (xlsx): %v", err)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.xy")
	os.WriteFile(empty, nil, 0o644)
	junk := filepath.Join(dir, "junk.raw")
	os.WriteFile(junk, []byte{0, 1, 2, 0xff, 0xfe, 0, 0, 7, 'R', 'A', 'W'}, 0o644)
	words := filepath.Join(dir, "words.txt")
	os.WriteFile(words, []byte("hello\nworld\n"), 0o644)
	out := filepath.Join(dir, "out.xlsx")
	for _, f := range []string{filepath.Join(dir, "missing.xy"), empty, junk, words} {
		for _, args := range [][]string{{"info", f}, {"peaks", f}, {"identify", f}, {"report", f, "-o", out}} {
			rc, stdout, errs := run(args...)
			if rc != 1 || stdout != "" {
				t.Errorf("%v: exit %d, stdout %q; want 1 and nothing", args, rc, stdout)
			}
			if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, filepath.Base(f)) {
				t.Errorf("%v: stderr %q is not one line naming the file", args, errs)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%v: output file left behind", args)
			}
		}
	}
}

func TestUsage(t *testing.T) {
	if rc, _, _ := run("nosuchcommand"); rc != 2 {
		t.Errorf("unknown command: exit %d, want 2", rc)
	}
	// The message says what is wrong (it once said only "usage").
	if rc, _, errs := run("report", "x.xy"); rc != 2 || errs != "bragg: report: -o OUT.xlsx (or -o OUTDIR for several scans) is required\n" {
		t.Errorf("report without -o: exit %d, stderr %q; want 2 and what is missing", rc, errs)
	}
	if rc, _, _ := run("identify", "--top"); rc != 2 {
		t.Errorf("flag without value: exit %d, want 2", rc)
	}
	rc, out, _ := run("--help")
	if rc != 0 {
		t.Errorf("--help: exit %d", rc)
	}
	for _, c := range commands {
		if !strings.Contains(out, c.name) {
			t.Errorf("--help does not list %s", c.name)
		}
		rc, out, _ := run(c.name, "--help")
		if rc != 0 || !strings.Contains(out+c.summary, "usage: bragg "+c.name) {
			t.Errorf("%s --help: exit %d", c.name, rc)
		}
	}
	// Every flag of identify is described.
	_, out, _ = run("identify", "--help")
	for _, f := range []string{"-json", "-top", "-wavelength", "-require", "-exclude", "-only"} {
		if !strings.Contains(out, f) {
			t.Errorf("identify --help does not describe %s", f)
		}
	}
}

func TestFormatFlag(t *testing.T) {
	f := demoFile(t)
	if rc, out, errs := run("info", f, "--format", "xy", "--json"); rc != 0 || !strings.Contains(out, `"format": "xy"`) {
		t.Errorf("--format xy: exit %d: %s", rc, errs)
	}
	// Forced to the wrong format: that reader's error, naming the file.
	if rc, _, errs := run("info", f, "--format", "xrdml"); rc != 1 || !strings.Contains(errs, "demo.xy") {
		t.Errorf("--format xrdml on text: exit %d: %s", rc, errs)
	}
	if rc, _, errs := run("convert", f, "--format", "nope"); rc != 1 || !strings.Contains(errs, "unknown format") {
		t.Errorf("--format nope: exit %d: %s", rc, errs)
	}
}

func TestPeaksSize(t *testing.T) {
	f := demoFile(t)
	// The demo's widths come from U, V, W = 0.004, −0.002, 0.003 deg²
	// (analysis.DemoScan): with a smaller instrument the rest is "size".
	rc, out, errs := run("peaks", f, "--wavelength", "CuKa", "--size", "--caglioti", "0.001,0,0.001", "--json")
	var v struct {
		Peaks []map[string]float64
		Size  struct {
			ScherrerNM     []*float64                         `json:"scherrer_nm"`
			WilliamsonHall *struct{ SizeNM, Strain *float64 } `json:"williamson_hall"`
		}
	}
	if rc != 0 || json.Unmarshal([]byte(out), &v) != nil {
		t.Fatalf("exit %d: %s", rc, errs)
	}
	if len(v.Size.ScherrerNM) != len(v.Peaks) || v.Size.WilliamsonHall == nil {
		t.Errorf("%d sizes for %d peaks, W–H %v; stderr %q", len(v.Size.ScherrerNM), len(v.Peaks), v.Size.WilliamsonHall, errs)
	}
	if rc, _, _ := run("peaks", f, "--caglioti", "1,2"); rc != 2 {
		t.Errorf("--caglioti 1,2: exit %d, want 2", rc)
	}
}

// TestPeaksInstrument fits the instrumental width to a "standard" scan —
// here the demo itself, whose widths follow U, V, W = 0.004, −0.002,
// 0.003 deg² — and reports it; the sizes are then those of a sample no
// broader than the instrument (most peaks give none).
func TestPeaksInstrument(t *testing.T) {
	f := demoFile(t)
	rc, _, errs := run("peaks", f, "--wavelength", "CuKa", "--size", "--instrument", f, "--json")
	if rc != 0 || !strings.Contains(errs, "instrumental width U=") {
		t.Fatalf("exit %d, stderr %q", rc, errs)
	}
	var u, v, w float64
	if _, err := fmt.Sscanf(errs[strings.Index(errs, "U="):], "U=%g V=%g W=%g", &u, &v, &w); err != nil {
		t.Fatal(err)
	}
	// U, V and W are correlated; what matters is the width curve they
	// give. Fitted from measured FWHMs (noise, Kα2 stripping, overlaps),
	// it must follow the true one within 15 % over the demo's range.
	fwhm := func(u, v, w, tt float64) float64 {
		x := math.Tan(tt * math.Pi / 360)
		return math.Sqrt(u*x*x + v*x + w)
	}
	for _, tt := range []float64{20, 40, 60, 78} {
		got, want := fwhm(u, v, w, tt), fwhm(0.004, -0.002, 0.003, tt)
		if math.Abs(got-want) > 0.15*want {
			t.Errorf("instrumental FWHM at %g°: %.4f°, want %.4f° ± 15 %%", tt, got, want)
		}
	}
}

// TestBadSettingsAreUsageErrors: settings that analysis.Options.Validate
// rejects stop the command before it reads anything: exit 2, one line on
// stderr naming the bad value (the same words the window shows), nothing
// on stdout and no output file.
func TestBadSettingsAreUsageErrors(t *testing.T) {
	f := demoFile(t)
	out := filepath.Join(t.TempDir(), "r.xlsx")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"identify", f, "--require", "Xx"}, `bragg: identify: required elements: "Xx" is not an element symbol`},
		{[]string{"identify", f, "--require", "si"}, `bragg: identify: required elements: "si" is not an element symbol: symbols start with a capital letter, "Si"`},
		{[]string{"identify", f, "--only", "Ti,O", "--require", "Mn"}, "Mn is required but not among the allowed elements Ti,O"},
		{[]string{"identify", f, "--top", "-2"}, "candidate list length -2 is negative"},
		{[]string{"identify", "missing.xy", "--exclude", "pb"}, `excluded elements: "pb"`}, // before the file is read
		{[]string{"report", f, "-o", out, "--require", "Xx"}, `"Xx" is not an element symbol`},
		{[]string{"peaks", f, "--min-sigma", "-1"}, "minimum significance -1"},
		{[]string{"peaks", f, "--scherrer-k", "90"}, "Scherrer constant 90"},
		{[]string{"db", "search", "--elements", "fe"}, `"fe" is not an element symbol: symbols start with a capital letter, "Fe"`},
	} {
		rc, stdout, errs := run(c.args...)
		if rc != 2 || stdout != "" || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", c.args, rc, stdout, errs, c.want)
		}
		if c.args[0] != "db" && strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: stderr is not one line: %q", c.args, errs)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("report with bad settings wrote a file")
	}
}

// TestUnresolvedJSON: a reaction product of 2Fe3O4 + 3Y2O3 whose Y2O3 the
// data cannot tell from Dy2O3 (same structure, other elements, fits as
// well) lists it among the unresolved phases, with the look-alike's ID
// and why in words, not among the phases.
func TestUnresolvedJSON(t *testing.T) {
	f := filepath.Join("..", "..", "shared", "data", "scans", "xrdml", "dara_alab", "binary_reactions", "2Fe3O4-3Y2O3_1000C_60min.xrdml")
	if _, err := os.Stat(f); err != nil {
		t.Skipf("%s is absent (../shared is not part of the repository)", f)
	}
	rc, out, errs := run("identify", "--json", f)
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, errs)
	}
	var res struct {
		Phases     []struct{ ID string }
		Unresolved []struct {
			ID         string
			LookAlikes []string `json:"look_alikes"`
			Why        string
		}
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Phases {
		if p.ID == "cod:1009014" {
			t.Errorf("Y2O3 concluded: %+v", res.Phases)
		}
	}
	if len(res.Unresolved) != 1 || res.Unresolved[0].ID != "cod:1009014" || !slices.Contains(res.Unresolved[0].LookAlikes, "ncrystal-data:dy2o3-sg206-dysprosiumoxide") ||
		!strings.HasPrefix(res.Unresolved[0].Why, "a phase of space group I a -3 (No. 206) refined as Y2O3 (cod:1009014)") {
		t.Errorf("unresolved %+v", res.Unresolved)
	}
}

// TestAllUnresolvedText: the Dara tutorial's CaNi(PO3)4 scan, 79 % of
// whose intensity is a phase the database lacks, needs one phase beside
// it, rock-salt NiO, which MgO fits as well: the text says that no phase
// is concluded and which one is open, not that no phase fits.
func TestAllUnresolvedText(t *testing.T) {
	f := filepath.Join("..", "..", "shared", "data", "scans", "xy", "dara_tutorial", "CaNi(PO3)4_800_240_Ca(OH)2_(NH4)2HPO4_NiO.xy")
	if _, err := os.Stat(f); err != nil {
		t.Skipf("%s is absent (../shared is not part of the repository)", f)
	}
	rc, out, errs := run("identify", f)
	if rc != 0 {
		t.Fatalf("exit %d: %s", rc, errs)
	}
	for _, want := range []string{"No phase concluded", "Unresolved (", "refined as NiO (cod:9008693)", "Magnesium oxide (Periclase) MgO"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing from:\n%s", want, out)
		}
	}
	if strings.Contains(out, "no candidate lowers the whole-pattern fit") {
		t.Errorf("says no phase fits:\n%s", out)
	}
}
