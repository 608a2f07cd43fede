package app

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// dbBrowser is the reference database's window: the search of `bragg db
// search` (refdb.Query, refdb.DB.Search), a virtualised list of the
// entries found, the card of the one selected (`bragg db show`) with its
// pattern simulated at a chosen wavelength, and the changes of `bragg db
// import/remove/export` through the same refdb.Store. Searches, patterns
// and changes run off the UI goroutine.
type dbBrowser struct {
	u     *UI
	win   fyne.Window
	store *refdb.Store
	// One worker per kind of job, so that a search does not replace a
	// waiting simulation.
	finder, simulator, changer worker
	// onOverlay asks the main window to draw an entry's sticks over the
	// scan on display.
	onOverlay func(*refdb.Phase) error

	text, formula, allOf, anyOf, noneOf, sg, dsp, dtol *widget.Entry

	count  *widget.Label
	list   *widget.List
	hits   []refdb.Hit
	total  int // entries in the database
	gen    int // counts searches; an older result is dropped
	sel    *refdb.Phase
	want   string  // the ID to select when a search finds it, else sel's
	note   string  // said after the count of the next search's result
	lambda float64 // of the simulation on display

	title, sub *widget.Label
	fields     map[string]*widget.Label
	wl         *widget.Select
	plot       *linePlot
	lines      *widget.Table
	atoms      *widget.Table
	tabs       *container.AppTabs
	overlayBtn *widget.Button
	acceptBtn  *widget.Button
	teachBtn   *widget.Button
	exportBtn  *widget.Button
	removeBtn  *widget.Button
	removeNote *widget.Label

	// pending are the duplicates an import found, waiting for the user's
	// choice in the dialog on show.
	pending []*dupChoice
	dupDlg  dialog.Dialog
}

// dupChoice is one structure already in the database and what to do with
// it: "Replace", "Keep both" or "Skip".
type dupChoice struct {
	err    *refdb.DuplicateError
	choice *widget.RadioGroup
}

// The choices offered for a duplicate, and what refdb makes of them.
var dupResolutions = map[string]refdb.Resolution{"Replace": refdb.Replace, "Keep both": refdb.KeepBoth, "Skip": refdb.Skip}

// ShowBrowser opens the database browser, or brings it to the front.
func (u *UI) ShowBrowser() {
	if u.browser == nil {
		u.browser = newDBBrowser(u)
		u.browser.win.SetOnClosed(func() { u.browser = nil })
	}
	u.browser.win.Show()
	u.browser.win.RequestFocus()
}

// ShowImportDialog asks for CIF files and imports their structures into
// the user database, through the database browser, which asks what to do
// with any already in the database.
func (u *UI) ShowImportDialog() {
	u.ShowBrowser()
	u.browser.askImport()
}

func newDBBrowser(u *UI) *dbBrowser {
	b := &dbBrowser{u: u, win: u.app.NewWindow("Bragg — reference database"), store: u.services.Store,
		fields: map[string]*widget.Label{}, onOverlay: u.overlayReference}
	for _, w := range []*worker{&b.finder, &b.simulator, &b.changer} {
		w.do, w.inline = u.do, u.inline
	}
	b.build()
	b.win.Resize(fyne.NewSize(1240, 800))
	// Start on the phase identified in the scan on display, if any.
	if e := u.current; e != nil {
		if ps := answerPhases(e.a); len(ps) > 0 {
			b.want = ps[0].ID
		}
	}
	b.search()
	return b
}

