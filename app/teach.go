package app

import (
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// teachAnodes are the tube anodes the teaching window offers, hardest
// last; their Kα1 lines are diffraction.AnodeWavelength's.
var teachAnodes = []string{"Cr", "Fe", "Co", "Cu", "Mo", "Ag"}

// The wavelength slider spans the laboratory anodes with room either
// side, and the 2θ range shown without a scan to compare with is that of
// a common laboratory scan.
const (
	teachLambdaMin = 0.4
	teachLambdaMax = 2.6
	teachLo        = 5.0
	teachHi        = 90.0
)

// teachWindow is the teaching mode: a phase's pattern recomputed live as
// the wavelength or the cell changes, hkl on the lines, Bragg's law
// written out with the numbers of the selected line, the Ewald
// construction of that line, and a measured scan to compare with.
type teachWindow struct {
	u   *UI
	win fyne.Window
	// work computes patterns, finder searches the database: one worker
	// each, so that a search does not replace a waiting pattern.
	work, finder worker

	// The state; changed on the UI goroutine only.
	name      string
	base      *crystal.Structure // as picked or read, never modified
	p1        func() *crystal.Structure
	cell      crystal.Cell // as the sliders set it
	constrain bool         // keep the symmetry of the crystal system
	lambda    float64
	measured  *measuredTrace
	lo, hi    float64 // 2θ range computed
	sel       [3]int  // hkl of the selected line; 000 for none
	sim       *simulation
	lowered   bool // sim was computed in P1: the cell broke the symmetry
	gen       int  // counts requests; a result of an older one is dropped
	setting   bool // widgets are being set by the program, not the user

	phaseTitle, phaseInfo, status *widget.Label
	search                        *widget.Entry
	hits                          []refdb.Hit
	hitList                       *widget.List
	hitBox                        *fyne.Container
	anode                         *widget.Select
	lambdaSl                      *widget.Slider
	lambdaLbl                     *widget.Label
	constrainChk                  *widget.Check
	sliders                       [6]*widget.Slider
	values                        [6]*widget.Label
	cellGrid                      *fyne.Container
	controls                      *fyne.Container // the left column
	symLabel                      *widget.Label
	scans                         *openingSelect
	plot                          *linePlot
	bragg                         *braggPanel
	ewald                         *ewaldView
}

// ShowTeaching opens the teaching window, or brings it to the front, on
// phase p when not nil; a new window starts with the phase identified in
// the scan on display, or silicon.
func (u *UI) ShowTeaching(p *refdb.Phase) {
	compare := ""
	if u.teach == nil {
		u.teach = newTeachWindow(u)
		if p == nil {
			p = u.defaultTeachPhase()
			if e := u.current; e != nil && e.a != nil && slices.Contains(answerPhases(e.a), p) {
				compare = e.displayName() // the phase of the scan: show the scan under it
			}
		}
		u.teach.win.SetOnClosed(func() { u.teach = nil })
	}
	t := u.teach
	t.refreshScans()
	if p != nil {
		t.setPhase(p.DisplayName(), &p.Structure)
	}
	if compare != "" {
		t.scans.SetSelected(compare)
	}
	t.win.Show()
	t.win.RequestFocus()
}

// defaultTeachPhase is the first phase identified in the scan on display
// that has a structure, else the database's common silicon (the
// diamond structure, Fd-3m), else nil.
func (u *UI) defaultTeachPhase() *refdb.Phase {
	if e := u.current; e != nil && e.a != nil {
		for _, p := range answerPhases(e.a) {
			if len(p.Structure.Sites) > 0 {
				return p
			}
		}
	}
	if u.services.Store == nil {
		return nil
	}
	db, err := u.services.Store.Bundled()
	if err != nil {
		return nil
	}
	hits := db.Search(refdb.Query{Formula: "Si", SpaceGroup: "227"})
	for _, h := range hits {
		if h.Phase.Common {
			return h.Phase
		}
	}
	if len(hits) > 0 {
		return hits[0].Phase
	}
	return nil
}

func newTeachWindow(u *UI) *teachWindow {
	t := &teachWindow{u: u, win: u.app.NewWindow("Bragg — teaching mode"), constrain: true,
		lambda: diffraction.CuKa.Ka1, lo: teachLo, hi: teachHi}
	t.work = worker{do: u.do, inline: u.inline}
	t.finder = worker{do: u.do, inline: u.inline}
	t.build()
	t.win.Resize(fyne.NewSize(1280, 800))
	return t
}

func (t *teachWindow) build() {
	bold := fyne.TextStyle{Bold: true}
	head := func(s string) *widget.Label { return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, bold) }

	// Phase.
	t.phaseTitle = widget.NewLabelWithStyle("No phase", fyne.TextAlignLeading, bold)
	t.phaseTitle.Wrapping = fyne.TextWrapWord
	t.phaseInfo = widget.NewLabel("")
	t.phaseInfo.Wrapping = fyne.TextWrapWord
	t.search = widget.NewEntry()
	t.search.SetPlaceHolder("Find a phase: name, formula…")
	t.search.OnChanged = func(string) { t.find() }
	t.hitList = widget.NewList(func() int { return len(t.hits) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("phase")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id < len(t.hits) {
				p := t.hits[id].Phase
				o.(*widget.Label).SetText(p.DisplayName() + " · " + p.Formula)
			}
		})
	t.hitList.OnSelected = func(id widget.ListItemID) {
		if id < len(t.hits) {
			p := wholeEntry(t.u.services.Store, t.hits[id].Phase)
			t.setPhase(p.DisplayName(), &p.Structure)
		}
		t.hitList.UnselectAll()
	}
	openCIF := widget.NewButtonWithIcon("Open CIF…", theme.FolderOpenIcon(), func() {
		t.u.pickFiles("Open a crystal structure", "Crystal structures (CIF)", []string{".cif"}, func(p []string) { t.openCIF(p[0]) })
	})
	t.hitBox = container.NewGridWrap(fyne.NewSize(320, 150), t.hitList)
	t.hitBox.Hide() // until a search finds something
	phaseBox := container.NewVBox(head("Phase"), t.phaseTitle, t.phaseInfo, t.search, t.hitBox, openCIF)

	// Wavelength.
	var names []string
	for _, a := range teachAnodes {
		w, _ := diffraction.AnodeWavelength(a)
		names = append(names, anodeLabel(a, w.Ka1))
	}
	t.anode = widget.NewSelect(names, func(s string) {
		if t.setting {
			return
		}
		if i := slices.Index(names, s); i >= 0 {
			w, _ := diffraction.AnodeWavelength(teachAnodes[i])
			t.setWavelength(w.Ka1)
		}
	})
	t.anode.PlaceHolder = "Anode Kα1…"
	t.lambdaSl = widget.NewSlider(teachLambdaMin, teachLambdaMax)
	t.lambdaSl.Step = 0.0005
	t.lambdaSl.OnChanged = func(v float64) {
		if !t.setting {
			t.setWavelength(v)
		}
	}
	t.lambdaLbl = widget.NewLabel("")
	waveBox := container.NewVBox(head("Wavelength"), t.anode, t.lambdaSl, t.lambdaLbl)

	// Cell.
	t.constrainChk = widget.NewCheck("Keep the crystal system's symmetry", func(on bool) {
		if t.setting {
			return
		}
		t.constrain = on
		t.setCell(t.cell) // re-tie the parameters
	})
	t.constrainChk.SetChecked(true)
	t.cellGrid = container.New(layout.NewFormLayout())
	grid := t.cellGrid
	for i, n := range []string{"a", "b", "c", "α", "β", "γ"} {
		i := i
		t.sliders[i] = widget.NewSlider(0, 1)
		t.sliders[i].OnChanged = func(v float64) {
			if t.setting {
				return
			}
			c := cellParams(t.cell)
			c[i] = v
			t.setCell(paramsCell(t.tie(c, i)))
		}
		t.values[i] = widget.NewLabel("")
		grid.Add(widget.NewLabel(n))
		grid.Add(container.NewBorder(nil, nil, nil, t.values[i], t.sliders[i]))
	}
	reset := widget.NewButtonWithIcon("Reset cell", theme.ViewRefreshIcon(), func() {
		if t.base != nil {
			t.setCell(t.base.Cell)
		}
	})
	t.symLabel = widget.NewLabel("")
	t.symLabel.Wrapping = fyne.TextWrapWord
	cellBox := container.NewVBox(head("Cell"), t.constrainChk, grid, t.symLabel, reset)

	// A measured scan to compare with.
	t.scans = newOpeningSelect(t.refreshScans, func(s string) {
		if !t.setting {
			t.compareWith(s)
		}
	})
	t.scans.PlaceHolder = "No scan"
	t.refreshScans()
	scanBox := container.NewVBox(head("Compare with a scan"), t.scans)

	t.controls = container.NewVBox(phaseBox, widget.NewSeparator(), waveBox, widget.NewSeparator(), cellBox, widget.NewSeparator(), scanBox)
	left := container.NewVScroll(container.NewPadded(t.controls))
	left.SetMinSize(fyne.NewSize(380, 0))

	t.plot = newLinePlot()
	t.plot.Empty = "Pick a phase to see its pattern"
	t.plot.Color = palette.Phase(0)
	t.plot.OnSelect = func(i int) {
		if t.sim != nil && i < len(t.sim.Lines) {
			l := t.sim.Lines[i]
			t.sel = [3]int{l.H, l.K, l.L}
			t.showSelection()
		}
	}
	t.bragg = newBraggPanel()
	t.ewald = newEwaldView()
	t.ewald.Empty = "Select a line to see its Ewald construction"
	key := widget.NewLabel("● a line of the pattern at that d   ○ none (absent or too weak)   grey circle: |g| = 1/d, " +
		"every orientation in a powder")
	key.Wrapping = fyne.TextWrapWord
	key.SizeName = theme.SizeNameCaptionText
	ewaldBox := container.NewBorder(head("Ewald construction"), key, nil, nil, t.ewald)
	braggBox := container.NewBorder(head("Bragg's law"), nil, nil, nil, container.NewVScroll(t.bragg.box))
	bottom := container.NewHSplit(braggBox, ewaldBox)
	bottom.Offset = 0.5
	t.status = widget.NewLabel("")
	t.status.Wrapping = fyne.TextWrapWord
	t.status.Importance = widget.DangerImportance
	t.status.Hide()
	right := container.NewVSplit(container.NewBorder(nil, t.status, nil, nil, t.plot), bottom)
	right.Offset = 0.52
	main := container.NewHSplit(left, right)
	main.Offset = 0.3
	t.win.SetContent(main)
	t.showWavelength()
}

