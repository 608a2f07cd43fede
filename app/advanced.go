package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// The advanced settings: every setting of analysis.Options that the side
// panel does not show, in one dialog with a tab per stage. Each field is
// a row of optFields, which fills it, reads it back and names it; the
// whole is judged by analysis.Options.Validate, whose message the dialog
// shows as the user types.

// optField is one text field of the advanced settings.
type optField struct {
	tab, label, hint string
	get              func(o *analysis.Options) string
	set              func(o *analysis.Options, s string) error
}

// Tabs of the advanced settings.
const (
	tabProcessing = "Processing"
	tabMatch      = "Search-match"
	tabFit        = "Whole-pattern fit"
	tabSize       = "Size"
)

// floatField is a field of a number held at ptr(o).
func floatField(tab, label, hint string, ptr func(o *analysis.Options) *float64) optField {
	return optField{tab, label, hint,
		func(o *analysis.Options) string { return strconv.FormatFloat(*ptr(o), 'g', -1, 64) },
		func(o *analysis.Options, s string) error {
			v, err := parseNumber(s)
			if err != nil {
				return fmt.Errorf("%s %q: want a number", strings.ToLower(label), s)
			}
			*ptr(o) = v
			return nil
		}}
}

// intField is a field of a whole number held at ptr(o).
func intField(tab, label, hint string, ptr func(o *analysis.Options) *int) optField {
	return optField{tab, label, hint,
		func(o *analysis.Options) string { return strconv.Itoa(*ptr(o)) },
		func(o *analysis.Options, s string) error {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return fmt.Errorf("%s %q: want a whole number", strings.ToLower(label), s)
			}
			*ptr(o) = v
			return nil
		}}
}

// parseNumber reads a number written with a decimal point or comma.
func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
}

// optFields are the advanced settings, in the order shown.
var optFields = []optField{
	intField(tabProcessing, "SNIP window", "points; 0: automatic", func(o *analysis.Options) *int { return &o.Peaks.BackgroundIterations }),
	intField(tabProcessing, "Polynomial order", "of a polynomial background; 0: 6", func(o *analysis.Options) *int { return &o.Peaks.Background.Order }),
	intField(tabProcessing, "Smoothing window", "points (Savitzky–Golay); 0: automatic", func(o *analysis.Options) *int { return &o.Peaks.SmoothWindow }),
	floatField(tabProcessing, "Min. height", "% of the strongest peak", func(o *analysis.Options) *float64 { return &o.Peaks.MinRelHeight }),
	floatField(tabProcessing, "Zero shift", "° 2θ, corrected", func(o *analysis.Options) *float64 { return &o.Peaks.Axis.ZeroShift }),
	floatField(tabProcessing, "Displacement", "mm (Δ2θ = −2s·cosθ/R)", func(o *analysis.Options) *float64 { return &o.Peaks.Axis.Displacement }),
	floatField(tabProcessing, "Goniometer radius", "mm; 0: 240", func(o *analysis.Options) *float64 { return &o.Peaks.Axis.Radius }),
	{tabProcessing, "Internal standard", "database ID; its lines fit the zero shift and displacement",
		func(o *analysis.Options) string { return o.Standard },
		func(o *analysis.Options, s string) error { o.Standard = strings.TrimSpace(s); return nil }},
	floatField(tabProcessing, "Standard weight", "fraction 0–1 in the mixture; 0: unknown", func(o *analysis.Options) *float64 { return &o.Fit.StandardWeight }),

	floatField(tabMatch, "Tolerance", "° 2θ, matching window", func(o *analysis.Options) *float64 { return &o.Match.Tolerance }),
	floatField(tabMatch, "Max. strain", "relative change of d", func(o *analysis.Options) *float64 { return &o.Match.MaxStrain }),
	floatField(tabMatch, "Max. strain, computed", "of computed structures", func(o *analysis.Options) *float64 { return &o.Match.MaxStrainComputed }),
	floatField(tabMatch, "Min. FOM", "0–100, of a phase the search concludes", func(o *analysis.Options) *float64 { return &o.Match.MinFOM }),
	floatField(tabMatch, "Min. new intensity", "share 0–1 a further phase must explain", func(o *analysis.Options) *float64 { return &o.Match.MinNew }),
	floatField(tabMatch, "Min. unique share", "0–1", func(o *analysis.Options) *float64 { return &o.Match.MinUnique }),
	intField(tabMatch, "Min. matched lines", "", func(o *analysis.Options) *int { return &o.Match.MinLines }),
	intField(tabMatch, "Max. phases (search)", "in quick mode", func(o *analysis.Options) *int { return &o.Match.MaxPhases }),
	intField(tabMatch, "Candidates listed", "", func(o *analysis.Options) *int { return &o.Match.Top }),

	intField(tabFit, "Candidate pool", "best candidates the fit tries (1–200)", func(o *analysis.Options) *int { return &o.Fit.Pool }),
	intField(tabFit, "Max. phases", "the fit accepts (1–16)", func(o *analysis.Options) *int { return &o.Fit.MaxPhases }),
	floatField(tabFit, "Significance α", "chance of accepting a phase that explains nothing", func(o *analysis.Options) *float64 { return &o.Fit.Alpha }),
	floatField(tabFit, "Min. scale", "σ from zero", func(o *analysis.Options) *float64 { return &o.Fit.MinScaleSigma }),
	floatField(tabFit, "Particle size", "µm, microabsorption (Brindley); 0: none", func(o *analysis.Options) *float64 { return &o.Fit.ParticleSize }),

	floatField(tabSize, "Scherrer K", "0: 0.9", func(o *analysis.Options) *float64 { return &o.Size.K }),
	floatField(tabSize, "Caglioti U", "deg², instrument's width", func(o *analysis.Options) *float64 { return &o.Size.Instrument.U }),
	floatField(tabSize, "Caglioti V", "deg²", func(o *analysis.Options) *float64 { return &o.Size.Instrument.V }),
	floatField(tabSize, "Caglioti W", "deg²", func(o *analysis.Options) *float64 { return &o.Size.Instrument.W }),
}

