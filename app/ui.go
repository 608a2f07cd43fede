package app

import (
	"context"
	"fmt"
	"image/color"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/diffraction/scan"
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
	// working counts the goroutines spawn started that have not returned.
	working atomic.Int32
	// do runs f on the UI goroutine: fyne.Do; tests substitute a queue
	// they drain, because the test driver's fyne.Do runs f on the caller.
	do func(f func())
	// onError, when set, receives errors instead of a dialog (snapshots).
	onError func(title string, err error)

	// opt are the settings a scan starts with when it is opened: those
	// last applied, less what belongs to one scan (sharedOptions). Each
	// scan has its own (entry.opt).
	opt analysis.Options

	entries []*entry
	current *entry // shown, or nil
	want    *entry // to show when it finishes loading

	// lanes is how many scans may be worked on at once besides the one on
	// display; busy counts those at work (jobs.go).
	lanes, busy int
	pumping     bool
	// dirty says that scans' settings or phase decisions changed since
	// the workspace was last opened or saved.
	dirty bool
	prefs fyne.Preferences

	settings *settingsPanel
	plot     plotControls
	browser  *dbBrowser   // the database browser, while open
	teach    *teachWindow // the teaching mode, while open

	view      *PatternView
	list      *widget.List
	peaks     *table
	cands     *table
	peaksHead *widget.Label

	fileLabel, formatLabel, pointsLabel, rangeLabel *widget.Label
	wlLabel                                         *widget.Label
	wlIcon                                          *widget.Icon
	hoverLabel                                      *widget.Label
	settingsLabel                                   *widget.Label // settings in force
	status                                          *fyne.Container
	progress                                        *widget.ProgressBar
	progressLabel                                   *widget.Label
	cancelBtn                                       *widget.Button
	progressBox                                     *fyne.Container

	phases     *phasePanel
	mainMenu   *fyne.MainMenu
	undoItem   *fyne.MenuItem
	redoItem   *fyne.MenuItem
	recentMenu *fyne.Menu
	errs       *errorDialog // the error dialog on show
}

// entry is one scan in the list.
type entry struct {
	path string // "" is the demo pattern
	// ranges are the 1-based scans of a multi-scan file that the entry
	// shows: one is that scan, several are merged (diffraction.Merge);
	// nil is the file's first or only scan.
	ranges []int
	name   string

	// src is the scan as read, nil until it is; format its format's
	// name, read the Options.Format it was read with, nscans how many
	// scans the file holds.
	src          *diffraction.Scan
	format, read string
	nscans       int

	// opt are the scan's own settings: what it is to show. a is the
	// analysis on display, computed with aopt: its peaks only until the
	// identification has run on them (full).
	opt  analysis.Options
	a    *Analysis
	aopt analysis.Options
	full bool

	// The step of work in flight (jobs.go), "" for none; the stage it
	// is at and the share done (analysis.Progress); bg when it takes a
	// background lane. gen counts steps: a result from a step stopped
	// meanwhile is dropped, and cancel stops the one in flight.
	step   string
	stage  string
	done   float64
	bg     bool
	gen    int
	cancel context.CancelFunc
	// held are settings whose work failed or was cancelled by the user:
	// not tried again until the settings change or the user asks.
	held *analysis.Options
	// choosing says the user is choosing among the scans of the file.
	choosing bool

	hist history // undo and redo of the settings (history.go)

	// wantShown, when not nil, says which candidates (phaseKey) to
	// overlay once the next analysis arrives (a reopened workspace).
	wantShown map[string]bool

	rows      []candRow
	peakPhase []string // per peak: the identified phases that explain it
	xmin      float64  // zoom to restore when the scan is shown again
	xmax      float64
}

// candRow is one phase of the scan's phase and candidate tables: the
// phases of the answer, the search's ranked candidates, the phases the
// user accepted, rejected or overlaid (phases.go builds them).
type candRow struct {
	c    match.Candidate // the search's candidate; c.Phase is always set
	rank int             // 1-based rank among the candidates; 0 if not ranked
	// identified: in the answer (the whole-pattern identification's
	// phases, or the search's own in quick mode); fit its refined values
	// when the fit accepted it.
	identified bool
	fit        *refine.PhaseResult
	// open says why the identification does not conclude the phase
	// present (identify.Phase.Open: its chemistry is open), "" when it
	// does or did not identify it.
	open string
	// user is the user's decision (userAccepts, userRejects or "");
	// verdict and reason the identification's decision on the phase.
	user            string
	verdict, reason string
	shown           bool // sticks overlaid
	color           color.NRGBA
}

