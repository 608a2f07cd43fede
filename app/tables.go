package app

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// column is one column of a table: its title, width before the first
// scan, and alignment.
type column struct {
	title string
	width float32
	right bool // numbers: aligned right
	// cut says that the column is narrower than some of its text, which
	// then ends in an ellipsis (table.fit decides).
	cut bool
}

// alignment is the text alignment of a column's cells and header.
func (c column) alignment() fyne.TextAlign {
	if c.right {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// style aligns a cell's label for the column, and truncates its text only
// in a column too narrow for some of it: truncation shapes a label's text
// again on every refresh (Fyne 2.7's truncateLimit builds a new shaper
// each time), which made it the largest cost of a table layout.
func (c column) style(l *widget.Label) {
	l.Alignment = c.alignment()
	if c.cut {
		l.Truncation = fyne.TextTruncateEllipsis
	} else {
		l.Truncation = fyne.TextTruncateOff
	}
}

// table is a widget.Table whose layout changes are batched: Fyne's
// SetColumnWidth lays the whole table out again (and shapes the text of
// every visible cell) on each call, so fitting n columns to a new scan cost
// n layouts. update makes all of a scan switch's changes and then lays the
// table out once.
type table struct {
	widget.Table
	cols     []column
	batching bool
	blank    bool // Length says no rows: scrolling lays out no cells
	// layouts counts the full layouts, for the test that a scan switch
	// costs one per table.
	layouts int
}

// newTable builds a table with bold headers over cols.
func newTable(cols []column, length func() (int, int), create func() fyne.CanvasObject, update func(widget.TableCellID, fyne.CanvasObject)) *table {
	t := &table{cols: slices.Clone(cols)}
	t.Length = func() (int, int) {
		if t.blank {
			return 0, len(t.cols)
		}
		return length()
	}
	t.CreateCell, t.UpdateCell = create, update
	t.ShowHeaderRow = true
	t.CreateHeader = headerLabel
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(t.cols) {
			l := o.(*widget.Label)
			t.cols[id.Col].style(l)
			l.SetText(t.cols[id.Col].title)
		}
	}
	for i, c := range cols { // before the table is extended: no layout yet
		t.SetColumnWidth(i, c.width)
	}
	t.ExtendBaseWidget(t)
	return t
}

// CreateRenderer wraps the table's renderer so that update can hold its
// refreshes.
func (t *table) CreateRenderer() fyne.WidgetRenderer {
	return &batchRenderer{WidgetRenderer: t.Table.CreateRenderer(), t: t}
}

// batchRenderer is a table's renderer that skips refreshes while the table
// is in update.
type batchRenderer struct {
	fyne.WidgetRenderer
	t *table
}

// Refresh lays the table out, unless an update is in progress.
func (r *batchRenderer) Refresh() {
	if r.t.batching {
		return
	}
	r.t.layouts++
	r.WidgetRenderer.Refresh()
}

// scrollToTop scrolls to the first row. Fyne's ScrollToTop fills every
// visible cell again, which update does anyway: it scrolls a blank table.
func (t *table) scrollToTop() {
	t.blank = true
	t.ScrollToTop()
	t.blank = false
}

// update runs f, which may set column widths, titles, selection and the
// scroll position, and then lays the table out once.
func (t *table) update(f func()) {
	t.batching = true
	f()
	t.batching = false
	t.Refresh()
}

// fit sets each column to its header and its widest cell (of the first
// 500 rows, enough to see the widest values), up to maxW units. Text is
// measured once per shape: digits are set in the same width in the theme's
// fonts, so "26.639" and "31.692" measure alike.
func (t *table) fit(rows int, cell func(row, col int) string, maxW float32) {
	// Header cells may not pick up the override: measure at full size.
	th := fyne.CurrentApp().Settings().Theme()
	size := th.Size(theme.SizeNameText)
	pad := 2*th.Size(theme.SizeNameInnerPadding) + 4
	widths := map[string]float32{}
	measure := func(s string) float32 {
		k := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return '0'
			}
			return r
		}, s)
		w, ok := widths[k]
		if !ok {
			w = fyne.MeasureText(k, size, fyne.TextStyle{Bold: true}).Width
			widths[k] = w
		}
		return w
	}
	for c := range t.cols {
		w := measure(t.cols[c].title)
		for r := range min(rows, 500) {
			if s := cell(r, c); s != "" {
				w = max(w, measure(s))
			}
		}
		t.cols[c].cut = w+pad > maxW
		t.SetColumnWidth(c, min(w+pad, maxW))
	}
}

// peakColumns are the columns of the peak table: the number, the position
// (the first two of analysis.PeakColumns, the columns every peak list
// has), the phases of the answer that explain the peak and how much of it
// they explain, then the rest of analysis.PeakColumns. The plot's axis
// gives the intensity unit, so the headers do not repeat it.
func peakColumns() []column {
	cols := []column{{"No", 34, true, false}}
	for i, c := range analysis.PeakColumns {
		if i == peakExplainAt {
			cols = append(cols, column{"Explained by", 130, false, true}, column{"Expl. %", 56, true, false})
		}
		cols = append(cols, column{c.Header(""), 62, true, false})
	}
	return cols
}

