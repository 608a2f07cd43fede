package app

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/scan"
	"github.com/bragg-xrd/bragg/internal/figure"
	"github.com/bragg-xrd/bragg/internal/palette"
)

// TestPlotModesUI switches the axis and the intensity scale from the
// plot's bar and checks the view, the View menu and the preferences.
func TestPlotModesUI(t *testing.T) {
	u := newTestUI(t, newFake())
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/a.xy")
	u.wait()
	u.plot.unit.SetSelected("d")
	u.plot.scale.SetSelected("Log")
	v := u.view
	if v.XUnit != figure.D || v.YScale != figure.Log {
		t.Fatalf("view in %v, %v; want d, log", v.XUnit, v.YScale)
	}
	if v.r.xTitle.Text != "d (Å)" {
		t.Errorf("axis title %q", v.r.xTitle.Text)
	}
	if !u.plot.unitItems[1].Checked || u.plot.unitItems[0].Checked || !u.plot.scaleItems[2].Checked {
		t.Error("the View menu does not tick d and log")
	}
	p := u.app.Preferences()
	if p.Int(prefUnit) != int(figure.D) || p.Int(prefScale) != int(figure.Log) {
		t.Errorf("preferences %d, %d", p.Int(prefUnit), p.Int(prefScale))
	}
	// The menu switches back, and the bar follows.
	u.plot.unitItems[0].Action()
	if v.XUnit != figure.TwoTheta || u.plot.unit.Selected != "2θ" {
		t.Errorf("after the menu's 2θ: view %v, bar %q", v.XUnit, u.plot.unit.Selected)
	}
	u.SetLabels(true)
	if !v.Labels || !u.plot.labels.Checked || !u.plot.labelsItem.Checked {
		t.Error("hkl labels not on everywhere")
	}
	u.plot.box.SetChecked(true)
	if !v.BoxZoom {
		t.Error("the Box zoom check does not set box-zoom mode")
	}
	// A new window takes the remembered unit and scale.
	u2 := &testUI{UI: New(u.app, newFake().services())}
	t.Cleanup(u2.win.Close)
	if u2.view.XUnit != figure.TwoTheta || u2.view.YScale != figure.Log {
		t.Errorf("a new window shows %v, %v; want the remembered 2θ, log", u2.view.XUnit, u2.view.YScale)
	}
}

// TestOverlayScans opens two scans, overlays them, offsets them in a
// waterfall, and takes one away in the overlay panel.
func TestOverlayScans(t *testing.T) {
	u := newTestUI(t, newFake())
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/a.xy", "/data/b.xy")
	u.wait()
	v := u.view
	if u.current.path != "/data/b.xy" || len(v.Traces) != 0 {
		t.Fatalf("showing %q with %d traces", u.current.path, len(v.Traces))
	}
	u.plot.overlayItem.Action() // View ▸ Overlay all open scans
	if len(v.Traces) != 1 || v.Traces[0].Name != "a.xy" || v.Traces[0].Color != palette.Scan(0) || v.Color != palette.Scan(1) {
		t.Fatalf("traces %+v, scan colour %v", v.Traces, v.Color)
	}
	var legend []string
	for _, l := range v.r.legendTx {
		legend = append(legend, l.Text)
	}
	if len(legend) < 2 || legend[0] != "b.xy" || legend[1] != "a.xy" {
		t.Errorf("legend %v, want b.xy and a.xy first", legend)
	}
	if !u.plot.overlayItem.Checked {
		t.Error("the menu does not tick Overlay all")
	}
	u.plot.waterfallItem.Action()
	if v.Offset != waterfallStep || v.r.offsets[1] == 0 {
		t.Errorf("waterfall: offset %g, trace lifted by %g", v.Offset, v.r.offsets[1])
	}
	u.SetLabels(true)
	shot(t, u.win, "window-waterfall")
	// Showing the other scan overlays the first in its own colour.
	u.selectEntry(u.entries[0])
	if len(v.Traces) != 1 || v.Traces[0].Name != "b.xy" || v.Traces[0].Color != palette.Scan(1) || v.Name != "a.xy" {
		t.Errorf("after switching: %s with %+v", v.Name, v.Traces)
	}
	// The overlay panel lists b.xy, checked; unticking it leaves a.xy alone.
	u.ShowOverlayPanel()
	var chk *widget.Check
	walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok && c.Text == "b.xy" {
			chk = c
		}
	})
	if chk == nil || !chk.Checked {
		t.Fatal("no ticked b.xy in the overlay panel")
	}
	test.Tap(chk)
	if len(v.Traces) != 0 || v.Color.A != 0 {
		t.Errorf("after unticking: %d traces, colour %v", len(v.Traces), v.Color)
	}
	u.win.Canvas().Overlays().Top().Hide()
}