// New builds the main window over the domain services s. It does not show
// it.
func New(a fyne.App, s Services) *UI {
	u := &UI{app: a, services: s, portal: portalAvailable(), do: fyne.Do, opt: guiDefaults(),
		lanes: max(1, runtime.NumCPU()-1), prefs: a.Preferences()}
	u.win = a.NewWindow("Bragg")
	u.build()
	u.win.Resize(fyne.NewSize(1200, 760))
	return u
}

// guiDefaults are the settings the window starts with: the command line's
// (analysis.DefaultOptions), with 50 candidates listed rather than 10,
// which a table scrolls through and a terminal would not.
func guiDefaults() analysis.Options {
	o := analysis.DefaultOptions()
	o.Match.Top = 50
	return o
}

// spawn runs f on a goroutine of its own, counted in u.working until it
// returns.
func (u *UI) spawn(f func()) {
	u.working.Add(1)
	go func() {
		defer u.working.Add(-1)
		f()
	}()
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
	u.peaksHead = widget.NewLabelWithStyle("Peaks", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	u.phases = newPhasePanel(u)
	u.cands = u.phases.cands

	u.fileLabel = widget.NewLabel("No scan open")
	u.formatLabel = widget.NewLabel("")
	u.pointsLabel = widget.NewLabel("")
	u.rangeLabel = widget.NewLabel("")
	u.wlLabel = widget.NewLabel("")
	u.wlIcon = widget.NewIcon(theme.WarningIcon())
	u.wlIcon.Hide()
	u.settingsLabel = widget.NewLabel("")
	u.settings = newSettingsPanel(u)

	toolbar := widget.NewToolbar(
		widget.NewToolbarAction(theme.FolderOpenIcon(), u.ShowOpenDialog),
		widget.NewToolbarAction(theme.DocumentSaveIcon(), u.ShowExportDialog),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.ContentUndoIcon(), u.Undo),
		widget.NewToolbarAction(theme.ContentRedoIcon(), u.Redo),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.ZoomInIcon(), func() { u.zoom(0.5) }),
		widget.NewToolbarAction(theme.ZoomOutIcon(), func() { u.zoom(2) }),
		widget.NewToolbarAction(theme.ZoomFitIcon(), u.view.ResetZoom),
		widget.NewToolbarSeparator(),
		widget.NewToolbarAction(theme.SettingsIcon(), u.toggleSettings),
	)

	scansHead := widget.NewLabelWithStyle("Scans", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	closeBtn := widget.NewButtonWithIcon("", theme.WindowCloseIcon(), func() { u.CloseScan(u.current) })
	closeBtn.Importance = widget.LowImportance
	left := container.NewBorder(container.NewBorder(nil, nil, nil, closeBtn, scansHead),
		container.NewThemeOverride(u.settings.box, denseTheme{}), nil, nil, u.list)

	peakPanel := container.NewBorder(u.peaksHead, nil, nil, nil, container.NewThemeOverride(u.peaks, denseTheme{}))
	tables := container.NewHSplit(peakPanel, u.phases.box)
	tables.Offset = 0.5
	centre := container.NewVSplit(u.plotPanel(), tables)
	centre.Offset = 0.55
	main := container.NewHSplit(left, centre)
	main.Offset = 0.19

	u.progress = widget.NewProgressBar()
	u.progressLabel = widget.NewLabel("")
	u.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), u.CancelWork)
	u.cancelBtn.Importance = widget.LowImportance
	bar := container.NewGridWrap(fyne.NewSize(120, u.progress.MinSize().Height), u.progress)
	u.progressBox = container.NewHBox(widget.NewSeparator(), u.progressLabel, container.NewCenter(bar), u.cancelBtn)
	u.progressBox.Hide()

	// The facts of the scan scroll when the window is narrower than they
	// are long: they do not widen the window.
	sep := func() fyne.CanvasObject { return widget.NewSeparator() }
	u.status = container.NewBorder(nil, nil, nil, u.progressBox,
		container.NewHScroll(container.NewHBox(u.fileLabel, sep(), u.formatLabel, sep(), u.pointsLabel, sep(), u.rangeLabel, sep(),
			u.wlIcon, u.wlLabel, sep(), u.settingsLabel)))

	u.win.SetContent(container.NewBorder(
		container.NewVBox(toolbar, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), u.status),
		nil, nil, main))
	u.mainMenu = u.menu()
	u.win.SetMainMenu(u.mainMenu)
	u.win.SetOnDropped(u.dropped)
	u.win.SetCloseIntercept(u.Quit)

	ctrl := fyne.KeyModifierShortcutDefault
	for _, sc := range []struct {
		key fyne.KeyName
		mod fyne.KeyModifier
		f   func()
	}{
		{fyne.KeyO, ctrl, u.ShowOpenDialog},
		{fyne.KeyE, ctrl, u.ShowExportDialog},
		{fyne.KeyQ, ctrl, u.Quit},
		{fyne.KeyW, ctrl, func() { u.CloseScan(u.current) }},
		{fyne.Key0, ctrl, u.view.ResetZoom},
		{fyne.KeyS, ctrl, u.ShowSaveWorkspaceDialog},
		{fyne.KeyComma, ctrl, u.ShowSettings},
		{fyne.KeyD, ctrl, u.ShowBrowser},
		{fyne.KeyT, ctrl, func() { u.ShowTeaching(nil) }},
		{fyne.KeyZ, ctrl | fyne.KeyModifierShift, u.Redo},
		{fyne.KeyR, ctrl, u.Rerun},
	} {
		f := sc.f
		u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: sc.key, Modifier: sc.mod}, func(fyne.Shortcut) { f() })
	}
	// The drivers give Ctrl+Z and Ctrl+Y as the standard shortcuts, which
	// a text field with the focus takes for its own undo.
	u.win.Canvas().AddShortcut(&fyne.ShortcutUndo{}, func(fyne.Shortcut) { u.Undo() })
	u.win.Canvas().AddShortcut(&fyne.ShortcutRedo{}, func(fyne.Shortcut) { u.Redo() })
	u.updateStatus()
	u.updateEditMenu()
}

