package app

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/match"
)

// The periodic-table picker of the element restraints, beside the text
// fields of the settings panel and in step with them: an element is
// unmarked, "must" be in a phase (match.Elements.AllOf), "may" be
// (with any element marked may, a phase may hold only the must and may
// elements: Only), or "must not" (NoneOf). A click steps an element
// through the marks.

// elementSymbols are the elements by atomic number, 1–118.
var elementSymbols = strings.Fields(`H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu
Zn Ga Ge As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er
Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh
Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og`)

// Marks of an element in the picker.
const (
	markNone = ""
	markMust = "must"
	markMay  = "may"
	markNot  = "must not"
)

// nextMark is the mark a click gives after m.
var nextMark = map[string]string{markNone: markMust, markMust: markMay, markMay: markNot, markNot: markNone}

// tablePlace is the row and column (0-based, 18 columns) of the element of
// atomic number z in the usual layout, the lanthanides and actinides in
// two rows under the table after a gap (rows 8 and 9).
func tablePlace(z int) (row, col int) {
	switch {
	case z == 1:
		return 0, 0
	case z == 2:
		return 0, 17
	case z <= 4:
		return 1, z - 3
	case z <= 10:
		return 1, z + 7
	case z <= 12:
		return 2, z - 11
	case z <= 18:
		return 2, z - 1
	case z <= 36:
		return 3, z - 19
	case z <= 54:
		return 4, z - 37
	case z <= 56:
		return 5, z - 55
	case z <= 71:
		return 8, z - 55 // La–Lu from the third column
	case z <= 86:
		return 5, z - 69
	case z <= 88:
		return 6, z - 87
	case z <= 103:
		return 9, z - 87 // Ac–Lr
	}
	return 6, z - 101
}

// elementMarks are the marks of the elements, by symbol.
type elementMarks map[string]string

// marksOf reads restraints into marks: must for AllOf, must not for
// NoneOf, may for the rest of Only. Symbols that are not elements are
// left out.
func marksOf(el match.Elements) elementMarks {
	m := elementMarks{}
	for _, s := range el.Only {
		m[s] = markMay
	}
	for _, s := range el.NoneOf {
		m[s] = markNot
	}
	for _, s := range el.AllOf {
		m[s] = markMust
	}
	for s := range m {
		if crystal.CheckSymbol(s) != nil {
			delete(m, s)
		}
	}
	return m
}

// elements are the restraints the marks stand for, each list in the order
// of the atomic numbers.
func (m elementMarks) elements() match.Elements {
	var el match.Elements
	may := false
	for _, s := range elementSymbols {
		switch m[s] {
		case markMust:
			el.AllOf = append(el.AllOf, s)
			el.Only = append(el.Only, s)
		case markMay:
			el.Only = append(el.Only, s)
			may = true
		case markNot:
			el.NoneOf = append(el.NoneOf, s)
		}
	}
	if !may {
		el.Only = nil // nothing marked may: any other element is allowed
	}
	return el
}

// describe says in words what restraints el make.
func describe(el match.Elements) string {
	var parts []string
	if len(el.AllOf) > 0 {
		parts = append(parts, "with "+strings.Join(el.AllOf, ", "))
	}
	if len(el.Only) > 0 {
		parts = append(parts, "of "+strings.Join(el.Only, ", ")+" only")
	}
	if len(el.NoneOf) > 0 {
		parts = append(parts, "without "+strings.Join(el.NoneOf, ", "))
	}
	if len(parts) == 0 {
		return "Any phase: no element restraint."
	}
	return "Phases " + strings.Join(parts, ", ") + "."
}

// periodicPicker is the picker's dialog.
type periodicPicker struct {
	u       *UI
	marks   elementMarks
	start   match.Elements // the panel's restraints when it opened
	touched bool           // the user has marked an element
	cells   map[string]*widget.Button
	summary *widget.Label
	msg     *widget.Label
	apply   *widget.Button
	dlg     dialog.Dialog
}

// ShowPeriodicTable opens the periodic-table picker on the restraints of
// the settings panel's fields; Apply writes them back into the fields and
// applies the settings.
func (u *UI) ShowPeriodicTable() {
	p := u.newPeriodicPicker()
	p.dlg.Resize(fyne.NewSize(820, 520))
	p.dlg.Show()
}

