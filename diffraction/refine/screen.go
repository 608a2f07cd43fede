package refine

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"gonum.org/v1/gonum/floats"
)

// Profile returns the calculated pattern of the phase alone at scale 1 on
// the angles x (increasing, degrees), without background: its structure's
// cell, no preferred orientation, crystallite size in nm (0: only the
// instrument's widths) and the axis shift of ax. It is the column of the
// phase in a linear fit of candidates (Screen) and what a plot of a
// candidate shows.
func (p *Phase) Profile(x []float64, inst Instrument, size float64, ax peaks.Axis) ([]float64, error) {
	if !(size >= 0) || math.IsInf(size, 0) {
		return nil, fmt.Errorf("refine: size %g nm is not a size", size)
	}
	m, err := profileModel(x, inst, ax)
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(x))
	m.profile(p, size, out)
	return out, nil
}

// profileModel returns a model over x for unit-scale profiles.
func profileModel(x []float64, inst Instrument, ax peaks.Axis) (*model, error) {
	scan := &diffraction.Scan{TwoTheta: x, Intensity: make([]float64, len(x)), Wavelength: inst.Wavelength}
	if err := scan.Validate(); err != nil {
		return nil, fmt.Errorf("refine: %w", err)
	}
	inst.Zero = ax.ZeroShift
	if ax.Radius != 0 {
		inst.Radius = ax.Radius
	}
	if err := inst.Check(); err != nil {
		return nil, fmt.Errorf("refine: %w", err)
	}
	if md := maxDisp(inst.radius()); !(math.Abs(ax.Displacement) <= md) {
		return nil, fmt.Errorf("refine: displacement %g mm is not within ±%.2f mm on a %g mm goniometer", ax.Displacement, md, inst.radius())
	}
	m := &model{x: x, y: scan.Intensity, inst: inst, lp: inst.lpOptions(), step: uniformStep(x)}
	m.yc = make([]float64, len(x))
	m.iZero = m.addParam(param{name: "zero shift", group: Zero, phase: -1, v: inst.Zero})
	m.iDisp = m.addParam(param{name: "specimen displacement", group: Displacement, phase: -1, v: ax.Displacement})
	m.iU, m.iV, m.iW, m.iX, m.iY, m.iAsym = -1, -1, -1, -1, -1, -1
	return m, nil
}

// profile writes to out the unit-scale pattern of phase p with the size
// (nm, 0: none), reusing the model for one phase at a time.
func (m *model) profile(p *Phase, size float64, out []float64) {
	m.par = m.par[:2]
	m.phases = []*Phase{p}
	m.po, m.poE = [][]poData{nil}, [][]float64{nil}
	m.iScale = []int{m.addParam(param{name: "scale", group: Scale, phase: 0, v: 1})}
	m.iCell = []int{len(m.par)}
	for k := range p.g0 {
		m.addParam(param{name: "cell", group: Cell, phase: 0, v: p.g0[k]})
	}
	m.iSize, m.iStrain, m.iPO, m.iB = []int{-1}, []int{-1}, []int{-1}, []int{-1}
	if size > 0 {
		m.iSize[0] = m.addParam(param{name: "size", group: Size, phase: 0, v: 1 / size})
	}
	clear(m.yc)
	m.evalLines(false, nil)
	copy(out, m.yc)
}

// ScreenOptions tunes Screen.
type ScreenOptions struct {
	// Instrument as for Fit (zero value: the default for the scan's
	// wavelength).
	Instrument Instrument
	// Axis shifts the candidates' lines, e.g. by the zero shift and
	// displacement of an earlier refinement (Result.Axis).
	Axis peaks.Axis
	// Size is the crystallite size (nm) of every candidate's profile; 0
	// means 100 nm, a typical laboratory powder whose lines are a little
	// wider than the instrument's.
	Size float64
	// BackgroundTerms of the Chebyshev background (0 means 6).
	BackgroundTerms int
}

// Screened is one candidate's outcome of Screen.
type Screened struct {
	ID string `json:"id"`
	// Scale is the candidate's non-negative scale, comparable with
	// PhaseResult.Scale; 0 when the data do not want the phase.
	Scale float64 `json:"scale"`
	// WeightFraction is the Hill–Howard fraction of the screened scales:
	// a rough estimate, before any refinement.
	WeightFraction float64 `json:"weight_fraction"`
	// DeltaChi2 is the increase of the weighted sum of squares when the
	// candidate is left out and the others and the background fitted
	// again: what the candidate explains that the others cannot (0 for a
	// candidate with scale 0).
	DeltaChi2 float64 `json:"delta_chi2"`
}

// maxCandidates bounds Screen: the Gram matrix grows as its square.
const maxCandidates = 2000

