package app

import (
	"context"
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/scan"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// ScanExtensions are the file extensions the open dialogs offer: those of
// every format the scan package reads.
var ScanExtensions = func() []string {
	var exts []string
	for _, f := range scan.Formats() {
		for _, e := range f.Exts {
			if !slices.Contains(exts, e) {
				exts = append(exts, e)
			}
		}
	}
	return exts
}()

// UI is Bragg's main window: the list of opened scans, the pattern view,
// the peak table, the candidate phases and a status bar.
type UI struct {
	app      fyne.App
	win      fyne.Window
	services Services

	// inline runs loads and exports on the calling goroutine (snapshots).
	inline bool
	// portal says whether to try the XDG desktop portal for file dialogs.
	portal bool
	wg     sync.WaitGroup
	// do runs f on the UI goroutine: fyne.Do; tests substitute a queue
	// they drain, because the test driver's fyne.Do runs f on the caller.
	do func(f func())
	// onError, when set, receives errors instead of a dialog (snapshots).
	onError func(title string, err error)

	// opt are the settings in force: every load and re-run uses them.
	opt analysis.Options

	entries []*entry
	current *entry // shown, or nil
	want    *entry // to show when it finishes loading

	settings *settingsPanel
	plot     plotControls
	browser  *dbBrowser   // the database browser, while open
	teach    *teachWindow // the teaching mode, while open

	view      *PatternView
	list      *widget.List
	peaks     *table
	cands     *table
	peaksHead *widget.Label
	candsHead *widget.Label

	fileLabel, formatLabel, pointsLabel, rangeLabel *widget.Label
	wlLabel                                         *widget.Label
	wlIcon                                          *widget.Icon
	hoverLabel                                      *widget.Label
	settingsLabel                                   *widget.Label // settings in force
	status                                          *fyne.Container
}

// entry is one scan in the list.
type entry struct {
	path    string // "" is the demo pattern
	name    string
	loading bool
	stage   string // of the load in progress (analysis.Progress)
	a       *Analysis
	// opt are the settings a was computed with; tried those of the latest
	// load, finished or not, successful or not.
	opt, tried analysis.Options
	// gen counts loads: a result from a superseded load is dropped, and
	// cancel stops the load in flight.
	gen    int
	cancel context.CancelFunc
	// wantShown, when not nil, says which candidates (phaseKey) to
	// overlay once the next analysis arrives (a reopened workspace).
	wantShown map[string]bool

	rows      []candRow
	peakPhase []string // per peak: the identified phases that explain it
	xmin      float64  // zoom to restore when the scan is shown again
	xmax      float64
}

// candRow is one row of the candidate table.
type candRow struct {
	c          match.Candidate
	rank       int // 1-based rank among the candidates; 0 if not ranked
	identified bool
	shown      bool // sticks overlaid
	color      color.NRGBA
}

// New builds the main window over the domain services s. It does not show
// it.
func New(a fyne.App, s Services) *UI {
	u := &UI{app: a, services: s, portal: portalAvailable(), do: fyne.Do, opt: analysis.DefaultOptions()}
	u.win = a.NewWindow("Bragg")
	u.build()
	u.win.Resize(fyne.NewSize(1200, 760))
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// View returns the pattern view.
func (u *UI) View() *PatternView { return u.view }

func (u *UI) build() {
	u.view = NewPatternView()
	u.view.OnPointsChanged = u.pointsEdited

	u.list = widget.NewList(
		func() int { return len(u.entries) },
		twoLineItem,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(u.entries) {
				return
			}
			e := u.entries[id]
			setTwoLines(o, e.name, e.summary())
		})
	u.list.OnSelected = func(id widget.ListItemID) {
		if id < len(u.entries) && u.entries[id] != u.current {
			u.show(u.entries[id])
		}
	}

	u.peaks = u.newPeakTable()
	u.cands = u.newCandidateTable()
	u.peaksHead = widget.NewLabelWithStyle("Peaks", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.candsHead = widget.NewLabelWithStyle("Phases", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})

	u.fileLabel = widget.NewLabel("No scan open")
	u.formatLabel = widget.NewLabel("")
	u.pointsLabel = widget.NewLabel("")
	u.rangeLabel = widget.NewLabel("")
	u.wlLabel = widget.NewLabel("")
	u.wlIcon = widget.NewIcon(theme.WarningIcon())
	u.wlIcon.Hide()
	u.settingsLabel = widget.NewLabel("")
	u.settingsLabel.Alignment = fyne.TextAlignTrailing
	u.settingsLabel.Truncation = fyne.TextTruncateEllipsis
	u.settings = newSettingsPanel(u)

	toolbar := widget.NewToolbar(
		widget.NewToolbarAction(theme.FolderOpenIcon(), u.ShowOpenDialog),
		widget.NewToolbarAction(theme.DocumentSaveIcon(), u.ShowExportDialog),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.ZoomInIcon(), func() { u.zoom(0.5) }),
		widget.NewToolbarAction(theme.ZoomOutIcon(), func() { u.zoom(2) }),
		widget.NewToolbarAction(theme.ZoomFitIcon(), u.view.ResetZoom),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.SettingsIcon(), u.toggleSettings),
	)

	scansHead := widget.NewLabelWithStyle("Scans", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewBorder(scansHead, container.NewThemeOverride(u.settings.box, denseTheme{}), nil, nil, u.list)

	peakPanel := container.NewBorder(u.peaksHead, nil, nil, nil, container.NewThemeOverride(u.peaks, denseTheme{}))
	candPanel := container.NewBorder(u.candsHead, nil, nil, nil, container.NewThemeOverride(u.cands, denseTheme{}))
	tables := container.NewHSplit(peakPanel, candPanel)
	tables.Offset = 0.55
	centre := container.NewVSplit(u.plotPanel(), tables)
	centre.Offset = 0.6
	main := container.NewHSplit(left, centre)
	main.Offset = 0.19

	sep := func() fyne.CanvasObject { return widget.NewSeparator() }
	u.status = container.NewBorder(nil, nil,
		container.NewHBox(u.fileLabel, sep(), u.formatLabel, sep(), u.pointsLabel, sep(), u.rangeLabel, sep(),
			u.wlIcon, u.wlLabel, sep()),
		nil, u.settingsLabel)

	u.win.SetContent(container.NewBorder(
		container.NewVBox(toolbar, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), u.status),
		nil, nil, main))
	u.win.SetMainMenu(u.menu())

	ctrl := fyne.KeyModifierShortcutDefault
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowOpenDialog() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowExportDialog() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: ctrl}, func(fyne.Shortcut) { u.app.Quit() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: ctrl}, func(fyne.Shortcut) { u.view.ResetZoom() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowSaveWorkspaceDialog() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowSettings() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowBrowser() })
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: ctrl}, func(fyne.Shortcut) { u.ShowTeaching(nil) })
	u.updateStatus()
}

