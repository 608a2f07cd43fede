package figure

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// XUnit is the unit of the horizontal axis of a powder pattern.
type XUnit int

// The units of the horizontal axis. A d axis is drawn linear in 1/d (the
// axis coordinate is Q = 2π/d), so it is non-linear in d: its ticks are
// spaced unevenly, each where its d-spacing falls.
const (
	TwoTheta XUnit = iota // 2θ, degrees
	D                     // d-spacing, Å
	Q                     // scattering vector 4π·sinθ/λ, Å⁻¹
)

// XUnits lists the units in menu order.
var XUnits = []XUnit{TwoTheta, D, Q}

// String is the unit's short name: "2θ", "d" or "Q".
func (u XUnit) String() string {
	switch u {
	case D:
		return "d"
	case Q:
		return "Q"
	}
	return "2θ"
}

// Title is the axis title, with the unit.
func (u XUnit) Title() string {
	switch u {
	case D:
		return "d (Å)"
	case Q:
		return "Q (Å⁻¹)"
	}
	return "2θ (°)"
}

// Coord returns the position on the axis of a line seen at the angle
// twoTheta (degrees) with wavelength lambda (Å): 2θ itself on a 2θ axis,
// Q (diffraction.Q) on a d or Q axis, where scans measured with different
// wavelengths line up.
func (u XUnit) Coord(twoTheta, lambda float64) float64 {
	if u == TwoTheta {
		return twoTheta
	}
	return diffraction.Q(twoTheta, lambda)
}

// TwoThetaAt inverts Coord: the angle, in degrees, at which wavelength
// lambda sees the axis coordinate c; NaN where it cannot (beyond 2θ =
// 180°).
func (u XUnit) TwoThetaAt(c, lambda float64) float64 {
	if u == TwoTheta {
		return c
	}
	s := c * lambda / (4 * math.Pi)
	if !(s >= 0 && s <= 1) {
		return math.NaN()
	}
	return 360 / math.Pi * math.Asin(s)
}

// Value is the number the axis shows at coordinate c: 2θ, d = 2π/Q or Q.
func (u XUnit) Value(c float64) float64 {
	if u == D {
		return 2 * math.Pi / c
	}
	return c
}

// Ticks returns the ticks of the axis between the coordinates lo and hi on
// an axis length units long, labelled ones at least gap units apart; see
// linearTicks and unevenTicks.
func (u XUnit) Ticks(lo, hi, length, gap float64) []Tick {
	if u != D {
		return linearTicks(lo, hi, length, gap)
	}
	if !(lo > 0) || !(hi > lo) {
		return nil
	}
	// Q = 2π/d: d runs from 2π/hi to 2π/lo as the coordinate rises.
	pos := func(d float64) float64 { return (2*math.Pi/d - lo) / (hi - lo) * length }
	return unevenTicks(2*math.Pi/hi, 2*math.Pi/lo, pos, gap, func(d float64) float64 { return 2 * math.Pi / d })
}

// YScale is the scale of the intensity axis.
type YScale int

// The intensity scales. Square root and log bring out weak peaks next to
// strong ones; the square root also makes counting noise (σ = √I) the
// same height everywhere.
const (
	Linear YScale = iota
	Sqrt          // sign(I)·√|I|
	Log           // log₁₀ I, with a floor (LogFloor) for zero and negative counts
)

// YScales lists the scales in menu order.
var YScales = []YScale{Linear, Sqrt, Log}

// String names the scale.
func (s YScale) String() string {
	switch s {
	case Sqrt:
		return "Square root"
	case Log:
		return "Log"
	}
	return "Linear"
}

// Coord returns the position on the axis of the intensity y; a log scale
// shows values below floor at floor.
func (s YScale) Coord(y, floor float64) float64 {
	switch s {
	case Sqrt:
		if y < 0 {
			return -math.Sqrt(-y)
		}
		return math.Sqrt(y)
	case Log:
		return math.Log10(max(y, floor))
	}
	return y
}

// Value inverts Coord: the intensity at axis coordinate c.
func (s YScale) Value(c float64) float64 {
	switch s {
	case Sqrt:
		if c < 0 {
			return -c * c
		}
		return c * c
	case Log:
		return math.Pow(10, c)
	}
	return c
}

