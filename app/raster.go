package app

import (
	"image"
	"image/color"
	"math"

	"github.com/bragg-xrd/bragg/internal/figure"
)

// canvasRGBA draws into an *image.RGBA with the few primitives a plot
// needs: fill, horizontal and vertical runs, anti-aliased lines and a
// decimated polyline. Colours are opaque; anti-aliasing blends coverage.
// Coordinates outside the clip rectangle are clipped pixel by pixel.
type canvasRGBA struct {
	img  *image.RGBA
	w, h int
	// clip is the rectangle drawing is confined to (the whole image after
	// resize): each pane of the plot sets its own.
	clip image.Rectangle
}

// resize makes the image w×h pixels, reusing its memory when it can.
func (c *canvasRGBA) resize(w, h int) {
	if w < 1 {
		w = 1
	}
	if h < 1 {
		h = 1
	}
	c.clip = image.Rect(0, 0, w, h)
	if c.img != nil && c.w == w && c.h == h {
		return
	}
	if c.img != nil && cap(c.img.Pix) >= 4*w*h {
		c.img.Pix = c.img.Pix[:4*w*h]
		c.img.Stride = 4 * w
		c.img.Rect = image.Rect(0, 0, w, h)
	} else {
		c.img = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	c.w, c.h = w, h
}

// fill paints the whole image with col, by doubling copies of one pixel.
func (c *canvasRGBA) fill(col color.RGBA) {
	p := c.img.Pix
	if len(p) < 4 {
		return
	}
	p[0], p[1], p[2], p[3] = col.R, col.G, col.B, col.A
	for n := 4; n < len(p); n *= 2 {
		copy(p[n:], p[:n])
	}
}

// setClip confines drawing to r within the image.
func (c *canvasRGBA) setClip(r image.Rectangle) { c.clip = r.Intersect(image.Rect(0, 0, c.w, c.h)) }

func (c *canvasRGBA) set(x, y int, col color.RGBA) {
	if !(image.Point{x, y}).In(c.clip) {
		return
	}
	i := y*c.img.Stride + 4*x
	p := c.img.Pix[i : i+4 : i+4]
	p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 0xff
}

// blend mixes col over the pixel with coverage a in [0, 1].
func (c *canvasRGBA) blend(x, y int, col color.RGBA, a float64) {
	if !(image.Point{x, y}).In(c.clip) || a <= 0 {
		return
	}
	if a >= 1 {
		c.set(x, y, col)
		return
	}
	i := y*c.img.Stride + 4*x
	p := c.img.Pix[i : i+4 : i+4]
	b := 1 - a
	p[0] = uint8(float64(p[0])*b + float64(col.R)*a + 0.5)
	p[1] = uint8(float64(p[1])*b + float64(col.G)*a + 0.5)
	p[2] = uint8(float64(p[2])*b + float64(col.B)*a + 0.5)
	p[3] = 0xff
}

// vrun paints the column x from row y0 to y1 inclusive, width px wide.
func (c *canvasRGBA) vrun(x, y0, y1, width int, col color.RGBA) {
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	y0 = max(y0, c.clip.Min.Y)
	y1 = min(y1, c.clip.Max.Y-1)
	for dx := range width {
		xx := x + dx - (width-1)/2
		if xx < c.clip.Min.X || xx >= c.clip.Max.X {
			continue
		}
		for y := y0; y <= y1; y++ {
			i := y*c.img.Stride + 4*xx
			p := c.img.Pix[i : i+4 : i+4]
			p[0], p[1], p[2], p[3] = col.R, col.G, col.B, 0xff
		}
	}
}

// hrun paints the row y from column x0 to x1 inclusive, width px high.
func (c *canvasRGBA) hrun(x0, x1, y, width int, col color.RGBA) {
	if x0 > x1 {
		x0, x1 = x1, x0
	}
	x0 = max(x0, c.clip.Min.X)
	x1 = min(x1, c.clip.Max.X-1)
	for dy := range width {
		yy := y + dy - (width-1)/2
		if yy < c.clip.Min.Y || yy >= c.clip.Max.Y {
			continue
		}
		for x := x0; x <= x1; x++ {
			c.set(x, yy, col)
		}
	}
}

// line draws an anti-aliased line from (x0, y0) to (x1, y1) in pixel
// coordinates (pixel centres at integer + 0.5 are not assumed: integer
// coordinates address pixels). It is Xiaolin Wu's algorithm (Wu, "An
// efficient antialiasing technique", SIGGRAPH 1991), repeated across the
// minor axis for widths above one pixel.
func (c *canvasRGBA) line(x0, y0, x1, y1 float64, width int, col color.RGBA) {
	if math.IsNaN(x0+y0+x1+y1) || math.IsInf(x0+y0+x1+y1, 0) {
		return
	}
	// Clip grossly off-image segments cheaply: both ends beyond one edge.
	fw, fh := float64(c.w), float64(c.h)
	if (x0 < -1 && x1 < -1) || (x0 > fw && x1 > fw) || (y0 < -1 && y1 < -1) || (y0 > fh && y1 > fh) {
		return
	}
	steep := math.Abs(y1-y0) > math.Abs(x1-x0)
	if steep {
		x0, y0 = y0, x0
		x1, y1 = y1, x1
	}
	if x0 > x1 {
		x0, x1 = x1, x0
		y0, y1 = y1, y0
	}
	// Clip the major axis to the image so a long off-screen segment costs
	// nothing.
	lim := fw
	if steep {
		lim = fh
	}
	dx, dy := x1-x0, y1-y0
	grad := 1.0
	if dx > 0 {
		grad = dy / dx
	}
	if x0 < -1 {
		y0 += grad * (-1 - x0)
		x0 = -1
	}
	if x1 > lim {
		y1 -= grad * (x1 - lim)
		x1 = lim
	}
	plot := func(a, b int, v float64) {
		for k := range width {
			off := k - (width-1)/2
			if steep {
				c.blend(b+off, a, col, v)
			} else {
				c.blend(a, b+off, col, v)
			}
		}
	}
	xs := int(math.Round(x0))
	xe := int(math.Round(x1))
	y := y0 + grad*(float64(xs)-x0)
	for x := xs; x <= xe; x++ {
		fy := math.Floor(y)
		f := y - fy
		plot(x, int(fy), 1-f)
		plot(x, int(fy)+1, f)
		y += grad
	}
}

// polyline draws y against x, both data slices of equal length, through
// the transform tr (x in axis coordinates, y in data units), restricted to
// the index range [lo, hi]. Points falling into the same pixel column are
// reduced to their first, last, minimum and maximum (min/max decimation):
// the column gets a vertical run from minimum to maximum, and consecutive
// columns are joined last-to-first by an anti-aliased line. The intensity
// scale is monotonic, so the extremes are found in data units and only
// four values a column are transformed. The output is what drawing every
// segment would give, at a cost proportional to the number of columns
// plus one pass over the points.
func (c *canvasRGBA) polyline(x, y []float64, lo, hi int, tr transform, width int, color color.RGBA) {
	if lo < 0 {
		lo = 0
	}
	if hi >= len(x) {
		hi = len(x) - 1
	}
	if hi < lo {
		return
	}
	// The current column's bucket lives in locals (no closure) so the
	// per-point loop stays in registers.
	x0, sx := tr.x0, tr.sx
	var (
		col                   int
		firstX, lastX         float64
		first, last, lo_, hi_ float64
		prevLastX, prevLast   float64
		havePrev              bool
	)
	flush := func(col int, firstX, first, last, lo_, hi_ float64) {
		pf := tr.py(first)
		if havePrev {
			c.line(prevLastX, prevLast, firstX, pf, width, color)
		}
		top, bottom := tr.py(hi_), tr.py(lo_)
		if bottom-top >= 1 {
			c.vrun(col, int(math.Round(top)), int(math.Round(bottom)), width, color)
		}
		prevLast = tr.py(last)
	}
	px := (x[lo] - x0) * sx
	col = int(math.Floor(px))
	firstX, lastX = px, px
	first, last, lo_, hi_ = y[lo], y[lo], y[lo], y[lo]
	for i := lo + 1; i <= hi; i++ {
		px = (x[i] - x0) * sx
		v := y[i]
		if ci := int(math.Floor(px)); ci != col {
			flush(col, firstX, first, last, lo_, hi_)
			prevLastX, havePrev = lastX, true
			col = ci
			firstX, lastX = px, px
			first, last, lo_, hi_ = v, v, v, v
			continue
		}
		lastX, last = px, v
		if v < lo_ {
			lo_ = v
		} else if v > hi_ {
			hi_ = v
		}
	}
	flush(col, firstX, first, last, lo_, hi_)
}

// transform maps axis coordinates and data to image pixels: px = (x −
// x0)·sx, and py = oy − (scale(y) + off − y0)·sy with the intensity scale
// (floor for its log).
type transform struct {
	x0, sx     float64
	y0, sy, oy float64
	scale      figure.YScale
	floor      float64
	off        float64 // added to the scaled value: a waterfall's offset
}

func (t transform) px(x float64) float64 { return (x - t.x0) * t.sx }
func (t transform) py(y float64) float64 {
	return t.oy - (t.scale.Coord(y, t.floor)+t.off-t.y0)*t.sy
}

// pyCoord maps a value already on the intensity scale.
func (t transform) pyCoord(c float64) float64 { return t.oy - (c-t.y0)*t.sy }