func (u *UI) menu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	open := fyne.NewMenuItem("Open…", u.ShowOpenDialog)
	open.Icon = theme.FolderOpenIcon()
	open.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyO, Modifier: ctrl}
	export := fyne.NewMenuItem("Export report…", u.ShowExportDialog)
	export.Icon = theme.DocumentSaveIcon()
	export.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: ctrl}
	demo := fyne.NewMenuItem("Open demo pattern", u.OpenDemo)
	openWS := fyne.NewMenuItem("Open workspace…", u.ShowOpenWorkspaceDialog)
	saveWS := fyne.NewMenuItem("Save workspace…", u.ShowSaveWorkspaceDialog)
	saveWS.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: ctrl}
	settings := fyne.NewMenuItem("Settings…", u.ShowSettings)
	settings.Icon = theme.SettingsIcon()
	settings.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyComma, Modifier: ctrl}
	defaults := fyne.NewMenuItem("Restore default settings", func() { u.SetOptions(analysis.DefaultOptions()) })
	quit := fyne.NewMenuItem("Quit", func() { u.app.Quit() })
	quit.IsQuit = true
	quit.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: ctrl}

	reset := fyne.NewMenuItem("Show whole scan", u.view.ResetZoom)
	reset.Shortcut = &desktop.CustomShortcut{KeyName: fyne.Key0, Modifier: ctrl}
	zin := fyne.NewMenuItem("Zoom in", func() { u.zoom(0.5) })
	zout := fyne.NewMenuItem("Zoom out", func() { u.zoom(2) })

	about := fyne.NewMenuItem("About Bragg", func() { u.ShowAbout() })
	browse := fyne.NewMenuItem("Browse the database…", u.ShowBrowser)
	browse.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyD, Modifier: ctrl}
	teach := fyne.NewMenuItem("Teaching mode…", func() { u.ShowTeaching(nil) })
	teach.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: ctrl}
	return fyne.NewMainMenu(
		fyne.NewMenu("File", open, demo, fyne.NewMenuItemSeparator(), openWS, saveWS, fyne.NewMenuItemSeparator(),
			export, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu("View", append([]*fyne.MenuItem{zin, zout, reset, fyne.NewMenuItemSeparator()},
			append(u.plotMenuItems(), fyne.NewMenuItemSeparator(), teach)...)...),
		fyne.NewMenu("Analysis", settings, defaults),
		fyne.NewMenu("Database", browse, fyne.NewMenuItem("Import CIF files…", u.ShowImportDialog)),
		fyne.NewMenu("Help", about),
	)
}