// LogFloor is the least intensity a log scale shows of the series ys: the
// smallest positive value, but no more than six decades below the
// largest; 1 when no value is positive (counts: zero shows as one count).
func LogFloor(ys ...[]float64) float64 {
	lo, hi := math.Inf(1), 0.0
	for _, y := range ys {
		for _, v := range y {
			if v > 0 {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return 1
	}
	return max(lo, hi*1e-6)
}

// Ticks returns the ticks of the axis between the coordinates lo and hi on
// an axis length units long, labelled ones at least gap units apart.
func (s YScale) Ticks(lo, hi, length, gap float64) []Tick {
	switch s {
	case Sqrt:
		if !(hi > lo) {
			return nil
		}
		pos := func(y float64) float64 { return (s.Coord(y, 0) - lo) / (hi - lo) * length }
		return unevenTicks(s.Value(lo), s.Value(hi), pos, gap, func(y float64) float64 { return s.Coord(y, 0) })
	case Log:
		return logTicks(lo, hi, length, gap)
	}
	return linearTicks(lo, hi, length, gap)
}

// Tick is one tick of an axis.
type Tick struct {
	Coord float64 // position in axis coordinates
	Label string  // "" for a minor tick
}

// linearTicks are labelled ticks every nice step (niceStep) with as many
// as fit at gap, and minor ticks between them (minorStep).
func linearTicks(lo, hi, length, gap float64) []Tick {
	if !(hi > lo) {
		return nil
	}
	n := 2
	if gap > 0 {
		n = max(int(length/gap), 2)
	}
	step := niceStep(hi-lo, n)
	var out []Tick
	major := ticks(lo, hi, step)
	k := 0
	for _, v := range ticks(lo, hi, minorStep(step)) {
		t := Tick{Coord: v}
		for k < len(major) && major[k] < v-step*1e-6 {
			k++
		}
		if k < len(major) && math.Abs(major[k]-v) < step*1e-6 {
			t.Coord, t.Label = major[k], tickLabel(major[k], step)
		}
		out = append(out, t)
	}
	return out
}

// logTicks labels the decades of a log axis (coordinates lo and hi are
// log₁₀ of the intensities), with 2× and 5× labelled too where they fit,
// every second or third decade where decades are tighter than gap, and
// minor ticks at 2–9 × 10ⁿ. Less than a decade is labelled as an uneven
// axis.
func logTicks(lo, hi, length, gap float64) []Tick {
	if !(hi > lo) {
		return nil
	}
	if hi-lo < 1 {
		pos := func(y float64) float64 { return (math.Log10(y) - lo) / (hi - lo) * length }
		return unevenTicks(math.Pow(10, lo), math.Pow(10, hi), pos, gap, math.Log10)
	}
	decade := length / (hi - lo) // units per decade
	every := 1
	for float64(every)*decade < gap {
		every++
	}
	mid := math.Log10(2)*decade >= gap // 1, 2, 5 labelled
	var out []Tick
	for k := math.Floor(lo); k <= math.Ceil(hi); k++ {
		for m := 1; m <= 9; m++ {
			c := k + math.Log10(float64(m))
			if c < lo-1e-9 || c > hi+1e-9 {
				continue
			}
			t := Tick{Coord: c}
			switch {
			case m == 1 && int(math.Abs(k))%every == 0, mid && (m == 2 || m == 5):
				t.Label = logLabel(float64(m) * math.Pow(10, k))
			case decade < 40: // too tight for minor ticks
				continue
			}
			out = append(out, t)
		}
	}
	return out
}

// logLabel writes a power-of-ten multiple plainly from 0.001 to 100000 and
// as "1e6" beyond.
func logLabel(v float64) string {
	if v >= 1e-3 && v < 1e6 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'e', -1, 64)
	s = strings.Replace(s, "e+0", "e", 1)
	s = strings.Replace(s, "e+", "e", 1)
	return strings.Replace(s, "e-0", "e-", 1)
}

// unevenTicks labels an axis on which the value v lies at pos(v), in the
// units of gap, and pos is monotonic but not linear (a d axis, a
// square-root scale): a base step of nice values (1, 2, 5 × 10ⁿ) whose
// ticks are all at least gap apart, and every interval of it divided again
// into 10, 5 or 2 (the finest that keeps the gap) where the axis is
// stretched, recursively. So each tick is where its value falls, and the
// ticks are as dense as the labels allow everywhere. coord maps a value to
// the axis coordinate of the returned ticks.
func unevenTicks(vlo, vhi float64, pos func(float64) float64, gap float64, coord func(float64) float64) []Tick {
	if !(vhi > vlo) || math.IsInf(vhi-vlo, 0) {
		return nil
	}
	in := func(v float64) bool { return v >= vlo-(vhi-vlo)*1e-9 && v <= vhi+(vhi-vlo)*1e-9 }
	// fits reports whether the values of vs inside the range are all at
	// least gap apart on the axis.
	fits := func(vs []float64) bool {
		prev, have := 0.0, false
		for _, v := range vs {
			if !in(v) {
				continue
			}
			p := pos(v)
			if have && math.Abs(p-prev) < gap {
				return false
			}
			prev, have = p, true
		}
		return true
	}
	multiples := func(step float64) []float64 {
		var vs []float64
		for k := math.Floor(vlo / step); k <= math.Ceil(vhi/step) && len(vs) < 1000; k++ {
			vs = append(vs, k*step)
		}
		return vs
	}
	base := niceStep(vhi-vlo, 1)
	for {
		finer := finerStep(base)
		if finer < (vhi-vlo)*1e-6 || !fits(multiples(finer)) {
			break
		}
		base = finer
	}
	type tv struct {
		v    float64
		step float64
	}
	var vals []tv
	var divide func(a, b float64, depth int)
	divide = func(a, b float64, depth int) {
		if depth > 4 || b < vlo || a > vhi {
			return
		}
		for _, k := range []int{10, 5, 2} {
			sub := (b - a) / float64(k)
			if !isNice(sub) {
				continue
			}
			vs := make([]float64, k+1)
			for j := range vs {
				vs[j] = roundTo(a+float64(j)*sub, sub)
			}
			if !fits(vs) {
				continue
			}
			for j := 1; j < k; j++ {
				if in(vs[j]) {
					vals = append(vals, tv{vs[j], sub})
				}
			}
			for j := range k {
				divide(vs[j], vs[j+1], depth+1)
			}
			return
		}
	}
	bs := multiples(base)
	for i, v := range bs {
		if in(v) {
			vals = append(vals, tv{v, base})
		}
		if i > 0 {
			divide(bs[i-1], v, 0)
		}
	}
	out := make([]Tick, 0, len(vals))
	for _, t := range vals {
		out = append(out, Tick{Coord: coord(t.v), Label: trimLabel(t.v, t.step)})
	}
	slices.SortFunc(out, func(a, b Tick) int { return cmp.Compare(a.Coord, b.Coord) })
	return out
}

// finerStep is the next nice step below step: 1 → 0.5, 2 → 1, 5 → 2
// (× 10ⁿ).
func finerStep(step float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(step)+1e-9))
	switch m := step / e; {
	case m > 4:
		return 2 * e
	case m > 1.5:
		return e
	}
	return e / 2
}

