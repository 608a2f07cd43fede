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
// square-root scale). It walks from the end where the axis is compressed
// to where it is stretched, from each tick to the next multiple of the
// finest nice step (1, 2, 2.5, 5 × 10ⁿ) that is at least gap away, or
// where no next multiple is and more than two gaps of axis are left, to
// the nearest multiple of the coarsest step that is (at most ten times
// finer than the step before). So each tick is where its value falls, the ticks are as dense
// as the labels allow everywhere, and the steps get finer along the way
// (d: 10, 5, 4, 3, 2.5, 2, 1.8, 1.6, …). coord maps a value to the axis
// coordinate of the returned ticks.
func unevenTicks(vlo, vhi float64, pos func(float64) float64, gap float64, coord func(float64) float64) []Tick {
	span := vhi - vlo
	if !(span > 0) || math.IsInf(span, 0) || !(gap > 0) {
		return nil
	}
	in := func(v float64) bool { return v >= vlo-span*1e-9 && v <= vhi+span*1e-9 }
	dist := func(a, b float64) float64 { return math.Abs(pos(a) - pos(b)) }
	// Walk down from vhi when the axis is compressed there.
	eps := span * 1e-3
	down := dist(vhi, vhi-eps) < dist(vlo, vlo+eps)
	// after is the first multiple of step beyond v in the walk's direction.
	after := func(v, step float64) float64 {
		if down {
			return roundTo((math.Ceil(v/step-1e-9)-1)*step, step)
		}
		return roundTo((math.Floor(v/step+1e-9)+1)*step, step)
	}
	// The nice steps, finest first, down to a millionth of the range.
	var steps []float64
	for e := math.Floor(math.Log10(span)) - 6; e <= math.Floor(math.Log10(span))+1; e++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			steps = append(steps, m*math.Pow(10, e))
		}
	}
	// next returns the tick after v, reached with the step prev, and its
	// step.
	next := func(v, prev float64) (w, step float64, ok bool) {
		for _, s := range steps {
			w := after(v, s)
			if !in(w) {
				break // coarser steps go further
			}
			if dist(v, w) >= gap {
				return w, s, true
			}
		}
		end := vlo
		if !down {
			end = vhi
		}
		if dist(v, end) < 2*gap {
			return 0, 0, false // the last stretch: no labels of a finer step
		}
		for i := len(steps) - 1; i >= 0 && steps[i] >= prev/10; i-- {
			s := steps[i]
			for w, k := after(v, s), 0; in(w) && k < 50; w, k = after(w, s), k+1 {
				if dist(v, w) >= gap {
					return w, s, true
				}
			}
		}
		return 0, 0, false
	}
	// The first tick: at the compressed end, the first multiple inside the
	// range of the finest step whose next multiple keeps the gap.
	var v0, s0 float64
	found := false
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		v := roundTo(math.Ceil(vlo/s-1e-9)*s, s)
		if down {
			v = roundTo(math.Floor(vhi/s+1e-9)*s, s)
		}
		if !in(v) {
			continue
		}
		if w := after(v, s); in(w) && dist(v, w) < gap {
			break
		}
		v0, s0, found = v, s, true
	}
	if !found {
		return nil
	}
	out := []Tick{{Coord: coord(v0), Label: trimLabel(v0, s0)}}
	for v, s := v0, s0; len(out) < 1000; {
		w, step, ok := next(v, s)
		if !ok {
			break
		}
		v, s = w, step
		out = append(out, Tick{Coord: coord(v), Label: trimLabel(v, s)})
	}
	slices.SortFunc(out, func(a, b Tick) int { return cmp.Compare(a.Coord, b.Coord) })
	return out
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