func (u *UI) menu() *fyne.MainMenu {
	ctrl := fyne.KeyModifierShortcutDefault
	key := func(item *fyne.MenuItem, k fyne.KeyName, mod fyne.KeyModifier) *fyne.MenuItem {
		item.Shortcut = &desktop.CustomShortcut{KeyName: k, Modifier: mod}
		return item
	}
	open := key(fyne.NewMenuItem("Open…", u.ShowOpenDialog), fyne.KeyO, ctrl)
	open.Icon = theme.FolderOpenIcon()
	u.recentMenu = fyne.NewMenu("Open recent")
	recent := fyne.NewMenuItem("Open recent", nil)
	recent.ChildMenu = u.recentMenu
	u.fillRecentMenu()
	export := key(fyne.NewMenuItem("Export report…", u.ShowExportDialog), fyne.KeyE, ctrl)
	export.Icon = theme.DocumentSaveIcon()
	demo := fyne.NewMenuItem("Open demo pattern", u.OpenDemo)
	closeScan := key(fyne.NewMenuItem("Close scan", func() { u.CloseScan(u.current) }), fyne.KeyW, ctrl)
	openWS := fyne.NewMenuItem("Open workspace…", u.ShowOpenWorkspaceDialog)
	saveWS := key(fyne.NewMenuItem("Save workspace…", u.ShowSaveWorkspaceDialog), fyne.KeyS, ctrl)
	quit := key(fyne.NewMenuItem("Quit", u.Quit), fyne.KeyQ, ctrl)
	quit.IsQuit = true

	u.undoItem = fyne.NewMenuItem("Undo", u.Undo)
	u.undoItem.Shortcut = &fyne.ShortcutUndo{} // Ctrl+Z, as the drivers report it
	u.undoItem.Icon = theme.ContentUndoIcon()
	u.redoItem = key(fyne.NewMenuItem("Redo", u.Redo), fyne.KeyZ, ctrl|fyne.KeyModifierShift) // and Ctrl+Y
	u.redoItem.Icon = theme.ContentRedoIcon()

	reset := key(fyne.NewMenuItem("Show whole scan", u.view.ResetZoom), fyne.Key0, ctrl)
	zin := fyne.NewMenuItem("Zoom in", func() { u.zoom(0.5) })
	zout := fyne.NewMenuItem("Zoom out", func() { u.zoom(2) })

	settings := key(fyne.NewMenuItem("Settings…", u.ShowSettings), fyne.KeyComma, ctrl)
	settings.Icon = theme.SettingsIcon()
	advanced := fyne.NewMenuItem("Advanced settings…", u.ShowAdvanced)
	elements := fyne.NewMenuItem("Element restraints…", u.ShowPeriodicTable)
	// The defaults replace the settings, not the scan's phase decisions.
	defaults := fyne.NewMenuItem("Restore default settings", func() { u.SetOptions(sharedOptions(guiDefaults(), u.Options())) })
	rerun := key(fyne.NewMenuItem("Re-run the identification", u.Rerun), fyne.KeyR, ctrl)
	residual := fyne.NewMenuItem("Identify in the residual", u.IdentifyInResidual)
	decisions := fyne.NewMenuItem("Fit and decisions…", u.ShowDecisions)

	about := fyne.NewMenuItem("About Bragg", func() { u.ShowAbout() })
	browse := key(fyne.NewMenuItem("Browse the database…", u.ShowBrowser), fyne.KeyD, ctrl)
	teach := key(fyne.NewMenuItem("Teaching mode…", func() { u.ShowTeaching(nil) }), fyne.KeyT, ctrl)
	return fyne.NewMainMenu(
		fyne.NewMenu("File", open, recent, demo, closeScan, fyne.NewMenuItemSeparator(), openWS, saveWS, fyne.NewMenuItemSeparator(),
			export, fyne.NewMenuItemSeparator(), quit),
		fyne.NewMenu("Edit", u.undoItem, u.redoItem),
		fyne.NewMenu("View", append([]*fyne.MenuItem{zin, zout, reset, fyne.NewMenuItemSeparator()},
			append(u.plotMenuItems(), fyne.NewMenuItemSeparator(), teach)...)...),
		fyne.NewMenu("Analysis", settings, advanced, elements, defaults, fyne.NewMenuItemSeparator(), rerun, residual, decisions),
		fyne.NewMenu("Database", browse, fyne.NewMenuItem("Import CIF files…", u.ShowImportDialog)),
		fyne.NewMenu("Help", about),
	)
}

