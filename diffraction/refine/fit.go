package refine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// Options tunes Fit. The zero value refines a 6-term Chebyshev background,
// the scales, cells, specimen displacement, sizes and preferred
// orientation in the stages of DefaultStages, with the default instrument
// for the scan's wavelength (its zero shift held).
type Options struct {
	// Instrument is the diffractometer; the zero value means
	// DefaultInstrument(scan.Wavelength), which needs a known wavelength.
	Instrument Instrument
	// Stages lists the parameter groups refined in turn, each stage
	// usually a superset of the one before; nil means DefaultStages().
	Stages []Group
	// BackgroundTerms is the number of Chebyshev terms of the background:
	// 0 means 6, or none when FixedBackground is given.
	BackgroundTerms int
	// FixedBackground, when not nil, is a background held fixed (one value
	// per point, e.g. the processing background); BackgroundTerms then
	// adds a refined Chebyshev correction.
	FixedBackground []float64
	// CellBound is the largest relative change of the cell lengths and
	// angles from the structure's (0 means 0.02, at most MaxCellBound).
	CellBound float64
	// MaxIterations bounds the Levenberg–Marquardt iterations of each
	// stage (0 means 40).
	MaxIterations int
	// Tolerance: a stage has converged when an iteration lowers χ² by
	// less than this fraction (0 means 1e-5; earlier stages use 100
	// times more).
	Tolerance float64
	// From, when not nil, gives the starting values (a warm start):
	// phases of the same ID start from its refined scale, cell, size,
	// strain, orientation and B (a size, strain or B it has is kept even
	// when the stages do not refine it), other phases from their
	// structure; the displacement, the background (same number of terms)
	// and its Instrument, with the refined zero shift and profile, replace
	// those of the options.
	From *Result
	// CoarseWidth (degrees 2θ) broadens every line by a Gaussian of this
	// FWHM (added in quadrature to its width) during a first pass of the
	// first stage that refines cells, then by a third of it, and so on
	// down to 0.1°, so that lines that start further from the data than
	// their own width still overlap it and the cells and the axis converge
	// (coarse to fine). 0 means 1°, enough for cells 1.5 % off on a
	// laboratory scan (3 phases, 10–100°); negative turns it off. A warm
	// start (From) skips it unless a phase is new.
	CoarseWidth float64
	// ParticleSize is the diameter (µm) of the grains of the powder for
	// Brindley's microabsorption correction of the weight fractions
	// (brindley.go); 0 makes none.
	ParticleSize float64
	// Progress, when not nil, is called after every iteration.
	Progress func(Progress)
}

// Progress reports the state of a refinement.
type Progress struct {
	Stage, Stages int
	Groups        Group
	Iteration     int
	Rwp           float64
}

// DefaultStages is the schedule of Fit: scales and background; then the
// cells and the specimen displacement; then the crystallite sizes; then
// the preferred orientation (R. A. Young 1993, The Rietveld Method, ch. 1:
// parameters that are linear or well determined first, the profile and
// the correlated ones last).
//
// The zero shift belongs to the instrument (FitInstrument) and is held by
// default: the shifts of a zero error (constant) and of the specimen
// displacement (∝ cosθ) are nearly collinear below 2θ ≈ 140°, so that
// refining both makes each uncertain by several 0.001° even with an
// internal standard of known cell (TestSyntheticInternalStandard), while
// either one alone, with every cell free, is determined to 0.0002°
// (TestSyntheticZero). Refine the one the experiment calls for: the
// displacement for a flat Bragg–Brentano specimen, the zero shift when the
// specimen surface is known to be on the focusing circle.
func DefaultStages() []Group {
	s1 := Scale | Background
	s2 := s1 | Cell | Displacement
	s3 := s2 | Size
	return []Group{s1, s2, s3, s3 | Orientation}
}

const (
	defaultBackgroundTerms = 6
	maxBackgroundTerms     = 40
	defaultCellBound       = 0.02
	defaultMaxIterations   = 40
	defaultTolerance       = 1e-5
	defaultCoarseWidth     = 1.0 // degrees
	minCoarse              = 0.2
	coarseTolerance        = 1e-2
	coarseIterations       = 8
	startSize              = 200.0 // nm, where a refined size starts
	maxPoints              = 1 << 20
	maxPhases              = 32
	maxParticleSize        = 1000.0 // µm: coarser powders are not for quantitative analysis
)

// Result is the outcome of a refinement.
type Result struct {
	// Agreement indices over the N points with P refined parameters
	// (R. A. Young 1993, The Rietveld Method, ch. 1):
	// Rp = Σ|y−y_c|/Σy, Rwp = √(Σw(y−y_c)²/Σwy²), Rexp = √((N−P)/Σwy²),
	// GoF = χ²/(N−P) = (Rwp/Rexp)² (the square of the "GOF" of GSAS and
	// TOPAS). The background is included in every sum.
	Rp   float64 `json:"rp"`
	Rwp  float64 `json:"rwp"`
	Rexp float64 `json:"rexp"`
	GoF  float64 `json:"gof"`
	// DurbinWatson is the Durbin–Watson statistic d of the weighted
	// residuals (durbinWatson): 2 when neighbouring residuals are
	// uncorrelated, near 0 when the misfit is systematic over a line's
	// width, as it is in most real refinements. Significance tests
	// use it to count the independent points (identify).
	DurbinWatson float64 `json:"durbin_watson"`
	N            int     `json:"points"`
	P            int     `json:"parameters"`
	// GlobalParameters counts those of the P that belong to no phase and
	// are not background terms: zero shift, specimen displacement,
	// instrument widths, asymmetry.
	GlobalParameters int `json:"global_parameters"`
	// Iterations counts the Levenberg–Marquardt steps taken.
	Iterations int `json:"iterations"`
	// Converged is true when the last stage converged; otherwise the
	// result is the best state reached (the log says why it stopped).
	Converged bool `json:"converged"`
	// Log lists the stages and every parameter fixed or held at a bound.
	Log []string `json:"log"`

	Zero            float64 `json:"zero_shift"`       // degrees 2θ
	ZeroESD         float64 `json:"zero_shift_esd"`   //
	Displacement    float64 `json:"displacement"`     // mm, positive above the focusing circle
	DisplacementESD float64 `json:"displacement_esd"` //
	// Instrument is the instrument of the fit with its refined values.
	Instrument Instrument `json:"instrument"`
	// BackgroundCoeffs are the refined Chebyshev coefficients.
	BackgroundCoeffs []float64     `json:"background_coeffs"`
	Phases           []PhaseResult `json:"phases"`

	// Curves over the scan: the angles and observations, the background,
	// the calculated pattern (background included) and obs − calc.
	TwoTheta   []float64 `json:"two_theta"`
	Observed   []float64 `json:"observed"`
	Background []float64 `json:"background"`
	Calculated []float64 `json:"calculated"`
	Difference []float64 `json:"difference"`

	scaleCov []float64 // covariance of the phase scales (len(Phases)²)
}

