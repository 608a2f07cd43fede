package crystal

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Reflection is one line of a simulated powder pattern: a set of
// symmetry-equivalent reflections hkl (Laue class) represented by one of
// them.
type Reflection struct {
	H, K, L      int
	D            float64 // d-spacing, Å
	TwoTheta     float64 // degrees
	F2           float64 // |F|², electrons² (mean of hkl and −h−k−l with anomalous dispersion)
	Multiplicity int     // number of equivalent hkl (Laue class, Friedel pairs included)
	Intensity    float64 // relative, strongest line = 100
	Abs          float64 // unscaled |F|²·m·LP (times the Kα2 ratio for a Kα2 line)
	Ka2          bool    // the line is the Kα2 component of the doublet (Options.Ka2)
}

// Options tunes Pattern. The zero value is the physical default for a
// laboratory Bragg–Brentano diffractometer: unpolarised beam, no
// monochromator, one wavelength, displacements from the structure, no
// anomalous dispersion.
//
// Displacements: a site without Uiso/Biso/Uij in its CIF has Uiso = 0, so
// no Debye–Waller damping at all (B = 0 Å²). This is the stated default;
// set DefaultB to damp such sites with a common B instead.
type Options struct {
	// NoDisplacement leaves out the Debye–Waller factor even where the
	// structure has displacement parameters (pymatgen's default, used for
	// comparisons with it).
	NoDisplacement bool
	// DefaultB (Å²) is used for sites whose displacement is zero (not given
	// in the file). 0 keeps them undamped.
	DefaultB float64

	// NeutralAtoms uses neutral-atom form factors for every site, even
	// where the CIF gives a charge ("Fe3+"), as pymatgen does. By default a
	// charged site uses the ion's form factor (Waasmaier & Kirfel 1995)
	// when the ion is tabulated.
	NeutralAtoms bool

	// Anomalous adds the dispersion corrections f′ and f″ (Sasaki 1989) for
	// the wavelength, which must be a Kα1 or Kα2 line of Cu, Co, Fe, Cr, Mo
	// or Ag within 0.5 % (see AnomalousLines); otherwise Pattern fails.
	Anomalous bool

	// Monochromator is the 2θ (degrees) of a monochromator crystal in the
	// diffracted or incident beam, with its diffraction plane parallel to
	// the sample's (the usual arrangement); 0 means no monochromator.
	Monochromator float64
	// Synchrotron selects a linearly polarised beam with Polarization the
	// fraction of the intensity polarised perpendicular to the diffraction
	// plane (σ): about 0.95–1 for a vertical diffraction plane at a
	// synchrotron, 0.5 is an unpolarised beam.
	Synchrotron  bool
	Polarization float64

	// Ka2 (Å) adds, for every line, a Kα2 line of relative weight Ka2Ratio
	// (0.5 for the usual tubes, see diffraction.Wavelength) at the 2θ of
	// that wavelength. The lines are marked Reflection.Ka2. 0 means a single
	// wavelength.
	Ka2      float64
	Ka2Ratio float64

	// formFactor, when set (tests only), replaces f0 of an element at
	// (sinθ/λ)², to compare with programs that use another fit.
	formFactor func(symbol string, s2 float64) float64
}

// absenceFraction: reflections whose |F|² is below this fraction of the
// strongest |F|² in the range are systematic absences (F = 0 up to
// rounding) and are dropped.
const absenceFraction = 1e-6

// polarization returns the polarisation factor at cos2θ = c2, normalised so
// that an unpolarised beam without monochromator gives 1 + cos²2θ, the
// conventional numerator of the Bragg–Brentano LP factor (so that Abs keeps
// its scale whatever the options):
//
//   - monochromator at 2θm (ITC Vol. C, §6.2.5, eq. 6.2.5.3; Azároff 1955,
//     Acta Cryst. 8, 701): 2·(1 + cos²2θm cos²2θ)/(1 + cos²2θm);
//   - linearly polarised beam, fraction p perpendicular to the diffraction
//     plane (ITC Vol. C, §6.2.2; Kahn et al. 1982, J. Appl. Cryst. 15,
//     330): 2·(p + (1 − p) cos²2θ).
func (o *Options) polarization(c2 float64) float64 {
	switch {
	case o.Synchrotron:
		return 2 * (o.Polarization + (1-o.Polarization)*c2*c2)
	case o.Monochromator != 0:
		cm := math.Cos(o.Monochromator * math.Pi / 180)
		cm2 := cm * cm
		return 2 * (1 + cm2*c2*c2) / (1 + cm2)
	}
	return 1 + c2*c2
}

// LP returns the Lorentz–polarisation factor Pattern gives a line at 2θ
// (degrees): the polarisation factor of the options over sin²θ·cosθ
// (ITC Vol. C, §6.2.5), so that a whole-pattern model recomputing line
// intensities at refined angles uses the same conventions.
func (o *Options) LP(twoTheta float64) float64 {
	s, c := math.Sincos(twoTheta * math.Pi / 360)
	return o.lp(s, c)
}

