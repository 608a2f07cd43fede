package peaks

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/interp"
)

// BackgroundMethod names a way of estimating the background.
type BackgroundMethod string

// The background methods. The zero value is SNIP.
const (
	// BackgroundSNIP clips peaks on the LLS-transformed data (snip.go).
	BackgroundSNIP BackgroundMethod = "snip"
	// BackgroundPoly fits a Chebyshev polynomial to automatically chosen
	// points: those left below the curve by iterative clipping (poly).
	BackgroundPoly BackgroundMethod = "poly"
	// BackgroundManual interpolates the user's control points by a
	// natural cubic spline.
	BackgroundManual BackgroundMethod = "manual"
	// BackgroundNone takes the background as zero: the data are already
	// background-free.
	BackgroundNone BackgroundMethod = "none"
)

// Point is a background control point: an intensity at an angle 2θ in
// degrees.
type Point struct {
	TwoTheta  float64 `json:"two_theta"`
	Intensity float64 `json:"intensity"`
}

// Background chooses the background method and holds its parameters. The
// GUI edits Points when the user drags control points; they are used by
// BackgroundManual only.
type Background struct {
	Method BackgroundMethod `json:"method,omitempty"` // "" is BackgroundSNIP
	// Order is the degree of the Chebyshev polynomial of BackgroundPoly;
	// 0 chooses DefaultPolyOrder.
	Order  int     `json:"order,omitempty"`
	Points []Point `json:"points,omitempty"`
}

// DefaultPolyOrder is the default degree of the polynomial background:
// enough for an air-scatter decay at low angle plus a slow rise, few
// enough not to follow the broad feet of peaks.
const DefaultPolyOrder = 6

// maxPolyOrder bounds Order: beyond it the polynomial starts to follow
// peaks, and the normal equations lose precision.
const maxPolyOrder = 20

// ParseBackgroundMethod reads a method name as typed on the command line.
func ParseBackgroundMethod(s string) (BackgroundMethod, error) {
	switch m := BackgroundMethod(strings.ToLower(strings.TrimSpace(s))); m {
	case BackgroundSNIP, BackgroundPoly, BackgroundManual, BackgroundNone:
		return m, nil
	case "":
		return BackgroundSNIP, nil
	}
	return "", fmt.Errorf("peaks: unknown background method %q (want snip, poly, manual or none)", s)
}

func (b Background) method() BackgroundMethod {
	if b.Method == "" {
		return BackgroundSNIP
	}
	return b.Method
}

func (b Background) check() error {
	if _, err := ParseBackgroundMethod(string(b.Method)); err != nil {
		return err
	}
	if b.Order < 0 || b.Order > maxPolyOrder {
		return fmt.Errorf("peaks: polynomial background order %d is outside 0–%d", b.Order, maxPolyOrder)
	}
	if b.method() == BackgroundManual {
		if len(b.Points) < 2 {
			return fmt.Errorf("peaks: a manual background needs at least 2 control points, have %d", len(b.Points))
		}
		for i, p := range b.Points {
			if !finite(p.TwoTheta) || !finite(p.Intensity) {
				return fmt.Errorf("peaks: background control point %d is not finite (%g, %g)", i+1, p.TwoTheta, p.Intensity)
			}
		}
	}
	return nil
}