func (u *UI) newPeriodicPicker() *periodicPicker {
	s := u.settings
	start := match.Elements{AllOf: match.ParseElements(s.require.Text), NoneOf: match.ParseElements(s.exclude.Text),
		Only: match.ParseElements(s.only.Text)}
	p := &periodicPicker{u: u, marks: marksOf(start), start: start, cells: map[string]*widget.Button{}}
	grid := make([]fyne.CanvasObject, 10*18)
	for i := range grid {
		grid[i] = layout.NewSpacer()
	}
	for i, sym := range elementSymbols {
		row, col := tablePlace(i + 1)
		b := widget.NewButton(sym, nil)
		if crystal.CheckSymbol(sym) != nil {
			b.Disable() // no data for it: no phase holds it
		} else {
			b.OnTapped = func() { p.step(sym) }
		}
		p.cells[sym] = b
		grid[row*18+col] = b
	}
	for _, at := range [][2]int{{5, 2}, {6, 2}} { // where the lanthanides and actinides belong
		l := widget.NewLabel("*")
		l.Alignment = fyne.TextAlignCenter
		grid[at[0]*18+at[1]] = l
	}
	for c := range 18 {
		gap := canvas.NewRectangle(color.Transparent)
		gap.SetMinSize(fyne.NewSize(1, 8))
		grid[7*18+c] = gap
	}
	table := container.New(layout.NewGridLayoutWithColumns(18), grid...)

	legend := container.NewHBox()
	th := fyne.CurrentApp().Settings().Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for _, m := range []struct {
		mark  string
		color fyne.ThemeColorName
	}{{markMust, theme.ColorNameSuccess}, {markMay, theme.ColorNamePrimary}, {markNot, theme.ColorNameError}} {
		sw := canvas.NewRectangle(th.Color(m.color, v))
		sw.SetMinSize(fyne.NewSize(16, 16))
		sw.CornerRadius = 3
		legend.Add(container.NewCenter(sw))
		legend.Add(widget.NewLabel(m.mark))
	}
	hint := widget.NewLabel("A click steps an element through must → may → must not → unmarked. With elements marked may, phases hold only the must and may elements.")
	hint.Wrapping = fyne.TextWrapWord
	p.summary = widget.NewLabel("")
	p.summary.Wrapping = fyne.TextWrapWord
	p.msg = widget.NewLabel("")
	p.msg.Wrapping = fyne.TextWrapWord
	p.msg.Importance = widget.DangerImportance
	clearAll := widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), func() {
		p.marks, p.touched = elementMarks{}, true
		p.refresh()
	})
	p.apply = widget.NewButtonWithIcon("Apply", theme.ConfirmIcon(), p.applyMarks)
	p.apply.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { p.dlg.Hide() })
	bottom := container.NewVBox(p.summary, p.msg, container.NewHBox(clearAll, layout.NewSpacer(), cancel, p.apply))
	content := container.NewBorder(container.NewVBox(legend, hint), bottom, nil, nil, table)
	p.dlg = dialog.NewCustomWithoutButtons("Element restraints", content, u.win)
	p.refresh()
	return p
}

// markImportance is the colour of a mark: green must, blue may, red must
// not.
func markImportance(m string) widget.Importance {
	switch m {
	case markMust:
		return widget.SuccessImportance
	case markMay:
		return widget.HighImportance
	case markNot:
		return widget.DangerImportance
	}
	return widget.MediumImportance
}

// step gives sym its next mark.
func (p *periodicPicker) step(sym string) {
	p.marks[sym] = nextMark[p.marks[sym]]
	if p.marks[sym] == markNone {
		delete(p.marks, sym)
	}
	p.touched = true
	p.refresh()
}

// restraints are the picker's restraints: the panel's as they were until
// the user marks an element, then the marks'.
func (p *periodicPicker) restraints() match.Elements {
	if !p.touched {
		return p.start
	}
	return p.marks.elements()
}

// check judges the restraints with the rest of the scan's settings, as
// Apply will (analysis.Options.Validate).
func (p *periodicPicker) check() error {
	o := p.u.Options()
	o.Match.Elements = p.restraints()
	return o.Validate()
}

// refresh colours the elements and says what the restraints are, or why
// they cannot be used.
func (p *periodicPicker) refresh() {
	for sym, b := range p.cells {
		if imp := markImportance(p.marks[sym]); b.Importance != imp {
			b.Importance = imp
			b.Refresh()
		}
	}
	el := p.restraints()
	p.summary.SetText(describe(el))
	if err := p.check(); err != nil {
		p.msg.SetText(err.Error())
		p.apply.Disable()
	} else {
		p.msg.SetText("")
		p.apply.Enable()
	}
}

// applyMarks writes the restraints into the panel's fields and applies
// the settings.
func (p *periodicPicker) applyMarks() {
	if p.check() != nil {
		return
	}
	el := p.restraints()
	s := p.u.settings
	s.require.SetText(strings.Join(el.AllOf, ", "))
	s.exclude.SetText(strings.Join(el.NoneOf, ", "))
	s.only.SetText(strings.Join(el.Only, ", "))
	p.dlg.Hide()
	p.u.applyPanel(fmt.Sprintf("Element restraints: %s", strings.TrimSuffix(describe(el), ".")))
}