func (o *Options) lp(sinT, cosT float64) float64 {
	return o.polarization(1-2*sinT*sinT) / (sinT * sinT * cosT) // 1 − 2sin²θ = cos 2θ
}

func (o *Options) validate(lambda float64) error {
	if o.Synchrotron && !(o.Polarization >= 0 && o.Polarization <= 1) {
		return fmt.Errorf("crystal: polarisation fraction %g is not in 0–1", o.Polarization)
	}
	if !(o.Monochromator >= 0 && o.Monochromator < 180) {
		return fmt.Errorf("crystal: monochromator angle %g° is not in 0–180°", o.Monochromator)
	}
	if o.Ka2 != 0 && (!(o.Ka2 > 0) || math.IsInf(o.Ka2, 0) || !(o.Ka2Ratio > 0) || math.IsInf(o.Ka2Ratio, 0)) {
		return fmt.Errorf("crystal: Kα2 %g Å with ratio %g: want both positive", o.Ka2, o.Ka2Ratio)
	}
	if !(o.DefaultB >= 0) || math.IsInf(o.DefaultB, 0) {
		return fmt.Errorf("crystal: default B %g Å² is not ≥ 0", o.DefaultB)
	}
	return nil
}

// candidate is one Laue orbit found in the 2θ range, before its structure
// factor is known.
type candidate struct {
	h    [3]int  // representative (largest hklKey)
	at   [3]int  // the member met first, where F is evaluated (same |F|²)
	q    float64 // 1/d²
	mult int
}

