package crystal

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// Reflection is one line of a simulated powder pattern: a set of
// symmetry-equivalent reflections hkl (Laue class) represented by one of
// them.
type Reflection struct {
	H, K, L      int
	D            float64 // d-spacing, Å
	TwoTheta     float64 // degrees
	F2           float64 // |F|², electrons²
	Multiplicity int     // number of equivalent hkl (Laue class, Friedel pairs included)
	Intensity    float64 // relative, strongest line = 100
	Abs          float64 // unscaled |F|²·m·LP
}

// Options tunes Pattern. The zero value is the physical default.
type Options struct {
	// NoDisplacement leaves out the Debye–Waller factor even where the
	// structure has displacement parameters (pymatgen's default, used for
	// comparisons with it).
	NoDisplacement bool
}

// absenceFraction: reflections whose |F|² is below this fraction of the
// strongest |F|² in the range are systematic absences (F = 0 up to
// rounding) and are dropped.
const absenceFraction = 1e-6

// Pattern computes the powder diffraction stick pattern of s for the
// wavelength lambda (Å) between the angles tthMin and tthMax (2θ, degrees),
// for Bragg–Brentano geometry without a monochromator. Lines are sorted by
// increasing 2θ.
//
// Each line is one set of hkl equivalent under the rotation parts of the
// operators and Friedel's law (the Laue class); reflections that only
// happen to share a d-spacing stay separate lines. The structure factor is
// (ITC Vol. C, §6.1.1 and §6.2)
//
//	F(h) = Σ_j f_j(s)·occ_j·exp(−B_j s²)·exp(2πi h·x_j),  s = sinθ/λ = 1/(2d),
//
// over all atoms of the cell (Structure.Atoms), with f_j the neutral-atom
// form factor of Waasmaier & Kirfel (1995) (ions are treated as neutral
// atoms for now) and B = 8π²Uiso (no factor where Uiso = 0). The line
// intensity is |F|²·m·LP with the Lorentz-polarisation factor for an
// unpolarised beam and no monochromator (ITC Vol. C, §6.2.5):
//
//	LP = (1 + cos²2θ) / (sin²θ · cosθ).
func Pattern(s *Structure, lambda, tthMin, tthMax float64, opt Options) ([]Reflection, error) {
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("crystal: wavelength %g Å is not positive", lambda)
	}
	if !(tthMin >= 0 && tthMin < tthMax && tthMax < 180) {
		return nil, fmt.Errorf("crystal: 2θ range %g–%g° is not within 0–180°", tthMin, tthMax)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	gs, err := s.Cell.ReciprocalMetric()
	if err != nil {
		return nil, err
	}
	// Bragg's law: d_min = λ / (2 sin θmax).
	dMin := lambda / (2 * math.Sin(tthMax*math.Pi/360))
	qMax := 1 / (dMin * dMin) // largest 1/d² in range
	// |h| = |d*·a| ≤ a/d_min.
	hMax := [3]int{int(s.Cell.A/dMin) + 1, int(s.Cell.B/dMin) + 1, int(s.Cell.C/dMin) + 1}
	if n := (2*hMax[0] + 1) * (2*hMax[1] + 1) * (2*hMax[2] + 1); n > 5_000_000 {
		return nil, errors.New("crystal: too many reflections (cell too large for the range)")
	}

	rots := lauRotations(s.Ops)
	atoms := s.Atoms()
	els := map[string]int{}
	var elList []*element
	type atomC struct {
		el   int
		occ  float64
		b    float64
		x, y float64
		z    float64
	}
	ac := make([]atomC, len(atoms))
	for i, a := range atoms {
		k, ok := els[a.Element]
		if !ok {
			k = len(elList)
			els[a.Element] = k
			elList = append(elList, lookupElement(a.Element))
		}
		b := 0.0
		if !opt.NoDisplacement {
			b = 8 * math.Pi * math.Pi * a.Uiso // B = 8π²U (ITC Vol. C, §6.1.1.3)
		}
		ac[i] = atomC{el: k, occ: a.Occupancy, b: b, x: a.Pos[0], y: a.Pos[1], z: a.Pos[2]}
	}
	fel := make([]float64, len(elList))

	var out []Reflection
	orbit := make([][3]int, 0, 2*len(rots))
	for h := -hMax[0]; h <= hMax[0]; h++ {
		for k := -hMax[1]; k <= hMax[1]; k++ {
			for l := -hMax[2]; l <= hMax[2]; l++ {
				if h == 0 && k == 0 && l == 0 {
					continue
				}
				hv := [3]float64{float64(h), float64(k), float64(l)}
				q := quad(gs, hv)
				if q > qMax*(1+1e-12) {
					continue
				}
				d := 1 / math.Sqrt(q)
				sinT := lambda / (2 * d)
				if sinT > 1 {
					continue
				}
				tt := 360 / math.Pi * math.Asin(sinT)
				if tt < tthMin || tt > tthMax {
					continue
				}
				// Laue orbit of hkl: h' = h·R for every rotation (±).
				orbit = orbit[:0]
				canon := true
				hi := [3]int{h, k, l}
				for _, r := range rots {
					p := [3]int{
						h*r[0][0] + k*r[1][0] + l*r[2][0],
						h*r[0][1] + k*r[1][1] + l*r[2][1],
						h*r[0][2] + k*r[1][2] + l*r[2][2],
					}
					if preferHKL(p, hi) {
						canon = false
						break
					}
					dup := false
					for _, o := range orbit {
						if o == p {
							dup = true
							break
						}
					}
					if !dup {
						orbit = append(orbit, p)
					}
				}
				if !canon {
					continue
				}
				s2 := q / 4 // (sinθ/λ)² = 1/(4d²)
				for i, e := range elList {
					fel[i] = e.f0(s2)
				}
				var re, im float64
				for _, a := range ac {
					w := fel[a.el] * a.occ
					if a.b != 0 {
						w *= math.Exp(-a.b * s2)
					}
					ph := 2 * math.Pi * (hv[0]*a.x + hv[1]*a.y + hv[2]*a.z)
					sn, cs := math.Sincos(ph)
					re += w * cs
					im += w * sn
				}
				th := tt * math.Pi / 360
				c2 := math.Cos(2 * th)
				lp := (1 + c2*c2) / (math.Pow(math.Sin(th), 2) * math.Cos(th))
				f2 := re*re + im*im
				out = append(out, Reflection{H: h, K: k, L: l, D: d, TwoTheta: tt, F2: f2,
					Multiplicity: len(orbit), Abs: f2 * float64(len(orbit)) * lp})
			}
		}
	}
	var maxF2 float64
	for _, r := range out {
		maxF2 = max(maxF2, r.F2)
	}
	kept := out[:0]
	var maxAbs float64
	for _, r := range out {
		if r.F2 >= absenceFraction*maxF2 && r.F2 > 0 {
			kept = append(kept, r)
			maxAbs = max(maxAbs, r.Abs)
		}
	}
	for i := range kept {
		kept[i].Intensity = 100 * kept[i].Abs / maxAbs
	}
	sort.Slice(kept, func(i, j int) bool {
		a, b := kept[i], kept[j]
		if a.TwoTheta != b.TwoTheta {
			return a.TwoTheta < b.TwoTheta
		}
		return lexLess([3]int{b.H, b.K, b.L}, [3]int{a.H, a.K, a.L})
	})
	return kept, nil
}

