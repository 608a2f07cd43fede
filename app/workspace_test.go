package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// scanFiles creates empty files with the given names in a temporary
// directory (the fake services do not read them) and returns their paths.
func scanFiles(t *testing.T, names ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var out []string
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// fullOptions sets every kind of field of analysis.Options away from its
// default, slices included.
func fullOptions() analysis.Options {
	o := analysis.DefaultOptions()
	o.Wavelength, _ = diffraction.AnodeWavelength("Co")
	o.Wavelength.Source = diffraction.FromFlag
	o.Format = "xy"
	o.Peaks.Background = peaks.Background{Method: peaks.BackgroundManual, Order: 4,
		Points: []peaks.Point{{TwoTheta: 10, Intensity: 120}, {TwoTheta: 80, Intensity: 95.5}}}
	o.Peaks.Profile = peaks.ProfilePearsonVII
	o.Peaks.StripKa2 = false
	o.Peaks.MinSignificance = 4.5
	o.Peaks.Axis = peaks.Axis{ZeroShift: -0.03, Displacement: 0.1}
	o.Match.Elements = match.Elements{AllOf: []string{"Ti"}, NoneOf: []string{"Pu"}, Only: []string{"Ti", "Mn", "O"}}
	o.Size = peaks.SizeOptions{K: 0.94, Instrument: peaks.Caglioti{U: 0.004, V: -0.002, W: 0.003}}
	return o
}

// TestSettingsRoundTrip: every field of analysis.Options comes back
// through the workspace's settings as JSON, in version 2 and version 1.
func TestSettingsRoundTrip(t *testing.T) {
	for _, o := range []analysis.Options{analysis.DefaultOptions(), fullOptions()} {
		b2, err := json.Marshal(toV2(o))
		if err != nil {
			t.Fatal(err)
		}
		var v2 settingsV2
		if err := json.Unmarshal(b2, &v2); err != nil {
			t.Fatal(err)
		}
		b1, err := json.Marshal(toV1(o))
		if err != nil {
			t.Fatal(err)
		}
		var v1 settingsV1
		if err := json.Unmarshal(b1, &v1); err != nil {
			t.Fatal(err)
		}
		for name, got := range map[string]analysis.Options{"version 2": v2.options(), "version 1": v1.options()} {
			if !reflect.DeepEqual(got, o) {
				t.Errorf("%s: options changed through JSON:\n got %+v\nwant %+v", name, got, o)
			}
		}
	}
}

// rowOf is the index in e's rows of the phase id, -1 if none.
func rowOf(e *entry, id string) int {
	return slices.IndexFunc(e.rows, func(r candRow) bool { return r.c.Phase.ID == id })
}

// TestWorkspaceRoundTrip: save → open in a new window restores the scans,
// each with its settings and phase decisions, which scan is on display
// and each scan's overlays.
func TestWorkspaceRoundTrip(t *testing.T) {
	files := scanFiles(t, "a.xy", "b.xy")
	ws := filepath.Join(t.TempDir(), "session.bragg")

	u := newTestUI(t, newFake())
	u.Open(files...)
	u.OpenDemo()
	u.wait()
	opt := fullOptions()
	opt.Peaks.Background = peaks.Background{Method: peaks.BackgroundPoly}
	u.applyToAll(opt)
	u.wait()
	u.list.Select(1) // b.xy: its own decisions and overlays
	u.wait()
	u.RejectPhase(calcite.ID)
	u.AcceptPhase(corundum.ID)
	u.wait()
	u.SetOverlay(rowOf(u.current, quartz.ID), false)
	u.SetOverlay(rowOf(u.current, halite.ID), true)
	if !u.dirty {
		t.Error("phase decisions made, yet nothing to save")
	}
	if err := u.SaveWorkspace(ws); err != nil {
		t.Fatal(err)
	}
	if u.dirty {
		t.Error("saved, yet changes left to save")
	}
	wantB := cloneOptions(opt)
	wantB.Fit.Reject, wantB.Fit.Require = []string{calcite.ID}, []string{corundum.ID}

	b2 := newFake()
	v := newTestUI(t, b2)
	v.Open("/data/unrelated.xy") // replaced by the workspace
	v.wait()
	errs := captureErrors(v)
	v.OpenWorkspace(ws)
	v.wait()
	if len(*errs) > 0 {
		t.Fatalf("errors: %q", *errs)
	}
	var paths []string
	for _, e := range v.entries {
		paths = append(paths, e.path)
	}
	if want := []string{files[0], files[1], ""}; !slices.Equal(paths, want) {
		t.Fatalf("scans after reopening: %q, want %q", paths, want)
	}
	if !sameOptions(v.Options(), wantB) {
		t.Errorf("settings of b.xy after reopening:\n got %+v\nwant %+v", v.Options(), wantB)
	}
	for _, c := range b2.calls[2:] { // after the unrelated scan's peaks and identification
		want := opt
		if c.path == files[1] {
			want = wantB
		}
		if !sameOptions(c.opt, want) {
			t.Errorf("%q reopened with %+v", c.path, c.opt)
		}
	}
	if v.current == nil || v.current.path != files[1] {
		t.Fatalf("on display after reopening: %+v, want b.xy", v.current)
	}
	if got := answerNames(v.current.a); !slices.Equal(got, []string{"Corundum", "Quartz"}) {
		t.Errorf("b.xy's answer after reopening: %v, want corundum (accepted) and quartz (calcite rejected)", got)
	}
	shown := func(e *entry) (out []string) {
		for _, r := range e.rows {
			if r.shown {
				out = append(out, r.c.Phase.ShortName())
			}
		}
		slices.Sort(out)
		return out
	}
	for i, want := range [][]string{{"Calcite", "Quartz"}, {"Corundum", "Halite"}, {"Calcite", "Quartz"}} {
		if got := shown(v.entries[i]); !slices.Equal(got, want) {
			t.Errorf("scan %d overlays %v, want %v", i, got, want)
		}
	}
	if got := len(v.view.Overlays); got != 2 {
		t.Errorf("%d overlays drawn, want 2", got)
	}

	// The file is a versioned JSON document, version 2, whose settings
	// have snake_case keys of their own.
	var raw struct {
		Format   string
		Version  int
		Settings map[string]any
	}
	b, _ := os.ReadFile(ws)
	if err := json.Unmarshal(b, &raw); err != nil || raw.Format != "bragg-workspace" || raw.Version != 2 {
		t.Errorf("workspace file starts %.200s", b)
	}
	for _, k := range []string{"peaks.background", "peaks.min_significance", "peaks.strip_ka2", "peaks.zero_shift", "match.require",
		"match.tolerance", "size.scherrer_k", "wavelength.ka1"} {
		group, key, _ := strings.Cut(k, ".")
		if _, ok := raw.Settings[group].(map[string]any)[key]; !ok {
			t.Errorf("settings lack %s: %s", k, b)
		}
	}
}

// TestWorkspaceMissingScan: a scan file that has gone is reported by name
// and the others open.
func TestWorkspaceMissingScan(t *testing.T) {
	u, files, ws := savedWorkspace(t, "here.xy", "gone.xy")
	os.Remove(files[1])
	errs := captureErrors(u)
	u.OpenWorkspace(ws)
	u.wait()
	if len(u.entries) != 1 || u.entries[0].path != files[0] || u.current != u.entries[0] {
		t.Errorf("after reopening with a missing scan: %d entries", len(u.entries))
	}
	if len(*errs) != 1 || !strings.Contains((*errs)[0], "w.bragg: 1 of 2 scans are missing") ||
		!strings.Contains((*errs)[0], files[1]+": file not found") {
		t.Errorf("errors: %q", *errs)
	}
}

// TestBadWorkspace: a workspace that does not read gives an error naming
// the file and the problem, and leaves the window as it was.
func TestBadWorkspace(t *testing.T) {
	good := `{"format": "bragg-workspace", "version": 1, "settings": %s, "scans": [], "current": -1}`
	settings := func(s string) string { return strings.Replace(good, "%s", s, 1) }
	cases := []struct{ name, text, want string }{
		{"empty", "", "unexpected end of JSON input"},
		{"truncated", `{"format": "bragg-workspace", "version": 1, "scans": [`, "unexpected end"},
		{"junk", "PK\x03\x04 not json", "line 1: invalid character"},
		{"syntax on line 3", "{\n\"format\": \"bragg-workspace\",\n\"version\": 1,,\n}", "line 3"},
		{"not a workspace", `{"scans": []}`, `"format" is ""`},
		{"no version", `{"format": "bragg-workspace"}`, `no "version"`},
		{"newer", `{"format": "bragg-workspace", "version": 7}`, "version 7 is newer than this Bragg reads (2)"},
		{"wrong type", `{"format": "bragg-workspace", "version": "1"}`, `"version" should be int`},
		{"bad background", settings(`{"Peaks": {"Background": {"method": "spline"}}}`), "unknown background method"},
		{"bad element", settings(`{"Match": {"Elements": {"AllOf": ["Xx"]}}}`), `required elements: "Xx" is not an element symbol`},
		{"element case", settings(`{"Match": {"Elements": {"Only": ["si"]}}}`), `allowed elements: "si" is not an element symbol: symbols start with a capital letter, "Si"`},
		// Version 2: the settings' own keys, checked by the same Validate.
		{"v2 element case", `{"format": "bragg-workspace", "version": 2, "settings": {"match": {"only": ["si"]}}}`, `allowed elements: "si" is not an element symbol: symbols start with a capital letter, "Si"`},
		{"v2 wavelength", `{"format": "bragg-workspace", "version": 2, "settings": {"wavelength": {"ka1": -1}}}`, "-1 Å is outside 0.01–10 Å"},
		{"v2 profile", `{"format": "bragg-workspace", "version": 2, "settings": {"peaks": {"profile": "gauss"}}}`, `unknown profile "gauss"`},
		{"v2 tolerance", `{"format": "bragg-workspace", "version": 2, "settings": {"match": {"tolerance": 0}}}`, "matching tolerance 0°"},
		{"v2 wrong type", "{\"format\": \"bragg-workspace\", \"version\": 2,\n\"settings\": {\"peaks\": {\"strip_ka2\": \"yes\"}}}", `line 2: "settings.peaks.strip_ka2" should be bool`},
		{"bad wavelength", settings(`{"Wavelength": {"ka1": 154}}`), "outside 0.01–10 Å"},
		{"scan without path", `{"format": "bragg-workspace", "version": 1, "scans": [{}]}`, "scan 1 has no path"},
	}
	// One window meets every bad file: none may change it.
	u := newTestUI(t, newFake())
	u.Open("/data/kept.xy")
	u.wait()
	before := u.Options()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "broken.bragg")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			errs := captureErrors(u)
			u.OpenWorkspace(path)
			u.wait()
			if len(*errs) != 1 || !strings.Contains((*errs)[0], path) || !strings.Contains((*errs)[0], tc.want) {
				t.Errorf("errors: %q, want one naming %s and saying %q", *errs, path, tc.want)
			}
			if len(u.entries) != 1 || u.current == nil || u.current.path != "/data/kept.xy" || !sameOptions(u.Options(), before) {
				t.Error("a bad workspace changed the window")
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		u := newTestUI(t, newFake())
		errs := captureErrors(u)
		path := filepath.Join(t.TempDir(), "nowhere.bragg")
		u.OpenWorkspace(path)
		if len(*errs) != 1 || !strings.Contains((*errs)[0], path) {
			t.Errorf("errors: %q", *errs)
		}
	})
}