// Pattern computes the powder diffraction stick pattern of s for the
// wavelength lambda (Å) between the angles tthMin and tthMax (2θ, degrees),
// by default for Bragg–Brentano geometry without a monochromator (see
// Options). Lines are sorted by increasing 2θ.
//
// Each line is one set of hkl equivalent under the rotation parts of the
// operators and Friedel's law (the Laue class); reflections that only
// happen to share a d-spacing stay separate lines. The structure factor is
// (ITC Vol. C, §6.1.1 and §6.2)
//
//	F(h) = Σ_j (f0_j(s) + f′_j + i f″_j)·occ_j·exp(−B_j s²)·exp(2πi h·x_j),  s = sinθ/λ = 1/(2d),
//
// over all atoms of the cell (Structure.Atoms), with f0 the form factor of
// Waasmaier & Kirfel (1995) of the ion given by the site's type symbol
// ("Fe3+") when tabulated, else of the neutral atom (Options.NeutralAtoms:
// always neutral), f′ = f″ = 0 unless Options.Anomalous, and B = 8π²Uiso (no factor
// where Uiso = 0, unless Options.DefaultB). With f″ ≠ 0 Friedel's law fails
// and |F|² is the mean over h and −h, as a powder averages them. The line
// intensity is |F|²·m·LP with, for an unpolarised beam and no monochromator
// (ITC Vol. C, §6.2.5),
//
//	LP = (1 + cos²2θ) / (sin²θ · cosθ),
//
// whose numerator Options may replace by another polarisation factor.
//
// Only one reflection per Laue orbit is evaluated (the multiplicity is the
// number of distinct images h·R), and form factors are computed once per
// distinct d.
func Pattern(s *Structure, lambda, tthMin, tthMax float64, opt Options) ([]Reflection, error) {
	if !(lambda > 0) || math.IsInf(lambda, 0) {
		return nil, fmt.Errorf("crystal: wavelength %g Å is not positive", lambda)
	}
	if !(tthMin >= 0 && tthMin < tthMax && tthMax < 180) {
		return nil, fmt.Errorf("crystal: 2θ range %g–%g° is not within 0–180°", tthMin, tthMax)
	}
	if err := opt.validate(lambda); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var anom *[2][]float64
	if opt.Anomalous {
		a, err := anomalousFor(lambda)
		if err != nil {
			return nil, err
		}
		for _, el := range s.Elements() {
			if e := lookupElement(el); e != nil && (e.Z > len(a[0]) || math.IsNaN(a[0][e.Z-1])) {
				return nil, fmt.Errorf("crystal: no anomalous dispersion data for %s (Sasaki 1989 tabulates Li–Bi and U)", el)
			}
		}
		anom = a
	}
	gs, err := s.Cell.ReciprocalMetric()
	if err != nil {
		return nil, err
	}
	// Bragg's law, 1/d² = (2 sinθ/λ)², bounds the reciprocal-lattice shell
	// to enumerate; with the doublet, the shell of either wavelength.
	qOf := func(tt, lam float64) float64 {
		v := 2 * math.Sin(tt*math.Pi/360) / lam
		return v * v
	}
	qMin, qMax := qOf(tthMin, lambda), qOf(tthMax, lambda)
	if opt.Ka2 > 0 {
		qMin, qMax = min(qMin, qOf(tthMin, opt.Ka2)), max(qMax, qOf(tthMax, opt.Ka2))
	}
	qMin *= 1 - 1e-12
	qMax *= 1 + 1e-12
	// |h| = |d*·a| ≤ a·sqrt(qMax).
	sq := math.Sqrt(qMax)
	hMax := [3]int{int(s.Cell.A*sq) + 1, int(s.Cell.B*sq) + 1, int(s.Cell.C*sq) + 1}
	if n := (2*hMax[0] + 1) * (2*hMax[1] + 1) * (2*hMax[2] + 1); n > 5_000_000 || max(hMax[0], hMax[1], hMax[2]) > 1000 {
		return nil, ErrTooManyReflections
	}

	reps, cent := splitCentring(s.Ops)
	// Candidates come in enumeration order, rows of constant (h, k) for
	// the evaluation points, which the phase tables exploit.
	cands := enumerate(gs, hMax, qMin, qMax, halfLaue(laueGroup(reps)), cent)

	sf := newSFCalc(s, reps, cent, opt, anom)
	sf.tables(hMax, len(cands))
	sf.grid(qMax/4, len(cands))
	f2 := make([]float64, len(cands))
	var maxF2 float64
	prevQ := math.NaN()
	for i := range cands {
		c := &cands[i]
		if sf.absent(c.at) {
			continue
		}
		if c.q != prevQ {
			sf.setS2(c.q / 4) // (sinθ/λ)² = 1/(4d²)
			prevQ = c.q
		}
		f2[i] = sf.f2(c.at)
		maxF2 = max(maxF2, f2[i])
	}

	n := len(cands)
	if opt.Ka2 > 0 {
		n *= 2
	}
	out := make([]Reflection, 0, n)
	add := func(c *candidate, f2 float64, lam, weight float64, ka2 bool) {
		sinT := lam * math.Sqrt(c.q) / 2
		if sinT > 1 {
			return
		}
		th := math.Asin(sinT)
		tt := th * 360 / math.Pi
		if tt < tthMin || tt > tthMax {
			return
		}
		lp := opt.lp(sinT, math.Cos(th))
		out = append(out, Reflection{H: c.h[0], K: c.h[1], L: c.h[2], D: 1 / math.Sqrt(c.q), TwoTheta: tt,
			F2: f2, Multiplicity: c.mult, Abs: weight * f2 * float64(c.mult) * lp, Ka2: ka2})
	}
	for i := range cands {
		if f2[i] < absenceFraction*maxF2 || !(f2[i] > 0) {
			continue
		}
		add(&cands[i], f2[i], lambda, 1, false)
		if opt.Ka2 > 0 {
			add(&cands[i], f2[i], opt.Ka2, opt.Ka2Ratio, true)
		}
	}
	// Increasing 2θ, ties by preferred hkl first.
	slices.SortFunc(out, func(a, b Reflection) int {
		if c := cmp.Compare(a.TwoTheta, b.TwoTheta); c != 0 {
			return c
		}
		if c := cmp.Compare(b.H, a.H); c != 0 {
			return c
		}
		if c := cmp.Compare(b.K, a.K); c != 0 {
			return c
		}
		if c := cmp.Compare(b.L, a.L); c != 0 {
			return c
		}
		if a.Ka2 != b.Ka2 {
			if a.Ka2 {
				return 1
			}
			return -1
		}
		return 0
	})
	var maxAbs float64
	for i := range out {
		maxAbs = max(maxAbs, out[i].Abs)
	}
	for i := range out {
		out[i].Intensity = 100 * out[i].Abs / maxAbs
	}
	return out, nil
}