// TestExportPlot writes the plot in each format at a chosen size.
func TestExportPlot(t *testing.T) {
	u := newTestUI(t, newFake())
	u.inline = true
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/a.xy", "/data/b.xy")
	u.OverlayAll(true)
	u.SetXUnit(figure.Q)
	dir := t.TempDir()
	var shown []string
	u.onError = func(title string, err error) { t.Errorf("%s: %v", title, err) }
	for _, format := range figure.Formats {
		path := filepath.Join(dir, "plot") // the extension is added
		u.ExportPlot(path, format, fyne.NewSize(900, 600))
		b, err := os.ReadFile(path + "." + format)
		if err != nil {
			t.Fatal(err)
		}
		shown = append(shown, format)
		switch format {
		case "png":
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil || img.Bounds().Dx() != 900 || img.Bounds().Dy() != 600 {
				t.Errorf("PNG: %v, %v", err, img.Bounds())
			}
		case "svg":
			if !bytes.Contains(b, []byte(`width="675pt" height="450pt"`)) || !bytes.Contains(b, []byte("Q (Å⁻¹)")) ||
				!bytes.Contains(b, []byte("a.xy")) {
				t.Error("the SVG is not 675×450 pt with the Q axis and both scans")
			}
		case "pdf":
			if !bytes.HasPrefix(b, []byte("%PDF")) || !regexp.MustCompile(`/MediaBox \[0 0 675(\.0+)? 450(\.0+)?\]`).Match(b) {
				t.Errorf("not a 675×450 pt PDF: %q", b[:min(len(b), 40)])
			}
		}
	}
	if strings.Join(shown, ",") != "png,svg,pdf" {
		t.Errorf("exported %v", shown)
	}
}

// TestOverlayRealScans overlays two measurements of the same TiO2 + ZnO
// mixture (2 and 8 minutes, PANalytical .xrdml) on a d axis with a log
// scale, and in a waterfall: both are drawn, each in its colour.
func TestOverlayRealScans(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "scans", "xrdml", "dara_mixtures")
	a, _, err := scan.ReadFile(filepath.Join(dir, "TiO2_0p4009-ZnO_0p6010--8min.xrdml"))
	if os.IsNotExist(err) {
		t.Skip("../shared/data/scans is not here: the real scans are not overlaid")
	}
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := scan.ReadFile(filepath.Join(dir, "TiO2_0p4009-ZnO_0p6010--2min.xrdml"))
	if err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	v := NewPatternView()
	v.SetScan(a, nil, nil)
	v.Name, v.Color = "TiO2-ZnO 8 min", palette.Scan(0)
	v.Traces = []Trace{{Name: "TiO2-ZnO 2 min", Color: palette.Scan(1), Scan: b}}
	v.XUnit, v.YScale = figure.D, figure.Log
	w := test.NewTempWindow(t, v)
	w.Resize(fyne.NewSize(1100, 550))
	img := frame(v)
	na, nb := count(img, rgba(palette.Scan(0))), count(img, rgba(palette.Scan(1)))
	if na < 1000 || nb < 1000 {
		t.Errorf("pixels of the 8 min scan %d, of the 2 min scan %d", na, nb)
	}
	shot(t, w, "real-overlay-d-log")
	exportShot(t, v, "export-real-d-log")
	v.XUnit, v.YScale, v.Offset = figure.TwoTheta, figure.Sqrt, 0.4
	v.Refresh()
	shot(t, w, "real-waterfall-sqrt")
}

// TestViewOverlay opens two scans overlaid, as `bragg gui --view
// overlay` does, and renders them as --snapshot does.
func TestViewOverlay(t *testing.T) {
	u := newTestUI(t, newFake())
	u.Open("/data/a.xy", "/data/b.xy")
	if _, err := u.ShowView(ViewOverlay); err != nil {
		t.Fatal(err)
	}
	u.wait() // the scans load after the view is chosen
	if v := u.view; len(v.Traces) != 1 || v.Traces[0].Name != "a.xy" || v.Name != "b.xy" {
		t.Errorf("showing %q with traces %+v, want b.xy with a.xy", v.Name, v.Traces)
	}
	out := filepath.Join(t.TempDir(), "overlay.png")
	if err := Snapshot(out, fyne.NewSize(1000, 640), ViewOverlay, newFake().services(), "/data/a.xy", "/data/b.xy"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := distinctColors(img); n < 100 {
		t.Errorf("overlay snapshot has %d distinct colours; looks blank", n)
	}
}