// advancedForm is the advanced settings' widgets over a copy of a scan's
// settings.
type advancedForm struct {
	u       *UI
	fields  []*widget.Entry
	inst    refine.Instrument
	calib   bool
	instLbl *widget.Label
	msg     *widget.Label
	apply   *widget.Button
	all     *widget.Button
	base    analysis.Options
	// cancel stops an instrument fit in flight (the dialog closed).
	cancel context.CancelFunc
	dlg    dialog.Dialog
}

// read returns base with the fields' values, or the first that does not
// read or that Validate refuses.
func (f *advancedForm) read() (analysis.Options, error) {
	o := cloneOptions(f.base)
	for i, fl := range optFields {
		if err := fl.set(&o, f.fields[i].Text); err != nil {
			return f.base, err
		}
	}
	o.Fit.Instrument, o.Fit.Calibrated = f.inst, f.calib
	if err := o.Validate(); err != nil {
		return f.base, err
	}
	return o, nil
}

// check shows what read says of the fields, and enables Apply when they
// read.
func (f *advancedForm) check() {
	if _, err := f.read(); err != nil {
		f.msg.SetText(err.Error())
		f.msg.Importance = widget.DangerImportance
		f.apply.Disable()
		f.all.Disable()
	} else {
		f.msg.SetText("")
		f.apply.Enable()
		f.all.Enable()
	}
	f.msg.Refresh()
}

// instrumentText describes the instrument of the fit.
func instrumentText(in refine.Instrument, calibrated bool) string {
	if !calibrated || !in.Wavelength.Known() {
		return "The default laboratory instrument, its line widths refined with the phases."
	}
	src := in.Source
	if src == "" {
		src = in.Name
	}
	return fmt.Sprintf("%s: U %.4g, V %.4g, W %.4g deg², X %.4g, Y %.4g°, S/L %.3g, H/L %.3g (held).",
		src, in.U, in.V, in.W, in.X, in.Y, in.SL, in.HL)
}

// ShowAdvanced opens the advanced settings of the scan on display (of the
// scans opened next when none is).
func (u *UI) ShowAdvanced() { u.newAdvanced().dlg.Show() }