// peakExplainAt is the index in analysis.PeakColumns before which the peak
// table shows what explains the peak: after 2θ and d.
const peakExplainAt = 2

// peakCell returns the text of one cell of the peak table.
func (e *entry) peakCell(row, col int) string {
	p := e.a.Peaks[row]
	switch k := col - 1; {
	case col == 0:
		return strconv.Itoa(row + 1)
	case k < peakExplainAt:
		return analysis.PeakColumns[k].Format(p)
	case k == peakExplainAt:
		if x, ok := e.peakExplanation(row); ok && x.Unexplained {
			return "unexplained"
		}
		if row < len(e.peakPhase) {
			return e.peakPhase[row]
		}
	case k == peakExplainAt+1:
		if x, ok := e.peakExplanation(row); ok {
			return strconv.FormatFloat(100*x.Explained, 'f', 0, 64)
		}
	default:
		return analysis.PeakColumns[k-2].Format(p)
	}
	return ""
}

func headerLabel() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Bold: true}
	return l
}

func (u *UI) newPeakTable() *table {
	var t *table
	t = newTable(peakColumns(),
		func() (int, int) {
			if e := u.current; e != nil && e.a != nil {
				return len(e.a.Peaks), len(t.cols)
			}
			return 0, len(t.cols)
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			l := o.(*widget.Label)
			e := u.current
			if e == nil || e.a == nil || id.Row >= len(e.a.Peaks) {
				l.SetText("")
				return
			}
			t.cols[id.Col].style(l)
			l.Importance = widget.MediumImportance
			if x, ok := e.peakExplanation(id.Row); ok && x.Unexplained && (id.Col == peakExplainAt+1 || id.Col == peakExplainAt+2) {
				l.Importance = widget.WarningImportance
			}
			l.SetText(e.peakCell(id.Row, id.Col))
		})
	t.OnSelected = func(id widget.TableCellID) {
		u.view.Selected = id.Row
		u.view.Refresh()
	}
	t.OnUnselected = func(widget.TableCellID) {
		u.view.Selected = -1
		u.view.Refresh()
	}
	return t
}

// Candidate table columns: the sticks shown, the search's rank, the
// phase, the buttons that accept or reject it and what became of it,
// then its formula, figure of merit, weight fraction (in the answer) and
// the lines matched.
var candColumns = []column{
	{"Show", 54, false, false},
	{"#", 28, true, false},
	{"Phase", 140, false, true},
	{"Decide", 70, false, false},
	{"Status", 120, false, true},
	{"Formula", 80, false, true},
	{"FOM", 50, true, false},
	{"wt%", 50, true, false},
	{"Peaks", 54, true, false},
}

// Indices of candColumns.
const (
	candShow = iota
	candRank
	candPhase
	candDecide
	candStatus
	candFormula
	candFOM
	candWeight
	candPeaks
)

// candCell returns the text of one cell of the candidate table.
func candCell(r candRow, col int) string {
	switch col {
	case candRank:
		if r.rank > 0 {
			return fmt.Sprint(r.rank)
		}
	case candPhase:
		name := r.c.Phase.ShortName()
		switch {
		case r.open != "":
			name = "? " + name // refined, its chemistry open
		case r.identified:
			name = "✓ " + name
		}
		return name
	case candFormula:
		if r.c.Phase != nil {
			return r.c.Phase.Formula
		}
	case candFOM:
		if r.rank > 0 {
			return fmt.Sprintf("%.1f", r.c.FOM)
		}
	case candWeight:
		switch {
		case r.identified && r.fit != nil:
			return fmt.Sprintf("%.1f", 100*r.fit.WeightFraction)
		case r.identified && r.c.WeightPercent > 0 && !math.IsNaN(r.c.WeightPercent):
			return fmt.Sprintf("%.1f", r.c.WeightPercent)
		case r.identified:
			return "–"
		}
	case candPeaks:
		if r.rank > 0 {
			return fmt.Sprint(len(r.c.Pairs))
		}
	case candStatus:
		return r.status()
	}
	return ""
}