// preferHKL reports whether p is a better representative of its Laue orbit
// than q: fewer negative indices (012 rather than 10-2), then the larger in
// lexicographic order (111 rather than 11-1, 100 rather than 010).
func preferHKL(p, q [3]int) bool {
	np, nq := negatives(p), negatives(q)
	if np != nq {
		return np < nq
	}
	return lexLess(q, p)
}

func negatives(v [3]int) int {
	n := 0
	for _, x := range v {
		if x < 0 {
			n++
		}
	}
	return n
}

func lexLess(a, b [3]int) bool {
	for i := range 3 {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// lauRotations returns the distinct matrices ±R of the operators: the
// point group of the Laue class acting on hkl (Friedel's law adds −R).
func lauRotations(ops []SymOp) [][3][3]int {
	seen := map[[3][3]int]bool{}
	var out [][3][3]int
	add := func(r [3][3]int) {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	for _, op := range ops {
		add(op.R)
		var m [3][3]int
		for i := range 3 {
			for j := range 3 {
				m[i][j] = -op.R[i][j]
			}
		}
		add(m)
	}
	return out
}

// IntensityScale returns max(|F|²·m·LP)/(V²·ρ) over the reflections, the
// quantity whose ratio between a phase and corundum is the calculated
// reference intensity ratio RIR = I/Ic (Hubbard & Snyder 1988, Powder
// Diffr. 3, 74–77): the intensity of a phase in a mixture is proportional
// to its weight fraction times |F|²·m·LP/(V²·ρ).
func IntensityScale(s *Structure, refl []Reflection) float64 {
	var m float64
	for _, r := range refl {
		m = max(m, r.Abs)
	}
	v := s.Volume()
	return m / (v * v * s.Density())
}