func (u *UI) zoom(f float64) {
	lo, hi := u.view.VisibleRange()
	u.view.Zoom(f, (lo+hi)/2)
}

// Open loads each path through the services, each on its own goroutine,
// and shows the last one when it is ready. A file that fails to load is
// reported in a dialog naming it and leaves the list as it was. With no
// paths it opens the demo pattern, as `bragg gui` does.
func (u *UI) Open(paths ...string) {
	if len(paths) == 0 {
		u.OpenDemo()
		return
	}
	for i, p := range paths {
		e := u.addEntry(p)
		if i == len(paths)-1 {
			u.want = e
		}
		u.load(e)
	}
}

// OpenDemo loads the built-in demonstration pattern.
func (u *UI) OpenDemo() {
	e := u.addEntry("")
	u.want = e
	u.load(e)
}

// addEntry returns the list entry of path, adding one if there is none
// ("" adds a demo pattern).
func (u *UI) addEntry(path string) *entry {
	if e := u.find(path); e != nil {
		return e
	}
	e := &entry{path: path, name: filepath.Base(path)}
	if path == "" {
		e.name = "Demo pattern"
	}
	u.entries = append(u.entries, e)
	return e
}

// load (re)analyses e with the settings in force, off the UI goroutine. A
// load started later supersedes it: it is cancelled and its result
// dropped. The scan list shows the stage the load is at.
func (u *UI) load(e *entry) {
	e.stop()
	e.loading = true
	e.gen++
	gen, opt, path := e.gen, u.opt, e.path
	e.tried = opt
	e.stage = ""
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	u.list.Refresh()
	current := func() bool { return e.gen == gen && slices.Contains(u.entries, e) }
	progress := func(stage string, _ float64) {
		u.do(func() {
			if current() && e.loading {
				e.stage = stage
				u.list.Refresh()
			}
		})
	}
	u.run(func() (*Analysis, error) {
		return u.services.analyse(ctx, path, opt, progress)
	}, func(a *Analysis, err error) {
		cancel()
		if !current() || superseded(err) {
			return // superseded, or closed meanwhile
		}
		u.finish(e, opt, a, err)
	})
}

// stop cancels e's load in flight, if any.
func (e *entry) stop() {
	if e.cancel != nil {
		e.cancel()
		e.cancel = nil
	}
}

// run calls load off the UI goroutine (inline in snapshot mode) and
// delivers its result to done on the UI goroutine (fyne.Do).
func (u *UI) run(load func() (*Analysis, error), done func(*Analysis, error)) {
	if u.inline {
		done(load())
		return
	}
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		a, err := load()
		u.do(func() { done(a, err) })
	}()
}