func (b *dbBrowser) build() {
	entry := func(hint string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(hint)
		e.OnChanged = func(string) { b.search() }
		return e
	}
	b.text = entry("Name, mineral, formula (any order) or ID")
	b.formula = entry("e.g. Al2O3, CaSO4·2H2O")
	b.allOf = entry("all of, e.g. Fe, O")
	b.anyOf = entry("at least one of")
	b.noneOf = entry("none of, e.g. Pb")
	b.sg = entry("symbol or number: Fm-3m, 225")
	b.dsp = entry("three strongest, Å: 3.34, 4.26, 1.82")
	b.dtol = entry("1")
	more := widget.NewForm(
		widget.NewFormItem("Formula", b.formula),
		widget.NewFormItem("Elements", b.allOf),
		widget.NewFormItem("Any of", b.anyOf),
		widget.NewFormItem("None of", b.noneOf),
		widget.NewFormItem("Space group", b.sg),
		widget.NewFormItem("d (Å)", b.dsp),
		widget.NewFormItem("d tol. (%)", b.dtol))
	acc := widget.NewAccordion(widget.NewAccordionItem("More criteria", more))
	// One line: a label that wraps in a box sizes itself before it knows
	// its width, and its second line then covered the list's first entry.
	b.count = widget.NewLabel("")
	b.count.Truncation = fyne.TextTruncateEllipsis
	importBtn := widget.NewButtonWithIcon("Import CIF…", theme.ContentAddIcon(), b.askImport)

	b.list = widget.NewList(func() int { return len(b.hits) }, twoLineItem,
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(b.hits) {
				p := b.hits[id].Phase
				setTwoLines(o, p.DisplayName(), strings.Join(nonEmpty(p.Formula, p.Structure.SpaceGroupLabel(), p.ID), " · "))
			}
		})
	b.list.OnSelected = func(id widget.ListItemID) {
		if id < len(b.hits) && !b.showing(b.hits[id].Phase) {
			b.showEntry(b.hits[id].Phase)
		}
	}
	head := widget.NewLabelWithStyle("Search", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewBorder(container.NewVBox(head, b.text, acc, container.NewHBox(importBtn), b.count),
		nil, nil, nil, b.list)

	// The card.
	b.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.title.SizeName = theme.SizeNameSubHeadingText
	b.title.Wrapping = fyne.TextWrapWord
	b.sub = widget.NewLabel("")
	b.sub.Truncation = fyne.TextTruncateEllipsis
	form := container.New(layout.NewFormLayout())
	for _, k := range cardFields {
		v := widget.NewLabel("")
		v.Wrapping = fyne.TextWrapWord
		b.fields[k] = v
		key := widget.NewLabelWithStyle(k, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		form.Add(key)
		form.Add(v)
	}
	b.overlayBtn = widget.NewButtonWithIcon("Overlay on the scan", theme.VisibilityIcon(), func() {
		if b.sel == nil {
			return
		}
		if err := b.onOverlay(b.sel); err != nil {
			b.u.reportError(b.win, "Cannot overlay "+b.sel.ShortName(), err)
		}
	})
	b.acceptBtn = widget.NewButtonWithIcon("Accept in the scan", theme.ConfirmIcon(), func() {
		if b.sel == nil {
			return
		}
		if err := b.u.AddPhase(b.sel); err != nil {
			b.u.reportError(b.win, "Cannot accept "+b.sel.ShortName(), err)
		}
	})
	b.teachBtn = widget.NewButtonWithIcon("Teaching mode", theme.HelpIcon(), func() {
		if b.sel != nil {
			b.u.ShowTeaching(b.sel)
		}
	})
	b.exportBtn = widget.NewButtonWithIcon("Export CIF…", theme.DocumentSaveIcon(), b.askExport)
	b.removeBtn = widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), b.askRemove)
	b.removeBtn.Importance = widget.DangerImportance
	b.removeNote = widget.NewLabel("")
	b.removeNote.Importance = widget.LowImportance
	actions := container.NewHBox(b.overlayBtn, b.acceptBtn, b.teachBtn, b.exportBtn, layout.NewSpacer(), b.removeNote, b.removeBtn)
	card := container.NewVBox(b.title, b.sub, form)

	b.wl = widget.NewSelect(wavelengthOptions(), func(string) { b.simulateSelected() })
	b.wl.SetSelected(scanWavelength)
	b.plot = newLinePlot()
	b.plot.Empty = "Select an entry to see its pattern"
	b.plot.Color = palette.Phase(0)
	patternTab := container.NewBorder(container.NewBorder(nil, nil, widget.NewLabel("Simulated at"), nil, b.wl), nil, nil, nil, b.plot)
	b.lines = dataTable([]string{"h", "k", "l", "d (Å)", "2θ (°)", "I", "m"}, []float32{40, 40, 40, 90, 90, 70, 50},
		func() int { return b.lineCount() }, b.lineCell)
	b.atoms = dataTable([]string{"Site", "Element", "x", "y", "z", "Occupancy", "Uiso (Å²)"}, []float32{80, 70, 90, 90, 90, 90, 90},
		func() int { return b.atomCount() }, b.atomCell)
	b.tabs = container.NewAppTabs(
		container.NewTabItem("Pattern", patternTab),
		container.NewTabItem("Lines", b.lines),
		container.NewTabItem("Atoms", b.atoms))
	right := container.NewVSplit(container.NewVScroll(container.NewPadded(card)), b.tabs)
	right.Offset = 0.45
	rightAll := container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), actions), nil, nil, right)

	split := container.NewHSplit(container.NewPadded(left), rightAll)
	split.Offset = 0.3
	b.win.SetContent(split)
	b.showEntry(nil)

	ctrl := fyne.KeyModifierShortcutDefault
	b.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: ctrl}, func(fyne.Shortcut) { b.win.Canvas().Focus(b.text) })
	b.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: ctrl}, func(fyne.Shortcut) { b.win.Close() })
}

