package peaks

import (
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
)

// CanStripKa2 reports whether w describes a Kα doublet that StripKa2 can
// remove: a known Kα1, a longer Kα2 and a positive intensity ratio.
func CanStripKa2(w diffraction.Wavelength) bool {
	return w.Ka1 > 0 && w.Ka2 > w.Ka1 && w.Ratio > 0 && !math.IsInf(w.Ratio, 0)
}

// Ka2Shift returns the 2θ (degrees) at which the Kα2 line of the
// reflection whose Kα1 line is at tt1 (degrees) appears: by Bragg's law the
// same d gives sin θ2 = (λ2/λ1)·sin θ1. ok is false when the Kα2 line
// would lie beyond 180°.
func Ka2Shift(tt1 float64, w diffraction.Wavelength) (tt2 float64, ok bool) {
	s := w.Ka2 / w.Ka1 * math.Sin(tt1*math.Pi/360)
	if !(s < 1) {
		return 0, false
	}
	return 360 / math.Pi * math.Asin(s), true
}

// StripKa2 writes to dst the Kα1-only part of the net (background-free)
// signal y measured at the increasing angles x (degrees), by the method of
// W. A. Rachinger (1948, J. Sci. Instrum. 25, 254–255): the intensity at
// 2θ is the Kα1 intensity there plus R times the Kα1 intensity at the
// angle 2θ' whose Kα2 line falls at 2θ, sin θ' = (λ1/λ2)·sin θ, with R =
// I(Kα2)/I(Kα1). Since 2θ' < 2θ, walking up in angle gives
//
//	I1(2θ) = I(2θ) − R·I1(2θ'),
//
// with I1(2θ') interpolated linearly between the points already done; when
// 2θ' falls within the last step (a split smaller than the step), the
// interpolation weight on the current point is solved for. Below the first
// point I1 is taken as zero. dst may alias y. It panics when the lengths
// differ; w must satisfy CanStripKa2.
func StripKa2(dst, x, y []float64, w diffraction.Wavelength) {
	if len(x) != len(y) || len(dst) != len(y) {
		panic("peaks: StripKa2: slices have different lengths")
	}
	rachinger(dst, x, y, w, -w.Ratio)
}

// rachinger writes dst[i] = y[i] + c·dst(2θ'_i) up the angles, with
// dst(2θ') interpolated linearly (see StripKa2, where c = −R). With
// c = +R² and y the variances of the points it propagates the variance
// through the stripping: the noise of I1(2θ') is carried into I1(2θ) with
// weight R (the interpolation's own reduction of variance is neglected,
// which errs on the safe side).
func rachinger(dst, x, y []float64, w diffraction.Wavelength, c float64) {
	k := w.Ka1 / w.Ka2
	j := 0 // x[j] ≤ 2θ' < x[j+1]
	for i := range y {
		t := 360 / math.Pi * math.Asin(k*math.Sin(x[i]*math.Pi/360))
		for j+1 < i && x[j+1] <= t {
			j++
		}
		yi := y[i]
		switch {
		case i == 0 || t < x[0]:
			dst[i] = yi
		case j+1 == i || t >= x[i-1]:
			// 2θ' in the last step [x[i-1], x[i]]: dst(2θ') =
			// (1−f)·dst[i-1] + f·dst[i], solved for dst[i].
			f := (t - x[i-1]) / (x[i] - x[i-1])
			dst[i] = (yi + c*(1-f)*dst[i-1]) / (1 - c*f)
		default:
			f := (t - x[j]) / (x[j+1] - x[j])
			dst[i] = yi + c*((1-f)*dst[j]+f*dst[j+1])
		}
	}
}