// anodeLabel names an anode's Kα1 line with its wavelength.
func anodeLabel(anode string, ka1 float64) string {
	return fmt.Sprintf("%s Kα1 (%.5f Å)", anode, ka1)
}

// find lists the database entries matching the search text.
func (t *teachWindow) find() {
	q := refdb.Query{Text: t.search.Text}
	store := t.u.services.Store
	if store == nil || strings.TrimSpace(q.Text) == "" {
		t.hits = nil
		t.hitBox.Hide()
		return
	}
	t.finder.submit(func() func() {
		var hits []refdb.Hit
		if lib, err := store.Library(); err == nil {
			hits, _ = lib.Search(q)
		}
		return func() {
			if t.search.Text == q.Text {
				t.hits = hits
				t.hitList.Refresh()
				t.hitBox.Hidden = len(hits) == 0
				t.hitBox.Refresh()
			}
		}
	})
}

// setPhase shows the structure s named name at the wavelength in force,
// with its own cell, selecting its strongest line.
func (t *teachWindow) setPhase(name string, s *crystal.Structure) {
	t.name, t.base = name, s
	t.p1 = sync.OnceValue(s.P1)
	t.sel = [3]int{}
	t.plot.ResetZoom()
	t.phaseTitle.SetText(name)
	info := []string{}
	if f := s.Formula(); f != "" {
		info = append(info, f)
	}
	info = append(info, s.SpaceGroupName()+", "+s.CrystalSystem())
	t.phaseInfo.SetText(strings.Join(info, " · "))
	c := s.Cell
	p := cellParams(c)
	// Continuous sliders (Step 0): a step would snap the phase's own cell
	// off its values.
	t.setting = true
	for i, sl := range t.sliders {
		if i < 3 {
			sl.Min, sl.Max, sl.Step = p[i]*0.85, p[i]*1.15, 0
		} else {
			sl.Min, sl.Max, sl.Step = max(p[i]-20, 40), min(p[i]+20, 140), 0
		}
	}
	t.setting = false
	t.setCell(c)
}