// enumerate lists one representative (largest hklKey) of every Laue orbit of
// reciprocal-lattice points with qMin ≤ hᵀG*h ≤ qMax inside the box hMax.
// For each (h, k) the range of l is solved from the quadratic
// g22 l² + 2(g02 h + g12 k) l + (g00 h² + g11 k² + 2 g01 hk) ≤ qMax. The
// first point met of each orbit generates the whole orbit h·R, which is
// marked in a bit set over the box; the multiplicity is the number of
// distinct images. Points extinct by the lattice centring are skipped
// (their orbits are extinct too).
func enumerate(gs [3][3]float64, hMax [3]int, qMin, qMax float64, rots [][3][3]int, cent [][3]float64) []candidate {
	var out []candidate
	// Centring vectors in 24ths (all of them are multiples of 1/24 in
	// every setting of ITC): h is extinct unless 24·h·c ≡ 0 (mod 24).
	// Without that exactness the test is left to sfCalc.absent.
	var c24 [][3]int
	for _, c := range cent {
		v := [3]int{int(math.Round(c[0] * 24)), int(math.Round(c[1] * 24)), int(math.Round(c[2] * 24))}
		if math.Abs(c[0]*24-float64(v[0])) > 1e-6 || math.Abs(c[1]*24-float64(v[1])) > 1e-6 || math.Abs(c[2]*24-float64(v[2])) > 1e-6 {
			c24 = nil
			break
		}
		c24 = append(c24, v)
	}
	nk, nl := 2*hMax[1]+1, 2*hMax[2]+1
	size := (2*hMax[0] + 1) * nk * nl
	seen := make([]uint64, (size+63)/64)
	for h := -hMax[0]; h <= hMax[0]; h++ {
		fh := float64(h)
		for k := -hMax[1]; k <= hMax[1]; k++ {
			fk := float64(k)
			b := gs[0][2]*fh + gs[1][2]*fk
			c0 := gs[0][0]*fh*fh + gs[1][1]*fk*fk + 2*gs[0][1]*fh*fk
			disc := b*b - gs[2][2]*(c0-qMax)
			if disc < 0 {
				continue
			}
			sd := math.Sqrt(disc)
			lo := max(int(math.Ceil((-b-sd)/gs[2][2]-1e-9)), -hMax[2])
			hi := min(int(math.Floor((-b+sd)/gs[2][2]+1e-9)), hMax[2])
			base := ((h+hMax[0])*nk + k + hMax[1]) * nl
			for l := lo; l <= hi; l++ {
				if h == 0 && k == 0 && l == 0 {
					continue
				}
				if i := base + l + hMax[2]; seen[i>>6]&(1<<(i&63)) != 0 {
					continue
				}
				extinct := false
				for _, c := range c24 {
					if (h*c[0]+k*c[1]+l*c[2])%24 != 0 {
						extinct = true
						break
					}
				}
				if extinct {
					continue
				}
				fl := float64(l)
				q := c0 + 2*b*fl + gs[2][2]*fl*fl
				if q > qMax || q < qMin {
					continue
				}
				rep, m := [3]int{h, k, l}, 0
				repKey := hklKey(rep)
				for _, r := range rots {
					p := [3]int{
						h*r[0][0] + k*r[1][0] + l*r[2][0],
						h*r[0][1] + k*r[1][1] + l*r[2][1],
						h*r[0][2] + k*r[1][2] + l*r[2][2],
					}
					a0, a1, a2 := p[0]+hMax[0], p[1]+hMax[1], p[2]+hMax[2]
					if uint(a0) > uint(2*hMax[0]) || uint(a1) > uint(2*hMax[1]) || uint(a2) > uint(2*hMax[2]) {
						continue // only for operators that do not keep the metric
					}
					// h·R and −h·R (Friedel): the box is symmetric, so the
					// index of −p is size−1 − index of p.
					i := (a0*nk+a1)*nl + a2
					if seen[i>>6]&(1<<(i&63)) == 0 {
						seen[i>>6] |= 1 << (i & 63)
						m++
						if key := hklKey(p); key > repKey {
							rep, repKey = p, key
						}
					}
					i = size - 1 - i
					if seen[i>>6]&(1<<(i&63)) == 0 {
						seen[i>>6] |= 1 << (i & 63)
						m++
						np := [3]int{-p[0], -p[1], -p[2]}
						if key := hklKey(np); key > repKey {
							rep, repKey = np, key
						}
					}
				}
				if rep != [3]int{h, k, l} {
					fr := [3]float64{float64(rep[0]), float64(rep[1]), float64(rep[2])}
					q = quad(gs, fr)
				}
				out = append(out, candidate{h: rep, at: [3]int{h, k, l}, q: q, mult: m})
			}
		}
	}
	return out
}

// halfLaue returns one of R and −R for every pair in a Laue group (which
// holds both): enumerate adds the Friedel mate itself.
func halfLaue(rots [][3][3]int) [][3][3]int {
	out := make([][3][3]int, 0, len(rots)/2+1)
	var seen [(19683 + 63) / 64]uint64
	for _, r := range rots {
		c, small := rotCode(&r)
		if !small {
			var m [3][3]int
			for i := range 3 {
				for j := range 3 {
					m[i][j] = -r[i][j]
				}
			}
			if !slices.Contains(out, m) {
				out = append(out, r)
			}
			continue
		}
		if seen[(19682-c)>>6]&(1<<((19682-c)&63)) != 0 {
			continue // −R already in
		}
		seen[c>>6] |= 1 << (c & 63)
		out = append(out, r)
	}
	return out
}