// PhaseResult is one refined phase. Standard uncertainties (ESD) are
// those of the inverse normal matrix scaled by GoF = χ²/(N−P) (Young 1993,
// ch. 1; E. Prince 1993, ibid. ch. 3), 0 for a parameter that was not
// refined or ended at a bound.
type PhaseResult struct {
	ID       string  `json:"id"`
	Scale    float64 `json:"scale"`
	ScaleESD float64 `json:"scale_esd"`
	// WeightFraction is Hill & Howard's (1987), 0–1, with Brindley's
	// microabsorption correction when Options.ParticleSize is set.
	WeightFraction    float64      `json:"weight_fraction"`
	WeightFractionESD float64      `json:"weight_fraction_esd"`
	Cell              crystal.Cell `json:"cell"`
	CellESD           crystal.Cell `json:"cell_esd"`
	Volume            float64      `json:"volume"` // Å³
	VolumeESD         float64      `json:"volume_esd"`
	// Size is the crystallite size in nm from the Lorentzian 1/cosθ
	// broadening, Scherrer K = 0.9 (Langford & Wilson 1978, J. Appl.
	// Cryst. 11, 102); 0 when not refined.
	Size    float64 `json:"size"`
	SizeESD float64 `json:"size_esd"`
	// Strain is the microstrain ε of the Lorentzian tanθ broadening
	// 4ε·tanθ (Stokes & Wilson 1944, Proc. Phys. Soc. 56, 174); 0 when
	// not refined.
	Strain    float64 `json:"strain"`
	StrainESD float64 `json:"strain_esd"`
	// Orientation is the March–Dollase direction and PO its r (1: random;
	// 0 without a direction).
	Orientation [3]int  `json:"orientation"`
	PO          float64 `json:"po"`
	POESD       float64 `json:"po_esd"`
	// B is the overall displacement factor (Å²) added to the structure's.
	// Absorption is the phase's linear absorption coefficient μ (cm⁻¹)
	// used by the microabsorption correction; 0 when none was made.
	Absorption  float64 `json:"absorption,omitempty"`
	B           float64 `json:"b"`
	BESD        float64 `json:"b_esd"`
	Reflections []Line  `json:"reflections"`
	// Parameters counts the phase's own parameters among the refinement's
	// P (scale, cell, size, strain, orientation, B), those refined in its
	// last stage and not held at a bound.
	Parameters int `json:"parameters"`
	// Contribution is the phase's calculated pattern over the scan.
	Contribution []float64 `json:"contribution"`

	zmv float64 // cell mass × volume, for Hill–Howard
}

// SizeMeasured says whether the refined crystallite size is a
// measurement: lines broader than the instrument's by a size below 2 µm
// (beyond it the broadening is lost in the instrument's, as for
// Scherrer's equation itself), determined to better than half its value.
func (p *PhaseResult) SizeMeasured() bool {
	return p.Size > 0 && p.Size < 2000 && p.SizeESD < p.Size/2
}

// Line is one reflection of a refined phase.
type Line struct {
	H            int     `json:"h"`
	K            int     `json:"k"`
	L            int     `json:"l"`
	D            float64 `json:"d"`         // Å, at the refined cell
	TwoTheta     float64 `json:"two_theta"` // observed Kα1 position (axis shift included), degrees
	Intensity    float64 `json:"intensity"` // integrated intensity, Kα1 + Kα2, counts·degree
	F2           float64 `json:"f2"`
	Multiplicity int     `json:"multiplicity"`
}

// Fit refines the phases against the scan by weighted least squares
// (Levenberg–Marquardt) in the stages of opt. Weights are 1/σ² with σ the
// scan's ESD where it is positive, else √max(y, 1) (counting statistics
// with a floor of one count, so that a zero count keeps a finite weight).
// With no phases it fits the background alone: the null model against
// which a first phase is tested (identify). Invalid input is an error. A
// refinement that cannot improve, hits
// bounds or meets singular normal matrices still returns a result, its
// best state, with the problem in Result.Log and Converged false. On
// cancellation it returns the best state so far with ctx's error.
func Fit(ctx context.Context, scan *diffraction.Scan, phases []*Phase, opt Options) (*Result, error) {
	f, err := newFitter(ctx, scan, phases, opt, nil)
	if err != nil {
		return nil, err
	}
	defer f.release()
	return f.run()
}

