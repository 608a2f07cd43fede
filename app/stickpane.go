package app

import (
	"cmp"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
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

// hkl writes Miller indices as a crystallographer reads them: "101", and
// with spaces once an index is negative or has two digits ("1 -1 0",
// "1 0 10"); "" for a line without indices (000).
func hkl(s refdb.Stick) string {
	idx := []int{s.H, s.K, s.L}
	if s.H == 0 && s.K == 0 && s.L == 0 {
		return ""
	}
	if slices.IndexFunc(idx, func(i int) bool { return i < 0 || i > 9 }) < 0 {
		return fmt.Sprintf("%d%d%d", s.H, s.K, s.L)
	}
	parts := make([]string, 3)
	for i, v := range idx {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, " ")
}

// stickLabel is the read-out of a stick of the phase name whose strongest
// line is top.
func stickLabel(name string, s refdb.Stick, top float64) string {
	rel := 0.0
	if top > 0 {
		rel = 100 * s.I / top
	}
	if h := hkl(s); h != "" {
		name += " (" + h + ")"
	}
	return fmt.Sprintf("%s   d %.4f Å   2θ %.3f°   I %.0f", name, s.D, s.TwoTheta, rel)
}

// labelledSticks returns, per row, the sticks to label: the strongest in
// view first, each at least a tenth of the row's strongest, skipping those
// whose label (width from width) would touch one already placed.
func (r *patternRenderer) labelledSticks(width func(string) float32) [][]int {
	out := make([][]int, len(r.v.Overlays))
	for row, o := range r.v.Overlays {
		var cand []int
		for i, s := range o.Sticks {
			c := r.unit.Coord(s.TwoTheta, r.lambda)
			if c >= r.cmin && c <= r.cmax && s.I >= 0.1*r.stickTop[row] && hkl(s) != "" {
				cand = append(cand, i)
			}
		}
		slices.SortStableFunc(cand, func(a, b int) int { return cmp.Compare(o.Sticks[b].I, o.Sticks[a].I) })
		type span struct{ lo, hi float32 }
		var taken []span
		for _, i := range cand {
			x := r.screenX(o.Sticks[i].TwoTheta)
			half := width(hkl(o.Sticks[i]))/2 + 2
			sp := span{x - half, x + half}
			if sp.lo < 0 || sp.hi > r.plotSize.Width || slices.ContainsFunc(taken, func(t span) bool { return sp.lo < t.hi && t.lo < sp.hi }) {
				continue
			}
			taken = append(taken, sp)
			out[row] = append(out[row], i)
		}
	}
	return out
}

// layoutStickLabels writes the hkl of the strongest lines of each row
// above their sticks, in the row's colour, when Labels is set.
func (r *patternRenderer) layoutStickLabels(size float32) {
	v := r.v
	if !v.Labels || r.rowH == 0 {
		r.textPool(&r.stickLabels, 0, size)
		return
	}
	width := func(s string) float32 { return fyne.MeasureText(s, size, fyne.TextStyle{}).Width }
	rows := r.labelledSticks(width)
	n := 0
	for _, l := range rows {
		n += len(l)
	}
	r.textPool(&r.stickLabels, n, size)
	k := 0
	for row, l := range rows {
		for _, i := range l {
			s := v.Overlays[row].Sticks[i]
			t := r.stickLabels[k]
			k++
			t.Text = hkl(s)
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