func (u *UI) zoom(f float64) {
	lo, hi := u.view.VisibleRange()
	u.view.Zoom(f, (lo+hi)/2)
}

// Open reads and analyses each path off the UI goroutine (jobs.go), and
// shows the last one when it is ready. A file that fails to load is
// reported in a dialog naming it and leaves the list as it was. With no
// paths it opens the demo pattern, as `bragg gui` does. A path opened
// already is analysed again.
func (u *UI) Open(paths ...string) {
	if len(paths) == 0 {
		u.OpenDemo()
		return
	}
	for i, p := range paths {
		e := u.find(p, nil)
		if e != nil {
			u.reread(e)
		} else {
			e = u.addEntry(p, nil)
		}
		if i == len(paths)-1 {
			u.want = e
		}
		if p != "" {
			u.addRecent(p)
		}
	}
	u.list.Refresh()
	u.pump()
}

// OpenDemo loads the built-in demonstration pattern.
func (u *UI) OpenDemo() {
	e := u.addEntry("", nil)
	u.want = e
	u.list.Refresh()
	u.pump()
}

// addEntry adds a list entry for the scans ranges of the file at path
// ("" adds a demo pattern), with the settings new scans start with.
func (u *UI) addEntry(path string, ranges []int) *entry {
	e := &entry{path: path, ranges: ranges, opt: u.opt}
	e.name = e.displayName()
	u.entries = append(u.entries, e)
	return e
}

// reread makes e read its file again and analyse it from the start.
func (u *UI) reread(e *entry) {
	u.stop(e)
	e.src, e.held = nil, nil
	e.aopt = analysis.Options{}
	e.full = false
}

// find returns the entry of the scans ranges of path, or nil; the demo is
// never found (each opening adds one).
func (u *UI) find(path string, ranges []int) *entry {
	for _, e := range u.entries {
		if e.path == path && path != "" && slices.Equal(e.ranges, ranges) {
			return e
		}
	}
	return nil
}