// sfCalc evaluates structure factors. Atoms are grouped into scatterer
// types (element, B); each type's weight f·exp(−B s²) is computed once per
// distinct s² and each atom only adds its occupancy and phase.
//
// Two symmetry reductions cut the sum (ITC Vol. B, §1.4.3 and §1.4.4):
//   - centring: with the centring vectors c of the operators (R = I),
//     F(h) = 0 unless h·c is an integer for every c, and then
//     F(h) = n_c · Σ over one atom of each centring coset;
//   - a centre of symmetry (R = −I, t): moving the origin to t/2, which
//     changes only the phase of F, pairs x with −x, so that
//     F(h) = Σ_pairs 2w cos 2πh·x + Σ_{x≡−x} w cos 2πh·x, a real number.
//
// Both are used only when the atoms really are closed under them.
type sfCalc struct {
	els   []*element
	fp    []float64 // f′ per element (0 without anomalous dispersion)
	fdp   []float64 // f″ per element
	f0    []float64 // f0 + f′ per element at the current s²
	types []scType
	w     []float64 // per type: (f0+f′)·exp(−B s²)
	w2    []float64 // per type: f″·exp(−B s²)
	atoms []sfAtom
	anom  bool
	ff    func(string, float64) float64
	cent  [][3]float64 // centring vectors other than 0
	nCent float64      // number of centring vectors, 0 included
	real  bool         // centrosymmetric: atoms carry pair weights, F is real

	// Phase tables e^{2πi h x_j} for h = −hMax…hMax, index (h+hMax)·n + j
	// (nil when not worth building).
	hMax       [3]int
	ex, ey, ez []complex128
	occ        []float64 // per atom
	typ        []int     // per atom
	exy        []complex128
	row        [2]int // (h, k) of exy

	// Weight grid over s² (nil when not worth building): gw[t][g] is the
	// weight of type t at s² = g·gStep, interpolated linearly.
	gw, gw2 [][]float64
	gStep   float64
}

// gridPoints is the size of the weight grid. Linear interpolation over
// a step h = s²max/1024 (≤ 3e-4 Å⁻² for 2θ ≤ 180° with Cu Kα) errs by
// ≤ h²·b²/8 relative on a term exp(−b s²): ≤ 1e-6 for the B of
// displacements (< 10 Å²), ≤ 1e-3 of the small diffuse components of
// light-atom form factors (b up to 200 Å², H, Li), i.e. < 1e-3 electron.
const gridPoints = 1024

// grid tabulates the type weights over 0…s2max when there are enough
// reflections for it to pay (each grid point costs what one distinct d
// does).
func (c *sfCalc) grid(s2max float64, nRefl int) {
	if nRefl < 3*gridPoints/2 || !(s2max > 0) {
		return
	}
	c.gStep = s2max / gridPoints
	c.gw = make([][]float64, len(c.types))
	c.gw2 = make([][]float64, len(c.types))
	for t := range c.types {
		c.gw[t] = make([]float64, gridPoints+2)
		c.gw2[t] = make([]float64, gridPoints+2)
	}
	for g := range gridPoints + 2 {
		c.setS2Direct(float64(g) * c.gStep)
		for t := range c.types {
			c.gw[t][g], c.gw2[t][g] = c.w[t], c.w2[t]
		}
	}
}

// tables builds the phase tables when the reflections outnumber the table
// rows: each term of F then costs two complex products instead of a sincos.
// The rows are built by recurrence, e^{iφ(h+1)} = e^{iφh}·e^{iφ}, and
// renormalised every step (rounding stays ~1e-16·h).
func (c *sfCalc) tables(hMax [3]int, nRefl int) {
	if nRefl < 2*(hMax[0]+hMax[1]+hMax[2])+3 || len(c.atoms) < 4 {
		return
	}
	n := len(c.atoms)
	c.hMax = hMax
	c.occ = make([]float64, n)
	c.typ = make([]int, n)
	for j, a := range c.atoms {
		c.occ[j], c.typ[j] = a.occ, a.typ
	}
	build := func(H int, pos func(sfAtom) float64) []complex128 {
		t := make([]complex128, (2*H+1)*n)
		for j, a := range c.atoms {
			sn, cs := math.Sincos(pos(a))
			step := complex(cs, sn)
			t[H*n+j] = 1
			v := complex128(1)
			for h := 1; h <= H; h++ {
				v *= step
				if h%16 == 0 { // keep |v| = 1
					sn, cs := math.Sincos(float64(h) * pos(a))
					v = complex(cs, sn)
				}
				t[(H+h)*n+j] = v
				t[(H-h)*n+j] = complex(real(v), -imag(v))
			}
		}
		return t
	}
	c.ex = build(hMax[0], func(a sfAtom) float64 { return a.x })
	c.ey = build(hMax[1], func(a sfAtom) float64 { return a.y })
	c.ez = build(hMax[2], func(a sfAtom) float64 { return a.z })
}

type scType struct {
	el int
	b  float64
}

type sfAtom struct {
	typ     int
	occ     float64 // occupancy × weight (n_c, and 2 for a centric pair)
	x, y, z float64 // 2π·fractional position
}

