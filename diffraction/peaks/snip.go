package peaks

import "math"

// SNIP background: Statistics-sensitive Non-linear Iterative Peak-clipping
// (C. G. Ryan, E. Clayton, W. L. Griffin, S. H. Sie and D. R. Cousens, 1988,
// Nucl. Instrum. Methods B34, 396–402). Each pass replaces every point by
// the smaller of itself and the mean of its two neighbours p points away, so
// anything narrower than the clipping window p is cut down to the chord
// under it. Passes run with a decreasing window, from the widest down to 1,
// which follows a curved background much better than a fixed window
// (M. Morháč, J. Kliman, V. Matoušek, M. Veselský and I. Turzo, 1997, Nucl.
// Instrum. Methods A401, 113–132; M. Morháč and V. Matoušek, 2008, Appl.
// Spectrosc. 62, 91–106). Clipping is done on the LLS (log-log-square-root)
// transform of the data, v = ln(ln(√(y+1)+1)+1), which compresses the
// dynamic range so that strong peaks do not drag the chord under weak ones,
// and which Ryan et al. introduced for counting data.

// maxSnipPasses bounds the number of clipping passes so that the cost stays
// O(n·maxSnipPasses) even when the window is hundreds of points wide (fine
// steps). Up to this many windows every integer from the widest to 1 is
// used, as in Morháč et al. (1997); beyond it the windows follow a geometric
// progression from the widest to 1. The clipping result changes little: a
// pass with window p already clips everything a pass with window p-1
// would clip on a smooth background, and the dense small windows, which
// shape the background near peak feet, are all kept.
const maxSnipPasses = 48

// snipWindows returns the decreasing clipping windows for a widest window
// of pmax points, at most passes of them.
func snipWindows(pmax, passes int) []int {
	if pmax < 1 {
		return nil
	}
	if pmax <= passes {
		ws := make([]int, pmax)
		for i := range ws {
			ws[i] = pmax - i
		}
		return ws
	}
	ws := make([]int, 0, passes)
	r := math.Log(float64(pmax)) / float64(passes-1)
	prev := 0
	for k := passes - 1; k >= 0; k-- {
		p := int(math.Round(math.Exp(r * float64(k))))
		if p != prev {
			ws = append(ws, p)
			prev = p
		}
	}
	return ws
}

// lls is the log-log-square-root transform of Ryan et al. (1988); y ≥ 0.
// It uses fastLog: the transform and its inverse take most of the time
// of the SNIP background otherwise.
func lls(y float64) float64 { return fastLog(fastLog(math.Sqrt(y+1)+1) + 1) }

// llsInv inverts lls.
func llsInv(v float64) float64 {
	e := fastExp(fastExp(v)-1) - 1
	return e*e - 1
}

// snip writes to bg the SNIP background of y with widest clipping window
// pmax (points) in at most passes passes. Values below zero are handled by
// shifting the data up by their minimum before the transform and back
// afterwards. bg must not alias y.
func snip(bg, y []float64, pmax, passes int) {
	lo := toLLS(bg, y)
	clip(bg, make([]float64, len(bg)), pmax, passes)
	fromLLS(bg, bg, lo)
}

// toLLS writes the LLS transform of y to v and returns the shift lo ≤ 0
// applied first so that all values are non-negative.
func toLLS(v, y []float64) (lo float64) {
	for _, x := range y {
		lo = min(lo, x)
	}
	for i, x := range y {
		v[i] = lls(x - lo)
	}
	return lo
}

// fromLLS inverts toLLS.
func fromLLS(y, v []float64, lo float64) {
	for i, x := range v {
		y[i] = llsInv(x) + lo
	}
}

// clip runs the SNIP passes in place on the transformed data v, using w
// (as long as v, not aliasing it) as scratch. Near the ends the window
// shrinks to the distance to the end, so that peaks close to the scan
// limits are clipped too.
func clip(v, w []float64, pmax, passes int) {
	n := len(v)
	w = w[:n]
	orig := v
	// The builtin min compiles to a branch-free instruction; the data are
	// finite, so its NaN rule does not matter.
	for _, p := range snipWindows(pmax, passes) {
		if 2*p >= n {
			p = (n - 1) / 2
		}
		if p < 1 {
			continue
		}
		w[0], w[n-1] = v[0], v[n-1]
		for i := 1; i < p; i++ { // shrinking window at the ends
			w[i] = min(v[i], 0.5*(v[0]+v[2*i]))
			j := n - 1 - i
			w[j] = min(v[j], 0.5*(v[j-i]+v[n-1]))
		}
		out := w[p : n-p]
		left, mid, right := v[:len(out)], v[p:p+len(out)], v[2*p:2*p+len(out)]
		for i := range out {
			out[i] = min(mid[i], 0.5*(left[i]+right[i]))
		}
		v, w = w, v
	}
	if &v[0] != &orig[0] {
		copy(orig, v)
	}
}

// snipInto is snip with a caller-provided scratch array w, as long as y.
func snipInto(bg, y, w []float64, pmax, passes int) {
	lo := toLLS(bg, y)
	clip(bg, w, pmax, passes)
	fromLLS(bg, bg, lo)
}
