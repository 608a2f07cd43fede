package app

import (
	"fmt"
	"image"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/internal/figure"
	"github.com/bragg-xrd/bragg/internal/palette"
)

var (
	white = color.RGBA{0xff, 0xff, 0xff, 0xff}
	black = color.RGBA{0, 0, 0, 0xff}
	sink  image.Image
)

// benchView is a view of the synthetic scan of n points with its
// background, peaks and the sticks of its two phases.
func benchView(b *testing.B, n int) (*PatternView, *Analysis) {
	test.NewTempApp(b)
	v := NewPatternView()
	a := synthetic(n, diffraction.CuKa)
	v.SetScan(a.Scan, a.Background, a.Peaks)
	v.Overlays = []Overlay{
		stickOverlay(candRow{c: a.Match.Candidates[0], color: palette.Phase(0)}, a),
		stickOverlay(candRow{c: a.Match.Candidates[1], color: palette.Phase(1)}, a),
	}
	return v, a
}

// BenchmarkPatternViewRender times one frame of the plot area (grid,
// sticks, background, trace, markers, frame) at 1200×700 pixels, the work
// each zoom or pan step costs.
func BenchmarkPatternViewRender(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			v, _ := benchView(b, n)
			w := test.NewTempWindow(b, v)
			w.Resize(fyne.NewSize(1200, 700))
			r := v.r
			r.Layout(fyne.NewSize(1200, 700))
			pw, ph := int(r.area.Width), int(r.area.Height)
			b.ReportAllocs()
			for b.Loop() {
				sink = r.draw(pw, ph)
			}
		})
	}
}

// BenchmarkPlotRedraw times a redraw of the plot at 1600×1000 with
// 100,000-point scans: the layout (scales, ticks, labels, legend) and the
// raster frame, in each axis mode, with three scans in a waterfall, and
// with a fit (calculated pattern, two contributions, difference strip)
// and two stick rows. The target is 16 ms, one frame at 60 Hz.
func BenchmarkPlotRedraw(b *testing.B) {
	const n = 100_000
	setups := []struct {
		name string
		set  func(v *PatternView, a *Analysis)
	}{
		{"2θ-linear", func(*PatternView, *Analysis) {}},
		{"d-log", func(v *PatternView, _ *Analysis) { v.XUnit, v.YScale = figure.D, figure.Log }},
		{"Q-sqrt", func(v *PatternView, _ *Analysis) { v.XUnit, v.YScale = figure.Q, figure.Sqrt }},
		{"waterfall-3", func(v *PatternView, _ *Analysis) {
			for i := 1; i <= 2; i++ {
				v.Traces = append(v.Traces, Trace{Name: fmt.Sprint(i), Color: palette.Scan(i), Scan: synthetic(n, diffraction.CuKa).Scan})
			}
			v.Offset = 0.3
		}},
		{"fit-sticks", func(v *PatternView, a *Analysis) {
			s := a.Scan
			f := &Fit{TwoTheta: s.TwoTheta, Calculated: make([]float64, n), Background: a.Background, Difference: make([]float64, n)}
			for _, frac := range []float64{0.6, 0.4} {
				c := make([]float64, n)
				for i := range c {
					c[i] = frac * (s.Intensity[i] - a.Background[i])
				}
				f.Phases = append(f.Phases, FitPhase{Name: fmt.Sprint(frac), Color: palette.Phase(len(f.Phases)), Contribution: c})
			}
			for i := range n {
				f.Calculated[i] = a.Background[i] + f.Phases[0].Contribution[i] + f.Phases[1].Contribution[i]
				f.Difference[i] = s.Intensity[i] - f.Calculated[i]
			}
			v.Fit = f
			v.Labels = true
		}},
	}
	for _, st := range setups {
		b.Run(st.name, func(b *testing.B) {
			v, a := benchView(b, n)
			st.set(v, a)
			w := test.NewTempWindow(b, v)
			size := fyne.NewSize(1600, 1000)
			w.Resize(size)
			r := v.r
			b.ReportAllocs()
			for b.Loop() {
				r.Layout(size)
				sink = r.draw(int(r.area.Width), int(r.area.Height))
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
		sink = r.draw(int(r.area.Width), int(r.area.Height))
	}
}
