package app

import (
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// column is one column of a table: its title, width and alignment.
type column struct {
	title string
	width float32
	right bool // numbers: aligned right
}

// alignment is the text alignment of a column's cells and header.
func (c column) alignment() fyne.TextAlign {
	if c.right {
		return fyne.TextAlignTrailing
	}
	return fyne.TextAlignLeading
}

// setColumns gives t bold headers with the columns' titles and alignment,
// and the columns' widths.
func setColumns(t *widget.Table, cols []column) {
	t.ShowHeaderColumn = false
	t.CreateHeader = headerLabel
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 && id.Col < len(cols) {
			l := o.(*widget.Label)
			l.SetText(cols[id.Col].title)
			l.Alignment = cols[id.Col].alignment()
		}
	}
	for i, c := range cols {
		t.SetColumnWidth(i, c.width)
	}
}

// Peak table columns.
var peakColumns = []column{
	{"No", 34, true},
	{"2θ (°)", 62, true},
	{"d (Å)", 62, true},
	{"Height", 60, true},
	{"Area", 60, true},
	{"FWHM (°)", 56, true},
	{"I (%)", 50, true},
	{"Phase", 130, false},
}

// peakCell returns the text of one cell of the peak table.
func (e *entry) peakCell(row, col int) string {
	p := e.a.Peaks[row]
	switch col {
	case 0:
		return fmt.Sprint(row + 1)
	case 1:
		return fmt.Sprintf("%.3f", p.TwoTheta)
	case 2:
		return fmt.Sprintf("%.4f", p.D)
	case 3:
		return fmt.Sprintf("%.0f", p.Height)
	case 4:
		return fmt.Sprintf("%.1f", p.Area)
	case 5:
		return fmt.Sprintf("%.3f", p.FWHM)
	case 6:
		return fmt.Sprintf("%.1f", p.RelIntensity)
	case 7:
		if row < len(e.peakPhase) {
			return e.peakPhase[row]
		}
	}
	return ""
}

func headerLabel() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.TextStyle = fyne.TextStyle{Bold: true}
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (u *UI) newPeakTable() *widget.Table {
	t := widget.NewTableWithHeaders(
		func() (int, int) {
			if e := u.current; e != nil && e.a != nil {
				return len(e.a.Peaks), len(peakColumns)
			}
			return 0, len(peakColumns)
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
			l.Alignment = peakColumns[id.Col].alignment()
			l.SetText(e.peakCell(id.Row, id.Col))
		})
	setColumns(t, peakColumns)
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

// Candidate table columns.
var candColumns = []column{
	{"Show", 54, false},
	{"#", 28, true},
	{"Phase", 140, false},
	{"Formula", 80, false},
	{"FOM", 50, true},
	{"wt%", 50, true},
	{"Peaks", 54, true},
}

// candCell returns the text of one cell of the candidate table.
func candCell(r candRow, col int) string {
	switch col {
	case 1:
		if r.rank > 0 {
			return fmt.Sprint(r.rank)
		}
	case 2:
		name := phaseName(r.c)
		if r.identified {
			name = "✓ " + name
		}
		return name
	case 3:
		if r.c.Phase != nil {
			return r.c.Phase.Formula
		}
	case 4:
		return fmt.Sprintf("%.1f", r.c.FOM)
	case 5:
		if r.identified && r.c.WeightPercent > 0 && !math.IsNaN(r.c.WeightPercent) {
			return fmt.Sprintf("%.1f", r.c.WeightPercent)
		}
		if r.identified {
			return "–"
		}
	case 6:
		return fmt.Sprint(len(r.c.Pairs))
	}
	return ""
}

func (u *UI) newCandidateTable() *widget.Table {
	t := widget.NewTableWithHeaders(
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
			sw := canvas.NewRectangle(overlayColors[0])
			sw.SetMinSize(fyne.NewSize(14, 14))
			sw.CornerRadius = 2
			return container.NewStack(l, container.NewHBox(chk, container.NewCenter(sw)))
		},
		func(id widget.TableCellID, o fyne.CanvasObject) {
			st := o.(*fyne.Container)
			l := st.Objects[0].(*widget.Label)
			box := st.Objects[1].(*fyne.Container)
			chk := box.Objects[0].(*widget.Check)
			sw := box.Objects[1].(*fyne.Container).Objects[0].(*canvas.Rectangle)
			e := u.current
			if e == nil || id.Row >= len(e.rows) {
				l.SetText("")
				box.Hide()
				return
			}
			r := e.rows[id.Row]
			if id.Col == 0 {
				l.Hide()
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
			}
			box.Hide()
			l.Show()
			l.TextStyle = fyne.TextStyle{Bold: r.identified && id.Col == 2}
			l.Alignment = candColumns[id.Col].alignment()
			l.SetText(candCell(r, id.Col))
		})
	setColumns(t, candColumns)
	t.OnSelected = func(id widget.TableCellID) {
		// Selecting a row toggles its sticks, like clicking the check.
		if e := u.current; e != nil && id.Row < len(e.rows) && id.Col != 0 {
			u.SetOverlay(id.Row, !e.rows[id.Row].shown)
		}
		t.Unselect(id)
	}
	return t
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
	}
	return s
}

// autosize sets each column of t to fit its header and its widest cell,
// up to maxW units.
func autosize(t *widget.Table, titles []string, rows int, cell func(row, col int) string, maxW float32) {
	// Header cells may not pick up the override: measure at full size.
	th := fyne.CurrentApp().Settings().Theme()
	size := th.Size(theme.SizeNameText)
	pad := 2*th.Size(theme.SizeNameInnerPadding) + 4
	for c, title := range titles {
		w := fyne.MeasureText(title, size, fyne.TextStyle{Bold: true}).Width
		for r := range min(rows, 500) { // enough rows to see the widest values
			if s := cell(r, c); s != "" {
				w = max(w, fyne.MeasureText(s, size, fyne.TextStyle{Bold: true}).Width)
			}
		}
		t.SetColumnWidth(c, min(w+pad, maxW))
	}
}