func (u *UI) find(path string) *entry {
	for _, e := range u.entries {
		if e.path == path && path != "" {
			return e
		}
	}
	return nil
}

func (u *UI) finish(e *entry, opt analysis.Options, a *Analysis, err error) {
	e.loading = false
	if err == nil && (a == nil || a.Scan == nil || a.Scan.Len() < 2) {
		err = fmt.Errorf("no data points")
	}
	if err != nil {
		if e.a == nil { // a first load: drop it; a reload keeps the old data
			u.remove(e)
		}
		u.list.Refresh()
		u.updateStatus()
		u.showError("Could not open "+e.displayName(), err)
		return
	}
	e.opt = opt
	u.setAnalysis(e, a)
	u.list.Refresh()
	u.updateOverlays() // e may be overlaid
	if u.want == e || u.current == nil || u.current == e {
		u.selectEntry(e)
	}
}

func (u *UI) remove(e *entry) {
	e.stop()
	e.gen++ // drop a load in flight
	for i, x := range u.entries {
		if x == e {
			u.entries = append(u.entries[:i], u.entries[i+1:]...)
			break
		}
	}
	if u.want == e {
		u.want = nil
	}
	if u.current == e {
		u.current = nil
		u.show(nil)
	}
	u.updateOverlays() // e may have been overlaid
}

func (u *UI) selectEntry(e *entry) {
	for i, x := range u.entries {
		if x == e {
			u.show(e) // before Select so OnSelected sees it current
			u.list.Select(i)
			return
		}
	}
}

func (e *entry) displayName() string {
	if e.path == "" {
		return e.name
	}
	return filepath.Base(e.path)
}

// summary is the second line of the scan list.
func (e *entry) summary() string {
	switch {
	case e.loading && e.stage != "" && e.stage != analysis.StageDone:
		return e.stage + "…"
	case e.loading:
		return "loading…"
	case e.a == nil:
		return ""
	}
	parts := []string{e.a.Format}
	if n := len(e.a.Match.Phases); n > 0 {
		names := make([]string, 0, n)
		for _, c := range e.a.Match.Phases {
			names = append(names, c.Phase.ShortName())
		}
		parts = append(parts, strings.Join(names, " + "))
	} else {
		parts = append(parts, fmt.Sprintf("%d peaks", len(e.a.Peaks)))
	}
	return strings.Join(parts, " · ")
}

// setAnalysis stores a and derives the table rows. The first analysis of
// a scan overlays its identified phases; a re-run keeps the zoom and the
// user's choice for every candidate that is still listed, and overlays
// newly identified ones. e.wantShown, when set, decides instead.
func (u *UI) setAnalysis(e *entry, a *Analysis) {
	var prev map[string]bool
	if e.a == nil {
		e.xmin, e.xmax = 0, 0
	} else {
		prev = make(map[string]bool, len(e.rows))
		for _, r := range e.rows {
			prev[phaseKey(r.c)] = r.shown
		}
	}
	e.a = a
	ident := map[string]match.Candidate{}
	for _, c := range a.Match.Phases {
		ident[phaseKey(c)] = c
	}
	e.rows = e.rows[:0]
	seen := map[string]bool{}
	for i, c := range a.Match.Candidates {
		k := phaseKey(c)
		seen[k] = true
		row := candRow{c: c, rank: i + 1}
		if p, ok := ident[k]; ok {
			row.identified = true
			row.c.WeightPercent = p.WeightPercent
			if len(row.c.Pairs) == 0 {
				row.c.Pairs = p.Pairs
			}
		}
		e.rows = append(e.rows, row)
	}
	for _, c := range a.Match.Phases { // identified but not ranked: list first
		if !seen[phaseKey(c)] {
			e.rows = append([]candRow{{c: c, identified: true}}, e.rows...)
		}
	}
	// Colours as palette gives them: the identified phases in the order
	// of Match.Phases, as the report's figure has them, then the others.
	slot := len(a.Match.Phases)
	for i := range e.rows {
		r := &e.rows[i]
		if j := slices.IndexFunc(a.Match.Phases, func(c match.Candidate) bool { return phaseKey(c) == phaseKey(r.c) }); j >= 0 {
			r.color = palette.Phase(j)
		} else {
			r.color = palette.Phase(slot)
			slot++
		}
		shown, ok := prev[phaseKey(r.c)]
		switch {
		case e.wantShown != nil:
			r.shown = e.wantShown[phaseKey(r.c)]
		case ok:
			r.shown = shown
		default:
			r.shown = r.identified
		}
	}
	e.wantShown = nil
	e.peakPhase = make([]string, len(a.Peaks))
	for _, c := range a.Match.Phases {
		for _, p := range c.Pairs {
			if p.Peak < 0 || p.Peak >= len(e.peakPhase) {
				continue
			}
			name := c.Phase.ShortName()
			switch cur := e.peakPhase[p.Peak]; {
			case cur == "":
				e.peakPhase[p.Peak] = name
			case !slices.Contains(strings.Split(cur, ", "), name):
				e.peakPhase[p.Peak] = cur + ", " + name
			}
		}
	}
}

