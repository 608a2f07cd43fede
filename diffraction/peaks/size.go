package peaks

import (
	"errors"
	"fmt"
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Caglioti is the instrumental FWHM as a function of angle,
// FWHM² = U·tan²θ + V·tanθ + W (G. Caglioti, A. Paoletti and F. P. Ricci,
// 1958, Nucl. Instrum. 3, 223–228), with U, V, W in degrees² (2θ). The
// zero value means no instrumental broadening.
type Caglioti struct {
	U float64 `json:"u"`
	V float64 `json:"v"`
	W float64 `json:"w"`
}

// FWHM returns the instrumental FWHM at 2θ = tt (degrees), 0 where the
// quadratic is negative.
func (c Caglioti) FWHM(tt float64) float64 {
	t := math.Tan(tt * math.Pi / 360)
	return math.Sqrt(math.Max(0, c.U*t*t+c.V*t+c.W))
}

// DefaultScherrerK is the Scherrer constant for FWHM and roughly
// equiaxed crystallites: 0.9 (J. I. Langford and A. J. C. Wilson, 1978, J.
// Appl. Cryst. 11, 102–113, who give 0.89–0.94 depending on shape).
const DefaultScherrerK = 0.9

// SizeOptions sets the size and strain analysis.
type SizeOptions struct {
	K          float64  `json:"k"`          // Scherrer constant; 0 is DefaultScherrerK
	Instrument Caglioti `json:"instrument"` // instrumental FWHM, from a standard (e.g. LaB6)
}

// Validate reports a Scherrer constant outside 0.5–2.5 other than 0 (the
// default): the published values for crystallite shapes and breadth
// definitions lie between 0.62 and 2.08 (Langford & Wilson 1978). It also
// reports an instrumental U, V, W that is not a number.
func (o SizeOptions) Validate() error {
	if o.K != 0 && !(o.K >= 0.5 && o.K <= 2.5) {
		return fmt.Errorf("peaks: Scherrer constant %g is outside 0.5–2.5", o.K)
	}
	c := o.Instrument
	if !finite(c.U) || !finite(c.V) || !finite(c.W) {
		return fmt.Errorf("peaks: instrumental width U=%g V=%g W=%g is not three numbers", c.U, c.V, c.W)
	}
	return nil
}

func (o SizeOptions) k() float64 {
	if o.K == 0 {
		return DefaultScherrerK
	}
	return o.K
}

// breadth returns the sample FWHM of peak p in radians: the observed FWHM
// with the instrumental one removed in quadrature, β² = β_obs² − β_inst²,
// the rule for Gaussian profiles (H. P. Klug and L. E. Alexander, 1974,
// X-ray Diffraction Procedures, 2nd ed., §9-2); ok is false when nothing
// is left.
func (o SizeOptions) breadth(p diffraction.Peak) (float64, bool) {
	bi := o.Instrument.FWHM(p.TwoTheta)
	b2 := p.FWHM*p.FWHM - bi*bi
	if !(b2 > 0) || !finite(b2) {
		return 0, false
	}
	return math.Sqrt(b2) * math.Pi / 180, true
}

// ErrNoBroadening is returned when a peak is no broader than the
// instrument.
var ErrNoBroadening = errors.New("peaks: peak no broader than the instrument")

// Scherrer returns the volume-weighted crystallite size in Å from the
// breadth of one peak, τ = Kλ/(β·cos θ) (P. Scherrer, 1918, Nachr. Ges.
// Wiss. Göttingen, 98–100), with β the sample FWHM in radians (see
// breadth) and λ in Å. Strain broadening is ignored: use WilliamsonHall
// to separate it.
func Scherrer(p diffraction.Peak, lambda float64, o SizeOptions) (float64, error) {
	if !(lambda > 0) {
		return 0, fmt.Errorf("peaks: wavelength %g Å is not positive", lambda)
	}
	b, ok := o.breadth(p)
	if !ok {
		return 0, ErrNoBroadening
	}
	return o.k() * lambda / (b * math.Cos(p.TwoTheta*math.Pi/360)), nil
}

// WH is a Williamson–Hall fit.
type WH struct {
	Size        float64 `json:"size"`   // crystallite size, Å; +Inf when no size broadening is seen
	Strain      float64 `json:"strain"` // microstrain ε (dimensionless)
	SigmaSize   float64 `json:"sigma_size"`
	SigmaStrain float64 `json:"sigma_strain"`
	Peaks       int     `json:"peaks"` // peaks used
}

// WilliamsonHall fits β·cos θ = Kλ/D + 4ε·sin θ to the peaks (G. K.
// Williamson and W. H. Hall, 1953, Acta Metall. 1, 22–31), with β the
// sample FWHM in radians (see breadth), by unweighted least squares. It
// needs three peaks broader than the instrument; the size uncertainty
// comes from that of the intercept.
func WilliamsonHall(pk []diffraction.Peak, lambda float64, o SizeOptions) (WH, error) {
	if !(lambda > 0) {
		return WH{}, fmt.Errorf("peaks: wavelength %g Å is not positive", lambda)
	}
	var xs, ys []float64
	for _, p := range pk {
		b, ok := o.breadth(p)
		if !ok {
			continue
		}
		th := p.TwoTheta * math.Pi / 360
		xs = append(xs, 4*math.Sin(th))
		ys = append(ys, b*math.Cos(th))
	}
	n := float64(len(xs))
	if len(xs) < 3 {
		return WH{}, fmt.Errorf("peaks: Williamson–Hall needs 3 peaks broader than the instrument, have %d", len(xs))
	}
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
		return WH{}, errors.New("peaks: Williamson–Hall needs peaks at different angles")
	}
	slope := sxy / sxx
	icpt := my - slope*mx
	rss := 0.0
	for i := range xs {
		e := ys[i] - icpt - slope*xs[i]
		rss += e * e
	}
	s2 := rss / (n - 2)
	si := math.Sqrt(s2 * (1/n + mx*mx/sxx))
	r := WH{Strain: slope, SigmaStrain: math.Sqrt(s2 / sxx), Peaks: len(xs), Size: math.Inf(1)}
	if icpt > 0 {
		r.Size = o.k() * lambda / icpt
		r.SigmaSize = r.Size * si / icpt
	}
	return r, nil
}