type fitter struct {
	ctx    context.Context
	m      *model
	scan   *diffraction.Scan
	std    *Phase // the standard of FitInstrument, or nil
	opt    Options
	stages []Group
	log    []string
	start  []crystal.Cell
	bound  float64
	iters  int
	conv   bool
	// LM buffers
	a, b, step, r, save []float64
	act                 []int
	free                []int // parameter of each column
	// The state at which a and b were formed (jacobian): the parameters,
	// the columns, the coarse broadening and χ²; normalOK says they are.
	normalAt   []float64
	normalFree []int
	normalW    float64
	normalChi  float64
	normalOK   bool
	yc0        []float64 // the calculated pattern before the asymmetry's step
}

func newFitter(ctx context.Context, scan *diffraction.Scan, phases []*Phase, opt Options, std *Phase) (*fitter, error) {
	inst, err := instrumentFor(scan, opt.Instrument)
	if err != nil {
		return nil, err
	}
	n := scan.Len()
	if n > maxPoints {
		return nil, fmt.Errorf("refine: %d points, more than %d", n, maxPoints)
	}
	if len(phases) > maxPhases {
		return nil, fmt.Errorf("refine: %d phases, more than %d", len(phases), maxPhases)
	}
	if opt.From != nil {
		inst = opt.From.Instrument
	}
	if err := inst.Check(); err != nil {
		return nil, fmt.Errorf("refine: %w", err)
	}
	stages := opt.Stages
	if stages == nil {
		stages = DefaultStages()
	}
	if len(stages) == 0 {
		return nil, errors.New("refine: no stages")
	}
	var all Group
	for _, s := range stages {
		all |= s
	}
	if !(opt.ParticleSize >= 0 && opt.ParticleSize <= maxParticleSize) {
		return nil, fmt.Errorf("refine: particle size %g µm is not within 0–%g µm", opt.ParticleSize, maxParticleSize)
	}
	bound := opt.CellBound
	if bound == 0 {
		bound = defaultCellBound
	}
	if !(bound > 0 && bound <= MaxCellBound) {
		return nil, fmt.Errorf("refine: cell bound %g is not within (0, %g]", bound, MaxCellBound)
	}
	nb := opt.BackgroundTerms
	if nb == 0 && opt.FixedBackground == nil {
		nb = defaultBackgroundTerms
	}
	if nb < 0 || nb > maxBackgroundTerms {
		return nil, fmt.Errorf("refine: %d background terms: want 0–%d", nb, maxBackgroundTerms)
	}
	if opt.FixedBackground != nil {
		if len(opt.FixedBackground) != n {
			return nil, fmt.Errorf("refine: fixed background has %d points, the scan %d", len(opt.FixedBackground), n)
		}
		for i, v := range opt.FixedBackground {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("refine: fixed background point %d is not finite", i+1)
			}
		}
	}
	lo, hi := scan.TwoTheta[0], scan.TwoTheta[n-1]
	ids := map[string]bool{}
	for i, p := range phases {
		if p == nil || p.Structure == nil {
			return nil, fmt.Errorf("refine: phase %d is nil", i+1)
		}
		if ids[p.ID] {
			return nil, fmt.Errorf("refine: phase %s given twice", p.ID)
		}
		ids[p.ID] = true
		if !(p.CellBound >= 0 && p.CellBound <= MaxCellBound) {
			return nil, fmt.Errorf("refine: phase %s: cell bound %g is not within [0, %g]", p.ID, p.CellBound, MaxCellBound)
		}
		if p.Size != 0 && !(p.Size >= minSize && p.Size <= maxSize) {
			return nil, fmt.Errorf("refine: phase %s: starting size %g nm is not within %g–%g nm", p.ID, p.Size, minSize, maxSize)
		}
		lam, _, _ := inst.lines()
		dLo := lam[0] / (2 * math.Sin(min(hi+1, 179.9)*math.Pi/360))
		dHi := math.Inf(1)
		if lo > 1 {
			dHi = lam[0] / (2 * math.Sin((lo-1)*math.Pi/360))
		}
		if p.dMin > dLo*(1+1e-9) || p.dMax < dHi*(1-1e-9) {
			return nil, fmt.Errorf("refine: phase %s was made for another 2θ range or wavelength (d %.4g–%.4g Å, the scan needs %.4g–%.4g Å)", p.ID, p.dMin, p.dMax, dLo, dHi)
		}
		if p.Orientation != [3]int{} && len(p.basis) > 0 && quadForm(metric(p.g0, p.basis), p.Orientation, p.Orientation) <= 0 {
			return nil, fmt.Errorf("refine: phase %s: orientation %v is not a direction", p.ID, p.Orientation)
		}
	}

	m := &model{x: scan.TwoTheta, y: scan.Intensity, inst: inst, phases: phases,
		lp: inst.lpOptions(), bgFixed: opt.FixedBackground}
	m.sw = weights(scan)
	m.step = uniformStep(scan.TwoTheta)
	m.yc = make([]float64, n)
	m.bgBuf = getFloats(2 * nb * n)
	m.bg = chebyshevIn(scan.TwoTheta, nb, m.bgBuf[:nb*n])
	m.bgW = weightedColumns(m.bg, m.sw, m.bgBuf[nb*n:])
	from := opt.From

	// Parameters.
	inf := math.Inf(1)
	m.iBg0, m.nBg = len(m.par), nb
	for j := range nb {
		v := 0.0
		if from != nil && len(from.BackgroundCoeffs) == nb {
			v = from.BackgroundCoeffs[j]
		}
		m.addParam(param{name: fmt.Sprintf("background T%d", j), group: Background, phase: -1, v: v, lo: -inf, hi: inf})
	}
	m.iZero = m.addParam(param{name: "zero shift", group: Zero, phase: -1, v: inst.Zero, lo: -maxZero, hi: maxZero})
	disp := 0.0
	if from != nil {
		disp = from.Displacement
	}
	md := maxDisp(inst.radius())
	m.iDisp = m.addParam(param{name: "specimen displacement", group: Displacement, phase: -1, v: disp, lo: -md, hi: md})
	m.iU, m.iV, m.iW, m.iX, m.iY, m.iAsym = -1, -1, -1, -1, -1, -1
	if all&Widths != 0 {
		m.iU = m.addParam(param{name: "U", group: Widths, phase: -1, v: inst.U, lo: 0, hi: maxInstrument})
		m.iV = m.addParam(param{name: "V", group: Widths, phase: -1, v: inst.V, lo: -maxInstrument, hi: maxInstrument})
		m.iW = m.addParam(param{name: "W", group: Widths, phase: -1, v: inst.W, lo: 0, hi: maxInstrument})
	}
	if all&Lorentz != 0 {
		m.iX = m.addParam(param{name: "X", group: Lorentz, phase: -1, v: inst.X, lo: 0, hi: maxInstrument})
		m.iY = m.addParam(param{name: "Y", group: Lorentz, phase: -1, v: inst.Y, lo: 0, hi: maxInstrument})
	}
	if all&Asymmetry != 0 {
		// S/L and H/L enter the profile almost only through their sum
		// (their derivatives are equal where S = H): one parameter, the
		// sum, with their ratio held (Finger et al. 1994 note the same
		// correlation; GSAS-II refines one S/L = H/L).
		m.iAsym = m.addParam(param{name: "asymmetry (S+H)/L", group: Asymmetry, phase: -1, v: inst.SL + inst.HL, lo: 0, hi: 2 * maxAsym})
	}
	np := len(phases)
	m.iScale, m.iCell, m.iSize = make([]int, np), make([]int, np), make([]int, np)
	m.iStrain, m.iPO, m.iB = make([]int, np), make([]int, np), make([]int, np)
	m.po, m.poE = make([][]poData, np), make([][]float64, np)
	start := make([]crystal.Cell, np)
	for p, ph := range phases {
		var prev *PhaseResult
		if from != nil {
			for i := range from.Phases {
				if from.Phases[i].ID == ph.ID {
					prev = &from.Phases[i]
				}
			}
		}
		start[p] = ph.Structure.Cell
		scale := 0.0
		g := slices.Clone(ph.g0)
		if prev != nil {
			scale = prev.Scale
			if gs, err := prev.Cell.ReciprocalMetric(); err == nil && !ph.KnownCell {
				g = project(gs, ph.basis)
			}
		}
		m.iScale[p] = m.addParam(param{name: "scale " + ph.ID, group: Scale, phase: p, v: scale, lo: 0, hi: inf})
		m.iCell[p] = len(m.par)
		for k := range g {
			m.addParam(param{name: fmt.Sprintf("cell %s g%d", ph.ID, k+1), group: Cell, phase: p, v: g[k], lo: -inf, hi: inf, fixed: ph.KnownCell})
		}
		m.iSize[p], m.iStrain[p], m.iPO[p], m.iB[p] = -1, -1, -1, -1
		if std != ph {
			// The standard of FitInstrument has no sample broadening.
			// A size or strain of a warm start is kept, refined or not, and
			// so is a phase's own starting size.
			if all&Size != 0 || prev != nil && prev.Size > 0 || ph.Size > 0 {
				v := 1 / startSize
				if ph.Size > 0 {
					v = 1 / ph.Size
				}
				if prev != nil && prev.Size > 0 {
					v = 1 / prev.Size
				}
				m.iSize[p] = m.addParam(param{name: "size " + ph.ID, group: Size, phase: p, v: v, lo: 1 / maxSize, hi: 1 / minSize})
			}
			if all&Strain != 0 || prev != nil && prev.Strain > 0 {
				v := 0.0
				if prev != nil {
					v = prev.Strain
				}
				m.iStrain[p] = m.addParam(param{name: "strain " + ph.ID, group: Strain, phase: p, v: v, lo: 0, hi: maxStrain})
			}
		}
		if ph.Orientation != [3]int{} {
			v := 1.0
			if prev != nil && prev.Orientation == ph.Orientation && prev.PO > 0 {
				v = prev.PO
			}
			m.iPO[p] = m.addParam(param{name: "orientation " + ph.ID, group: Orientation, phase: p, v: v, lo: minPO, hi: maxPO})
			m.po[p], m.poE[p] = orientationData(ph)
		}
		if all&Thermal != 0 || prev != nil && prev.B != 0 {
			v := 0.0
			if prev != nil {
				v = prev.B
			}
			m.iB[p] = m.addParam(param{name: "B " + ph.ID, group: Thermal, phase: p, v: v, lo: minB, hi: maxB})
		}
	}
	m.col = make([]int, len(m.par))
	cols := 0
	for i := range m.par {
		m.par[i].v = min(max(m.par[i].v, m.par[i].lo), m.par[i].hi)
		if m.par[i].group&all != 0 && !m.par[i].fixed {
			cols++
		}
	}
	// The Jacobian of the most columns any stage may have.
	m.jac = getFloats(cols * n)[:0]
	return &fitter{ctx: ctx, m: m, scan: scan, std: std, opt: opt, stages: stages, start: start, bound: bound}, nil
}