func (u *UI) newCandidateTable() *table {
	var t *table
	t = newTable(candColumns,
		func() (int, int) {
			if e := u.current; e != nil {
				return len(e.rows), len(candColumns)
			}
			return 0, len(candColumns)
		},
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			chk := widget.NewCheck("", nil)
			sw := canvas.NewRectangle(palette.Phase(0))
			sw.SetMinSize(fyne.NewSize(14, 14))
			sw.CornerRadius = 2
			// Text, not icons: a table lays its cells out often, and an
			// icon is drawn again each time.
			accept, reject := widget.NewButton("✓", nil), widget.NewButton("✗", nil)
			accept.Importance, reject.Importance = widget.LowImportance, widget.LowImportance
			return container.NewStack(l, container.NewHBox(chk, container.NewCenter(sw)), container.NewHBox(accept, reject))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			st := o.(*fyne.Container)
			l := st.Objects[0].(*widget.Label)
			box := st.Objects[1].(*fyne.Container)
			chk := box.Objects[0].(*widget.Check)
			sw := box.Objects[1].(*fyne.Container).Objects[0].(*canvas.Rectangle)
			buttons := st.Objects[2].(*fyne.Container)
			e := u.current
			if e == nil || id.Row >= len(e.rows) {
				l.SetText("")
				box.Hide()
				buttons.Hide()
				return
			}
			r := e.rows[id.Row]
			switch id.Col {
			case candShow:
				l.Hide()
				buttons.Hide()
				box.Show()
				chk.OnChanged = nil
				chk.SetChecked(r.shown)
				row := id.Row
				chk.OnChanged = func(on bool) { u.SetOverlay(row, on) }
				sw.FillColor = r.color
				if !r.shown {
					c := r.color
					c.A = 0x50
					sw.FillColor = c
				}
				sw.Refresh()
				return
			case candDecide:
				l.Hide()
				box.Hide()
				buttons.Show()
				setDecideButtons(u, buttons, r)
				return
			}
			box.Hide()
			buttons.Hide()
			l.Show()
			l.TextStyle = fyne.TextStyle{Bold: r.identified && id.Col == candPhase}
			l.Importance = widget.MediumImportance
			if id.Col == candStatus && r.user == userRejects {
				l.Importance = widget.DangerImportance
			}
			t.cols[id.Col].style(l)
			l.SetText(candCell(r, id.Col))
		})
	t.OnSelected = func(id widget.TableCellID) {
		// Selecting a row says what became of the candidate, and why.
		if e := u.current; e != nil && id.Row < len(e.rows) {
			u.phases.explain(e.rows[id.Row])
		}
		t.Unselect(id)
	}
	return t
}

// setDecideButtons makes the accept and reject buttons of a candidate's
// row show and toggle the user's decision on it. A button is refreshed
// only when its look changes: refreshing one draws its icon again.
func setDecideButtons(u *UI, box *fyne.Container, r candRow) {
	accept, reject := box.Objects[0].(*widget.Button), box.Objects[1].(*widget.Button)
	id := r.c.Phase.ID
	accept.OnTapped = func() { u.AcceptPhase(id) }
	reject.OnTapped = func() { u.RejectPhase(id) }
	ai, ri := widget.LowImportance, widget.LowImportance
	switch r.user {
	case userAccepts:
		ai = widget.SuccessImportance
		accept.OnTapped = func() { u.UndecidePhase(id) }
	case userRejects:
		ri = widget.DangerImportance
		reject.OnTapped = func() { u.UndecidePhase(id) }
	}
	for _, b := range []struct {
		b   *widget.Button
		imp widget.Importance
	}{{accept, ai}, {reject, ri}} {
		if b.b.Importance != b.imp {
			b.b.Importance = b.imp
			b.b.Refresh()
		}
	}
}

// denseTheme is the application's theme with smaller text, for
// the data tables: a diffraction user wants many rows on screen. It reads
// the current theme on every call so that it follows theme changes.
type denseTheme struct{}

func (denseTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

// Color delegates to the application theme.
func (d denseTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return d.base().Color(n, v)
}

// Font delegates to the application theme.
func (d denseTheme) Font(s fyne.TextStyle) fyne.Resource { return d.base().Font(s) }

// Icon delegates to the application theme.
func (d denseTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return d.base().Icon(n) }

// Size shrinks text and padding.
func (d denseTheme) Size(n fyne.ThemeSizeName) float32 {
	s := d.base().Size(n)
	switch n {
	case theme.SizeNameText:
		return s - 1
	case theme.SizeNameInnerPadding:
		return s - 3
	case theme.SizeNamePadding:
		return s - 2
	}
	return s
}

// updateTables shows the scan on display in the tables: its columns
// fitted to its values, no selection, scrolled to the top; each table is
// laid out once.
func (u *UI) updateTables() {
	e := u.current
	u.peaks.update(func() {
		u.peaks.UnselectAll()
		u.peaks.scrollToTop()
		if e == nil || e.a == nil {
			return
		}
		u.peaks.fit(len(e.a.Peaks), e.peakCell, 200)
	})
	u.phases.update()
	u.phases.fitAnswer()
	u.phases.candsStale = true
	if u.phases.tabs.shown == 1 {
		u.fitCandidates()
	}
}

// fitCandidates shows the scan on display in the candidate table, laid out
// once; while the table's tab is hidden it waits until the tab is shown
// (phasePanel.candsStale).
func (u *UI) fitCandidates() {
	e := u.current
	u.phases.candsStale = false
	u.cands.update(func() {
		u.cands.scrollToTop()
		if e == nil || e.a == nil {
			return
		}
		u.cands.fit(len(e.rows), func(r, c int) string {
			switch c {
			case candShow:
				return "MMMM" // check box and colour swatch
			case candDecide:
				return "MMMMM" // two buttons
			}
			return candCell(e.rows[r], c)
		}, 150)
	})
}