func newSFCalc(s *Structure, reps []SymOp, cent [][3]float64, opt Options, anom *[2][]float64) *sfCalc {
	c := &sfCalc{anom: anom != nil, nCent: 1, ff: opt.formFactor}
	var atoms []Atom
	if cent != nil {
		// One atom per centring coset, straight from the coset
		// representatives of the operators.
		atoms = expandModCentring(s, reps, cent)
		c.cent, c.nCent = cent, float64(len(cent)+1)
	} else {
		atoms = s.Atoms()
	}
	typeOf := make([]int, len(atoms))
	for i, a := range atoms {
		e := lookupElement(a.Element)
		if !opt.NeutralAtoms {
			e = scatterer(a.Element, s.Sites[a.Site].Charge)
		}
		ei := slices.Index(c.els, e)
		if ei < 0 {
			ei = len(c.els)
			c.els = append(c.els, e)
		}
		b := 0.0
		if !opt.NoDisplacement {
			b = 8 * math.Pi * math.Pi * a.Uiso // B = 8π²U (ITC Vol. C, §6.1.1.3)
			if a.Uiso == 0 {
				b = opt.DefaultB
			}
		}
		t := slices.Index(c.types, scType{ei, b})
		if t < 0 {
			t = len(c.types)
			c.types = append(c.types, scType{ei, b})
		}
		typeOf[i] = t
	}
	c.f0 = make([]float64, len(c.els))
	c.fp = make([]float64, len(c.els))
	c.fdp = make([]float64, len(c.els))
	if anom != nil {
		for i, e := range c.els {
			c.fp[i], c.fdp[i] = anom[0][e.Z-1], anom[1][e.Z-1]
		}
	}
	c.w = make([]float64, len(c.types))
	c.w2 = make([]float64, len(c.types))

	same := func(i, j int) bool {
		return typeOf[i] == typeOf[j] && atoms[i].Occupancy == atoms[j].Occupancy
	}
	keep := make([]int, len(atoms))
	for i := range keep {
		keep[i] = i
	}
	// Centre of symmetry: pair x with −x (modulo centring) about t/2.
	var shift [3]float64
	weight := make([]float64, len(keep))
	for i := range weight {
		weight[i] = c.nCent
	}
	for _, op := range s.Ops {
		if op.R != [3][3]int{{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}} {
			continue
		}
		shift = [3]float64{op.T[0] / 2, op.T[1] / 2, op.T[2] / 2}
		pos := func(i int) [3]float64 {
			p := atoms[i].Pos
			return [3]float64{wrap(p[0] - shift[0]), wrap(p[1] - shift[1]), wrap(p[2] - shift[2])}
		}
		matches := func(a, b [3]float64) bool {
			if sameWrapped(a, b) {
				return true
			}
			for _, t := range c.cent {
				if sameWrapped([3]float64{wrap(a[0] + t[0]), wrap(a[1] + t[1]), wrap(a[2] + t[2])}, b) {
					return true
				}
			}
			return false
		}
		used := make([]bool, len(keep))
		var half []int
		var hw []float64
		ok := true
		for a := range keep {
			if used[a] {
				continue
			}
			pa := pos(keep[a])
			neg := [3]float64{wrap(-pa[0]), wrap(-pa[1]), wrap(-pa[2])}
			if matches(neg, pa) {
				used[a] = true
				half, hw = append(half, keep[a]), append(hw, c.nCent)
				continue
			}
			found := false
			for b := a + 1; b < len(keep); b++ {
				if !used[b] && same(keep[a], keep[b]) && matches(neg, pos(keep[b])) {
					used[a], used[b], found = true, true, true
					break
				}
			}
			if !found {
				ok = false
				break
			}
			half, hw = append(half, keep[a]), append(hw, 2*c.nCent)
		}
		if ok {
			keep, weight, c.real = half, hw, true
		} else {
			shift = [3]float64{}
		}
		break
	}
	c.atoms = make([]sfAtom, len(keep))
	for k, i := range keep {
		p := atoms[i].Pos
		c.atoms[k] = sfAtom{typ: typeOf[i], occ: atoms[i].Occupancy * weight[k],
			x: 2 * math.Pi * (p[0] - shift[0]), y: 2 * math.Pi * (p[1] - shift[1]), z: 2 * math.Pi * (p[2] - shift[2])}
	}
	return c
}

func (c *sfCalc) f2Tables(h [3]int) float64 {
	n := len(c.atoms)
	if c.exy == nil || c.row != [2]int{h[0], h[1]} {
		if c.exy == nil {
			c.exy = make([]complex128, n)
		}
		ex := c.ex[(h[0]+c.hMax[0])*n : (h[0]+c.hMax[0]+1)*n]
		ey := c.ey[(h[1]+c.hMax[1])*n : (h[1]+c.hMax[1]+1)*n]
		for j := range c.exy {
			c.exy[j] = ex[j] * ey[j]
		}
		c.row = [2]int{h[0], h[1]}
	}
	exy := c.exy[:n]
	ez := c.ez[(h[2]+c.hMax[2])*n : (h[2]+c.hMax[2]+1)*n]
	occ, typ := c.occ[:n], c.typ[:n]
	var a, b, cc, d float64
	if c.real && !c.anom {
		for j := range exy {
			re := real(exy[j])*real(ez[j]) - imag(exy[j])*imag(ez[j])
			a += c.w[typ[j]] * occ[j] * re
		}
		return a * a
	}
	for j := range exy {
		e := exy[j] * ez[j]
		w := c.w[typ[j]] * occ[j]
		a += w * real(e)
		b += w * imag(e)
		if c.anom {
			w2 := c.w2[typ[j]] * occ[j]
			cc += w2 * real(e)
			d += w2 * imag(e)
		}
	}
	if c.real {
		return a*a + cc*cc
	}
	return a*a + b*b + cc*cc + d*d
}