// instrumentFor checks the scan and returns the instrument in, or, when
// it is the zero value, the default one for the scan's wavelength.
func instrumentFor(scan *diffraction.Scan, in Instrument) (Instrument, error) {
	if scan == nil {
		return in, errors.New("refine: no scan")
	}
	if err := scan.Validate(); err != nil {
		return in, fmt.Errorf("refine: %w", err)
	}
	if scan.Axis != diffraction.AxisTwoTheta {
		return in, fmt.Errorf("refine: the scan's abscissa is %s, not 2θ", scan.Axis)
	}
	if in.Wavelength.Ka1 == 0 {
		if !scan.Wavelength.Known() {
			return in, errors.New("refine: the scan has no wavelength and no instrument was given")
		}
		in = DefaultInstrument(scan.Wavelength)
	}
	return in, nil
}

// weights returns √w with w = 1/σ² (see Fit).
func weights(s *diffraction.Scan) []float64 {
	sw := make([]float64, s.Len())
	floor := math.Inf(1)
	for _, e := range s.ESD {
		if e > 0 && e < floor {
			floor = e
		}
	}
	for i, y := range s.Intensity {
		sig := math.Sqrt(max(y, 1))
		if s.ESD != nil {
			sig = s.ESD[i]
			if !(sig > 0) {
				sig = floor
			}
		}
		sw[i] = 1 / sig
	}
	return sw
}

