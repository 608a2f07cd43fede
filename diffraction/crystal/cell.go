package crystal

import (
	"errors"
	"fmt"
	"math"
)

// validate rejects cells that cannot be real: non-positive or non-finite
// lengths, angles outside (0°, 180°), or angles that do not span a volume.
func (c Cell) validate() error {
	for _, v := range []float64{c.A, c.B, c.C} {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("cell length %g Å is not positive and finite", v)
		}
	}
	for _, v := range []float64{c.Alpha, c.Beta, c.Gamma} {
		if !(v > 0 && v < 180) {
			return fmt.Errorf("cell angle %g° is not between 0 and 180", v)
		}
	}
	if !(c.Volume() > 0) {
		return errors.New("cell angles give no volume")
	}
	return nil
}

func cosd(deg float64) float64 {
	// Exact zeros for right angles keep orthogonal metrics exactly diagonal.
	if deg == 90 {
		return 0
	}
	return math.Cos(deg * math.Pi / 180)
}

// Metric returns the direct metric tensor G, Gij = ai·aj (International
// Tables for Crystallography Vol. B, §1.1.2; Vol. C, Table 1.1.1.1 uses the
// same form), in Å².
func (c Cell) Metric() [3][3]float64 {
	ca, cb, cg := cosd(c.Alpha), cosd(c.Beta), cosd(c.Gamma)
	return [3][3]float64{
		{c.A * c.A, c.A * c.B * cg, c.A * c.C * cb},
		{c.A * c.B * cg, c.B * c.B, c.B * c.C * ca},
		{c.A * c.C * cb, c.B * c.C * ca, c.C * c.C},
	}
}

// Volume returns the cell volume in Å³, V² = det G (ITC Vol. B, §1.1.2):
// V = abc·sqrt(1 − cos²α − cos²β − cos²γ + 2 cosα cosβ cosγ).
// It is NaN for impossible angles.
func (c Cell) Volume() float64 {
	ca, cb, cg := cosd(c.Alpha), cosd(c.Beta), cosd(c.Gamma)
	return c.A * c.B * c.C * math.Sqrt(1-ca*ca-cb*cb-cg*cg+2*ca*cb*cg)
}

// ReciprocalMetric returns G* = G⁻¹ (Å⁻²), so that 1/d²(hkl) = hᵀ G* h
// (ITC Vol. B, §1.1.3).
func (c Cell) ReciprocalMetric() ([3][3]float64, error) {
	if err := c.validate(); err != nil {
		return [3][3]float64{}, err
	}
	return inverse3(c.Metric()), nil
}

// DSpacing returns d(hkl) in Å from 1/d² = hᵀ G* h.
func (c Cell) DSpacing(h, k, l int) float64 {
	gs, err := c.ReciprocalMetric()
	if err != nil {
		return math.NaN()
	}
	return 1 / math.Sqrt(quad(gs, [3]float64{float64(h), float64(k), float64(l)}))
}

func quad(g [3][3]float64, v [3]float64) float64 {
	var s float64
	for i := range 3 {
		for j := range 3 {
			s += v[i] * g[i][j] * v[j]
		}
	}
	return s
}

func inverse3(m [3][3]float64) [3][3]float64 {
	det := m[0][0]*(m[1][1]*m[2][2]-m[1][2]*m[2][1]) -
		m[0][1]*(m[1][0]*m[2][2]-m[1][2]*m[2][0]) +
		m[0][2]*(m[1][0]*m[2][1]-m[1][1]*m[2][0])
	var r [3][3]float64
	r[0][0] = (m[1][1]*m[2][2] - m[1][2]*m[2][1]) / det
	r[0][1] = (m[0][2]*m[2][1] - m[0][1]*m[2][2]) / det
	r[0][2] = (m[0][1]*m[1][2] - m[0][2]*m[1][1]) / det
	r[1][0] = (m[1][2]*m[2][0] - m[1][0]*m[2][2]) / det
	r[1][1] = (m[0][0]*m[2][2] - m[0][2]*m[2][0]) / det
	r[1][2] = (m[0][2]*m[1][0] - m[0][0]*m[1][2]) / det
	r[2][0] = (m[1][0]*m[2][1] - m[1][1]*m[2][0]) / det
	r[2][1] = (m[0][1]*m[2][0] - m[0][0]*m[2][1]) / det
	r[2][2] = (m[0][0]*m[1][1] - m[0][1]*m[1][0]) / det
	return r
}

// metricTolerance is the relative tolerance of CheckMetric: cells are
// printed to 4–5 significant digits (a = 4.9134 Å, γ = 120°), so a cell of
// the right symmetry fits to about 1e-4; 1e-3 leaves room for files that
// round the lengths of equal axes differently.
const metricTolerance = 1e-3

// CheckMetric reports an error when the cell does not have the symmetry of
// the operators: for every rotation R (fractional coordinates) the metric
// tensor must satisfy Rᵀ·G·R = G (International Tables Vol. A, 2016,
// section 1.3.2). A file whose lengths and angles were swapped, or whose
// cell is in another setting than its operators, fails; its pattern would
// be nonsense. A cell changed by hand (the GUI's teaching mode) must pass
// it to keep its operators, or be lowered to P1.
func (c Cell) CheckMetric(ops []SymOp) error {
	g := c.Metric()
	scale := math.Max(g[0][0], math.Max(g[1][1], g[2][2]))
	for _, op := range ops {
		for i := range 3 {
			for j := range 3 {
				var m float64
				for k := range 3 {
					for l := range 3 {
						m += float64(op.R[k][i]) * g[k][l] * float64(op.R[l][j])
					}
				}
				if math.Abs(m-g[i][j]) > metricTolerance*scale {
					return fmt.Errorf("the cell (a=%g b=%g c=%g Å, α=%g β=%g γ=%g°) does not have the symmetry of the operators (%s): lengths and angles swapped, or a cell in another setting?",
						c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, op)
				}
			}
		}
	}
	return nil
}
