package peaks

import (
	"errors"
	"fmt"
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
)

// DefaultRadius is the goniometer radius assumed when Axis.Radius is 0,
// in mm: that of the common laboratory Bragg–Brentano instruments (Bruker
// D8, PANalytical Empyrean, 240 mm).
const DefaultRadius = 240.0

// Axis is a correction of the 2θ axis for the two commonest systematic
// errors of a Bragg–Brentano diffractometer. The observed angle is
//
//	2θ_obs = 2θ + ZeroShift − (2s·cos θ / R)·(180/π)
//
// with the zero shift in degrees and the specimen displacement s (mm,
// positive when the surface sits above the focusing circle, which moves
// peaks to lower angles) on a goniometer of radius R (mm) (H. P. Klug and
// L. E. Alexander, 1974, X-ray Diffraction Procedures, 2nd ed., §5-2; R. W.
// Cheary, A. A. Coelho and J. P. Cline, 2004, J. Res. NIST 109, 1–25,
// eq. 13). Correct inverts it.
type Axis struct {
	ZeroShift    float64 `json:"zero_shift"`       // degrees 2θ
	Displacement float64 `json:"displacement"`     // specimen displacement s, mm
	Radius       float64 `json:"radius,omitempty"` // goniometer radius R, mm; 0 is DefaultRadius
}

func (a Axis) radius() float64 {
	if a.Radius == 0 {
		return DefaultRadius
	}
	return a.Radius
}

func (a Axis) check() error {
	if !finite(a.ZeroShift) || math.Abs(a.ZeroShift) > 5 {
		return fmt.Errorf("peaks: zero shift %g° is not within ±5°", a.ZeroShift)
	}
	if !finite(a.Displacement) || math.Abs(a.Displacement) > 5 {
		return fmt.Errorf("peaks: specimen displacement %g mm is not within ±5 mm", a.Displacement)
	}
	if !(a.Radius >= 0) || math.IsInf(a.Radius, 0) {
		return fmt.Errorf("peaks: goniometer radius %g mm is not a positive number", a.Radius)
	}
	return nil
}

// IsZero reports whether a changes nothing.
func (a Axis) IsZero() bool { return a.ZeroShift == 0 && a.Displacement == 0 }

// shift returns the observed minus true 2θ at the (true) angle tt.
func (a Axis) shift(tt float64) float64 {
	return a.ZeroShift - 2*a.Displacement*math.Cos(tt*math.Pi/360)/a.radius()*180/math.Pi
}

// Correct returns the true 2θ of an observed one, in degrees. The
// displacement term depends on the true angle; two fixed-point steps are
// exact to far below 1e-6° for any displacement under 5 mm.
func (a Axis) Correct(obs float64) float64 {
	if a.IsZero() {
		return obs
	}
	tt := obs - a.ZeroShift
	for range 3 {
		tt = obs - a.shift(tt)
	}
	return tt
}

// AxisFit is the result of FitAxis.
type AxisFit struct {
	Axis              Axis    `json:"axis"`
	SigmaZeroShift    float64 `json:"sigma_zero_shift"`   // degrees
	SigmaDisplacement float64 `json:"sigma_displacement"` // mm; 0 when not fitted
	Matched           int     `json:"matched"`            // reference lines used
	RMS               float64 `json:"rms"`                // residual after correction, degrees 2θ
	// Residuals holds, for every reference d in order, the corrected
	// observed 2θ minus the reference 2θ; NaN when the line was not
	// matched.
	Residuals []float64 `json:"-"`
}

// String states the fitted correction: "zero shift +0.0123 ± 0.0004°,
// specimen displacement -0.021 ± 0.003 mm, 12 lines, rms 0.0031°".
func (f AxisFit) String() string {
	return fmt.Sprintf("zero shift %+.4f ± %.4f°, specimen displacement %+.3f ± %.3f mm, %d lines, rms %.4f°",
		f.Axis.ZeroShift, f.SigmaZeroShift, f.Axis.Displacement, f.SigmaDisplacement, f.Matched, f.RMS)
}

// ErrTooFewLines is returned by FitAxis when too few reference lines are
// matched by peaks.
var ErrTooFewLines = errors.New("peaks: too few reference lines matched to fit the axis")