// newAdvanced builds the advanced settings' dialog.
func (u *UI) newAdvanced() *advancedForm {
	f := &advancedForm{u: u, base: cloneOptions(u.Options())}
	f.inst, f.calib = f.base.Fit.Instrument, f.base.Fit.Calibrated
	f.msg = widget.NewLabel("")
	f.msg.Wrapping = fyne.TextWrapWord
	tabs := map[string]*fyne.Container{}
	var order []string
	for _, fl := range optFields {
		e := widget.NewEntry()
		e.SetText(fl.get(&f.base))
		e.OnChanged = func(string) { f.check() }
		f.fields = append(f.fields, e)
		c, ok := tabs[fl.tab]
		if !ok {
			c = container.New(layout.NewFormLayout())
			tabs[fl.tab] = c
			order = append(order, fl.tab)
		}
		hint := widget.NewLabel(fl.hint)
		hint.Importance = widget.LowImportance
		hint.Truncation = fyne.TextTruncateEllipsis
		c.Add(widget.NewLabel(fl.label))
		c.Add(container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(150, e.MinSize().Height), e), nil, hint))
	}
	f.instLbl = widget.NewLabel(instrumentText(f.inst, f.calib))
	f.instLbl.Wrapping = fyne.TextWrapWord
	fromFile := widget.NewButtonWithIcon("From a file or a standard's scan…", theme.FolderOpenIcon(), f.chooseInstrument)
	def := widget.NewButton("Default", func() {
		f.inst, f.calib = refine.Instrument{}, false
		f.instLbl.SetText(instrumentText(f.inst, f.calib))
		f.check()
	})
	tabs[tabFit].Add(widget.NewLabel("Instrument"))
	tabs[tabFit].Add(container.NewVBox(f.instLbl, container.NewHBox(fromFile, def)))

	at := container.NewAppTabs()
	for _, name := range order {
		at.Append(container.NewTabItem(name, container.NewVScroll(tabs[name])))
	}
	var d dialog.Dialog
	f.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), func() {
		if o, err := f.read(); err == nil {
			d.Hide()
			u.SetOptions(o)
		}
	})
	f.apply.Importance = widget.HighImportance
	f.all = widget.NewButton("Apply to all scans", func() {
		if o, err := f.read(); err == nil {
			d.Hide()
			u.applyToAll(o)
		}
	})
	cancel := widget.NewButton("Cancel", func() { d.Hide() })
	title := "Advanced settings"
	if e := u.current; e != nil {
		title += " — " + e.displayName()
	}
	buttons := container.NewHBox(layout.NewSpacer(), cancel, f.all, f.apply)
	d = dialog.NewCustomWithoutButtons(title, container.NewBorder(nil, container.NewVBox(f.msg, buttons), nil, nil, at), u.win)
	d.SetOnClosed(func() {
		if f.cancel != nil {
			f.cancel()
		}
	})
	f.check()
	d.Resize(fyne.NewSize(760, 600))
	f.dlg = d
	return f
}

// chooseInstrument asks for an instrument file or a standard's scan and
// takes the instrument from it.
func (f *advancedForm) chooseInstrument() {
	exts := append([]string{".json"}, ScanExtensions...)
	f.u.pickFilesIn("Instrument file or standard scan", "Instrument files and scans", exts, prefScanDir, false,
		func(paths []string) { f.takeInstrument(paths[0]) })
}

// takeInstrument reads the instrument file at path, or fits the
// instrument to the standard's scan there, off the UI goroutine (a fit
// identifies the standard first: seconds); closing the dialog or choosing
// another file cancels it.
func (f *advancedForm) takeInstrument(path string) {
	u := f.u
	f.instLbl.SetText("Fitting the instrument to " + filepath.Base(path) + "…")
	if f.cancel != nil {
		f.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	opt := f.base
	done := func(in refine.Instrument, err error) {
		if ctx.Err() != nil {
			return // the dialog closed, or another file was chosen
		}
		if err != nil {
			f.instLbl.SetText(instrumentText(f.inst, f.calib))
			u.showError("Could not take the instrument from "+filepath.Base(path), err)
			return
		}
		if in.Source == "" {
			in.Source = filepath.Base(path)
		}
		f.inst, f.calib = in, true
		f.instLbl.SetText(instrumentText(in, true))
		f.check()
	}
	if u.inline {
		done(u.services.instrument(ctx, path, opt))
		return
	}
	u.spawn(func() {
		in, err := u.services.instrument(ctx, path, opt)
		u.do(func() { done(in, err) })
	})
}