func phaseKey(c match.Candidate) string {
	if c.Phase == nil {
		return fmt.Sprintf("%p", c.Phase)
	}
	if c.Phase.ID != "" {
		return c.Phase.ID
	}
	return c.Phase.Name + "|" + c.Phase.Formula
}

// show makes e (nil: nothing) the scan on display.
func (u *UI) show(e *entry) {
	if u.current != nil {
		u.current.xmin, u.current.xmax = u.view.XMin, u.view.XMax
	}
	u.current = e
	if e == nil || e.a == nil {
		u.view.SetScan(nil, nil, nil)
		u.win.SetTitle("Bragg")
	} else {
		u.view.SetScan(e.a.Scan, e.a.Background, e.a.Peaks)
		u.view.XMin, u.view.XMax = e.xmin, e.xmax
		u.win.SetTitle("Bragg — " + e.displayName())
	}
	u.updateOverlays()
	u.updateTables()
	u.updateStatus()
	if e != nil && e.a != nil && !e.loading && !sameOptions(e.tried, u.opt) {
		u.load(e) // analysed with other settings: re-run, the old on show meanwhile
	}
}

func (u *UI) updateOverlays() {
	var ov []Overlay
	if e := u.current; e != nil && e.a != nil {
		for _, r := range e.rows {
			if r.shown {
				ov = append(ov, stickOverlay(r, e.a))
			}
		}
	}
	u.view.Overlays = ov
	u.view.Fit = fitOf(u.current)
	u.updateTraces()
	u.view.Refresh()
}

// SetOverlay shows or hides the sticks of the i-th row of the candidate
// table.
func (u *UI) SetOverlay(i int, on bool) {
	e := u.current
	if e == nil || i < 0 || i >= len(e.rows) || e.rows[i].shown == on {
		return
	}
	e.rows[i].shown = on
	u.updateOverlays()
	u.cands.Refresh()
}