// FitAxis fits the zero shift (and, when displacement is true, the
// specimen displacement) that bring the peaks onto the 2θ of the
// reference d-spacings refD (Å) of an internal standard under the
// wavelength lambda (Å, Kα1 when Kα2 is stripped or modelled). Each
// reference line is matched with the nearest peak within tol degrees
// (0 means 0.3°); a second pass rematches within tol/3 around the first
// correction. The fit is unweighted linear least squares of
// 2θ_obs − 2θ_ref = Z − (360/π)·cos θ·s/R over the matched lines. radius is
// the goniometer radius in mm (0: DefaultRadius). The peaks' TwoTheta
// must be the uncorrected observed ones.
func FitAxis(pk []diffraction.Peak, refD []float64, lambda, radius, tol float64, displacement bool) (AxisFit, error) {
	if !(lambda > 0) || !finite(lambda) {
		return AxisFit{}, fmt.Errorf("peaks: wavelength %g Å is not positive", lambda)
	}
	if tol == 0 {
		tol = 0.3
	}
	if !(tol > 0) || !finite(tol) || !(radius >= 0) || !finite(radius) {
		return AxisFit{}, fmt.Errorf("peaks: bad tolerance %g° or radius %g mm", tol, radius)
	}
	ax := Axis{Radius: radius}
	need := 1
	if displacement {
		need = 3
	}
	var res AxisFit
	for pass := range 2 {
		t := tol
		if pass == 1 {
			t = tol / 3
		}
		var xs, ys []float64 // regressor −(360/π)·cos θ/R and Δ2θ
		res.Residuals = make([]float64, len(refD))
		idx := make([]int, len(refD))
		for i, d := range refD {
			res.Residuals[i] = math.NaN()
			idx[i] = -1
			tt, ok := diffraction.TwoTheta(d, lambda)
			if !ok {
				continue
			}
			want := tt + ax.shift(tt) // where the line should be observed
			best, dist := -1, t
			for j, p := range pk {
				if dd := math.Abs(p.TwoTheta - want); dd <= dist {
					best, dist = j, dd
				}
			}
			if best < 0 {
				continue
			}
			idx[i] = best
			xs = append(xs, -360/math.Pi*math.Cos(tt*math.Pi/360)/ax.radius())
			ys = append(ys, pk[best].TwoTheta-tt)
		}
		if len(xs) < need {
			return AxisFit{}, fmt.Errorf("%w: %d matched, %d needed", ErrTooFewLines, len(xs), need)
		}
		var sz, ss float64
		if displacement {
			// Ordinary least squares y = Z + s·x.
			n := float64(len(xs))
			var mx, my float64
			for i := range xs {
				mx += xs[i] / n
				my += ys[i] / n
			}
			var sxx, sxy float64
			for i := range xs {
				sxx += (xs[i] - mx) * (xs[i] - mx)
				sxy += (xs[i] - mx) * (ys[i] - my)
			}
			if !(sxx > 0) {
				return AxisFit{}, fmt.Errorf("%w: the matched lines do not separate zero shift and displacement", ErrTooFewLines)
			}
			ax.Displacement = sxy / sxx
			ax.ZeroShift = my - ax.Displacement*mx
			rss := 0.0
			for i := range xs {
				e := ys[i] - ax.ZeroShift - ax.Displacement*xs[i]
				rss += e * e
			}
			s2 := rss / (n - 2)
			ss = math.Sqrt(s2 / sxx)
			sz = math.Sqrt(s2 * (1/n + mx*mx/sxx))
		} else {
			n := float64(len(ys))
			m := 0.0
			for _, y := range ys {
				m += y / n
			}
			ax.ZeroShift, ax.Displacement = m, 0
			if n > 1 {
				rss := 0.0
				for _, y := range ys {
					rss += (y - m) * (y - m)
				}
				sz = math.Sqrt(rss / (n - 1) / n)
			}
		}
		res.SigmaZeroShift, res.SigmaDisplacement = sz, ss
		res.Matched = len(xs)
		rss := 0.0
		for i, d := range refD {
			if idx[i] < 0 {
				continue
			}
			tt, _ := diffraction.TwoTheta(d, lambda)
			e := ax.Correct(pk[idx[i]].TwoTheta) - tt
			res.Residuals[i] = e
			rss += e * e
		}
		res.RMS = math.Sqrt(rss / float64(res.Matched))
	}
	res.Axis = ax
	return res, nil
}