// uniformStep returns the step h of equally spaced angles, else 0: every
// angle within uniformTol·h of x_0 + i·h. A file writes its angles
// rounded (the 11-BM scans' step of 0.00099987° to 1e-8°, 1e-5 of the
// step), and the Gaussian recurrence of pvSum then takes each point at most
// δ = 2·uniformTol·h from where it is. The Gaussian exp(−4 ln2 d²/Γ²)
// moves by at most √(8 ln2/e)·δ/Γ ≈ 1.43·δ/Γ of its height (the largest
// slope, at d = Γ/√(8 ln2)): with two or more points per FWHM Γ, 1.5e-4 of
// the line's height, far under the counting noise of any scan.
func uniformStep(x []float64) float64 {
	h := (x[len(x)-1] - x[0]) / float64(len(x)-1)
	for i, v := range x {
		if math.Abs(v-(x[0]+float64(i)*h)) > uniformTol*h {
			return 0
		}
	}
	return h
}

// uniformTol is how far, in steps, an angle may lie from the equally
// spaced grid for uniformStep.
const uniformTol = 1e-4

// MaxCellBound is the largest cell bound (Options.CellBound,
// Phase.CellBound) a refinement accepts: 5 % in the lengths, the spread of
// one compound's cells over its solid solutions and temperatures, beyond
// which a structure's lines no longer follow its own chemistry.
const MaxCellBound = 0.05

// orientationData returns the March–Dollase data of every reflection:
// the members of its Laue orbit (one of each ±h, under the rotation parts
// of the operators) dotted with the direction through each basis matrix.
func orientationData(ph *Phase) ([]poData, []float64) {
	dim := len(ph.basis)
	dir := ph.Orientation
	e := make([]float64, dim)
	for k, b := range ph.basis {
		e[k] = quadForm(b, dir, dir)
	}
	out := make([]poData, len(ph.refl))
	var orbit [][3]int
	for j, rf := range ph.refl {
		orbit = orbit[:0]
		for _, r := range ph.rots {
			h := rf.h
			v := [3]int{
				h[0]*r[0][0] + h[1]*r[1][0] + h[2]*r[2][0],
				h[0]*r[0][1] + h[1]*r[1][1] + h[2]*r[2][1],
				h[0]*r[0][2] + h[1]*r[1][2] + h[2]*r[2][2],
			}
			neg := [3]int{-v[0], -v[1], -v[2]}
			if !slices.Contains(orbit, v) && !slices.Contains(orbit, neg) {
				orbit = append(orbit, v)
			}
		}
		a := make([]float64, 0, len(orbit)*dim)
		for _, v := range orbit {
			for _, b := range ph.basis {
				a = append(a, quadForm(b, v, dir))
			}
		}
		out[j] = poData{a: a}
	}
	return out, e
}

func (f *fitter) logf(format string, args ...any) {
	f.log = append(f.log, fmt.Sprintf(format, args...))
}

// run refines the stages in turn and builds the result.
func (f *fitter) run() (*Result, error) {
	m := f.m
	coarse := f.opt.CoarseWidth
	if coarse == 0 {
		coarse = defaultCoarseWidth
	}
	// The model at the starting values must be finite. It is checked
	// with the first stage's normal equations, which the stage then
	// starts from, unless a coarse pass comes first.
	var chi float64
	if g := f.stages[0]; g&Cell != 0 && coarse > 0 && f.newPhases() {
		m.eval(false)
		chi = m.chi2()
	} else {
		f.setColumns(g, nil)
		chi = f.jacobian()
	}
	if math.IsNaN(chi) || math.IsInf(chi, 0) {
		return nil, errors.New("refine: the model is not finite at the starting values")
	}
	var err error
	var last Group
	for si, g := range f.stages {
		last = g
		if g&Cell != 0 && coarse > 0 && f.newPhases() {
			// The first stage that moves the cells runs first on lines
			// broadened by Gaussians of FWHM coarse, coarse/3, … down to
			// minCoarse.
			for w := coarse; w >= minCoarse && err == nil; w /= 3 {
				err = f.coarsePass(si, g, w)
			}
			coarse = -1
			if err != nil {
				f.logf("stopped: %v", err)
				break
			}
		}
		var conv bool
		conv, err = f.stage(si, g)
		f.conv = conv
		if err != nil {
			f.logf("stopped: %v", err)
			break
		}
	}
	if err != nil {
		f.conv = false
	}
	res := f.result(last)
	return res, err
}

// profileGroups are the parameters of the lines' widths and shapes.
const profileGroups = Size | Strain | Widths | Lorentz | Asymmetry

// newPhases reports whether some phase does not start from Options.From
// (all do without it).
func (f *fitter) newPhases() bool {
	if f.opt.From == nil {
		return true
	}
	for _, p := range f.m.phases {
		if !slices.ContainsFunc(f.opt.From.Phases, func(r PhaseResult) bool { return r.ID == p.ID }) {
			return true
		}
	}
	return false
}