// isNice reports whether step is 1, 2, 2.5 or 5 × 10ⁿ (2.5 halves a 5).
func isNice(step float64) bool {
	if !(step > 0) {
		return false
	}
	m := step / math.Pow(10, math.Floor(math.Log10(step)+1e-9))
	for _, n := range []float64{1, 2, 2.5, 5, 10} {
		if math.Abs(m-n) < 1e-6 {
			return true
		}
	}
	return false
}

// roundTo rounds v to a multiple of step, removing the error sums leave.
func roundTo(v, step float64) float64 {
	r := math.Round(v/step) * step
	if math.Abs(r) < step*1e-9 {
		return 0
	}
	return r
}

// trimLabel writes v with the decimals step needs, without trailing
// zeros: an uneven axis reads "2", "2.5", "3".
func trimLabel(v, step float64) string {
	dec := 0
	for dec < 12 {
		x := step * math.Pow(10, float64(dec))
		if math.Abs(x-math.Round(x)) < 1e-6*x {
			break
		}
		dec++
	}
	s := strconv.FormatFloat(v, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// niceStep returns a "nice" tick spacing (1, 2 or 5 × 10ⁿ) so that about
// n intervals cover span, after Heckbert, "Nice numbers for graph labels",
// Graphics Gems (1990), with the rounding variant.
func niceStep(span float64, n int) float64 {
	if !(span > 0) || n < 1 || math.IsInf(span, 0) {
		return 1
	}
	raw := span / float64(n)
	exp := math.Floor(math.Log10(raw))
	f := raw / math.Pow(10, exp)
	var nf float64
	switch {
	case f < 1.5:
		nf = 1
	case f < 3.5:
		nf = 2
	case f < 7.5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, exp)
}

// ticks returns the multiples of step inside [lo, hi].
func ticks(lo, hi, step float64) []float64 {
	if !(step > 0) || !(hi >= lo) {
		return nil
	}
	first := math.Ceil(lo/step - 1e-9)
	var out []float64
	for k := first; ; k++ {
		v := k * step
		if v > hi+step*1e-9 {
			break
		}
		if math.Abs(v) < step*1e-9 {
			v = 0 // no "-0"
		}
		out = append(out, v)
		if len(out) > 1000 {
			break
		}
	}
	return out
}

// minorStep returns the spacing of minor ticks for a major step: fifths of
// a 1 or 5 step, quarters of a 2 step (so they fall on 0.5 multiples).
func minorStep(step float64) float64 {
	m := step / math.Pow(10, math.Floor(math.Log10(step)))
	if math.Abs(m-2) < 1e-6 {
		return step / 4
	}
	return step / 5
}

// tickLabel formats v with as many decimals as step needs.
func tickLabel(v, step float64) string {
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}
