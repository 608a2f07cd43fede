package app

import (
	"math"
	"slices"

	"fyne.io/fyne/v2"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// Manual background control points on the pattern view: their handles,
// hit tests and edits.

const (
	// handleSize is the side of a control-point handle in widget units.
	handleSize = 9
	// handleReach is how far from a handle's centre a press still takes it.
	handleReach = 8
	// manualStartPoints is how many control points a manual background
	// starts with.
	manualStartPoints = 12
)

// samplePoints returns n control points evenly spread in 2θ over the scan,
// each at the value of the background there (the scan's own intensity
// when there is no background), so that a manual background starts as the
// fitted one.
func samplePoints(s *diffraction.Scan, background []float64, n int) []peaks.Point {
	if s == nil || s.Len() < 2 || n < 2 {
		return nil
	}
	curve := s
	if len(background) == s.Len() {
		curve = &diffraction.Scan{TwoTheta: s.TwoTheta, Intensity: background}
	}
	lo, hi := s.TwoTheta[0], s.TwoTheta[s.Len()-1]
	pts := make([]peaks.Point, n)
	for i := range pts {
		x := lo + (hi-lo)*float64(i)/float64(n-1)
		pts[i] = peaks.Point{TwoTheta: x, Intensity: curve.IntensityAt(x)}
	}
	return pts
}

// inView reports whether the angle 2θ of Scan is in the visible range.
func (r *patternRenderer) inView(twoTheta float64) bool {
	c := r.unit.Coord(twoTheta, r.lambda)
	return c >= r.cmin && c <= r.cmax
}

// handlePos is the centre of the i-th handle in widget coordinates.
func (r *patternRenderer) handlePos(p peaks.Point) fyne.Position {
	return fyne.NewPos(r.plotPos.X+r.screenX(p.TwoTheta), r.plotPos.Y+r.screenY(p.Intensity))
}

// handleAt returns the index of the handle nearest to pos within reach,
// or -1.
func (v *PatternView) handleAt(pos fyne.Position) int {
	if v.r == nil || v.Scan == nil {
		return -1
	}
	best, bestD := -1, float32(handleReach)
	for i, p := range v.Points {
		if !v.r.inView(p.TwoTheta) {
			continue
		}
		h := v.r.handlePos(p)
		d := float32(math.Hypot(float64(h.X-pos.X), float64(h.Y-pos.Y)))
		if d <= bestD {
			best, bestD = i, d
		}
	}
	return best
}

// pointAt returns the control point under pos: 2θ clamped to the scan and
// to lie at least a step from the neighbours lo and hi (NaN for none), and
// intensity clamped to the plot.
func (v *PatternView) pointAt(pos fyne.Position, lo, hi float64) peaks.Point {
	r := v.r
	flo, fhi := v.Scan.TwoTheta[0], v.Scan.TwoTheta[v.Scan.Len()-1]
	gap := math.Max(v.Scan.Step(), 1e-6)
	if !math.IsNaN(lo) {
		flo = math.Max(flo, lo+gap)
	}
	if !math.IsNaN(hi) {
		fhi = math.Min(fhi, hi-gap)
	}
	x := math.Min(math.Max(r.dataX(pos.X), flo), fhi)
	y := r.v.YScale.Value(math.Min(math.Max(r.coordY(pos.Y), r.ymin), r.ymax))
	return peaks.Point{TwoTheta: x, Intensity: y}
}

// movePoint puts the i-th point under pos, between its neighbours so that
// the points stay sorted.
func (v *PatternView) movePoint(i int, pos fyne.Position) {
	lo, hi := math.NaN(), math.NaN()
	if i > 0 {
		lo = v.Points[i-1].TwoTheta
	}
	if i+1 < len(v.Points) {
		hi = v.Points[i+1].TwoTheta
	}
	v.Points[i] = v.pointAt(pos, lo, hi)
	v.Refresh()
}

// TappedSecondary removes the handle under the pointer (keeping two at
// least) or, away from the handles, adds a control point there.
func (v *PatternView) TappedSecondary(ev *fyne.PointEvent) {
	r := v.r
	if r == nil || v.Scan == nil || len(v.Points) == 0 {
		return
	}
	if i := v.handleAt(ev.Position); i >= 0 {
		if len(v.Points) <= 2 {
			return
		}
		v.Points = slices.Delete(slices.Clone(v.Points), i, i+1)
		v.Refresh()
		v.pointsChanged()
		return
	}
	if ev.Position.X < r.plotPos.X || ev.Position.X > r.plotPos.X+r.plotSize.Width ||
		ev.Position.Y < r.plotPos.Y || ev.Position.Y > r.plotPos.Y+r.plotSize.Height {
		return
	}
	p := v.pointAt(ev.Position, math.NaN(), math.NaN())
	i, _ := slices.BinarySearchFunc(v.Points, p.TwoTheta, func(q peaks.Point, x float64) int {
		switch {
		case q.TwoTheta < x:
			return -1
		case q.TwoTheta > x:
			return 1
		}
		return 0
	})
	gap := math.Max(v.Scan.Step(), 1e-6)
	if (i > 0 && p.TwoTheta-v.Points[i-1].TwoTheta < gap) ||
		(i < len(v.Points) && v.Points[i].TwoTheta-p.TwoTheta < gap) {
		return // on top of another point's angle
	}
	v.Points = slices.Insert(slices.Clone(v.Points), i, p)
	v.Refresh()
	v.pointsChanged()
}

func (v *PatternView) pointsChanged() {
	if v.OnPointsChanged != nil {
		v.OnPointsChanged(slices.Clone(v.Points))
	}
}

// drawHandles paints the control points as small squares: a frame in the
// plot's frame colour around the plot's background, the one being dragged
// filled with the selection colour.
func (r *patternRenderer) drawHandles(c *canvasRGBA, tr transform, s float64) {
	v := r.v
	if len(v.Points) == 0 {
		return
	}
	half := max(2, int(math.Round(handleSize*s/2)))
	edge := max(1, int(math.Round(1.5*s)))
	for i, p := range v.Points {
		if !r.inView(p.TwoTheta) {
			continue
		}
		x, y := int(math.Round(tr.px(r.unit.Coord(p.TwoTheta, r.lambda)))), int(math.Round(tr.py(p.Intensity)))
		fill := r.pal.bg
		if i == v.grab {
			fill = r.pal.selected
		}
		for yy := y - half; yy <= y+half; yy++ {
			col := fill
			if yy-(y-half) < edge || (y+half)-yy < edge {
				col = r.pal.frame
			}
			c.hrun(x-half, x+half, yy, 1, col)
		}
		c.vrun(x-half+(edge-1)/2, y-half, y+half, edge, r.pal.frame)
		c.vrun(x+half-edge/2, y-half, y+half, edge, r.pal.frame)
	}
}
