package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// Choices of the settings panel, as shown, and the values they stand for.
var (
	backgroundChoices = []struct {
		label string
		m     peaks.BackgroundMethod
	}{
		{"SNIP", peaks.BackgroundSNIP},
		{"Polynomial", peaks.BackgroundPoly},
		{"None", peaks.BackgroundNone},
		{"Manual points", peaks.BackgroundManual}, // control points on the plot
	}
	profileChoices = []struct {
		label string
		p     peaks.Profile
	}{
		{"Pseudo-Voigt", peaks.ProfilePseudoVoigt},
		{"Pearson VII", peaks.ProfilePearsonVII},
		{"None", peaks.ProfileNone},
	}
)

// settingsPanel is the side panel with the processing and identification
// settings. Its widgets are edited freely; Apply (or Enter in a field)
// reads them into analysis.Options and re-runs the scan on display.
type settingsPanel struct {
	u   *UI
	box *fyne.Container

	background *widget.Select
	ka2        *widget.Check
	profile    *widget.Select
	sigma      *widget.Entry
	wavelength *widget.Entry
	require    *widget.Entry
	exclude    *widget.Entry
	only       *widget.Entry
	quick      *widget.Check
	apply      *widget.Button
	applyAll   *widget.Button
	defaults   *widget.Button

	filling bool // fill is setting the widgets: not a user edit

	// points are the manual background's control points, edited on the
	// pattern view; kept while another method is chosen, so that choosing
	// "Manual points" again brings them back.
	points []peaks.Point
}

func newSettingsPanel(u *UI) *settingsPanel {
	p := &settingsPanel{u: u}
	changed := func() {
		if !p.filling {
			p.updateButtons()
		}
	}
	labels := func(n int, f func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	p.background = widget.NewSelect(labels(len(backgroundChoices), func(i int) string { return backgroundChoices[i].label }),
		func(string) {
			if !p.filling {
				p.backgroundChosen()
			}
		})
	p.ka2 = widget.NewCheck("Strip", func(bool) { changed() })
	p.profile = widget.NewSelect(labels(len(profileChoices), func(i int) string { return profileChoices[i].label }),
		func(string) { changed() })

	entry := func(placeholder string, validate func(string) error) *widget.Entry {
		e := widget.NewEntry()
		e.PlaceHolder = placeholder
		e.Validator = validate
		e.OnChanged = func(string) { changed() }
		e.OnSubmitted = func(string) { u.ApplySettings() }
		return e
	}
	// Each field checks its own value with the rules of
	// analysis.Options.Validate, which Apply runs on the whole.
	p.sigma = entry("3", func(s string) error {
		o := u.Options()
		var err error
		if o.Peaks.MinSignificance, err = parseSigma(s); err != nil {
			return err
		}
		return o.Peaks.Validate()
	})
	p.wavelength = entry("from file", func(s string) error { _, err := parseWavelengthText(s); return err })
	p.require = entry("e.g. Ti, O", func(s string) error { return match.Elements{AllOf: match.ParseElements(s)}.Validate() })
	p.exclude = entry("e.g. Pu, Ne", func(s string) error { return match.Elements{NoneOf: match.ParseElements(s)}.Validate() })
	p.only = entry("any element", func(s string) error { return match.Elements{Only: match.ParseElements(s)}.Validate() })

	p.quick = widget.NewCheck("Quick: peak search only", func(bool) { changed() })

	p.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), u.ApplySettings)
	p.apply.Importance = widget.HighImportance
	p.applyAll = widget.NewButton("Apply to all scans", u.ApplySettingsToAll)
	p.defaults = widget.NewButton("Defaults", func() { p.fill(guiDefaults()); p.updateButtons() })

	head := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	// Labels of both forms get one width, so that their fields line up.
	th := fyne.CurrentApp().Settings().Theme()
	labelW := fyne.MeasureText("Background", th.Size(theme.SizeNameText), fyne.TextStyle{}).Width +
		2*th.Size(theme.SizeNameInnerPadding)
	label := func(s string) fyne.CanvasObject {
		strut := canvas.NewRectangle(color.Transparent)
		strut.SetMinSize(fyne.NewSize(labelW, 0))
		return container.NewStack(strut, widget.NewLabel(s))
	}
	sigma := container.NewBorder(nil, nil, nil, widget.NewLabel("σ"), p.sigma)
	form := container.New(layout.NewFormLayout(),
		label("Background"), p.background,
		label("Kα2"), p.ka2,
		label("Profile fit"), p.profile,
		label("Min. peak"), sigma,
		label("Wavelength"), p.wavelength,
	)
	elems := container.New(layout.NewFormLayout(),
		label("Must have"), p.require,
		label("Must not"), p.exclude,
		label("Only"), p.only,
	)
	buttons := container.NewGridWithColumns(2, p.defaults, p.apply)
	more := container.NewGridWithColumns(2,
		widget.NewButtonWithIcon("Elements…", theme.GridIcon(), u.ShowPeriodicTable),
		widget.NewButtonWithIcon("Advanced…", theme.SettingsIcon(), u.ShowAdvanced))
	p.box = container.NewVBox(
		widget.NewSeparator(),
		head("Processing (this scan)"), form,
		head("Identification: elements"), elems, more, p.quick,
		buttons, p.applyAll,
	)
	p.fill(u.opt)
	p.updateButtons()
	return p
}

