package app

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/figure"
)

// Figure returns what the view shows as a figure to export: the same axis
// unit, intensity scale and ranges, traces and offsets, fit, markers and
// stick rows, in the light theme's colours. The view must show a scan.
func (v *PatternView) Figure() (*figure.Figure, error) {
	if v.Scan == nil || v.Scan.Len() < 2 {
		return nil, fmt.Errorf("no scan to export")
	}
	r := v.r
	if r == nil {
		r = v.CreateRenderer().(*patternRenderer)
	}
	r.prepare()
	pal := lightScheme
	f := &figure.Figure{
		Title: v.Name, YTitle: "Intensity (" + v.Scan.Units() + ")",
		X: r.unit, Y: v.YScale, Lambda: r.lambda,
		XMin: r.cmin, XMax: r.cmax, YMin: r.ymin, YMax: r.ymax, Floor: r.floor,
		Labels: v.Labels, MarkerColor: pal.marker,
	}
	curve := func(s series) figure.Curve {
		return figure.Curve{Name: s.name, Color: s.col, TwoTheta: s.twoTheta, Y: s.y, Lambda: s.lambda, Offset: s.off}
	}
	for _, s := range r.curves(pal) {
		f.Curves = append(f.Curves, curve(s))
	}
	for _, s := range r.traces(pal) {
		f.Curves = append(f.Curves, curve(s))
	}
	if r.fit != nil {
		f.Curves = append(f.Curves, curve(r.calculated(pal)))
		d := curve(series{"", r.fit.TwoTheta, r.fit.Difference, r.lambda, 0, pal.diff})
		f.Difference = &d
	}
	if len(v.Peaks) > 0 {
		f.MarkerName = fmt.Sprintf("Peaks (%d)", len(v.Peaks))
		f.UnexplainedName, f.UnexplainedColor = fmt.Sprintf("Unexplained (%d)", v.unexplainedPeaks()), pal.unexplained
		for i, p := range v.Peaks {
			f.Markers = append(f.Markers, figure.Marker{TwoTheta: p.TwoTheta, Y: v.Scan.IntensityAt(p.TwoTheta), Unexplained: v.unexplained(i)})
		}
	}
	for _, o := range v.Overlays {
		f.Sticks = append(f.Sticks, figure.StickRow{Name: o.Name, Color: o.Color, Sticks: o.Sticks})
	}
	return f, nil
}

// ExportView writes the view as a figure (Figure) in format ("png", "svg"
// or "pdf") of size pixels at 96 DPI (a PNG's pixels; an SVG's or PDF's
// points × 4/3).
func (v *PatternView) ExportView(w io.Writer, format string, size fyne.Size) error {
	f, err := v.Figure()
	if err != nil {
		return err
	}
	return f.Write(w, format, int(size.Width), int(size.Height))
}

// plotSize is the size an exported plot takes unless the user says
// otherwise: a full-HD figure.
var plotSize = fyne.NewSize(1600, 1000)

// ShowExportPlotDialog asks for a format and a size and where to save
// the plot on display, and writes it there (off the UI goroutine).
func (u *UI) ShowExportPlotDialog() {
	e := u.current
	if e == nil || e.a == nil {
		dialog.ShowInformation("Export plot", "Open a scan first: there is nothing to export.", u.win)
		return
	}
	format := widget.NewSelect([]string{"PNG", "SVG", "PDF"}, nil)
	format.SetSelected("PNG")
	width, height := widget.NewEntry(), widget.NewEntry()
	width.SetText(strconv.Itoa(int(plotSize.Width)))
	height.SetText(strconv.Itoa(int(plotSize.Height)))
	px := func(name string, least int) fyne.StringValidator {
		return func(s string) error {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < least || n > figure.MaxSide {
				return fmt.Errorf("%s: a whole number of pixels, %d–%d", name, least, figure.MaxSide)
			}
			return nil
		}
	}
	width.Validator = px("width", figure.MinWidth)
	height.Validator = px("height", figure.MinHeight)
	note := widget.NewLabel("Pixels at 96 DPI; an SVG or a PDF is as large\nin points × 0.75, the size the screen shows.")
	note.SizeName = theme.SizeNameCaptionText
	items := []*widget.FormItem{
		widget.NewFormItem("Format", format),
		widget.NewFormItem("Width (px)", width),
		widget.NewFormItem("Height (px)", height),
		widget.NewFormItem("", note),
	}
	d := dialog.NewForm("Export plot", "Save…", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		w, _ := strconv.Atoi(strings.TrimSpace(width.Text))
		h, _ := strconv.Atoi(strings.TrimSpace(height.Text))
		plotSize = fyne.NewSize(float32(w), float32(h))
		ext := "." + strings.ToLower(format.Selected)
		dir := ""
		if e.path != "" {
			dir = filepath.Dir(e.path)
		}
		name := strings.TrimSuffix(exportName(e), ".xlsx") + ext
		u.pickSave("Export plot", "_Save", format.Selected+" image", ext, name, dir,
			func(p string) { u.ExportPlot(p, strings.ToLower(format.Selected), plotSize) })
	}, u.win)
	d.Resize(fyne.NewSize(420, 280))
	d.Show()
}

// ExportPlot writes the plot on display to path (given the format's
// extension if it has another) in format ("png", "svg" or "pdf"), of size
// pixels, and says how it went. The figure is taken from the view on the
// UI goroutine, and drawn and written off it, atomically.
func (u *UI) ExportPlot(path, format string, size fyne.Size) {
	if !strings.EqualFold(filepath.Ext(path), "."+format) {
		path += "." + format
	}
	f, err := u.view.Figure()
	if err != nil {
		u.showError("Could not export the plot", err)
		return
	}
	write := func() error {
		return atomic.WriteFile(path, func(w io.Writer) error { return f.Write(w, format, int(size.Width), int(size.Height)) })
	}
	done := func(err error) {
		if err != nil {
			u.showError("Could not export "+filepath.Base(path), err)
			return
		}
		dialog.ShowInformation("Plot exported", "Wrote "+path, u.win)
	}
	if u.inline {
		done(write())
		return
	}
	u.spawn(func() {
		err := write()
		u.do(func() { done(err) })
	})
}