// TestWorkspaceVersion1 opens testdata/workspace-v1/v1.bragg, written by
// the Bragg of issue 10's start (workspace version 1, analysis.Options
// serialised as they were), with only the two scan paths made relative to
// the file. Every setting, scan and overlay must come back.
func TestWorkspaceVersion1(t *testing.T) {
	path := filepath.Join("testdata", "workspace-v1", "v1.bragg")
	u := newTestUI(t, newFake())
	errs := captureErrors(u)
	u.OpenWorkspace(path)
	u.wait()
	if len(*errs) > 0 {
		t.Fatalf("errors: %q", *errs)
	}
	want := fullOptions()
	want.Format = ""
	want.Standard = "cod:9008565"
	if !sameOptions(u.Options(), want) {
		t.Errorf("settings:\n got %+v\nwant %+v", u.Options(), want)
	}
	dir := filepath.Dir(path)
	var paths []string
	for _, e := range u.entries {
		paths = append(paths, e.path)
	}
	if w := []string{filepath.Join(dir, "quartz.xy"), filepath.Join(dir, "calcite.xy"), ""}; !slices.Equal(paths, w) {
		t.Fatalf("scans %q, want %q", paths, w)
	}
	if u.current != u.entries[0] {
		t.Errorf("on display: %+v, want quartz.xy", u.current)
	}
	for i, w := range [][]string{{"Quartz", "Corundum"}, {"Quartz", "Calcite"}, {"Quartz", "Calcite"}} {
		var got []string
		for _, r := range u.entries[i].rows {
			if r.shown {
				got = append(got, r.c.Phase.ShortName())
			}
		}
		if !slices.Equal(got, w) {
			t.Errorf("scan %d overlays %v, want %v", i, got, w)
		}
	}
}
