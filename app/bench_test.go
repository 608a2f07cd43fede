package app

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/internal/palette"
)

var (
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
	black = color.RGBA{0, 0, 0, 0xff}
	sink  image.Image
)

// BenchmarkPatternViewRender times one frame of the plot area (grid,
// sticks, background, trace, markers, frame) at 1200×700 pixels, the work
// each zoom or pan step costs.
func BenchmarkPatternViewRender(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			test.NewTempApp(b)
			v := NewPatternView()
			a := synthetic(n, diffraction.CuKa)
			v.SetScan(a.Scan, a.Background, a.Peaks)
			v.Overlays = []Overlay{
				stickOverlay(candRow{c: a.Match.Candidates[0], color: palette.Phase(0)}, a),
				stickOverlay(candRow{c: a.Match.Candidates[1], color: palette.Phase(1)}, a),
			}
			w := test.NewTempWindow(b, v)
			w.Resize(fyne.NewSize(1200, 700))
			r := v.r
			r.Layout(fyne.NewSize(1200, 700))
			pw, ph := int(r.plotSize.Width), int(r.plotSize.Height)
			b.ReportAllocs()
			for b.Loop() {
				sink = r.draw(pw, ph)
			}
		})
	}
}

// BenchmarkPatternViewZoomStep times a wheel step: new range, layout of the
// axes and the raster frame.
func BenchmarkPatternViewZoomStep(b *testing.B) {
	test.NewTempApp(b)
	v := NewPatternView()
	a := synthetic(100_000, diffraction.CuKa)
	v.SetScan(a.Scan, a.Background, a.Peaks)
	w := test.NewTempWindow(b, v)
	w.Resize(fyne.NewSize(1200, 700))
	r := v.r
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := 0.8
		if i%20 >= 10 {
			f = 1.25
		}
		i++
		v.Zoom(f, 40)
		sink = r.draw(int(r.plotSize.Width), int(r.plotSize.Height))
	}
}