// coarsePass runs stage si with every line broadened by a Gaussian of
// FWHM w (degrees) on every k-th point of the scan, k such that the step
// stays under w/8 (the broadened pattern is smooth on that scale, and the
// pass costs what the fine one does), and takes its parameters back. The
// line profile's parameters (profileGroups) are held: the pass is there
// to bring the lines to their places, and under a broadening of w the
// widths only absorb it (on a corundum scan with 0.06° lines the passes
// drove U, V and W to their bounds and the crystallite size to its
// least).
func (f *fitter) coarsePass(si int, g Group, w float64) error {
	sub := f
	step := f.scan.Step()
	if k := int(w / (8 * step)); k > 1 && f.scan.Len()/k >= 100 {
		s := *f.scan
		s.TwoTheta, s.Intensity, s.ESD = nil, nil, nil
		for i := 0; i < f.scan.Len(); i += k {
			s.TwoTheta = append(s.TwoTheta, f.scan.TwoTheta[i])
			s.Intensity = append(s.Intensity, f.scan.Intensity[i])
			if f.scan.ESD != nil {
				s.ESD = append(s.ESD, f.scan.ESD[i])
			}
		}
		opt := f.opt
		if opt.FixedBackground != nil {
			opt.FixedBackground = nil
			for i := 0; i < f.scan.Len(); i += k {
				opt.FixedBackground = append(opt.FixedBackground, f.opt.FixedBackground[i])
			}
		}
		var err error
		sub, err = newFitter(f.ctx, &s, f.m.phases, opt, f.std)
		if err != nil {
			return err
		}
		for i := range f.m.par {
			sub.m.par[i].v = f.m.par[i].v
		}
		sub.iters = f.iters
	}
	sub.m.extraW, sub.m.coarse = w*w, true
	_, err := sub.stage(si, g&^profileGroups)
	sub.m.extraW, sub.m.coarse = 0, false
	if sub != f {
		for i := range f.m.par {
			f.m.par[i].v = sub.m.par[i].v
		}
		f.log = append(f.log, sub.log...)
		f.iters = sub.iters
		sub.release()
	}
	return err
}

