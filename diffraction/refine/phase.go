package refine

import (
	"errors"
	"fmt"
	"math"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// Phase is one crystalline phase of a refinement: the reflections of its
// structure (hkl, |F|², multiplicity) over a range of d-spacings, and
// what the model needs to move them with the cell and weigh them by
// preferred orientation. A Phase is not changed by Fit and may be used by
// several fits at once; set Orientation before the first use.
type Phase struct {
	ID        string
	Structure *crystal.Structure
	// Orientation is the direction of preferred orientation of the
	// March–Dollase model: the normal of the lattice planes (hkl), given
	// as h, k, l. The zero value means no preferred orientation.
	Orientation [3]int
	// KnownCell marks an internal standard whose cell is certified (NIST
	// SRM 676a corundum, SRM 640 silicon): its cell is never refined, and
	// it fixes the scale of the 2θ axis so that the zero shift can be
	// refined together with the specimen displacement and the other
	// cells. Set the structure's cell to the certified value.
	KnownCell bool
	// Size, when positive, is the crystallite size (nm) the phase starts
	// from, and keeps when the stages do not refine sizes (0: 200 nm when
	// they do, none when they do not).
	Size float64
	// CellBound, when positive, replaces Options.CellBound for this phase:
	// the largest relative change of its cell lengths and angles from the
	// structure's (at most 0.05). An identification that lined the phase
	// up with a strain search bounds it by that search's tolerance.
	CellBound float64
	// Anomalous reports whether |F|² includes anomalous dispersion
	// (f′, f″ of Sasaki 1989 for the tube's Kα1 line; crystal.Options).
	Anomalous bool

	refl     []reflection
	basis    []sym3    // Frobenius-orthonormal basis of the metrics the symmetry allows
	g0       []float64 // starting cell: G* = Σ g0_k·basis_k
	rots     [][3][3]int
	cellMass float64 // ρ·V, proportional to the cell's mass Z·M
	dMin     float64 // d range of the reflections, Å
	dMax     float64
}

// reflection is one Laue orbit of the phase: Q = 1/d² = Σ_k g_k·c[k].
type reflection struct {
	h    [3]int
	f2   float64
	mult float64
	c    [6]float64 // hᵀ·basis_k·h
}

// sym3 is a symmetric 3×3 matrix.
type sym3 = [3][3]float64

// maxReflections bounds the reflections of one phase: beyond it the cell
// is too large for the range to be refined line by line here.
const maxReflections = 20000

// TooManyReflections is the error of NewPhase for a phase with more than
// maxReflections reflections in the scan's range, or more than
// crystal.Pattern enumerates (N 0): a large cell over the wide d range of
// a synchrotron or short-wavelength scan.
type TooManyReflections struct {
	ID string
	N  int // reflections in range; 0 when too many to enumerate
}

func (e *TooManyReflections) Error() string {
	if e.N == 0 {
		return fmt.Sprintf("refine: phase %s: %v", e.ID, crystal.ErrTooManyReflections)
	}
	return fmt.Sprintf("refine: phase %s: %d reflections in range, more than %d", e.ID, e.N, maxReflections)
}

// NewPhase computes the reflections of the structure s that can fall in
// the 2θ range lo–hi (degrees) of a scan measured with the instrument:
// the range is widened so that lines stay in the list when the cell
// changes within CellBound, the axis shifts or a Kα2 line enters the
// range. |F|² is computed once, at the starting cell, with anomalous
// dispersion for the usual anode lines (crystal.Pattern); the small change
// of the form factors with d when the cell is refined is neglected.
func NewPhase(id string, s *crystal.Structure, inst Instrument, lo, hi float64) (*Phase, error) {
	if s == nil {
		return nil, fmt.Errorf("refine: phase %s: no structure", id)
	}
	if err := inst.Check(); err != nil {
		return nil, fmt.Errorf("refine: phase %s: %w", id, err)
	}
	if !(lo >= 0 && lo < hi && hi < 180) {
		return nil, fmt.Errorf("refine: phase %s: 2θ range %g–%g° is not within 0–180°", id, lo, hi)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("refine: phase %s: %w", id, err)
	}
	lam, _, nl := inst.lines()
	lamMax := lam[0]
	if nl == 2 {
		lamMax = max(lam[0], lam[1])
	}
	// d range: lines seen anywhere in lo−margin … hi+margin, for any cell
	// within MaxCellBound.
	const margin = 2 + maxZero
	grow := 1 + MaxCellBound
	dMax := math.Inf(1)
	if a := lo - margin; a > 0 {
		dMax = lamMax / (2 * math.Sin(a*math.Pi/360)) * grow
	}
	dMin := lam[0] / 2 / grow
	if b := hi + margin; b < 180 {
		dMin = lam[0] / (2 * math.Sin(b*math.Pi/360)) / grow
	}
	ttMin := 0.0
	if !math.IsInf(dMax, 1) {
		ttMin = 360 / math.Pi * math.Asin(min(lam[0]/(2*dMax), 1))
	}
	ttMax := min(360/math.Pi*math.Asin(min(lam[0]/(2*dMin), 1)), 179.9)
	opt := inst.lpOptions()
	opt.Anomalous = true
	lines, err := crystal.Pattern(s, lam[0], ttMin, ttMax, opt)
	if err != nil {
		// No f′, f″ for this wavelength or element: without them.
		opt.Anomalous = false
		lines, err = crystal.Pattern(s, lam[0], ttMin, ttMax, opt)
	}
	if errors.Is(err, crystal.ErrTooManyReflections) {
		return nil, &TooManyReflections{ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("refine: phase %s: %w", id, err)
	}
	if len(lines) > maxReflections {
		return nil, &TooManyReflections{ID: id, N: len(lines)}
	}
	p := &Phase{ID: id, Structure: s, Anomalous: opt.Anomalous, dMin: dMin, dMax: dMax}
	p.rots = crystal.Rotations(s.Ops)
	p.basis = metricBasis(p.rots)
	gs, err := s.Cell.ReciprocalMetric()
	if err != nil {
		return nil, fmt.Errorf("refine: phase %s: %w", id, err)
	}
	p.g0 = project(gs, p.basis)
	rho := s.Density()
	if !(rho > 0) {
		return nil, fmt.Errorf("refine: phase %s: no density (an element without atomic mass): weight fractions cannot be computed", id)
	}
	p.cellMass = rho * s.Volume()
	p.refl = make([]reflection, len(lines))
	for i, l := range lines {
		r := reflection{h: [3]int{l.H, l.K, l.L}, f2: l.F2, mult: float64(l.Multiplicity)}
		for k, b := range p.basis {
			r.c[k] = quadForm(b, r.h, r.h)
		}
		p.refl[i] = r
	}
	return p, nil
}

// Reflections returns the number of reflections (Laue orbits) the phase
// carries.
func (p *Phase) Reflections() int { return len(p.refl) }

// CellParameters returns the number of free parameters of the cell: 1 for
// cubic, 2 for tetragonal, hexagonal and trigonal, 3 for orthorhombic, 4
// for monoclinic and 6 for triclinic cells.
func (p *Phase) CellParameters() int { return len(p.basis) }

// metricBasis returns an orthonormal basis (Frobenius inner product) of
// the reciprocal metric tensors G* that the rotations R keep,
// R·G*·Rᵀ = G* (the reciprocal form of RᵀGR = G, ITC Vol. A, 2016,
// §1.3.2): the image of the six symmetric unit matrices under the
// group average G* ↦ (1/|G|)·Σ R·G*·Rᵀ, orthonormalised by Gram–Schmidt.
// Its dimension is that of the crystal system's cell (1 cubic … 6
// triclinic) in whatever setting the operators are written, so that one
// parametrisation refines every cell: rhombohedral in hexagonal axes,
// monoclinic with b or c unique.
func metricBasis(rots [][3][3]int) []sym3 {
	var out []sym3
	for i := range 3 {
		for j := i; j < 3; j++ {
			var e sym3
			if i == j {
				e[i][i] = 1
			} else {
				e[i][j], e[j][i] = math.Sqrt2/2, math.Sqrt2/2
			}
			var avg sym3
			for _, r := range rots {
				m := conj(r, e)
				for a := range 3 {
					for b := range 3 {
						avg[a][b] += m[a][b] / float64(len(rots))
					}
				}
			}
			for _, b := range out {
				d := frob(avg, b)
				for a := range 3 {
					for c := range 3 {
						avg[a][c] -= d * b[a][c]
					}
				}
			}
			if n := math.Sqrt(frob(avg, avg)); n > 1e-9 {
				for a := range 3 {
					for c := range 3 {
						avg[a][c] /= n
					}
				}
				out = append(out, avg)
			}
		}
	}
	return out
}

// conj returns R·M·Rᵀ.
func conj(r [3][3]int, m sym3) sym3 {
	var out sym3
	for a := range 3 {
		for b := range 3 {
			var s float64
			for k := range 3 {
				for l := range 3 {
					s += float64(r[a][k]) * m[k][l] * float64(r[b][l])
				}
			}
			out[a][b] = s
		}
	}
	return out
}

func frob(a, b sym3) float64 {
	var s float64
	for i := range 3 {
		for j := range 3 {
			s += a[i][j] * b[i][j]
		}
	}
	return s
}

// project returns the coefficients of m on the orthonormal basis.
func project(m sym3, basis []sym3) []float64 {
	g := make([]float64, len(basis))
	for k, b := range basis {
		g[k] = frob(m, b)
	}
	return g
}

// metric returns Σ g_k·basis_k.
func metric(g []float64, basis []sym3) sym3 {
	var m sym3
	for k, b := range basis {
		for i := range 3 {
			for j := range 3 {
				m[i][j] += g[k] * b[i][j]
			}
		}
	}
	return m
}

// quadForm returns aᵀ·M·b.
func quadForm(m sym3, a, b [3]int) float64 {
	var s float64
	for i := range 3 {
		for j := range 3 {
			s += float64(a[i]) * m[i][j] * float64(b[j])
		}
	}
	return s
}

// errCell is returned by cellOf for a metric that spans no volume.
var errCell = errors.New("refine: the refined metric is not positive definite")

// cellOf returns the direct cell of the reciprocal metric G*: G = G*⁻¹,
// a = √G11, cos α = G23/(b c), … (ITC Vol. B, §1.1.2–1.1.3).
func cellOf(gs sym3) (crystal.Cell, error) {
	det := gs[0][0]*(gs[1][1]*gs[2][2]-gs[1][2]*gs[2][1]) -
		gs[0][1]*(gs[1][0]*gs[2][2]-gs[1][2]*gs[2][0]) +
		gs[0][2]*(gs[1][0]*gs[2][1]-gs[1][1]*gs[2][0])
	if !(det > 0) || gs[0][0] <= 0 || gs[0][0]*gs[1][1]-gs[0][1]*gs[1][0] <= 0 {
		return crystal.Cell{}, errCell
	}
	g00 := (gs[1][1]*gs[2][2] - gs[1][2]*gs[2][1]) / det
	g11 := (gs[0][0]*gs[2][2] - gs[0][2]*gs[2][0]) / det
	g22 := (gs[0][0]*gs[1][1] - gs[0][1]*gs[1][0]) / det
	g12 := (gs[0][2]*gs[1][0] - gs[0][0]*gs[1][2]) / det
	g02 := (gs[0][1]*gs[1][2] - gs[0][2]*gs[1][1]) / det
	g01 := (gs[0][2]*gs[2][1] - gs[0][1]*gs[2][2]) / det
	a, b, c := math.Sqrt(g00), math.Sqrt(g11), math.Sqrt(g22)
	ang := func(v, x, y float64) float64 {
		return math.Acos(max(-1, min(1, v/(x*y)))) * 180 / math.Pi
	}
	return crystal.Cell{A: a, B: b, C: c, Alpha: ang(g12, b, c), Beta: ang(g02, a, c), Gamma: ang(g01, a, b)}, nil
}
