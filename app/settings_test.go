package app

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// captureErrors makes the window report errors to the returned slice
// instead of dialogs.
func captureErrors(u *testUI) *[]string {
	var got []string
	u.onError = func(title string, err error) { got = append(got, title+": "+err.Error()) }
	return &got
}

// TestSettingsRerun: changing the processing settings in the panel and
// pressing Apply re-runs the scan on display with exactly those settings,
// keeps the user's overlay choices and shows the settings in force.
func TestSettingsRerun(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/a.xy")
	u.wait()
	if c, _ := b.lastCall(); !sameOptions(c.opt, guiDefaults()) {
		t.Fatalf("first open with %+v, want the window's default options", c.opt)
	}
	if !u.settings.apply.Disabled() {
		t.Error("Apply is enabled with nothing changed")
	}
	u.SetOverlay(1, false) // the user hides calcite…
	u.SetOverlay(3, true)  // …and shows halite

	p := u.settings
	p.background.SetSelected("Polynomial")
	test.Tap(p.ka2) // off
	p.profile.SetSelected("Pearson VII")
	p.sigma.SetText("")
	test.Type(p.sigma, "4.5")
	p.wavelength.SetText("MoKa")
	if p.apply.Disabled() {
		t.Fatal("Apply is disabled after changes")
	}
	n := b.ncalls()
	test.Tap(p.apply)
	u.wait()

	if got := b.ncalls(); got != n+1 {
		t.Fatalf("Apply made %d analysis calls, want 1", got-n)
	}
	c, _ := b.lastCall()
	mo, _ := diffraction.AnodeWavelength("Mo")
	o := c.opt.Peaks
	switch {
	case c.path != "/data/a.xy":
		t.Errorf("re-ran %q, want the scan on display", c.path)
	case o.Background.Method != peaks.BackgroundPoly || o.StripKa2 || o.Profile != peaks.ProfilePearsonVII || o.MinSignificance != 4.5:
		t.Errorf("peak options received: background %q, strip Kα2 %v, profile %q, min σ %g",
			o.Background.Method, o.StripKa2, o.Profile, o.MinSignificance)
	case c.opt.Wavelength.Ka1 != mo.Ka1 || c.opt.Wavelength.Ka2 != mo.Ka2 || c.opt.Wavelength.Source != diffraction.FromFlag:
		t.Errorf("wavelength received %v, want Mo Kα given", c.opt.Wavelength)
	case o.MinRelHeight != analysis.DefaultOptions().Peaks.MinRelHeight:
		t.Errorf("a setting the panel does not show changed: MinRelHeight %g", o.MinRelHeight)
	}
	if !sameOptions(u.Options(), c.opt) || !sameOptions(u.current.opt, c.opt) {
		t.Error("the options in force are not those the analysis ran with")
	}
	if got := u.settingsLabel.Text; !strings.Contains(got, "polynomial background") || !strings.Contains(got, "Pearson VII") ||
		!strings.Contains(got, "≥ 4.5σ") || strings.Contains(got, "Kα2 stripped") {
		t.Errorf("status shows settings %q", got)
	}
	if got := u.wlLabel.Text; !strings.Contains(got, "Mo") || !strings.Contains(got, "(given)") {
		t.Errorf("status wavelength %q, want Mo given", got)
	}
	var shown []string
	for _, r := range u.current.rows {
		if r.shown {
			shown = append(shown, r.c.Phase.ShortName())
		}
	}
	if !slices.Equal(shown, []string{"Quartz", "Halite"}) {
		t.Errorf("overlays after the re-run: %v, want the user's choice [Quartz Halite]", shown)
	}
	if !p.apply.Disabled() {
		t.Error("Apply still enabled after applying")
	}
}

// TestElementRestraints: the element entries reach match.Options.Elements,
// each symbol once; symbols in the wrong case and impossible restraints
// are refused with analysis.Options.Validate's own message, the one the
// command line prints.
func TestElementRestraints(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	errs := captureErrors(u)
	u.Open("/data/a.xy")
	u.wait()
	p := u.settings
	p.require.SetText("Ti, O")
	p.exclude.SetText("Pu Ne")
	p.only.SetText("Ti,Mn,O,Ti")
	p.wavelength.SetText("CuKa")
	u.ApplySettings()
	u.wait()
	c, _ := b.lastCall()
	el := c.opt.Match.Elements
	if !slices.Equal(el.AllOf, []string{"Ti", "O"}) || !slices.Equal(el.NoneOf, []string{"Pu", "Ne"}) ||
		!slices.Equal(el.Only, []string{"Ti", "Mn", "O"}) || len(*errs) > 0 {
		t.Errorf("Match.Elements = %+v, errors %q", el, *errs)
	}
	if got := u.settingsLabel.Text; !strings.Contains(got, "with Ti,O · without Pu,Ne · only Ti,Mn,O") {
		t.Errorf("status shows %q", got)
	}
	if p.only.Text != "Ti, Mn, O" {
		t.Errorf("panel shows the applied restraint as %q, want each symbol once", p.only.Text)
	}

	for _, c := range []struct {
		field *widget.Entry
		text  string
		edit  func(*analysis.Options)
	}{
		{p.exclude, "Pu, Ti", func(o *analysis.Options) { o.Match.Elements.NoneOf = []string{"Pu", "Ti"} }},
		{p.require, "ti, O", func(o *analysis.Options) { o.Match.Elements.AllOf = []string{"ti", "O"} }},
		{p.only, "Ti, Mn, Xx", func(o *analysis.Options) { o.Match.Elements.Only = []string{"Ti", "Mn", "Xx"} }},
	} {
		*errs = nil
		n := b.ncalls()
		before := c.field.Text
		c.field.SetText(c.text)
		u.ApplySettings()
		u.wait()
		// The message is the one Validate gives for these settings.
		o := u.Options()
		c.edit(&o)
		want := o.Validate()
		if want == nil || b.ncalls() != n || len(*errs) != 1 || (*errs)[0] != "Settings not applied: "+want.Error() {
			t.Errorf("%q: %d calls, errors %q, want one saying %v", c.text, b.ncalls()-n, *errs, want)
		}
		if c.field.Validate() == nil && c.text != "Pu, Ti" { // a contradiction spans two fields
			t.Errorf("%q: the field does not flag itself", c.text)
		}
		c.field.SetText(before)
	}
}