// String gives the settings form, e.g. "poly(6)" or "manual(4 points)".
func (b Background) String() string {
	switch m := b.method(); m {
	case BackgroundPoly:
		return "poly(" + strconv.Itoa(cmpOr(b.Order, DefaultPolyOrder)) + ")"
	case BackgroundManual:
		return fmt.Sprintf("manual(%d points)", len(b.Points))
	default:
		return string(m)
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// manualBackground writes to bg the natural cubic spline through the
// control points (sorted by 2θ; of points at the same 2θ the last is
// kept), evaluated at x; outside the points' range the background is the
// nearest point's value. gonum's interp.NaturalCubic is the spline with
// zero second derivative at both ends (C. de Boor, 1978, A Practical Guide
// to Splines, ch. IV). Two points give a straight line.
func manualBackground(bg, x []float64, pts []Point) error {
	ps := slices.Clone(pts)
	slices.SortStableFunc(ps, func(a, b Point) int { return cmp.Compare(a.TwoTheta, b.TwoTheta) })
	var xs, ys []float64
	for _, p := range ps {
		if len(xs) > 0 && xs[len(xs)-1] == p.TwoTheta {
			ys[len(ys)-1] = p.Intensity
			continue
		}
		xs = append(xs, p.TwoTheta)
		ys = append(ys, p.Intensity)
	}
	if len(xs) < 2 {
		return fmt.Errorf("peaks: a manual background needs control points at 2 different angles at least")
	}
	var pl interp.PiecewiseLinear
	var nc interp.NaturalCubic
	var pred interp.Predictor
	if len(xs) == 2 {
		if err := pl.Fit(xs, ys); err != nil {
			return fmt.Errorf("peaks: manual background: %w", err)
		}
		pred = &pl
	} else {
		if err := nc.Fit(xs, ys); err != nil {
			return fmt.Errorf("peaks: manual background: %w", err)
		}
		pred = &nc
	}
	lo, hi := xs[0], xs[len(xs)-1]
	for i, v := range x {
		switch {
		case v <= lo:
			bg[i] = ys[0]
		case v >= hi:
			bg[i] = ys[len(ys)-1]
		default:
			bg[i] = pred.Predict(v)
		}
	}
	return nil
}

// polyPoints is the most points the polynomial background is fitted to;
// the smoothed data are subsampled evenly down to it, which keeps the cost
// linear and changes a smooth, low-order fit very little.
const polyPoints = 4096

// polyIterations bounds the clipping iterations of polyBackground.
const polyIterations = 100

// polyBackground writes to bg a Chebyshev polynomial of the given degree
// fitted to the smoothed data sm at x by the iterative "modified
// polyfit" of C. A. Lieber and A. Mahadevan-Jansen (2003, Appl. Spectrosc.
// 57, 1363–1367): fit all points, replace every point above the curve by
// the curve's value, refit, until the curve moves by less than 0.1 % of
// the data's range (or polyIterations). The points left at their own
// values are the automatically chosen background points. The abscissa is
// mapped to [−1, 1], where Chebyshev polynomials keep the normal
// equations well conditioned (unlike powers of 2θ).
func polyBackground(bg, x, sm []float64, order int) {
	n := len(x)
	k := max(1, n/polyPoints)
	var xs, ys []float64
	for i := 0; i < n; i += k {
		xs = append(xs, x[i])
		ys = append(ys, sm[i])
	}
	if xs[len(xs)-1] != x[n-1] {
		xs = append(xs, x[n-1])
		ys = append(ys, sm[n-1])
	}
	m := len(xs)
	order = min(order, m-1)
	a, b := x[0], x[n-1]
	u := func(v float64) float64 { return (2*v - a - b) / (b - a) }
	basis := make([]float64, m*(order+1))
	for i, v := range xs {
		chebyshev(basis[i*(order+1):(i+1)*(order+1)], u(v))
	}
	lo, hi := slices.Min(ys), slices.Max(ys)
	tol := 1e-3 * (hi - lo)
	fit := make([]float64, m)
	coef := make([]float64, order+1)
	for it := range polyIterations {
		lsqFit(coef, basis, ys, order+1)
		moved := 0.0
		for i := range ys {
			f := dot(coef, basis[i*(order+1):(i+1)*(order+1)])
			moved = math.Max(moved, math.Abs(f-fit[i]))
			fit[i] = f
			ys[i] = math.Min(ys[i], f)
		}
		if it > 0 && moved < tol {
			break
		}
	}
	t := make([]float64, order+1)
	for i, v := range x {
		chebyshev(t, u(v))
		bg[i] = dot(coef, t)
	}
}

// chebyshev writes T_0(u) … T_{len(t)-1}(u) by the recurrence
// T_{k+1} = 2u·T_k − T_{k−1} (Abramowitz and Stegun 1964, 22.7.4).
func chebyshev(t []float64, u float64) {
	for k := range t {
		switch k {
		case 0:
			t[k] = 1
		case 1:
			t[k] = u
		default:
			t[k] = 2*u*t[k-1] - t[k-2]
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// lsqFit writes to coef the least-squares coefficients of the k basis
// functions (rows of basis, k values per point) for the values ys, by the
// normal equations.
func lsqFit(coef, basis, ys []float64, k int) {
	nm := make([]float64, k*k)
	rhs := make([]float64, k)
	for i, y := range ys {
		row := basis[i*k : (i+1)*k]
		for p, bp := range row {
			rhs[p] += bp * y
			for q := p; q < k; q++ {
				nm[p*k+q] += bp * row[q]
			}
		}
	}
	for p := range k {
		for q := range p {
			nm[p*k+q] = nm[q*k+p]
		}
	}
	copy(coef, solve(nm, rhs, k))
	for i, c := range coef {
		if !finite(c) {
			coef[i] = 0
		}
	}
}