// cardFields are the rows of an entry's card, in order.
var cardFields = []string{"Formula", "Mineral", "Space group", "Cell", "Z, density", "Source", "Licence", "Citation", "Flags"}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// query reads the search fields as `bragg db search` reads its flags.
func (b *dbBrowser) query() (refdb.Query, error) {
	q := refdb.Query{Text: b.text.Text, Formula: strings.TrimSpace(b.formula.Text), SpaceGroup: strings.TrimSpace(b.sg.Text),
		AllOf: match.ParseElements(b.allOf.Text), AnyOf: match.ParseElements(b.anyOf.Text), NoneOf: match.ParseElements(b.noneOf.Text)}
	var err error
	if q.Strongest, err = refdb.ParseDSpacings(b.dsp.Text); err != nil {
		return q, err
	}
	if s := strings.TrimSpace(b.dtol.Text); s != "" {
		v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		if err != nil {
			return q, fmt.Errorf("d tolerance %q is not a number of per cent", s)
		}
		q.DTolerance = v / 100
	}
	return q, q.Validate()
}

// search runs the query of the fields off the UI goroutine and lists the
// entries found; the entry selected stays selected when it is among them,
// else the first is.
func (b *dbBrowser) search() {
	q, err := b.query()
	if err != nil {
		b.count.SetText(err.Error())
		b.count.Importance = widget.DangerImportance
		b.count.Refresh()
		return
	}
	if b.store == nil {
		b.count.SetText("No reference database in this build.")
		return
	}
	b.gen++
	gen, store := b.gen, b.store
	b.finder.submit(func() func() {
		hits, total, err := searchLibrary(store, q)
		return func() {
			if gen == b.gen {
				b.setHits(hits, total, err)
			}
		}
	})
}

// setHits lists the entries of a search.
func (b *dbBrowser) setHits(hits []refdb.Hit, total int, err error) {
	b.count.Importance = widget.MediumImportance
	if err != nil {
		b.count.SetText(err.Error())
		b.count.Importance = widget.DangerImportance
		b.count.Refresh()
		return
	}
	b.hits, b.total = hits, total
	count := fmt.Sprintf("%d of %d entries", len(hits), total)
	if b.note != "" {
		count += "; " + b.note
		b.note = ""
	}
	b.count.SetText(count)
	b.count.Refresh()
	b.list.Refresh()
	i := 0
	if b.want == "" && b.sel != nil {
		b.want = b.sel.ID
	}
	if j := slices.IndexFunc(hits, func(h refdb.Hit) bool { return h.Phase.ID == b.want }); j >= 0 {
		i = j
	}
	b.want = ""
	if len(hits) == 0 {
		b.list.UnselectAll()
		b.showEntry(nil)
		return
	}
	b.list.Select(i) // and scrolls to it
	if !b.showing(hits[i].Phase) {
		b.showEntry(hits[i].Phase)
	}
}

// showing reports whether the card shows the entry p lists.
func (b *dbBrowser) showing(p *refdb.Phase) bool { return b.sel != nil && b.sel.ID == p.ID }

// searchLibrary runs q over every collection of store's library
// (refdb.Library.Search: a collection's entries are read one by one, so
// that a collection of the COD's size is searched without holding it
// decoded) and counts the entries there are to list.
func searchLibrary(store *refdb.Store, q refdb.Query) ([]refdb.Hit, int, error) {
	lib, err := store.Library()
	if err != nil {
		return nil, 0, err
	}
	hits, err := lib.Search(q)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	for _, part := range lib.Parts {
		total += part.Len() - part.Replaced()
	}
	return hits, total, nil
}

