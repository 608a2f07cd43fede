package app

import (
	"fmt"
	"image"
	"math"

	"fyne.io/fyne/v2"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/figure"
)

// The stick pane under the pattern: one row per reference phase, its
// lines as sticks in the phase's colour, heights relative to its strongest
// line, as the stick panes of search-match programs show them. Drawn over
// the data from zero, sticks pile up and hide each other and the peaks
// they explain.

// stickOverlay is the row of the stick pane for a candidate: its phase's
// stick pattern (refdb.Phase.Sticks) at the scan's wavelength and the
// strain search-match fitted.
func stickOverlay(r candRow, a *Analysis) Overlay {
	o := Overlay{Name: r.c.Phase.ShortName(), Color: r.color}
	if a == nil || a.Scan == nil {
		return o
	}
	o.Sticks = r.c.Phase.Sticks(a.Scan.Wavelength.Ka1, r.c.Strain)
	return o
}

// stickRef is a stick of the pane: row (overlay) and index.
type stickRef struct{ row, i int }

var noStick = stickRef{-1, -1}

// stickReach is how far from a stick, in widget units, the pointer still
// reads it out.
const stickReach = 5

// rowTop is the top of row i of the pane, from the raster's top.
func (r *patternRenderer) rowTop(i int) float32 { return r.paneY + r.rowH*float32(i) }

// stickNear returns the stick nearest the pointer at pos in the row under
// it, within reach.
func (r *patternRenderer) stickNear(pos fyne.Position) stickRef {
	row := int((pos.Y - r.plotPos.Y - r.paneY) / r.rowH)
	if row < 0 || row >= len(r.v.Overlays) {
		return noStick
	}
	best, bestD := noStick, float32(stickReach)
	for i, s := range r.v.Overlays[row].Sticks {
		if d := float32(math.Abs(float64(r.plotPos.X + r.screenX(s.TwoTheta) - pos.X))); d <= bestD {
			best, bestD = stickRef{row, i}, d
		}
	}
	return best
}

// setStickAt highlights the stick s (noStick: none), redrawing on a
// change.
func (r *patternRenderer) setStickAt(s stickRef) {
	if s == r.stickAt {
		return
	}
	r.stickAt = s
	r.raster.Refresh()
}

// stickLabel is the read-out of a stick of the phase name whose strongest
// line is top.
func stickLabel(name string, s refdb.Stick, top float64) string {
	rel := 0.0
	if top > 0 {
		rel = 100 * s.I / top
	}
	if h := figure.HKL(s); h != "" {
		name += " (" + h + ")"
	}
	return fmt.Sprintf("%s   d %.4f Å   2θ %.3f°   I %.0f", name, s.D, s.TwoTheta, rel)
}

// layoutStickLabels writes the hkl of the strongest lines of each row
// above their sticks, in the row's colour, when Labels is set.
func (r *patternRenderer) layoutStickLabels(size float32) {
	v := r.v
	if !v.Labels || r.rowH == 0 {
		r.textPool(&r.stickLabels, 0, size)
		return
	}
	width := func(s string) float64 { return float64(fyne.MeasureText(s, size, fyne.TextStyle{}).Width) }
	pos := func(s refdb.Stick) (float64, bool) { return float64(r.screenX(s.TwoTheta)), r.inView(s.TwoTheta) }
	rows := make([][]int, len(v.Overlays))
	n := 0
	for i, o := range v.Overlays {
		rows[i] = figure.LabelSticks(o.Sticks, pos, width)
		n += len(rows[i])
	}
	r.textPool(&r.stickLabels, n, size)
	k := 0
	for row, l := range rows {
		for _, i := range l {
			s := v.Overlays[row].Sticks[i]
			t := r.stickLabels[k]
			k++
			t.Text = figure.HKL(s)
			t.Color = v.Overlays[row].Color
			ms := t.MinSize()
			t.Move(fyne.NewPos(r.plotPos.X+r.screenX(s.TwoTheta)-ms.Width/2, r.plotPos.Y+r.rowTop(row)))
			t.Resize(ms)
		}
	}
}

// drawPane draws the stick pane: per row a base line and the sticks in
// the phase's colour, the one under the pointer in the selection colour.
func (r *patternRenderer) drawPane(c *canvasRGBA, tr transform, s float64, lw int) {
	v := r.v
	px := func(units float32) int { return int(math.Round(float64(units) * s)) }
	w := c.w
	top := px(r.paneY)
	bottom := min(px(r.rowTop(len(v.Overlays))), c.h)
	pane := image.Rect(0, top, w, bottom)
	c.setClip(pane)
	for _, t := range labelled(r.xTicks) {
		c.vrun(int(tr.px(t.Coord)), top, bottom-1, 1, r.pal.grid)
	}
	sw := max(2, int(math.Round(2*s)))
	label := float32(0)
	if v.Labels {
		label = r.rowH - 22
	}
	for row, o := range v.Overlays {
		col := rgba(o.Color)
		base := px(r.rowTop(row+1)) - 2*lw
		height := float64(px(r.rowH-label)) - 4*float64(lw)
		c.hrun(0, w-1, base, 1, col)
		if row > 0 {
			c.hrun(0, w-1, px(r.rowTop(row)), 1, r.pal.grid)
		}
		topI := r.stickTop[row]
		if !(topI > 0) {
			continue
		}
		for i, st := range o.Sticks {
			cx := r.unit.Coord(st.TwoTheta, r.lambda)
			if cx < r.cmin || cx > r.cmax {
				continue
			}
			sc, wid := col, sw
			if (stickRef{row, i}) == r.stickAt {
				sc, wid = r.pal.selected, sw+lw
			}
			c.vrun(int(tr.px(cx)), base, base-max(int(math.Round(height*st.I/topI)), 1), wid, sc)
		}
	}
	r.drawFrame(c, pane, tr, nil, s)
}