// openCIF reads the first structure of a CIF file and shows it.
func (t *teachWindow) openCIF(path string) {
	t.work.submit(func() func() {
		ss, err := readCIF(path)
		return func() {
			if err != nil {
				t.u.reportError(t.win, "Could not open "+path, err)
				return
			}
			t.setPhase(firstNonEmpty(refdb.DefaultName(&ss[0]), ss[0].Block), &ss[0])
		}
	})
}

// readCIF reads the structures of the CIF file at path.
func readCIF(path string) ([]crystal.Structure, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return crystal.ParseCIF(f, path)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// cellParams and paramsCell convert between a cell and its six numbers
// a, b, c (Å), α, β, γ (degrees).
func cellParams(c crystal.Cell) [6]float64 {
	return [6]float64{c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma}
}

func paramsCell(p [6]float64) crystal.Cell {
	return crystal.Cell{A: p[0], B: p[1], C: p[2], Alpha: p[3], Beta: p[4], Gamma: p[5]}
}

// ties says, for the crystal system of the phase, which cell parameter
// each one follows: itself when free, another when they must be equal,
// -1 when it is fixed (the lattice conditions of ITC Vol. A, Table
// 2.1.2.1: cubic a = b = c, α = β = γ = 90°; tetragonal a = b; hexagonal
// and trigonal on hexagonal axes a = b, γ = 120°; rhombohedral axes
// a = b = c, α = β = γ; orthorhombic all 90°; monoclinic one angle free).
func (t *teachWindow) ties() [6]int {
	free := [6]int{0, 1, 2, 3, 4, 5}
	if !t.constrain || t.base == nil {
		return free
	}
	c := t.base.Cell
	switch t.base.CrystalSystem() {
	case "cubic":
		return [6]int{0, 0, 0, -1, -1, -1}
	case "tetragonal", "hexagonal":
		return [6]int{0, 0, 2, -1, -1, -1}
	case "trigonal":
		if math.Abs(c.Gamma-120) < 0.01 {
			return [6]int{0, 0, 2, -1, -1, -1}
		}
		return [6]int{0, 0, 0, 3, 3, 3}
	case "orthorhombic":
		return [6]int{0, 1, 2, -1, -1, -1}
	case "monoclinic":
		out := [6]int{0, 1, 2, -1, -1, -1}
		for i := 3; i < 6; i++ {
			if math.Abs(cellParams(c)[i]-90) > 1e-3 {
				out[i] = i
			}
		}
		return out
	}
	return free
}

// tie makes p obey the ties after parameter i changed: the parameters
// that follow i take its value, fixed ones keep the original cell's.
func (t *teachWindow) tie(p [6]float64, i int) [6]float64 {
	ties := t.ties()
	if ties[i] >= 0 && ties[i] != i { // a follower moved: move its leader
		p[ties[i]] = p[i]
	}
	orig := cellParams(t.base.Cell)
	for j, k := range ties {
		switch {
		case k < 0:
			p[j] = orig[j]
		case k != j:
			p[j] = p[k]
		}
	}
	return p
}

// setCell recomputes the pattern with cell c, tied by the crystal system
// when the symmetry is kept.
func (t *teachWindow) setCell(c crystal.Cell) {
	if t.base == nil {
		return
	}
	p := cellParams(c)
	p = t.tie(p, 0)
	t.cell = paramsCell(p)
	ties := t.ties()
	t.setting = true
	for i, sl := range t.sliders {
		sl.Value = p[i]
		if ties[i] == i {
			sl.Enable()
		} else {
			sl.Disable()
		}
		sl.Refresh()
		unit := " Å"
		if i >= 3 {
			unit = "°"
		}
		t.values[i].SetText(fmt.Sprintf("%.4f%s", p[i], unit))
	}
	t.cellGrid.Refresh() // lay out the values' new widths
	t.setting = false
	t.recompute()
}

// setWavelength recomputes the pattern at lambda (Å).
func (t *teachWindow) setWavelength(lambda float64) {
	t.lambda = lambda
	t.showWavelength()
	t.recompute()
}

// showWavelength sets the wavelength widgets from t.lambda.
func (t *teachWindow) showWavelength() {
	t.setting = true
	defer func() { t.setting = false }()
	t.lambdaSl.Value = t.lambda
	t.lambdaSl.Refresh()
	name := ""
	for _, a := range teachAnodes {
		if w, _ := diffraction.AnodeWavelength(a); math.Abs(w.Ka1-t.lambda) < 5e-4 {
			name = anodeLabel(a, w.Ka1)
		}
	}
	if name == "" {
		t.anode.ClearSelected()
	} else {
		t.anode.SetSelected(name)
	}
	t.lambdaLbl.SetText(fmt.Sprintf("λ = %.5f Å", t.lambda))
}

// openingSelect is a Select that calls onOpen before it opens, to bring
// its options up to date (the scans of the main window change while the
// teaching window is open).
type openingSelect struct {
	widget.Select
	onOpen func()
}

func newOpeningSelect(onOpen func(), changed func(string)) *openingSelect {
	s := &openingSelect{onOpen: onOpen}
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// Tapped updates the options, then opens the list.
func (s *openingSelect) Tapped(ev *fyne.PointEvent) {
	s.onOpen()
	s.Select.Tapped(ev)
}

// refreshScans lists the analysed scans of the main window.
func (t *teachWindow) refreshScans() {
	opts := []string{"No scan"}
	for _, e := range t.u.entries {
		if e.a != nil && e.a.Scan != nil {
			opts = append(opts, e.displayName())
		}
	}
	t.scans.Options = opts
	t.scans.Refresh()
}

// compareWith draws the scan named name under the pattern: its net
// intensity (less the background when there is one), scaled to 100 at its
// highest, over its own 2θ range, at its own wavelength.
func (t *teachWindow) compareWith(name string) {
	t.measured = nil
	t.lo, t.hi = teachLo, teachHi
	for _, e := range t.u.entries {
		if e.a == nil || e.a.Scan == nil || e.displayName() != name {
			continue
		}
		s := e.a.Scan
		m := &measuredTrace{Name: name, X: s.TwoTheta, Y: make([]float64, s.Len())}
		top := 0.0
		for i, y := range s.Intensity {
			if len(e.a.Background) == s.Len() {
				y -= e.a.Background[i]
			}
			m.Y[i] = y
			top = max(top, y)
		}
		if top > 0 {
			for i := range m.Y {
				m.Y[i] *= 100 / top
			}
		}
		t.measured = m
		t.lo, t.hi = max(s.TwoTheta[0], 0.5), min(s.TwoTheta[s.Len()-1], 179)
		if s.Wavelength.Known() {
			t.lambda = s.Wavelength.Ka1
			t.showWavelength()
		}
	}
	t.plot.Measured = t.measured
	t.plot.ResetZoom()
	t.recompute()
}

// recompute simulates the pattern of the phase with the cell and
// wavelength in force, off the UI goroutine: with the phase's operators
// while the cell keeps their symmetry, else in P1, where reflections that
// the symmetry made equivalent split.
func (t *teachWindow) recompute() {
	if t.base == nil {
		return
	}
	t.gen++
	gen, base, p1, cell, lambda, lo, hi := t.gen, t.base, t.p1, t.cell, t.lambda, t.lo, t.hi
	t.work.submit(func() func() {
		s := *base
		s.Cell = cell
		lowered := cell.CheckMetric(base.Ops) != nil
		if lowered {
			s = *p1()
			s.Cell = cell
		}
		sim, err := simulate(&s, lambda, lo, hi)
		return func() {
			if gen != t.gen {
				return // a newer request is on its way
			}
			t.show(sim, lowered, err)
		}
	})
}

// show puts a computed pattern on display.
func (t *teachWindow) show(sim *simulation, lowered bool, err error) {
	if err != nil {
		t.status.SetText("Cannot compute the pattern: " + err.Error())
		t.status.Show()
		return
	}
	t.status.Hide()
	t.sim, t.lowered = sim, lowered
	if t.sel == [3]int{} || sim.find(t.sel[0], t.sel[1], t.sel[2]) < 0 && !t.reachable() {
		t.sel = [3]int{}
		best := -1
		for i, l := range sim.Lines {
			if best < 0 || l.I > sim.Lines[best].I {
				best = i
			}
		}
		if best >= 0 {
			l := sim.Lines[best]
			t.sel = [3]int{l.H, l.K, l.L}
		}
	}
	t.plot.Sim = sim
	t.plot.Name = fmt.Sprintf("%s, λ %.5f Å", t.name, sim.Lambda)
	switch sg := t.base.SpaceGroup; {
	case lowered:
		t.symLabel.SetText(fmt.Sprintf("The cell no longer has the symmetry of %s: the pattern is computed in P1, "+
			"and reflections that were equivalent split into lines of their own.", sg))
		t.symLabel.Importance = widget.WarningImportance
	default:
		t.symLabel.SetText(fmt.Sprintf("Symmetry %s (%s): equivalent reflections fall on one line.", sg, t.base.CrystalSystem()))
		t.symLabel.Importance = widget.MediumImportance
	}
	t.controls.Refresh() // wrapped texts may have changed height
	t.showSelection()
}

// reachable reports whether the selected reflection diffracts at the
// wavelength in force (d ≥ λ/2), wherever it falls.
func (t *teachWindow) reachable() bool {
	d := t.cell.DSpacing(t.sel[0], t.sel[1], t.sel[2])
	return t.lambda <= 2*d
}

// showSelection marks the selected line and explains it.
func (t *teachWindow) showSelection() {
	i := -1
	if t.sim != nil {
		i = t.sim.find(t.sel[0], t.sel[1], t.sel[2])
	}
	t.plot.Selected = i
	t.plot.Refresh()
	var line *simLine
	if i >= 0 {
		line = &t.sim.Lines[i]
	}
	t.bragg.show(t.sel, t.cell, t.lambda, line)
	t.ewald.Scene, t.ewald.Label = nil, ""
	if t.sel != [3]int{} {
		extent := 2.4 / t.lambda
		sc, err := newEwaldScene(t.cell, t.lambda, t.sel, extent, t.hasLineAt)
		if err == nil {
			t.ewald.Scene, t.ewald.Label = sc, hklText(t.sel[0], t.sel[1], t.sel[2])
		} else {
			t.ewald.Empty = err.Error()
		}
	}
	t.ewald.Refresh()
}

// hasLineAt reports whether the pattern on display has a line at d
// (within 1e-5 relative).
func (t *teachWindow) hasLineAt(d float64) bool {
	if t.sim == nil {
		return false
	}
	ls := t.sim.Lines // by decreasing d
	i := sort.Search(len(ls), func(i int) bool { return ls[i].D <= d*(1+1e-5) })
	return i < len(ls) && ls[i].D >= d*(1-1e-5)
}

// braggPanel writes Bragg's law out with the numbers of one reflection
// (W. L. Bragg 1913, Proc. Camb. Phil. Soc. 17, 43): nλ = 2d sinθ, where
// d is the spacing of the lattice planes (h/n k/n l/n) and n the order;
// a reflection hkl whose indices share a factor n is the n-th order of
// those planes, and as a line of its own has d_hkl = d/n and n = 1 (ITC
// Vol. A, §1.3.2; Vol. C, §2.2.1).
type braggPanel struct {
	box                                  *fyne.Container
	title, lambda, d, n, theta, twoTheta *widget.Label
	law, numbers, recip                  *widget.Label
}

func newBraggPanel() *braggPanel {
	b := &braggPanel{}
	mk := func() *widget.Label { l := widget.NewLabel(""); l.Wrapping = fyne.TextWrapWord; return l }
	b.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.title.Wrapping = fyne.TextWrapWord
	b.lambda, b.d, b.n, b.theta, b.twoTheta = mk(), mk(), mk(), mk(), mk()
	b.law = widget.NewLabelWithStyle("nλ = 2d sin θ", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.law.SizeName = theme.SizeNameSubHeadingText
	b.numbers = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	b.numbers.Wrapping = fyne.TextWrapWord
	b.recip = mk()
	form := container.New(layout.NewFormLayout(),
		widget.NewLabel("Wavelength λ"), b.lambda,
		widget.NewLabel("Plane spacing d"), b.d,
		widget.NewLabel("Order n"), b.n,
		widget.NewLabel("Bragg angle θ"), b.theta,
		widget.NewLabel("Diffraction angle 2θ"), b.twoTheta)
	b.box = container.NewVBox(b.title, b.law, b.numbers, form, b.recip)
	return b
}

// show explains the reflection hkl of cell at lambda; line is its line in
// the pattern on display, or nil when it is not in the range shown.
func (b *braggPanel) show(hkl [3]int, cell crystal.Cell, lambda float64, line *simLine) {
	if hkl == [3]int{} {
		b.title.SetText("Select a line of the pattern.")
		for _, l := range []*widget.Label{b.lambda, b.d, b.n, b.theta, b.twoTheta, b.numbers, b.recip} {
			l.SetText("")
		}
		return
	}
	name := hklText(hkl[0], hkl[1], hkl[2])
	dhkl := cell.DSpacing(hkl[0], hkl[1], hkl[2])
	n := gcd3(hkl)
	planes := hklText(hkl[0]/n, hkl[1]/n, hkl[2]/n)
	d := dhkl * float64(n) // spacing of the planes (hkl)/n
	switch {
	case line != nil:
		b.title.SetText(fmt.Sprintf("Reflection %s: multiplicity %d, intensity %.1f %% of the strongest line", name, line.Mult, line.I))
	default:
		b.title.SetText(fmt.Sprintf("Reflection %s: outside the 2θ range shown", name))
	}
	b.lambda.SetText(fmt.Sprintf("%.5f Å", lambda))
	if n == 1 {
		b.d.SetText(fmt.Sprintf("d(%s) = %.5f Å", planes, d))
		b.n.SetText("1")
	} else {
		b.d.SetText(fmt.Sprintf("d(%s) = %.5f Å  (d(%s) = d/%d = %.5f Å)", planes, d, name, n, dhkl))
		b.n.SetText(fmt.Sprintf("%d: the reflection %s is order %d of the (%s) planes", n, name, n, planes))
	}
	s := float64(n) * lambda / (2 * d) // sin θ
	b.recip.SetText(fmt.Sprintf("Reciprocal space: |g| = 1/d(%s) = %.5f Å⁻¹ = 2 sin θ/λ; the Ewald sphere has radius 1/λ = %.5f Å⁻¹.",
		name, 1/dhkl, 1/lambda))
	if s > 1 {
		b.theta.SetText("none")
		b.twoTheta.SetText("none")
		b.numbers.SetText(fmt.Sprintf("sin θ = nλ/2d = %d × %.5f / (2 × %.5f) = %.4f > 1\n"+
			"No angle diffracts: this reflection needs λ ≤ 2d/n = %.5f Å.", n, lambda, d, s, 2*dhkl))
		b.box.Refresh()
		return
	}
	th := math.Asin(s) * 180 / math.Pi
	b.theta.SetText(fmt.Sprintf("%.4f°", th))
	b.twoTheta.SetText(fmt.Sprintf("%.4f°", 2*th))
	rhs := 2 * d * math.Sin(th*math.Pi/180)
	b.numbers.SetText(fmt.Sprintf("%d × %.5f Å = 2 × %.5f Å × sin %.4f°\n%.5f Å = %.5f Å",
		n, lambda, d, th, float64(n)*lambda, rhs))
	b.box.Refresh() // wrapped texts may have changed height
}