// entryByID returns the database entry id, whole; nil when there is none
// or the database cannot be read.
func entryByID(store *refdb.Store, id string) *refdb.Phase {
	if store == nil {
		return nil
	}
	lib, err := store.Library()
	if err != nil {
		return nil
	}
	p, _, err := lib.Get(id)
	if err != nil {
		return nil
	}
	return p
}

// wholeEntry returns the entry p lists, whole: a hit of a collection is
// its head, without atoms and lines (refdb.Part.Head).
func wholeEntry(store *refdb.Store, p *refdb.Phase) *refdb.Phase {
	if w := entryByID(store, p.ID); w != nil {
		return w
	}
	return p
}

// isUser reports whether p is one of the user's entries.
func isUser(p *refdb.Phase) bool { return strings.HasPrefix(p.ID, refdb.UserPrefix) }

// showEntry fills the card with p (nil: none).
func (b *dbBrowser) showEntry(p *refdb.Phase) {
	if p != nil {
		p = wholeEntry(b.store, p)
	}
	b.sel = p
	for _, w := range []fyne.Disableable{b.overlayBtn, b.acceptBtn, b.teachBtn, b.exportBtn, b.removeBtn} {
		if p == nil {
			w.Disable()
		} else {
			w.Enable()
		}
	}
	if p == nil {
		b.title.SetText("No entry selected")
		b.sub.SetText("")
		for _, v := range b.fields {
			v.SetText("")
		}
		b.removeNote.SetText("")
		b.plot.Sim = nil
		b.plot.Refresh()
		b.lines.Refresh()
		b.atoms.Refresh()
		return
	}
	b.title.SetText(p.DisplayName())
	b.sub.SetText(p.ID)
	s := &p.Structure
	c := s.Cell
	set := func(k, v string) { b.fields[k].SetText(v) }
	formula := p.ChemicalFormula
	if formula == "" {
		formula = p.Formula
	}
	if formula != p.Formula {
		formula += "   (sum " + p.Formula + ")"
	}
	set("Formula", formula+"   elements "+strings.Join(p.Elements, " "))
	set("Mineral", firstNonEmpty(p.Mineral, "–"))
	set("Space group", s.SpaceGroupName()+", "+p.System)
	set("Cell", fmt.Sprintf("a %.5g  b %.5g  c %.5g Å   α %.5g  β %.5g  γ %.5g°   V %.5g Å³", c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, p.Volume))
	set("Z, density", fmt.Sprintf("Z = %g   ρ = %.4g g/cm³ (calculated)   RIR %.3g (calculated I/Ic)", p.Z, p.Density, p.RIR))
	set("Source", p.Source)
	set("Licence", p.License)
	set("Citation", firstNonEmpty(p.Citation, "–"))
	set("Flags", firstNonEmpty(strings.Join(entryFlags(p), "; "), "–"))
	if isUser(p) {
		b.removeBtn.Enable()
		b.removeNote.SetText("your entry")
	} else {
		b.removeBtn.Disable()
		b.removeNote.SetText("Bundled entries cannot be removed")
	}
	b.lines.ScrollToTop()
	b.lines.Refresh()
	b.atoms.ScrollToTop()
	b.atoms.Refresh()
	b.plot.ResetZoom()
	b.simulateSelected()
}

// entryFlags lists what a user should know of an entry's structure, as
// `bragg db show` does.
func entryFlags(p *refdb.Phase) []string {
	var out []string
	for _, f := range []struct {
		on   bool
		name string
	}{{p.Common, "common phase"}, {p.Computed, "computed structure (not measured)"}, {p.PartialOccupancy, "partial occupancy"},
		{p.MissingH, "H atoms missing from the structure"}} {
		if f.on {
			out = append(out, f.name)
		}
	}
	if p.Repairs != "" {
		out = append(out, "repaired: "+p.Repairs)
	}
	if len(p.Duplicates) > 0 {
		what := "merged duplicates"
		if isUser(p) {
			what = "replaces"
		}
		out = append(out, what+": "+strings.Join(p.Duplicates, " "))
	}
	return out
}

// scanWavelength is the first option of the browser's wavelengths: that
// of the scan on display when the pattern is computed, Cu Kα1 when there
// is none (the plot's legend gives the λ used).
const scanWavelength = "the scan on display"