// LatticePoints is the number of lattice points of the cell: 1 and its
// centring translations (4 for F, 3 for R on hexagonal axes).
func (s *Structure) LatticePoints() int {
	_, cent := splitCentring(s.Ops)
	return len(cent) + 1
}

// splitCentring splits a space group's operators into the centring
// vectors c (operators (I, c), c ≠ 0) and one operator per coset of the
// centring translations (one per distinct R). When the operators are not
// such a product (|ops| ≠ |reps|·(n_c+1)), it returns the operators
// themselves and no centring.
func splitCentring(ops []SymOp) (reps []SymOp, cent [][3]float64) {
	const idCode = 2*6561 + 1*2187 + 1*729 + 1*243 + 2*81 + 1*27 + 1*9 + 1*3 + 2 // code of I
	id := [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	var seen [(19683 + 63) / 64]uint64
	reps = make([]SymOp, 0, min(len(ops), 48)) // at most 48 distinct R (m-3m)
	for i := range ops {
		op := &ops[i]
		c, small := rotCode(&op.R)
		if small && c == idCode || !small && op.R == id {
			t := [3]float64{wrap(op.T[0]), wrap(op.T[1]), wrap(op.T[2])}
			if !sameWrapped(t, [3]float64{}) && !slices.ContainsFunc(cent, func(u [3]float64) bool { return sameWrapped(u, t) }) {
				cent = append(cent, t)
			}
		}
		if small {
			if seen[c>>6]&(1<<(c&63)) != 0 {
				continue
			}
			seen[c>>6] |= 1 << (c & 63)
		} else if slices.ContainsFunc(reps, func(r SymOp) bool { return r.R == op.R }) {
			continue
		}
		reps = append(reps, *op)
	}
	if len(cent) == 0 || len(reps)*(len(cent)+1) != len(ops) {
		return ops, nil
	}
	return reps, cent
}

// expandModCentring is Atoms with the coset representatives reps of the
// centring vectors cent: the images of each site, one per centring coset
// (images that differ by a centring vector are the same atom here).
func expandModCentring(s *Structure, reps []SymOp, cent [][3]float64) []Atom {
	out := make([]Atom, 0, len(s.Sites)*2)
	for i, st := range s.Sites {
		start := len(out)
		x := [3]float64{st.X, st.Y, st.Z}
	ops:
		for _, op := range reps {
			y := op.apply(x)
			y = [3]float64{wrap(y[0]), wrap(y[1]), wrap(y[2])}
			for j := start; j < len(out); j++ {
				p := out[j].Pos
				if sameWrapped(p, y) {
					continue ops
				}
				for _, c := range cent {
					if sameWrapped([3]float64{wrap(p[0] + c[0]), wrap(p[1] + c[1]), wrap(p[2] + c[2])}, y) {
						continue ops
					}
				}
			}
			out = append(out, Atom{Site: i, Element: st.Element, Occupancy: st.Occupancy, Uiso: st.Uiso, Pos: y})
		}
	}
	return out
}

// absent reports whether h is extinct by the lattice centring: h·c not an
// integer for some centring vector c.
func (c *sfCalc) absent(h [3]int) bool {
	for _, t := range c.cent {
		v := float64(h[0])*t[0] + float64(h[1])*t[1] + float64(h[2])*t[2]
		if math.Abs(v-math.Round(v)) > 1e-6 {
			return true
		}
	}
	return false
}

func (c *sfCalc) setS2(s2 float64) {
	if c.gw == nil {
		c.setS2Direct(s2)
		return
	}
	x := s2 / c.gStep
	g := min(int(x), gridPoints)
	f := x - float64(g)
	for t := range c.types {
		w, w2 := c.gw[t], c.gw2[t]
		c.w[t] = w[g] + f*(w[g+1]-w[g])
		c.w2[t] = w2[g] + f*(w2[g+1]-w2[g])
	}
}

func (c *sfCalc) setS2Direct(s2 float64) {
	for i, e := range c.els {
		if c.ff != nil {
			c.f0[i] = c.ff(e.Symbol, s2) + c.fp[i]
			continue
		}
		c.f0[i] = e.f0(s2) + c.fp[i]
	}
	for i, t := range c.types {
		dw := 1.0
		if t.b != 0 {
			dw = math.Exp(-t.b * s2)
		}
		c.w[i] = c.f0[t.el] * dw
		c.w2[i] = c.fdp[t.el] * dw
	}
}

// f2 returns |F(h)|², or with anomalous dispersion (|F(h)|² + |F(−h)|²)/2
// = A² + B² + C² + D² with A + iB = Σ (f0+f′)·e^{iφ}, C + iD = Σ f″·e^{iφ}
// (B = D = 0 for the centrosymmetric sum).
func (c *sfCalc) f2(h [3]int) float64 {
	if c.ex != nil {
		return c.f2Tables(h)
	}
	fh, fk, fl := float64(h[0]), float64(h[1]), float64(h[2])
	var a, b, cc, d float64
	if c.real {
		for _, at := range c.atoms {
			cs := math.Cos(fh*at.x + fk*at.y + fl*at.z)
			a += c.w[at.typ] * at.occ * cs
			cc += c.w2[at.typ] * at.occ * cs
		}
		return a*a + cc*cc
	}
	for _, at := range c.atoms {
		sn, cs := math.Sincos(fh*at.x + fk*at.y + fl*at.z)
		w := c.w[at.typ] * at.occ
		a += w * cs
		b += w * sn
		if c.anom {
			w2 := c.w2[at.typ] * at.occ
			cc += w2 * cs
			d += w2 * sn
		}
	}
	return a*a + b*b + cc*cc + d*d
}

// hklKey orders the members of a Laue orbit for the choice of its
// representative: a larger key is preferred, that is fewer negative indices
// (012 rather than 10-2), then the lexicographically larger (111 rather than
// 11-1, 100 rather than 010). Indices are within ±1023 (Pattern refuses
// boxes beyond ±1000).
func hklKey(p [3]int) int {
	return (3-negatives(p))<<33 | (p[0]+1024)<<22 | (p[1]+1024)<<11 | (p[2] + 1024)
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

// laueGroup returns the distinct matrices ±R of the operators (the
// identity always included): the point group of the Laue class acting on
// hkl (Friedel's law adds −R). Matrices with entries in −1…1, all those of
// conventional settings, are deduplicated through a bit set over the 3⁹
// codes; others by comparison.
func laueGroup(ops []SymOp) [][3][3]int {
	var seen [(19683 + 63) / 64]uint64
	out := make([][3][3]int, 0, 48)
	var neg [3][3]int
	add := func(r *[3][3]int, code int, small bool) {
		if small {
			if seen[code>>6]&(1<<(code&63)) != 0 {
				return
			}
			seen[code>>6] |= 1 << (code & 63)
		} else if slices.Contains(out, *r) {
			return
		}
		out = append(out, *r)
	}
	id := [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	code := rotCode
	c, _ := code(&id)
	add(&id, c, true)
	for i := range ops {
		r := &ops[i].R
		c, small := code(r)
		if small && seen[c>>6]&(1<<(c&63)) != 0 && seen[(19682-c)>>6]&(1<<((19682-c)&63)) != 0 {
			continue // R and −R known (centring translations repeat R)
		}
		for a := range 3 {
			for b := range 3 {
				neg[a][b] = -r[a][b]
			}
		}
		add(r, c, small)
		add(&neg, 19682-c, small) // digits d → 2 − d
	}
	return out
}

// rotCode numbers a matrix with entries in −1…1 by its base-3 digits
// (0…3⁹−1); small is false for other matrices. The code of −R is
// 3⁹ − 1 − code(R).
func rotCode(r *[3][3]int) (code int, small bool) {
	small = uint(r[0][0]+1) <= 2 && uint(r[0][1]+1) <= 2 && uint(r[0][2]+1) <= 2 &&
		uint(r[1][0]+1) <= 2 && uint(r[1][1]+1) <= 2 && uint(r[1][2]+1) <= 2 &&
		uint(r[2][0]+1) <= 2 && uint(r[2][1]+1) <= 2 && uint(r[2][2]+1) <= 2
	code = (r[0][0]+1)*6561 + (r[0][1]+1)*2187 + (r[0][2]+1)*729 +
		(r[1][0]+1)*243 + (r[1][1]+1)*81 + (r[1][2]+1)*27 +
		(r[2][0]+1)*9 + (r[2][1]+1)*3 + (r[2][2] + 1)
	return code, small
}

// IntensityScale returns max(|F|²·m·LP)/(V²·ρ) over the reflections (Kα1
// lines only), the quantity whose ratio between a phase and corundum is the
// calculated reference intensity ratio RIR = I/Ic (Hubbard & Snyder 1988,
// Powder Diffr. 3, 74–77): the intensity of a phase in a mixture is
// proportional to its weight fraction times |F|²·m·LP/(V²·ρ).
func IntensityScale(s *Structure, refl []Reflection) float64 {
	var m float64
	for _, r := range refl {
		if !r.Ka2 {
			m = max(m, r.Abs)
		}
	}
	v := s.Volume()
	return m / (v * v * s.Density())
}

// ErrTooManyReflections is Pattern's error when the cell is too large for
// the range: more than 5,000,000 index triples to enumerate, or an index
// beyond 1000.
var ErrTooManyReflections = errors.New("crystal: too many reflections (cell too large for the range)")