// Screen fits the scan with a Chebyshev background and the unit-scale
// profiles of the candidates (Phase.Profile at their structures' cells)
// by weighted linear least squares with non-negative scales (C. L.
// Lawson & R. J. Hanson 1974, Solving Least Squares Problems, ch. 23), and
// reports each candidate's scale and the χ² it alone accounts for. It is a
// screen before refinement: the cells are not refined, so a candidate
// whose lines sit off the data by more than about a FWHM explains little
// even when it is present. Results are in the order of the candidates.
func Screen(ctx context.Context, scan *diffraction.Scan, candidates []*Phase, opt ScreenOptions) ([]Screened, error) {
	inst, err := instrumentFor(scan, opt.Instrument)
	if err != nil {
		return nil, err
	}
	if len(candidates) > maxCandidates {
		return nil, fmt.Errorf("refine: %d candidates, more than %d", len(candidates), maxCandidates)
	}
	size := opt.Size
	if size == 0 {
		size = 100
	}
	nb := opt.BackgroundTerms
	if nb == 0 {
		nb = defaultBackgroundTerms
	}
	if nb < 1 || nb > maxBackgroundTerms || !(size >= minSize && size <= maxSize) {
		return nil, fmt.Errorf("refine: %d background terms or size %g nm out of range", nb, size)
	}
	m, err := profileModel(scan.TwoTheta, inst, opt.Axis)
	if err != nil {
		return nil, err
	}
	n, nc := scan.Len(), len(candidates)
	sw := weights(scan)
	// Columns, weighted: the background terms, then the candidates,
	// each scaled to unit norm for the conditioning of the Gram matrix.
	k := nb + nc
	cols := make([][]float64, k)
	norm := make([]float64, k)
	for j, t := range chebyshev(scan.TwoTheta, nb) {
		cols[j] = t
	}
	for j, p := range candidates {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if p == nil {
			return nil, fmt.Errorf("refine: candidate %d is nil", j+1)
		}
		c := make([]float64, n)
		m.profile(p, size, c)
		cols[nb+j] = c
	}
	y := make([]float64, n)
	for i := range n {
		y[i] = scan.Intensity[i] * sw[i]
	}
	for j, c := range cols {
		for i := range c {
			c[i] *= sw[i]
		}
		norm[j] = floats.Norm(c, 2)
		if norm[j] > 0 {
			floats.Scale(1/norm[j], c)
		}
	}
	gram := make([]float64, k*k)
	rhs := make([]float64, k)
	for i := range k {
		rhs[i] = floats.Dot(cols[i], y)
		for j := i; j < k; j++ {
			v := floats.Dot(cols[i], cols[j])
			gram[i*k+j], gram[j*k+i] = v, v
		}
	}
	yy := floats.Dot(y, y)
	all := make([]bool, k)
	for j := range all {
		all[j] = norm[j] > 0
	}
	x, chi := nnls(gram, rhs, yy, k, nb, all)
	out := make([]Screened, nc)
	s, zmv := make([]float64, nc), make([]float64, nc)
	for j, p := range candidates {
		if norm[nb+j] > 0 {
			s[j] = x[nb+j] / norm[nb+j]
		}
		zmv[j] = p.cellMass * p.Structure.Volume()
		out[j] = Screened{ID: p.ID, Scale: s[j]}
	}
	w, _, _ := hillHoward(s, zmv, make([]float64, nc*nc))
	for j := range out {
		out[j].WeightFraction = w[j]
		if x[nb+j] <= 0 {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		use := slices.Clone(all)
		use[nb+j] = false
		_, c := nnls(gram, rhs, yy, k, nb, use)
		out[j].DeltaChi2 = max(c-chi, 0)
	}
	return out, nil
}

// nnls minimises ‖y − Σ x_j c_j‖² over the columns with use[j], given
// their Gram matrix g (k×k), g·y in b and yᵀy, with x_j ≥ 0 for j ≥ free
// and the first free unconstrained: the active-set method of Lawson &
// Hanson (1974, ch. 23, algorithm NNLS) on the normal equations. It
// returns x and the sum of squares.
func nnls(g, b []float64, yy float64, k, free int, use []bool) ([]float64, float64) {
	x := make([]float64, k)
	passive := make([]bool, k)
	for j := range free {
		passive[j] = use[j]
	}
	solve := func() []float64 {
		var act []int
		for j := range k {
			if passive[j] {
				act = append(act, j)
			}
		}
		z := make([]float64, k)
		if !solveDamped(g, b, k, act, 1e-12, z) {
			return nil
		}
		return z
	}
	grad := func() []float64 { // b − G·x, the negative half-gradient
		w := make([]float64, k)
		for i := range k {
			w[i] = b[i] - floats.Dot(g[i*k:(i+1)*k], x)
		}
		return w
	}
	if z := solve(); z != nil {
		x = z
	}
	for range 3 * k {
		w := grad()
		best, bw := -1, 1e-12*math.Sqrt(max(yy, 1))
		for j := free; j < k; j++ {
			if use[j] && !passive[j] && w[j] > bw {
				best, bw = j, w[j]
			}
		}
		if best < 0 {
			break
		}
		passive[best] = true
		for range k {
			z := solve()
			if z == nil {
				passive[best] = false
				break
			}
			// Step back to the first constrained variable that would turn
			// negative, and drop those at zero.
			alpha, neg := 1.0, false
			for j := free; j < k; j++ {
				if passive[j] && z[j] <= 0 {
					neg = true
					if d := x[j] - z[j]; d > 0 {
						alpha = min(alpha, x[j]/d)
					}
				}
			}
			if !neg {
				x = z
				break
			}
			for j := range k {
				x[j] += alpha * (z[j] - x[j])
				if j >= free && passive[j] && x[j] <= 1e-15 {
					passive[j], x[j] = false, 0
				}
			}
		}
	}
	// χ² = yᵀy − 2xᵀb + xᵀGx.
	chi := yy
	for i := range k {
		chi += x[i] * (floats.Dot(g[i*k:(i+1)*k], x) - 2*b[i])
	}
	return x, max(chi, 0)
}