// FitCaglioti fits the instrumental width U, V, W to the peaks of a
// standard whose own broadening is negligible (LaB6 SRM 660, Si SRM 640):
// FWHM² = U·tan²θ + V·tanθ + W is linear in U, V, W, so this is linear
// least squares over the peaks (Caglioti et al. 1958), weighted equally.
// Peaks weaker than minRel % of the strongest are left out (their widths
// scatter); it needs at least four peaks spread in angle.
func FitCaglioti(pk []diffraction.Peak, minRel float64) (Caglioti, error) {
	var a [3][3]float64
	var b [3]float64
	n := 0
	for _, p := range pk {
		if p.RelIntensity < minRel || !(p.FWHM > 0) || !finite(p.FWHM) {
			continue
		}
		t := math.Tan(p.TwoTheta * math.Pi / 360)
		x := [3]float64{t * t, t, 1}
		y := p.FWHM * p.FWHM
		for i := range 3 {
			b[i] += x[i] * y
			for j := range 3 {
				a[i][j] += x[i] * x[j]
			}
		}
		n++
	}
	if n < 4 {
		return Caglioti{}, fmt.Errorf("peaks: %d peaks above %g %% to fit U, V, W; at least 4 are needed", n, minRel)
	}
	u, ok := solve3(a, b)
	if !ok {
		return Caglioti{}, errors.New("peaks: the peaks do not spread enough in angle to fit U, V, W")
	}
	return Caglioti{U: u[0], V: u[1], W: u[2]}, nil
}

// solve3 solves the 3×3 system a·x = b by Cramer's rule; ok is false when
// a is (nearly) singular.
func solve3(a [3][3]float64, b [3]float64) ([3]float64, bool) {
	det := func(m [3][3]float64) float64 {
		return m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
			m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
			m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	}
	d := det(a)
	scale := math.Abs(a[0][0] * a[1][1] * a[2][2])
	if !(math.Abs(d) > 1e-12*scale) {
		return [3]float64{}, false
	}
	var x [3]float64
	for k := range 3 {
		m := a
		for i := range 3 {
			m[i][k] = b[i]
		}
		x[k] = det(m) / d
	}
	return x, true
}