// fill shows opt in the widgets.
func (p *settingsPanel) fill(opt analysis.Options) {
	p.filling = true
	defer func() { p.filling = false }()
	m := backgroundMethod(opt)
	p.points = nil
	if m == peaks.BackgroundManual {
		p.points = slices.Clone(opt.Peaks.Background.Points)
	}
	for _, c := range backgroundChoices {
		if c.m == m {
			p.background.SetSelected(c.label)
		}
	}
	p.syncPoints()
	p.ka2.SetChecked(opt.Peaks.StripKa2)
	for _, c := range profileChoices {
		if c.p == opt.Peaks.Profile {
			p.profile.SetSelected(c.label)
		}
	}
	p.sigma.SetText(strconv.FormatFloat(opt.Peaks.MinSignificance, 'g', -1, 64))
	p.wavelength.SetText(wavelengthInput(opt.Wavelength))
	p.require.SetText(strings.Join(opt.Match.Elements.AllOf, ", "))
	p.exclude.SetText(strings.Join(opt.Match.Elements.NoneOf, ", "))
	p.only.SetText(strings.Join(opt.Match.Elements.Only, ", "))
	p.quick.SetChecked(opt.Fit.PeaksOnly)
}

// read returns base with the panel's settings, or an error naming the
// first field that does not read or the first setting that
// analysis.Options.Validate rejects.
func (p *settingsPanel) read(base analysis.Options) (analysis.Options, error) {
	opt := base
	for _, c := range backgroundChoices {
		if c.label == p.background.Selected && c.m != backgroundMethod(base) {
			opt.Peaks.Background.Method = c.m // "" (SNIP) stays "" when unchanged
			opt.Peaks.Background.Points = nil
		}
	}
	if opt.Peaks.Background.Method == peaks.BackgroundManual {
		if len(p.points) < 2 {
			return base, errors.New("a manual background needs 2 control points at least: open a scan, then choose Manual points")
		}
		opt.Peaks.Background.Points = slices.Clone(p.points)
	}
	opt.Peaks.StripKa2 = p.ka2.Checked
	for _, c := range profileChoices {
		if c.label == p.profile.Selected {
			opt.Peaks.Profile = c.p
		}
	}
	var err error
	if opt.Peaks.MinSignificance, err = parseSigma(p.sigma.Text); err != nil {
		return base, err
	}
	if opt.Wavelength, err = parseWavelengthText(p.wavelength.Text); err != nil {
		return base, err
	}
	opt.Match.Elements = match.Elements{
		AllOf:  match.ParseElements(p.require.Text),
		NoneOf: match.ParseElements(p.exclude.Text),
		Only:   match.ParseElements(p.only.Text),
	}
	opt.Fit.PeaksOnly = p.quick.Checked
	if err := opt.Validate(); err != nil {
		return base, err
	}
	return opt, nil
}

// manualChosen reports whether the panel's background choice is manual.
func (p *settingsPanel) manualChosen() bool {
	return p.background.Selected == backgroundChoices[len(backgroundChoices)-1].label
}