// wavelengthOptions are the browser's choices of wavelength: the scan's,
// then the Kα1 lines of the anodes.
func wavelengthOptions() []string {
	opts := []string{scanWavelength}
	for _, a := range teachAnodes {
		w, _ := diffraction.AnodeWavelength(a)
		opts = append(opts, anodeLabel(a, w.Ka1))
	}
	return opts
}

// wavelength is the one chosen for the simulated pattern, and the 2θ
// range to compute: the scan's when its wavelength is chosen, else 5–90°.
func (b *dbBrowser) wavelength() (lambda, lo, hi float64) {
	lambda, lo, hi = diffraction.CuKa.Ka1, teachLo, teachHi
	if i := slices.Index(b.wl.Options, b.wl.Selected); i > 0 {
		w, _ := diffraction.AnodeWavelength(teachAnodes[i-1])
		return w.Ka1, lo, hi
	}
	if e := b.u.current; e != nil && e.a != nil && e.a.Scan.Wavelength.Known() {
		s := e.a.Scan
		return s.Wavelength.Ka1, max(s.TwoTheta[0], 0.5), min(s.TwoTheta[s.Len()-1], 179)
	}
	return lambda, lo, hi
}

// simulateSelected computes the selected entry's pattern at the chosen
// wavelength, over the range of the scan on display or 5–90°.
func (b *dbBrowser) simulateSelected() {
	p := b.sel
	if p == nil || b.plot == nil {
		return
	}
	lambda, lo, hi := b.wavelength()
	b.lambda = lambda
	b.lines.Refresh() // its 2θ column
	if len(p.Structure.Sites) == 0 {
		b.plot.Sim = nil
		b.plot.Empty = "This entry has no structure to simulate"
		b.plot.Refresh()
		return
	}
	b.simulator.submit(func() func() {
		sim, err := simulate(&p.Structure, lambda, lo, hi)
		return func() {
			if b.sel != p || b.lambda != lambda {
				return
			}
			b.plot.Sim, b.plot.Selected = sim, -1
			b.plot.Name = fmt.Sprintf("%s, λ %.5f Å", p.ShortName(), lambda)
			if err != nil {
				b.plot.Empty = "Cannot simulate: " + err.Error()
			}
			b.plot.Refresh()
		}
	})
}

func (b *dbBrowser) lineCount() int {
	if b.sel == nil {
		return 0
	}
	return len(b.sel.Lines)
}

// lineCell is one cell of the line list: the stored reference lines (Cu
// Kα1, as search-match uses them) with 2θ at the chosen wavelength.
func (b *dbBrowser) lineCell(row, col int) string {
	l := b.sel.Lines[row]
	switch col {
	case 0:
		return strconv.Itoa(l.H)
	case 1:
		return strconv.Itoa(l.K)
	case 2:
		return strconv.Itoa(l.L)
	case 3:
		return fmt.Sprintf("%.5f", l.D)
	case 4:
		if tt, ok := diffraction.TwoTheta(l.D, b.lambda); ok {
			return fmt.Sprintf("%.3f", tt)
		}
		return "–"
	case 5:
		return fmt.Sprintf("%.2f", l.I)
	}
	return strconv.Itoa(l.Multiplicity)
}

func (b *dbBrowser) atomCount() int {
	if b.sel == nil {
		return 0
	}
	return len(b.sel.Structure.Sites)
}

func (b *dbBrowser) atomCell(row, col int) string {
	a := b.sel.Structure.Sites[row]
	switch col {
	case 0:
		return a.Label
	case 1:
		if a.Charge != 0 {
			return fmt.Sprintf("%s%+d", a.Element, a.Charge)
		}
		return a.Element
	case 2:
		return fmt.Sprintf("%.5f", a.X)
	case 3:
		return fmt.Sprintf("%.5f", a.Y)
	case 4:
		return fmt.Sprintf("%.5f", a.Z)
	case 5:
		return fmt.Sprintf("%.3g", a.Occupancy)
	}
	return fmt.Sprintf("%.4g", a.Uiso)
}