// setColumns assigns Jacobian columns to the parameters of the groups
// that are not in skip, and returns their number.
func (f *fitter) setColumns(groups Group, skip map[int]bool) int {
	m := f.m
	f.free, m.term = f.free[:0], m.term[:0]
	for i := range m.par {
		m.col[i] = -1
		if m.par[i].group&groups != 0 && !skip[i] && !m.par[i].fixed {
			m.col[i] = len(f.free)
			f.free = append(f.free, i)
			t := -1
			if m.par[i].group == Background {
				t = i - m.iBg0
			}
			m.term = append(m.term, t)
		}
	}
	m.linear = true
	for _, i := range f.free {
		m.linear = m.linear && m.par[i].group&(Scale|Background) != 0
	}
	nf := len(f.free)
	n := len(m.x)
	if cap(m.jac) < nf*n {
		putFloats(m.jac)
		m.jac = getFloats(nf * n)
	}
	m.jac = m.jac[:nf*n]
	f.a = grow(f.a, nf*nf)
	f.b = grow(f.b, nf)
	f.step = grow(f.step, nf)
	f.r = grow(f.r, n)
	return nf
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// jacobian evaluates the model with its Jacobian and forms the normal
// equations (normalEquations). It returns χ².
func (f *fitter) jacobian() float64 {
	f.m.eval(true)
	return f.normalEquations()
}

// normalEquations completes the Jacobian of the model's last evaluation,
// which computed it, with the asymmetry column by forward differences
// (its dependence on the parameter goes through the quadrature nodes),
// and forms the normal equations. It returns χ².
func (f *fitter) normalEquations() float64 {
	m := f.m
	n := len(m.x)
	chi := m.chi2()
	if i := m.iAsym; i >= 0 && m.col[i] >= 0 {
		c := m.col[i]
		f.yc0 = append(f.yc0[:0], m.yc...)
		const h = 1e-5
		v := m.par[i].v
		m.par[i].v = v + h
		m.eval(false)
		for k := range n {
			m.jac[c*n+k] = (m.yc[k] - f.yc0[k]) / h * m.sw[k]
		}
		m.par[i].v = v
		copy(m.yc, f.yc0)
	}
	for i := range n {
		f.r[i] = (m.y[i] - m.yc[i]) * m.sw[i]
	}
	if m.bgGram == nil {
		m.bgGram = gramian(m.bgW)
	}
	normal(m.jac, n, len(f.free), f.r, m.term, m.bgGram, f.a, f.b)
	f.normalAt = f.normalAt[:0]
	for i := range m.par {
		f.normalAt = append(f.normalAt, m.par[i].v)
	}
	f.normalFree = append(f.normalFree[:0], f.free...)
	f.normalW, f.normalChi, f.normalOK = m.extraW, chi, true
	return chi
}

// normalFresh reports whether a and b are those of the current
// parameters, columns and broadening (formed by the last jacobian), and
// returns that χ².
func (f *fitter) normalFresh() (float64, bool) {
	m := f.m
	if !f.normalOK || m.extraW != f.normalW || !slices.Equal(f.free, f.normalFree) {
		return 0, false
	}
	for i := range m.par {
		if m.par[i].v != f.normalAt[i] {
			return 0, false
		}
	}
	return f.normalChi, true
}

// stage runs Levenberg–Marquardt on the parameters of groups, with the
// damping update of H. B. Nielsen (1999, IMM-REP-1999-05, DTU; K.
// Madsen, H. B. Nielsen & O. Tingleff 2004, Methods for Non-Linear Least
// Squares Problems, §3.2), bounds by projection with an active set, and
// the cells kept within the bound by shortening their steps.
func (f *fitter) stage(si int, groups Group) (bool, error) {
	m := f.m
	final := si == len(f.stages)-1
	tol := f.opt.Tolerance
	if tol == 0 {
		tol = defaultTolerance
	}
	if !final {
		tol *= 100
	}
	maxIt := f.opt.MaxIterations
	if maxIt == 0 {
		maxIt = defaultMaxIterations
	}
	if m.coarse {
		// A coarse pass only has to bring the lines near the data.
		tol, maxIt = coarseTolerance, min(maxIt, coarseIterations)
	}
	skip := map[int]bool{}
	nf := f.setColumns(groups, skip)
	if nf == 0 {
		f.logf("stage %d (%s): nothing to refine", si+1, groups)
		return true, nil
	}
	chi, fresh := f.normalFresh()
	if !fresh {
		chi = f.jacobian()
	}
	lambda, nu := 1e-3, 2.0
	converged := false
	it := 0
	for ; it < maxIt && !converged; it++ {
		if err := f.ctx.Err(); err != nil {
			return false, err
		}
		// Parameters without effect or dependent on others are fixed for
		// the rest of the stage.
		if dep := dependent(f.a, nf); len(dep) > 0 {
			for _, c := range dep {
				p := f.free[c]
				skip[p] = true
				f.logf("stage %d: %s fixed (%s)", si+1, m.par[p].name, f.whyDependent(p))
			}
			nf = f.setColumns(groups, skip)
			if nf == 0 {
				break
			}
			chi = f.jacobian()
		}
		f.save = append(f.save[:0], f.values()...)
		accepted := false
		for !accepted {
			f.act = f.act[:0]
			for c := range nf {
				f.act = append(f.act, c)
			}
			ok := false
			for range nf + 1 {
				if ok = solveDamped(f.a, f.b, nf, f.act, lambda, f.step); !ok {
					break
				}
				// A parameter at a bound whose step points outwards leaves
				// the active set and the step is solved again.
				out := false
				f.act = slices.DeleteFunc(f.act, func(c int) bool {
					p := &m.par[f.free[c]]
					if (p.v <= p.lo && f.step[c] < 0) || (p.v >= p.hi && f.step[c] > 0) {
						out = true
						return true
					}
					return false
				})
				if !out {
					break
				}
			}
			if ok {
				f.apply()
				// The step is evaluated with the Jacobian: most steps are
				// accepted (nine in ten in an identification), and the
				// normal equations at the new point then need no second
				// evaluation of the lines.
				m.eval(true)
				newChi := m.chi2()
				if newChi < chi {
					pred := f.predicted()
					rho := (chi - newChi) / pred
					if !(pred > 0) {
						rho = 1
					}
					lambda *= max(1.0/3, 1-math.Pow(2*rho-1, 3))
					nu = 2
					accepted = true
					converged = chi-newChi < tol*newChi
					chi = newChi
					break
				}
				f.restore()
			}
			lambda *= nu
			nu *= 2
			if lambda > 1e16 {
				break
			}
		}
		if !accepted {
			// No step lowers χ²: a minimum within the numerical precision
			// of the model.
			m.eval(false)
			converged = true
			break
		}
		f.iters++
		// The normal equations at the new point, but for the last point
		// of a stage that is followed by another (or by the fine pass of
		// a coarse one), which forms its own with its columns; the final
		// stage's are usually those of the standard uncertainties
		// (covariance). χ² is the step's.
		if !(converged || it+1 >= maxIt) || final && !m.coarse {
			chi = f.normalEquations()
		}
		if f.opt.Progress != nil {
			f.opt.Progress(Progress{Stage: si + 1, Stages: len(f.stages), Groups: groups, Iteration: f.iters, Rwp: f.rwp(chi)})
		}
	}
	for _, p := range f.free {
		if pr := &m.par[p]; pr.v <= pr.lo || pr.v >= pr.hi {
			f.logf("stage %d: %s at its bound (%g)", si+1, pr.name, pr.v)
		}
	}
	state := "converged"
	if !converged {
		state = fmt.Sprintf("not converged after %d iterations", it)
	}
	pass := ""
	if m.coarse {
		pass = fmt.Sprintf(", lines broadened by %.2g° on %d points", math.Sqrt(m.extraW), len(m.x))
	}
	f.logf("stage %d (%s%s): Rwp %.4f, %s", si+1, groups, pass, f.rwp(chi), state)
	return converged, nil
}

// whyDependent explains why a parameter was fixed.
func (f *fitter) whyDependent(p int) string {
	m := f.m
	if ph := m.par[p].phase; ph >= 0 && m.par[p].group != Scale && m.par[m.iScale[ph]].v == 0 {
		return "the phase's scale is zero"
	}
	return "no effect on the pattern, or determined by the other parameters"
}

func (f *fitter) values() []float64 {
	v := make([]float64, len(f.free))
	for c, p := range f.free {
		v[c] = f.m.par[p].v
	}
	return v
}

func (f *fitter) restore() {
	for c, p := range f.free {
		f.m.par[p].v = f.save[c]
	}
}

// apply moves the parameters by the step, clamped to their bounds, with
// the step of each phase's cell halved until the cell is within the bound
// and that of U, V, W until the Gaussian width stays physical, and leaves
// in f.step the step actually taken.
func (f *fitter) apply() {
	m := f.m
	for c, p := range f.free {
		pr := &m.par[p]
		pr.v = min(max(f.save[c]+f.step[c], pr.lo), pr.hi)
	}
	var g []float64
	for p := range m.phases {
		idx := make([]int, len(m.phases[p].basis))
		for k := range idx {
			idx[k] = m.iCell[p] + k
		}
		f.shorten(idx, func() bool {
			g = m.cellOfPhase(p, g)
			return f.cellWithin(p, g)
		})
	}
	if m.iU >= 0 {
		f.shorten([]int{m.iU, m.iV, m.iW}, m.gaussianPhysical)
	}
	for c, p := range f.free {
		f.step[c] = m.par[p].v - f.save[c]
	}
}

// shorten halves the step of the parameters idx (those that are free)
// until ok holds, up to 30 times, and otherwise takes them back to their
// values before the step.
func (f *fitter) shorten(idx []int, ok func() bool) {
	m := f.m
	free := false
	for _, i := range idx {
		free = free || m.col[i] >= 0
	}
	if !free {
		return
	}
	for range 30 {
		if ok() {
			return
		}
		for _, i := range idx {
			if c := m.col[i]; c >= 0 {
				m.par[i].v = (m.par[i].v + f.save[c]) / 2
			}
		}
	}
	if !ok() {
		for _, i := range idx {
			if c := m.col[i]; c >= 0 {
				m.par[i].v = f.save[c]
			}
		}
	}
}

// minGauss is the smallest Gaussian width (degrees) the refined U, V, W
// may give anywhere in the scan: no diffractometer resolves lines sharper
// than 0.01°, and below it the width would lose its derivatives.
const minGauss = 0.01

// gaussianPhysical reports whether U tan²θ + V tanθ + W ≥ minGauss² over
// the scan: at both ends and at the minimum of the parabola in tanθ.
func (m *model) gaussianPhysical() bool {
	u, v, w := m.par[m.iU].v, m.par[m.iV].v, m.par[m.iW].v
	at := func(tt float64) float64 {
		t := math.Tan(tt * math.Pi / 360)
		return u*t*t + v*t + w
	}
	lo, hi := m.x[0], m.x[len(m.x)-1]
	ok := at(lo) >= minGauss*minGauss && at(hi) >= minGauss*minGauss
	if u > 0 {
		if t := -v / (2 * u); t > math.Tan(lo*math.Pi/360) && t < math.Tan(hi*math.Pi/360) {
			ok = ok && w-v*v/(4*u) >= minGauss*minGauss
		}
	}
	return ok
}

// cellWithin reports whether the cell of metric g lies within the bound
// of the structure's cell: lengths and angles within the phase's
// CellBound, or the options', relative.
func (f *fitter) cellWithin(p int, g []float64) bool {
	c, err := cellOf(metric(g, f.m.phases[p].basis))
	if err != nil {
		return false
	}
	s := f.start[p]
	b := f.bound
	if pb := f.m.phases[p].CellBound; pb > 0 {
		b = pb
	}
	b *= 1 + 1e-9
	for _, v := range [][2]float64{{c.A, s.A}, {c.B, s.B}, {c.C, s.C}, {c.Alpha, s.Alpha}, {c.Beta, s.Beta}, {c.Gamma, s.Gamma}} {
		if !(math.Abs(v[0]-v[1]) <= b*v[1]) {
			return false
		}
	}
	return true
}

// predicted returns the decrease of χ² that the linearised model
// predicts for the step taken: 2δᵀb − δᵀAδ.
func (f *fitter) predicted() float64 {
	nf := len(f.free)
	var s float64
	for i := range nf {
		if f.step[i] == 0 {
			continue
		}
		var ad float64
		for j := range nf {
			ad += f.a[i*nf+j] * f.step[j]
		}
		s += f.step[i] * (2*f.b[i] - ad)
	}
	return s
}

// rwp returns Rwp for χ².
func (f *fitter) rwp(chi float64) float64 {
	var s float64
	for i, y := range f.m.y {
		v := y * f.m.sw[i]
		s += v * v
	}
	return math.Sqrt(chi / s)
}

// InstrumentStages is the schedule of FitInstrument: the scale and
// background; then the zero shift and specimen displacement; then the
// Gaussian and Lorentzian widths; then the asymmetry.
func InstrumentStages() []Group {
	s1 := Scale | Background
	s2 := s1 | Zero | Displacement
	s3 := s2 | Widths | Lorentz
	return []Group{s1, s2, s3, s3 | Asymmetry}
}

// FitInstrument fits the instrumental profile to a scan of a line-profile
// standard (LaB6 NIST SRM 660, Si SRM 640): the Caglioti U, V, W, the
// Lorentzian X, Y, the FCJ asymmetry and the zero shift, with the
// standard's cell held at its structure's (set it to the certified value)
// and no sample broadening. opt.Instrument gives the wavelength,
// monochromator, radius and starting values (zero value: the default
// instrument); opt.Stages defaults to InstrumentStages(). The specimen
// displacement is refined as well and reported in the result, but it
// belongs to the specimen, not to the instrument.
func FitInstrument(ctx context.Context, scan *diffraction.Scan, std *Phase, opt Options) (Instrument, *Result, error) {
	if opt.Stages == nil {
		opt.Stages = InstrumentStages()
	}
	for _, g := range opt.Stages {
		if g&(Cell|Size|Strain) != 0 {
			return Instrument{}, nil, fmt.Errorf("refine: a standard's %s is not refined by FitInstrument", g&(Cell|Size|Strain))
		}
	}
	f, err := newFitter(ctx, scan, []*Phase{std}, opt, std)
	if err != nil {
		return Instrument{}, nil, err
	}
	defer f.release()
	res, err := f.run()
	if err != nil {
		return Instrument{}, res, err
	}
	in := res.Instrument
	in.Source = "fitted to a scan of " + std.ID
	if s := scan.Meta["sample"]; s != "" {
		in.Source += " (" + s + ")"
	}
	return in, res, nil
}
