package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/internal/figure"
)

// plotControls are the plot's own controls, in a bar above it and in the
// View menu: the axis unit and the intensity scale (remembered in the
// preferences), box zoom, hkl labels, the scans overlaid and the
// waterfall, and the export of the plot.
type plotControls struct {
	unit, scale *widget.Select
	box, labels *widget.Check
	overlayBtn  *widget.Button

	unitItems, scaleItems      []*fyne.MenuItem
	overlayItem, waterfallItem *fyne.MenuItem
	labelsItem                 *fyne.MenuItem

	// overlaid are the other open scans drawn with the one on display;
	// offset is the waterfall's step (PatternView.Offset), 0 overlays.
	overlaid map[*entry]bool
	offset   float64
}

// Preference keys of the plot.
const (
	prefUnit  = "plot.unit"
	prefScale = "plot.scale"
)

// waterfallStep is the offset the View menu's waterfall switches to: a
// third of the height of the scan on display between scans.
const waterfallStep = 0.33

// plotPanel is the plot with its bar above it.
func (u *UI) plotPanel() fyne.CanvasObject {
	p := &u.plot
	p.overlaid = map[*entry]bool{}
	units := make([]string, len(figure.XUnits))
	for i, x := range figure.XUnits {
		units[i] = x.String()
	}
	p.unit = widget.NewSelect(units, func(s string) {
		for _, x := range figure.XUnits {
			if x.String() == s {
				u.SetXUnit(x)
			}
		}
	})
	scales := make([]string, len(figure.YScales))
	for i, s := range figure.YScales {
		scales[i] = s.String()
	}
	p.scale = widget.NewSelect(scales, func(s string) {
		for _, y := range figure.YScales {
			if y.String() == s {
				u.SetYScale(y)
			}
		}
	})
	p.box = widget.NewCheck("Box zoom", func(on bool) { u.view.BoxZoom = on })
	p.labels = widget.NewCheck("hkl", u.SetLabels)
	p.overlayBtn = widget.NewButtonWithIcon("Overlay…", theme.ContentCopyIcon(), u.ShowOverlayPanel)
	export := widget.NewButtonWithIcon("", theme.DownloadIcon(), u.ShowExportPlotDialog)
	for _, b := range []*widget.Button{p.overlayBtn, export} {
		b.Importance = widget.LowImportance
	}

	ctrl := fyne.KeyModifierShortcutDefault
	u.win.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: ctrl | fyne.KeyModifierShift},
		func(fyne.Shortcut) { u.ShowExportPlotDialog() })

	caption := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.SizeName = theme.SizeNameCaptionText
		return l
	}
	bar := container.NewHBox(caption("Axis"), p.unit, caption("Intensity"), p.scale, p.box, p.labels,
		widget.NewSeparator(), p.overlayBtn, export)
	u.SetXUnit(figure.XUnit(u.app.Preferences().IntWithFallback(prefUnit, int(figure.TwoTheta))))
	u.SetYScale(figure.YScale(u.app.Preferences().IntWithFallback(prefScale, int(figure.Linear))))
	return container.NewBorder(container.NewThemeOverride(bar, denseTheme{}), nil, nil, nil, u.view)
}

// plotMenuItems are the View menu's plot entries.
func (u *UI) plotMenuItems() []*fyne.MenuItem {
	p := &u.plot
	p.unitItems, p.scaleItems = nil, nil
	for _, x := range figure.XUnits {
		p.unitItems = append(p.unitItems, fyne.NewMenuItem("Axis in "+x.String(), func() { u.SetXUnit(x) }))
	}
	for _, s := range figure.YScales {
		p.scaleItems = append(p.scaleItems, fyne.NewMenuItem(s.String()+" intensity", func() { u.SetYScale(s) }))
	}
	p.labelsItem = fyne.NewMenuItem("hkl labels", func() { u.SetLabels(!u.view.Labels) })
	p.overlayItem = fyne.NewMenuItem("Overlay all open scans", func() { u.OverlayAll(!u.overlayingAll()) })
	p.waterfallItem = fyne.NewMenuItem("Waterfall", func() {
		if p.offset > 0 {
			u.SetWaterfall(0)
		} else {
			u.SetWaterfall(waterfallStep)
		}
	})
	export := fyne.NewMenuItem("Export plot…", u.ShowExportPlotDialog)
	export.Icon = theme.DownloadIcon()
	export.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyE, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	items := append([]*fyne.MenuItem{}, p.unitItems...)
	items = append(items, fyne.NewMenuItemSeparator())
	items = append(items, p.scaleItems...)
	items = append(items, fyne.NewMenuItemSeparator(), p.labelsItem, fyne.NewMenuItemSeparator(),
		p.overlayItem, p.waterfallItem, fyne.NewMenuItemSeparator(), export)
	u.syncPlotMenu()
	return items
}

// syncPlotMenu ticks the View menu's entries as the plot is.
func (u *UI) syncPlotMenu() {
	p := &u.plot
	if p.overlayItem == nil {
		return // the menu is not built yet
	}
	for i, it := range p.unitItems {
		it.Checked = u.view.XUnit == figure.XUnits[i]
	}
	for i, it := range p.scaleItems {
		it.Checked = u.view.YScale == figure.YScales[i]
	}
	p.labelsItem.Checked = u.view.Labels
	p.overlayItem.Checked = u.overlayingAll()
	p.waterfallItem.Checked = p.offset > 0
	if m := u.win.MainMenu(); m != nil {
		m.Refresh()
	}
}

// SetXUnit shows the horizontal axis in x (2θ, d or Q) and remembers it.
func (u *UI) SetXUnit(x figure.XUnit) {
	if u.view.XUnit != x {
		u.view.SetXUnit(x)
	}
	u.app.Preferences().SetInt(prefUnit, int(x))
	if u.plot.unit.Selected != x.String() {
		u.plot.unit.SetSelected(x.String())
	}
	u.syncPlotMenu()
}

// SetYScale shows the intensity on scale s and remembers it.
func (u *UI) SetYScale(s figure.YScale) {
	if u.view.YScale != s {
		u.view.SetYScale(s)
	}
	u.app.Preferences().SetInt(prefScale, int(s))
	if u.plot.scale.Selected != s.String() {
		u.plot.scale.SetSelected(s.String())
	}
	u.syncPlotMenu()
}

// SetLabels writes, or not, the hkl of the strongest lines in the stick
// pane.
func (u *UI) SetLabels(on bool) {
	if u.view.Labels != on {
		u.view.Labels = on
		u.view.Refresh()
	}
	u.plot.labels.SetChecked(on)
	u.syncPlotMenu()
}