// dataTable is a read-only table with a header row: numbers right-aligned,
// text left.
func dataTable(head []string, widths []float32, rows func() int, cell func(row, col int) string) *widget.Table {
	t := widget.NewTableWithHeaders(func() (int, int) { return rows(), len(head) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			if id.Row >= rows() {
				l.SetText("")
				return
			}
			s := cell(id.Row, id.Col)
			l.Alignment = fyne.TextAlignLeading
			if _, err := strconv.ParseFloat(strings.TrimPrefix(s, "–"), 64); err == nil {
				l.Alignment = fyne.TextAlignTrailing
			}
			l.SetText(s)
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(head) {
			o.(*widget.Label).SetText(head[id.Col])
		}
	}
	for i, w := range widths {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(id widget.TableCellID) { t.Unselect(id) }
	return t
}

// askImport asks for CIF files and imports them.
func (b *dbBrowser) askImport() {
	b.u.pickFiles("Import CIF files into the user database", "Crystal structures (CIF)", []string{".cif"}, b.importFiles)
}

// importFiles imports the structures of CIF files into the user database
// off the UI goroutine. Structures already in the database are held back
// and the user is asked, for each, whether to replace the entry, keep
// both or skip it; the files that fail, and the structures the sanity
// gate refuses (with its reason), are reported.
func (b *dbBrowser) importFiles(paths []string) {
	b.runImport(paths, nil)
}

// runImport calls Store.ImportResolving with resolve and reports.
func (b *dbBrowser) runImport(paths []string, resolve func(*refdb.DuplicateError) refdb.Resolution) {
	if b.store == nil {
		b.u.reportError(b.win, "Cannot import", errNotAvailable("the reference database"))
		return
	}
	store := b.store
	b.changer.submit(func() func() {
		ps, failed, err := store.ImportResolving(paths, resolve)
		return func() { b.imported(ps, failed, err) }
	})
}

// imported reports an import: the entries added (the last is selected),
// the files that failed, and the duplicates to decide on.
func (b *dbBrowser) imported(ps []refdb.Phase, failed []error, err error) {
	if err != nil {
		b.u.reportError(b.win, "Could not import", err)
		return
	}
	var dups []*refdb.DuplicateError
	var msgs []string
	for _, f := range failed {
		var d *refdb.DuplicateError
		var g *refdb.GateError
		switch {
		case errors.As(f, &d):
			dups = append(dups, d)
		case errors.As(f, &g):
			msgs = append(msgs, fmt.Sprintf("%s\nThe sanity gate refused it (%s): %s", failedFile(f), g.Reason, g.Detail))
		default:
			msgs = append(msgs, f.Error())
		}
	}
	if len(ps) > 0 { // show the new entries among all, the last selected
		b.want = ps[len(ps)-1].ID
		b.note = "imported " + strings.Join(phaseIDs(ps), ", ")
		b.clearCriteria()
		b.search()
	}
	if len(msgs) > 0 {
		b.u.reportError(b.win, "Not imported", errors.New(strings.Join(msgs, "\n\n")))
	}
	if len(dups) > 0 {
		b.askDuplicates(dups)
	}
}

// failedFile is the file an import error names (its text up to the first
// ": "), or the whole text.
func failedFile(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		return s[:i]
	}
	return s
}

func phaseIDs(ps []refdb.Phase) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// clearCriteria empties the search fields (without searching).
func (b *dbBrowser) clearCriteria() {
	for _, e := range []*widget.Entry{b.text, b.formula, b.allOf, b.anyOf, b.noneOf, b.sg, b.dsp, b.dtol} {
		e.Text = ""
		e.Refresh()
	}
}

// askDuplicates asks, for each structure already in the database, whether
// to replace the entry, keep both or skip it (the default); Import
// re-imports the files of those not skipped with the choices.
func (b *dbBrowser) askDuplicates(dups []*refdb.DuplicateError) {
	b.pending = nil
	rows := container.NewVBox()
	for _, d := range dups {
		where := "bundled"
		if isUser(d.Of) {
			where = "your entry"
		}
		msg := widget.NewLabel(fmt.Sprintf("%s (%s) is already in the database as %s, %s (%s, %s).",
			filepath.Base(d.Source), d.ID, d.Of.ID, d.Of.DisplayName(), d.Of.Formula, where))
		msg.Wrapping = fyne.TextWrapWord
		opts := []string{"Replace", "Keep both", "Skip"}
		rg := widget.NewRadioGroup(opts, nil)
		rg.Horizontal = true
		rg.Required = true
		rg.SetSelected("Skip")
		b.pending = append(b.pending, &dupChoice{err: d, choice: rg})
		rows.Add(msg)
		rows.Add(rg)
		rows.Add(widget.NewSeparator())
	}
	note := widget.NewLabel("Replacing a bundled entry leaves it out of searches for as long as yours stands; " +
		"removing yours brings it back.")
	note.Wrapping = fyne.TextWrapWord
	note.Importance = widget.LowImportance
	content := container.NewBorder(nil, note, nil, nil, container.NewVScroll(rows))
	b.dupDlg = dialog.NewCustomConfirm("Already in the database", "Import", "Cancel", content, func(ok bool) {
		if ok {
			b.resolveDuplicates()
		}
		b.pending = nil
	}, b.win)
	b.dupDlg.Resize(fyne.NewSize(640, min(200+110*float32(len(dups)), 560)))
	b.dupDlg.Show()
}

// resolveDuplicates imports again the files of the duplicates not
// skipped, with the choices made.
func (b *dbBrowser) resolveDuplicates() {
	choice := map[string]refdb.Resolution{}
	var files []string
	for _, p := range b.pending {
		r := dupResolutions[p.choice.Selected]
		choice[p.err.ID] = r
		if r != refdb.Skip && !slices.Contains(files, p.err.Source) {
			files = append(files, p.err.Source)
		}
	}
	if len(files) == 0 {
		return
	}
	b.runImport(files, func(d *refdb.DuplicateError) refdb.Resolution { return choice[d.ID] })
}

// askRemove asks to confirm, then removes the selected user entry.
func (b *dbBrowser) askRemove() {
	p := b.sel
	if p == nil || !isUser(p) {
		return
	}
	dialog.ShowConfirm("Remove "+p.ID+"?", fmt.Sprintf("Remove %s (%s) from your database?\nScans identified from now on will not consider it.",
		p.DisplayName(), p.Formula), func(ok bool) {
		if ok {
			b.remove(p.ID)
		}
	}, b.win)
}

// remove deletes a user entry off the UI goroutine and searches again.
func (b *dbBrowser) remove(id string) {
	store := b.store
	b.changer.submit(func() func() {
		err := store.Remove(id)
		return func() {
			if err != nil {
				b.u.reportError(b.win, "Could not remove "+id, err)
				return
			}
			b.sel = nil
			b.note = "removed " + id
			b.search()
		}
	})
}

// askExport asks where to write the selected entry as CIF.
func (b *dbBrowser) askExport() {
	p := b.sel
	if p == nil {
		return
	}
	b.u.pickSave("Export "+p.ID+" as CIF", "_Export", "Crystal structure (CIF)", ".cif", refdb.Slug(p.ID)+".cif", "",
		func(path string) { b.export(p, path) })
}

// export writes p to path as CIF (refdb.WriteCIF, what `bragg db export`
// writes), atomically, off the UI goroutine.
func (b *dbBrowser) export(p *refdb.Phase, path string) {
	if !strings.EqualFold(filepath.Ext(path), ".cif") {
		path += ".cif"
	}
	b.changer.submit(func() func() {
		err := atomic.WriteFile(path, func(w io.Writer) error { return refdb.WriteCIF(w, p) })
		return func() {
			if err != nil {
				b.u.reportError(b.win, "Could not export "+p.ID, err)
				return
			}
			b.count.SetText(fmt.Sprintf("%d of %d entries; wrote %s", len(b.hits), b.total, path))
		}
	})
}

// overlayReference draws the sticks of p over the scan on display: a row
// of the candidate table, unranked, shown, which the user can hide like
// the others.
func (u *UI) overlayReference(p *refdb.Phase) error {
	e := u.current
	if e == nil || e.a == nil {
		return errors.New("open a scan first: the sticks are drawn over the scan on display")
	}
	for i, r := range e.rows {
		if r.c.Phase != nil && r.c.Phase.ID == p.ID {
			u.SetOverlay(i, true)
			return nil
		}
	}
	e.rows = append(e.rows, candRow{c: match.Candidate{Phase: p}, shown: true, color: palette.Phase(len(e.rows))})
	u.updateOverlays()
	u.cands.Refresh()
	return nil
}

// reportError tells of err in a dialog over w, the window the user works
// in (through onError in snapshots).
func (u *UI) reportError(w fyne.Window, title string, err error) {
	if u.onError != nil {
		u.onError(title, err)
		return
	}
	d := dialog.NewError(fmt.Errorf("%s\n\n%w", title, err), w)
	d.Show()
}