// remove takes e out of the list, stopping its work.
func (u *UI) remove(e *entry) {
	u.stop(e)
	e.gen++ // drop a result in flight
	i := slices.Index(u.entries, e)
	if i < 0 {
		return
	}
	u.entries = slices.Delete(u.entries, i, i+1)
	if u.want == e {
		u.want = nil
	}
	if u.current == e {
		u.current = nil
		u.list.UnselectAll()
		u.show(nil)
	}
	u.list.Refresh()
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

// displayName names the scan: the file's name, with the scan or the
// ranges merged of a file that holds several.
func (e *entry) displayName() string {
	if e.path == "" {
		return "Demo pattern"
	}
	name := filepath.Base(e.path)
	switch {
	case len(e.ranges) == 1 && e.nscans > 1:
		name += fmt.Sprintf(" [%d/%d]", e.ranges[0], e.nscans)
	case len(e.ranges) == 1:
		name += fmt.Sprintf(" [%d]", e.ranges[0])
	case len(e.ranges) > 1:
		name += " [" + rangesText(e.ranges) + " merged]"
	}
	return name
}

// summary is the second line of the scan list.
func (e *entry) summary() string {
	switch {
	case e.choosing:
		return "choose the scans to open…"
	case e.step != "" && e.stage != "" && e.stage != analysis.StageDone:
		return e.stage + "…"
	case e.step != "":
		return "waiting…"
	case e.a == nil && e.src != nil:
		return "waiting…"
	case e.a == nil:
		return "queued…"
	}
	parts := []string{e.a.Format}
	if names := answerNames(e.a); len(names) > 0 {
		parts = append(parts, strings.Join(names, " + "))
	} else {
		parts = append(parts, fmt.Sprintf("%d peaks", len(e.a.Peaks)))
	}
	if !e.full && e.held == nil {
		parts = append(parts, "identification pending")
	}
	return strings.Join(parts, " · ")
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

// show makes e (nil: nothing) the scan on display, with its settings in
// the panel; its work goes before the other scans'.
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
	u.settings.fill(u.Options())
	u.settings.updateButtons()
	u.updateOverlays()
	u.updateTables()
	u.updateStatus()
	u.updateEditMenu()
	u.pump()
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
	u.view.Unexplained = unexplainedOf(u.current)
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
	u.showProgress(e)
	switch {
	case e != nil && e.a != nil && e.step != "":
		setText(u.settingsLabel, "Re-running: "+settingsSummary(e.opt))
	case e != nil && e.a != nil:
		setText(u.settingsLabel, settingsSummary(e.aopt)) // those of the results on show
	default:
		setText(u.settingsLabel, settingsSummary(u.Options()))
	}
	u.phases.update()
	if e == nil || e.a == nil {
		setText(u.fileLabel, "No scan open")
		for _, l := range []*widget.Label{u.formatLabel, u.pointsLabel, u.rangeLabel, u.wlLabel} {
			setText(l, "")
		}
		setText(u.peaksHead, "Peaks")
		return
	}
	a := e.a
	s := a.Scan
	setText(u.fileLabel, e.displayName())
	setText(u.formatLabel, strings.ToUpper(a.Format))
	setText(u.pointsLabel, fmt.Sprintf("%d points", s.Len()))
	setText(u.rangeLabel, fmt.Sprintf("2θ %.2f–%.2f°, step %.4g°", s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Step()))
	setText(u.wlLabel, wavelengthText(s.Wavelength))
	if s.Wavelength.Source == diffraction.Assumed || !s.Wavelength.Known() {
		u.wlIcon.Show()
		u.wlLabel.Importance = widget.WarningImportance
		u.wlLabel.Refresh()
	}
	head := fmt.Sprintf("Peaks (%d)", len(a.Peaks))
	for _, b := range a.Broad {
		head += fmt.Sprintf(" · broad feature at %.1f° (FWHM %.0f°, amorphous?), not a peak", b.TwoTheta, b.FWHM)
	}
	setText(u.peaksHead, head)
}

// setText sets the text of l when it differs: a label shapes its text
// again on every SetText.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
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
// An error that comes while the dialog of another is open joins it, so
// that opening a hundred files of which ten fail shows one dialog listing
// ten, not ten dialogs.
func (u *UI) showError(title string, err error) {
	if u.onError != nil {
		u.onError(title, err)
		return
	}
	if x := u.errs; x != nil {
		if x.n == 1 { // the first message needs its title now
			first := x.list.Objects[0].(*widget.Label)
			first.SetText(x.head.Text + ": " + first.Text)
		}
		x.n++
		x.list.Add(errorText(title + ": " + err.Error()))
		x.head.SetText(fmt.Sprintf("%d problems", x.n))
		return
	}
	x := &errorDialog{n: 1, head: widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		list: container.NewVBox(errorText(err.Error()))}
	icon := widget.NewIcon(theme.ErrorIcon())
	content := container.NewBorder(x.head, nil, container.NewVBox(icon), nil, container.NewVScroll(x.list))
	d := dialog.NewCustom("Bragg", "OK", content, u.win)
	d.SetOnClosed(func() { u.errs = nil })
	d.Resize(fyne.NewSize(560, 260))
	u.errs = x
	d.Show()
}

// errorDialog is the error dialog on show: its title and the messages it
// lists.
type errorDialog struct {
	n    int
	head *widget.Label
	list *fyne.Container
}

func errorText(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
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
	setText(c.Objects[0].(*widget.Label), name)
	setText(c.Objects[1].(*widget.Label), caption)
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
