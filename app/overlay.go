package app

import (
	"fmt"
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/internal/palette"
)

// Other open scans drawn with the one on display, overlaid or offset in
// a waterfall: each scan has the colour of its place in the scan list
// (palette.Scan), in the plot, the legend and the overlay panel alike.

// scanColor is the colour of e, from its place in the scan list.
func (u *UI) scanColor(e *entry) color.NRGBA {
	return palette.Scan(slices.Index(u.entries, e))
}

// updateTraces gives the view the scans overlaid on the one on display,
// in the order of the scan list, and the waterfall's offset. Alone, the
// scan on display keeps the theme's trace colour.
func (u *UI) updateTraces() {
	v := u.view
	v.Traces, v.Name, v.Color = nil, "", color.NRGBA{}
	v.Offset = u.plot.offset
	cur := u.current
	if cur == nil || cur.a == nil {
		return
	}
	v.Name = cur.displayName()
	for _, e := range u.entries {
		if e != cur && u.plot.overlaid[e] && e.a != nil && e.a.Scan != nil {
			v.Traces = append(v.Traces, Trace{Name: e.displayName(), Color: u.scanColor(e), Scan: e.a.Scan})
		}
	}
	if len(v.Traces) > 0 {
		v.Color = u.scanColor(cur)
	}
}

// SetOverlaid draws e with the scan on display, or stops.
func (u *UI) SetOverlaid(e *entry, on bool) {
	if on {
		u.plot.overlaid[e] = true
	} else {
		delete(u.plot.overlaid, e)
	}
	u.updateOverlays()
	u.syncPlotMenu()
}

// overlayingAll reports whether every other open scan is overlaid (and
// there is one).
func (u *UI) overlayingAll() bool {
	n := 0
	for _, e := range u.entries {
		if e != u.current {
			if !u.plot.overlaid[e] {
				return false
			}
			n++
		}
	}
	return n > 0
}

// OverlayAll overlays every open scan on the one on display, or none.
func (u *UI) OverlayAll(on bool) {
	clear(u.plot.overlaid)
	if on {
		for _, e := range u.entries {
			u.plot.overlaid[e] = true
		}
	}
	u.updateOverlays()
	u.syncPlotMenu()
}

// SetWaterfall offsets the scans drawn together by step times the height
// of the scan on display (0 overlays them).
func (u *UI) SetWaterfall(step float64) {
	u.plot.offset = max(step, 0)
	u.updateOverlays()
	u.syncPlotMenu()
}

// ShowOverlayPanel shows, under the Overlay button, the open scans with a
// check each to draw it with the one on display, in its colour, and the
// waterfall's offset.
func (u *UI) ShowOverlayPanel() {
	var rows []fyne.CanvasObject
	for _, e := range u.entries {
		if e == u.current {
			continue
		}
		sw := canvas.NewRectangle(u.scanColor(e))
		sw.SetMinSize(fyne.NewSize(18, 4))
		chk := widget.NewCheck(e.displayName(), func(on bool) { u.SetOverlaid(e, on) })
		chk.SetChecked(u.plot.overlaid[e])
		if e.a == nil {
			chk.Disable() // still loading, or failed
		}
		rows = append(rows, container.NewBorder(nil, nil, container.NewCenter(sw), nil, chk))
	}
	if len(rows) == 0 {
		rows = append(rows, widget.NewLabel("Open more scans to overlay them."))
	}
	value := widget.NewLabel("")
	slider := widget.NewSlider(0, 1)
	slider.Step = 0.05
	show := func(f float64) {
		if f == 0 {
			value.SetText("overlaid")
		} else {
			value.SetText(fmt.Sprintf("%.0f %%", 100*f))
		}
	}
	slider.SetValue(u.plot.offset)
	show(u.plot.offset)
	slider.OnChanged = func(f float64) {
		show(f)
		u.SetWaterfall(f)
	}
	head := widget.NewLabelWithStyle("Draw with "+u.currentName(), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	offset := container.NewBorder(nil, nil, widget.NewLabel("Waterfall"), value, slider)
	content := container.NewVBox(append(append([]fyne.CanvasObject{head}, rows...), widget.NewSeparator(), offset)...)
	pop := widget.NewPopUp(container.NewPadded(content), u.win.Canvas())
	pop.Resize(fyne.NewSize(max(content.MinSize().Width+2*theme.Padding(), 320), content.MinSize().Height+2*theme.Padding()))
	btn := u.plot.overlayBtn
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(btn).AddXY(0, btn.Size().Height)
	pop.ShowAtPosition(at)
}

// currentName names the scan on display, for the overlay panel.
func (u *UI) currentName() string {
	if u.current == nil {
		return "the scan on display"
	}
	return u.current.displayName()
}