// backgroundChosen follows a user's choice of background method. Choosing
// "Manual points" starts from control points sampled on the background on
// display (unless the panel holds points already), shows them as handles
// on the plot and applies at once; another method hides the handles and
// waits for Apply.
func (p *settingsPanel) backgroundChosen() {
	u := p.u
	if p.manualChosen() && len(p.points) < 2 {
		if e := u.current; e != nil && e.a != nil {
			p.points = samplePoints(e.a.Scan, e.a.Background, manualStartPoints)
		}
	}
	p.syncPoints()
	if p.manualChosen() && len(p.points) >= 2 {
		u.ApplySettings()
		return
	}
	p.updateButtons()
}

// syncPoints shows the control points as handles on the pattern view when
// the manual background is chosen, and none otherwise.
func (p *settingsPanel) syncPoints() {
	v := p.u.view
	if p.manualChosen() {
		v.Points = slices.Clone(p.points)
	} else {
		v.Points = nil
	}
	v.Refresh()
}

// pointsEdited takes the control points the user edited on the plot and
// re-runs the analysis with them, as Apply does.
func (u *UI) pointsEdited(pts []peaks.Point) {
	if !u.settings.manualChosen() {
		return
	}
	u.settings.points = pts
	u.applyPanel("Edit the background")
}

// updateButtons enables Apply when the panel differs from the settings of
// the scan on display (or does not read: Apply then says why).
func (p *settingsPanel) updateButtons() {
	base := p.u.Options()
	opt, err := p.read(base)
	if err == nil && sameOptions(opt, base) {
		p.apply.Disable()
	} else {
		p.apply.Enable()
	}
	if len(p.u.entries) > 1 {
		p.applyAll.Enable()
	} else {
		p.applyAll.Disable()
	}
}

// Options returns the settings of the scan on display, or those new scans
// start with when none is.
func (u *UI) Options() analysis.Options {
	if e := u.current; e != nil {
		return e.opt
	}
	return u.opt
}

// SetOptions makes opt the settings of the scan on display (a change Undo
// takes back), analysing it again, and, less what belongs to one scan
// (sharedOptions), the settings scans opened next start with.
func (u *UI) SetOptions(opt analysis.Options) {
	u.opt = sharedOptions(opt, u.opt)
	if e := u.current; e != nil {
		u.change(e, opt, "Change the settings")
		return
	}
	u.settings.fill(opt)
	u.settings.updateButtons()
	u.updateStatus()
}

// ApplySettings reads the settings panel and, when it reads, makes its
// settings those of the scan on display (SetOptions). A field that does
// not read is reported and changes nothing.
func (u *UI) ApplySettings() { u.applyPanel("Change the settings") }

func (u *UI) applyPanel(label string) {
	opt, err := u.settings.read(u.Options())
	if err != nil {
		u.showError("Settings not applied", err)
		return
	}
	u.opt = sharedOptions(opt, u.opt)
	if e := u.current; e != nil {
		u.change(e, opt, label)
		return
	}
	u.SetOptions(opt)
}

// ApplySettingsToAll reads the settings panel and applies it to every open
// scan, each keeping what belongs to it alone (sharedOptions): its manual
// background and its phase decisions. Each scan can undo the change.
func (u *UI) ApplySettingsToAll() {
	opt, err := u.settings.read(u.Options())
	if err != nil {
		u.showError("Settings not applied", err)
		return
	}
	u.applyToAll(opt)
}

// applyToAll makes opt the settings of every open scan, less what belongs
// to each (sharedOptions).
func (u *UI) applyToAll(opt analysis.Options) {
	u.opt = sharedOptions(opt, u.opt)
	for _, e := range u.entries {
		o := opt
		if e != u.current {
			o = sharedOptions(opt, e.opt)
		}
		u.change(e, o, "Apply settings to all scans")
	}
}

// sharedOptions are the settings o gives to a scan whose own are own: o's,
// except what belongs to one scan — its manual background control points
// (placed on its data) and its phase decisions (identify.Options
// Require, Reject and Phases), which stay own's.
func sharedOptions(o, own analysis.Options) analysis.Options {
	o = cloneOptions(o)
	if backgroundMethod(o) == peaks.BackgroundManual {
		o.Peaks.Background = own.Peaks.Background
	}
	o.Fit.Require, o.Fit.Reject, o.Fit.Phases = own.Fit.Require, own.Fit.Reject, own.Fit.Phases
	return cloneOptions(o)
}