func (u *UI) updateStatus() {
	defer u.status.Refresh() // labels changed width: lay the bar out again
	e := u.current
	u.wlIcon.Hide()
	u.wlLabel.Importance = widget.MediumImportance
	switch {
	case e != nil && e.a != nil && e.loading:
		u.settingsLabel.SetText("Re-running: " + settingsSummary(e.tried))
	case e != nil && e.a != nil:
		u.settingsLabel.SetText(settingsSummary(e.opt)) // those of the results on show
	default:
		u.settingsLabel.SetText(settingsSummary(u.opt))
	}
	if e == nil || e.a == nil {
		u.fileLabel.SetText("No scan open")
		for _, l := range []*widget.Label{u.formatLabel, u.pointsLabel, u.rangeLabel, u.wlLabel} {
			l.SetText("")
		}
		u.peaksHead.SetText("Peaks")
		u.candsHead.SetText("Phases")
		return
	}
	a := e.a
	s := a.Scan
	u.fileLabel.SetText(e.displayName())
	u.formatLabel.SetText(strings.ToUpper(a.Format))
	u.pointsLabel.SetText(fmt.Sprintf("%d points", s.Len()))
	u.rangeLabel.SetText(fmt.Sprintf("2θ %.2f–%.2f°, step %.4g°", s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Step()))
	u.wlLabel.SetText(wavelengthText(s.Wavelength))
	if s.Wavelength.Source == diffraction.Assumed || !s.Wavelength.Known() {
		u.wlIcon.Show()
		u.wlLabel.Importance = widget.WarningImportance
		u.wlLabel.Refresh()
	}
	head := fmt.Sprintf("Peaks (%d)", len(a.Peaks))
	for _, b := range a.Broad {
		head += fmt.Sprintf(" · broad feature at %.1f° (FWHM %.0f°, amorphous?), not a peak", b.TwoTheta, b.FWHM)
	}
	u.peaksHead.SetText(head)
	n := len(a.Match.Phases)
	switch {
	case n == 0 && len(e.rows) == 0:
		u.candsHead.SetText("Phases: no candidates")
	case n == 0:
		u.candsHead.SetText(fmt.Sprintf("Phases: none identified, %d candidates", len(e.rows)))
	default:
		u.candsHead.SetText(fmt.Sprintf("Phases: %d identified, %d candidates", n, len(e.rows)))
	}
}

// wavelengthText describes the radiation for the status bar. An assumed
// wavelength says so plainly: every d-spacing depends on it.
func wavelengthText(w diffraction.Wavelength) string {
	if !w.Known() {
		return "Wavelength unknown"
	}
	if w.Source == diffraction.Assumed {
		if w.Anode == "Cu" || w.Anode == "" {
			return "Cu Kα assumed (file has no wavelength)"
		}
		return w.Anode + " Kα assumed (file has no wavelength)"
	}
	var b strings.Builder
	if w.Anode != "" {
		b.WriteString(w.Anode + " ")
	}
	if w.Ka2 > 0 {
		fmt.Fprintf(&b, "Kα1 %.5f Å + Kα2", w.Ka1)
	} else {
		fmt.Fprintf(&b, "λ %.5f Å", w.Ka1)
	}
	switch w.Source {
	case diffraction.FromFile:
		b.WriteString(" (from file)")
	case diffraction.FromFlag:
		b.WriteString(" (given)")
	}
	return b.String()
}

// showError reports err in a dialog titled title.
func (u *UI) showError(title string, err error) {
	if u.onError != nil {
		u.onError(title, err)
		return
	}
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.ErrorIcon())
	content := container.NewBorder(nil, nil, container.NewVBox(icon), nil, msg)
	d := dialog.NewCustom(title, "OK", content, u.win)
	d.Resize(fyne.NewSize(460, 180))
	d.Show()
}

// twoLineItem is the template of a two-line list item: a name over a
// caption, each truncated; setTwoLines fills one.
func twoLineItem() fyne.CanvasObject {
	name := widget.NewLabel("name")
	name.Truncation = fyne.TextTruncateEllipsis
	sub := widget.NewLabel("caption")
	sub.SizeName = theme.SizeNameCaptionText
	sub.Truncation = fyne.TextTruncateEllipsis
	return container.New(&tightVBox{}, name, sub)
}

func setTwoLines(o fyne.CanvasObject, name, caption string) {
	c := o.(*fyne.Container)
	c.Objects[0].(*widget.Label).SetText(name)
	c.Objects[1].(*widget.Label).SetText(caption)
}

// tightVBox stacks objects vertically without padding, for two-line list
// items.
type tightVBox struct{}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for i, o := range objs {
		h := o.MinSize().Height
		if i > 0 {
			y -= theme.Padding() * 1.5
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h
	}
}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height
		if i > 0 {
			s.Height -= theme.Padding() * 1.5
		}
	}
	return s
}
