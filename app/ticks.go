package app

import (
	"math"
	"strconv"
)

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