// ShowSettings shows the settings panel and puts the cursor in its first
// field.
func (u *UI) ShowSettings() {
	u.settings.box.Show()
	u.win.Canvas().Focus(u.settings.sigma)
}

// toggleSettings shows or hides the settings panel.
func (u *UI) toggleSettings() {
	if u.settings.box.Visible() {
		u.settings.box.Hide()
	} else {
		u.settings.box.Show()
	}
}

// backgroundMethod is the background method of o, "" read as SNIP.
func backgroundMethod(o analysis.Options) peaks.BackgroundMethod {
	if o.Peaks.Background.Method == "" {
		return peaks.BackgroundSNIP
	}
	return o.Peaks.Background.Method
}

// sameOptions reports whether a and b are the same settings.
func sameOptions(a, b analysis.Options) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(ja, jb)
}

// parseSigma reads the minimum significance in σ, with a decimal point or
// comma; peaks.Options.Validate judges the value.
func parseSigma(s string) (float64, error) {
	t := strings.ReplaceAll(strings.TrimSpace(s), ",", ".")
	v, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, fmt.Errorf("minimum peak significance %q: want a number of σ such as 3", s)
	}
	return v, nil
}

// parseWavelengthText reads the wavelength override: empty means the
// file's; else an anode line or a value in Å (diffraction.ParseWavelength).
func parseWavelengthText(s string) (diffraction.Wavelength, error) {
	if strings.TrimSpace(s) == "" {
		return diffraction.Wavelength{}, nil
	}
	w, err := diffraction.ParseWavelength(s)
	if err != nil {
		return diffraction.Wavelength{}, err
	}
	w.Source = diffraction.FromFlag
	return w, nil
}

// wavelengthInput is the text that parseWavelengthText reads back as w:
// an anode line when w is one, else λ in Å; "" when w is unknown.
func wavelengthInput(w diffraction.Wavelength) string {
	if !w.Known() {
		return ""
	}
	if a, ok := diffraction.AnodeWavelength(w.Anode); ok {
		switch {
		case w.Ka1 == a.Ka1 && w.Ka2 == a.Ka2:
			return a.Anode + "Kα"
		case w.Ka2 == 0 && w.Ka1 == a.Ka1:
			return a.Anode + "Kα1"
		case w.Ka2 == 0 && w.Ka1 == a.Ka2:
			return a.Anode + "Kα2"
		case w.Ka2 == 0 && w.Ka1 == a.Kb:
			return a.Anode + "Kβ"
		}
	}
	return strconv.FormatFloat(w.Ka1, 'g', -1, 64)
}

// settingsSummary describes the processing and identification settings in
// a line for the status bar. The wavelength has its own place there.
func settingsSummary(o analysis.Options) string {
	var parts []string
	switch o.Peaks.Background.Method {
	case peaks.BackgroundSNIP, "":
		parts = append(parts, "SNIP background")
	case peaks.BackgroundPoly:
		parts = append(parts, "polynomial background")
	case peaks.BackgroundManual:
		parts = append(parts, fmt.Sprintf("manual background (%d points)", len(o.Peaks.Background.Points)))
	case peaks.BackgroundNone:
		parts = append(parts, "no background")
	}
	if o.Peaks.StripKa2 {
		parts = append(parts, "Kα2 stripped")
	}
	switch o.Peaks.Profile {
	case peaks.ProfilePseudoVoigt:
		parts = append(parts, "pseudo-Voigt")
	case peaks.ProfilePearsonVII:
		parts = append(parts, "Pearson VII")
	default:
		parts = append(parts, "no profile fit")
	}
	parts = append(parts, "≥ "+strconv.FormatFloat(o.Peaks.MinSignificance, 'g', -1, 64)+"σ")
	el := o.Match.Elements
	if len(el.AllOf) > 0 {
		parts = append(parts, "with "+strings.Join(el.AllOf, ","))
	}
	if len(el.NoneOf) > 0 {
		parts = append(parts, "without "+strings.Join(el.NoneOf, ","))
	}
	if len(el.Only) > 0 {
		parts = append(parts, "only "+strings.Join(el.Only, ","))
	}
	return strings.Join(parts, " · ")
}