// TestBadSettingsChangeNothing: a wavelength or number that does not read
// is reported, naming what is wrong, and neither the settings in force nor
// the scan change.
func TestBadSettingsChangeNothing(t *testing.T) {
	cases := []struct {
		name, field, text, want string
	}{
		{"wavelength", "wavelength", "CuKz", `"CuKz"`},
		{"wavelength in nm", "wavelength", "154", "outside 0.01–10 Å"},
		{"sigma", "sigma", "three", "minimum peak significance"},
		{"element", "only", "Ti, Xx", `allowed elements: "Xx" is not an element symbol`},
		{"element case", "only", "Ti, mn", `"mn" is not an element symbol: symbols start with a capital letter, "Mn"`},
	}
	// One window meets every bad setting: none may change it.
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/a.xy")
	u.wait()
	before, a := u.Options(), u.current.a
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := captureErrors(u)
			n := b.ncalls()
			p := u.settings
			p.fill(u.Options())              // the panel as the settings in force
			p.background.SetSelected("None") // a good change alongside the bad one
			map[string]func(string){"wavelength": p.wavelength.SetText, "sigma": p.sigma.SetText,
				"only": p.only.SetText}[tc.field](tc.text)
			test.Tap(p.apply)
			u.wait()
			if len(*errs) != 1 || !strings.Contains((*errs)[0], "Settings not applied") || !strings.Contains((*errs)[0], tc.want) {
				t.Errorf("errors shown: %q, want one containing %q", *errs, tc.want)
			}
			if b.ncalls() != n || u.current.a != a || !sameOptions(u.Options(), before) {
				t.Error("a setting that does not read changed the settings or re-ran the scan")
			}
		})
	}
}

// TestSettingsPerScan: settings applied belong to the scan on display;
// another scan keeps its own until "Apply to all scans", which leaves
// each scan's phase decisions as they were.
func TestSettingsPerScan(t *testing.T) {
	b := newFake()
	u := newTestUI(t, b)
	u.Open("/data/one.xy", "/data/two.xy")
	u.wait()
	u.settings.profile.SetSelected("None")
	u.ApplySettings()
	u.wait()
	if c, _ := b.lastCall(); c.path != "/data/two.xy" || c.opt.Peaks.Profile != peaks.ProfileNone {
		t.Fatalf("after Apply: last call %q with profile %q", c.path, c.opt.Peaks.Profile)
	}
	n := b.ncalls()
	u.list.Select(0)
	u.wait()
	if b.ncalls() != n || u.settings.profile.Selected != "Pseudo-Voigt" || u.current.opt.Peaks.Profile != peaks.ProfilePseudoVoigt {
		t.Errorf("the other scan: %d calls, panel shows %q, settings %q; want its own, untouched",
			b.ncalls()-n, u.settings.profile.Selected, u.current.opt.Peaks.Profile)
	}
	u.AcceptPhase(corundum.ID) // one.xy's own decision
	u.wait()
	u.settings.sigma.SetText("5")
	u.ApplySettingsToAll()
	u.wait()
	one, two := u.entries[0].opt, u.entries[1].opt
	if one.Peaks.MinSignificance != 5 || two.Peaks.MinSignificance != 5 {
		t.Errorf("apply to all: σ %g and %g, want 5 for both", one.Peaks.MinSignificance, two.Peaks.MinSignificance)
	}
	if !slices.Equal(one.Fit.Require, []string{corundum.ID}) || len(two.Fit.Require) != 0 || two.Peaks.Profile != peaks.ProfilePseudoVoigt {
		t.Errorf("apply to all: required %v and %v, profile of two.xy %q; want one.xy's decision kept to itself", one.Fit.Require, two.Fit.Require, two.Peaks.Profile)
	}
}

func TestWavelengthInputRoundTrip(t *testing.T) {
	for _, in := range []string{"", "CuKα", "MoKα1", "CoKα2", "CuKβ", "1.5406", "0.7093"} {
		w, err := parseWavelengthText(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := wavelengthInput(w); got != in {
			t.Errorf("wavelengthInput(parse(%q)) = %q", in, got)
		}
	}
}
