package refine

import (
	"math"
	"runtime"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"gonum.org/v1/gonum/floats"
)

// Group names a set of parameters that are refined together; a stage of
// the refinement is a union of groups.
type Group uint

// The parameter groups.
const (
	Scale        Group = 1 << iota // scale factor of every phase
	Background                     // coefficients of the Chebyshev background
	Cell                           // cell of every phase, within its crystal system
	Zero                           // zero shift of the 2θ axis
	Displacement                   // specimen displacement
	Size                           // crystallite size of every phase (Lorentzian, 1/cosθ)
	Strain                         // microstrain of every phase (Lorentzian, tanθ)
	Orientation                    // March–Dollase r of phases with an Orientation
	Thermal                        // overall displacement factor B of every phase
	Widths                         // instrument Gaussian widths U, V, W
	Lorentz                        // instrument Lorentzian widths X, Y (for a standard: with Size or Strain they are all but collinear)
	Asymmetry                      // instrument axial divergence (S+H)/L
)

var groupNames = []string{"scale", "background", "cell", "zero", "displacement", "size", "strain",
	"orientation", "thermal", "widths", "lorentz", "asymmetry"}

// String lists the groups: "scale+background".
func (g Group) String() string {
	s := ""
	for i, n := range groupNames {
		if g&(1<<i) != 0 {
			if s != "" {
				s += "+"
			}
			s += n
		}
	}
	if s == "" {
		return "none"
	}
	return s
}

// maxDisp is the bound of the specimen displacement s (mm) on a goniometer
// of radius R (mm): the lines move by Δ2θ = −2s·cos θ/R (Klug & Alexander
// 1974, §5.3), so |s| ≤ R·maxDispShift/2 (in radians) bounds the shift it
// can give at low angle, where it is largest. A surface further off the
// focusing circle is a preparation error to correct, not a parameter: the
// bound is 1 mm on the common 240 mm goniometer and 0.6 mm on a 145 mm
// benchtop one (the weighed mixtures, measured on one, refine to 0.1–0.3
// mm); a wider bound let a wrong phase drag the whole axis.
func maxDisp(radius float64) float64 {
	return radius * maxDispShift * math.Pi / 180 / 2
}

// Bounds of the parameters, wide enough for any real sample and narrow
// enough to keep the model physical.
const (
	maxZero       = 1.0       // |zero shift| ≤ 1° 2θ
	maxDispShift  = 0.48      // |shift of the lines by the specimen displacement| ≤ 0.48° 2θ at low angle (see maxDisp)
	maxAsym       = 0.1       // S/L, H/L ≤ 0.1
	minSize       = 1.0       // crystallite size ≥ 1 nm …
	maxSize       = 10000.0   // … ≤ 10 µm
	maxStrain     = 0.02      // microstrain ≤ 2 %
	minPO, maxPO  = 0.3, 3.0  // March–Dollase r
	minB, maxB    = -2.0, 5.0 // overall B, Å² (added to the structure's)
	scherrerK     = 0.9       // Scherrer constant for FWHM, spherical crystallites (Langford & Wilson 1978)
	deg           = 180 / math.Pi
	maxInstrument = 1.0 // |U|, |V|, |W|, |X|, |Y| ≤ 1 in a refinement
)

// param is one parameter of the model.
type param struct {
	name   string
	group  Group
	phase  int // −1 for global parameters
	v      float64
	lo, hi float64
	fixed  bool // never refined (the cell of a KnownCell phase)
}

// poData is the March–Dollase data of one reflection: for each member h
// of its Laue orbit (one of ±h), a[m·dim+k] = h·basis_k·H with H the
// orientation direction.
type poData struct {
	a []float64
}

// model is the calculated pattern of a refinement (H. M. Rietveld 1969,
// J. Appl. Cryst. 2, 65; R. A. Young, ed., 1993, The Rietveld Method,
// ch. 1; ITC Vol. C, §8.6):
//
//	y_c(2θ_i) = b_i + Σ_p S_p Σ_hkl Σ_λ w_λ·m·|F|²·LP(2θ)·PO·exp(−B·Q/2)·Φ(2θ_i − 2θ_hkl,λ − Δ)
//
// with b the background, S_p the scale of phase p, w_λ the weights of
// Kα1 and Kα2, LP the Lorentz–polarisation factor, PO the March–Dollase
// factor, B an overall displacement factor added to the structure's
// (exp(−2B sin²θ/λ²) = exp(−B·Q/2), Q = 1/d²), Φ the TCH pseudo-Voigt with
// the FCJ asymmetry, and Δ the axis shift of peaks.Axis.
type model struct {
	x, y, sw []float64 // angles, observations, √weights
	step     float64   // the angles' step when equally spaced, else 0
	inst     Instrument
	phases   []*Phase
	po       [][]poData // per phase (nil: no orientation), per reflection
	poE      [][]float64
	lp       crystal.Options
	bg       [][]float64 // Chebyshev columns T_j(t_i), in bgBuf
	bgW      [][]float64 // the same weighted by √w: the Jacobian's background columns, in bgBuf
	bgGram   [][]float64 // their products (gramian), once the normal equations need them
	bgBuf    []float64
	bgFixed  []float64
	par      []param

	iScale, iCell, iSize, iStrain, iPO, iB []int // per phase; −1 when absent
	iBg0, nBg                              int
	iZero, iDisp                           int
	iU, iV, iW, iX, iY, iAsym              int

	peaks []peak
	// nodeOff and nodeW hold the asymmetry nodes of the peaks, one
	// after the other.
	nodeOff, nodeW []float64
	work           [2]scratch // per worker of eval
	// linear says that the free parameters are scales and background
	// terms only (set with the columns), lin the phases' patterns for it.
	linear bool
	lin    linearCache
	// extraW (deg²) broadens every line's Gaussian width during the
	// coarse pass (Options.CoarseWidth), coarse says it is on.
	extraW float64
	coarse bool
	yc     []float64
	// Jacobian: column-major, one column per free parameter, weighted by
	// √w; col maps a parameter to its column (−1: fixed), term a column
	// to its background term (−1: another parameter).
	col  []int
	term []int
	jac  []float64
}

// peak is one line (reflection and wavelength) at the current parameters;
// its asymmetry nodes are in the model's nodeOff and nodeW.
type peak struct {
	c, area float64
	unit    float64 // the area at unit scale
	t       tch
	a       asym
	i0, i1  int // window
	k0, k1  int // core (see coreWidths)
	phase   int
	nc      int
	deriv   uint8 // the highest derivative kind of its columns
	col     [maxPeakCols]int32
	kind    [maxPeakCols]uint8
	coef    [maxPeakCols]float64
}

const maxPeakCols = 20

// Derivative kinds of a line's profile: its value, and its derivatives
// with respect to the centre, Γ_G and Γ_L, in the order of their cost
// (those in Γ_G and Γ_L are computed together).
const (
	kValue = iota
	kCentre
	kGauss
	kLorentz
)

func (m *model) addParam(p param) int {
	m.par = append(m.par, p)
	return len(m.par) - 1
}

// chebyshev returns the first n Chebyshev polynomials of the first kind
// at x mapped onto [−1, 1] over the scan, T0 = 1, T1 = t,
// T_{j+1} = 2t·T_j − T_{j−1} (Abramowitz & Stegun 22.7.4).
func chebyshev(x []float64, n int) [][]float64 {
	return chebyshevIn(x, n, make([]float64, n*len(x)))
}

// weightedColumns returns the columns cols times the weights sw, in buf
// (len(cols)·len(sw) floats).
func weightedColumns(cols [][]float64, sw, buf []float64) [][]float64 {
	n := len(sw)
	out := make([][]float64, len(cols))
	for j, c := range cols {
		o := buf[j*n : (j+1)*n : (j+1)*n]
		for i, w := range sw {
			o[i] = c[i] * w
		}
		out[j] = o
	}
	return out
}

// chebyshevIn is chebyshev with the columns in buf (n·len(x) floats).
func chebyshevIn(x []float64, n int, buf []float64) [][]float64 {
	out := make([][]float64, n)
	lo, hi := x[0], x[len(x)-1]
	for j := range out {
		out[j] = buf[j*len(x) : (j+1)*len(x) : (j+1)*len(x)]
	}
	for i, v := range x {
		t := 2*(v-lo)/(hi-lo) - 1
		a, b := 1.0, t
		for j := range n {
			out[j][i] = a
			a, b = b, 2*t*b-a
		}
	}
	return out
}

// value returns the current value of parameter i, or def when the
// parameter is not in the model.
func (m *model) value(i int, def float64) float64 {
	if i < 0 {
		return def
	}
	return m.par[i].v
}

// cellOfPhase returns the coefficients g of phase p's metric.
func (m *model) cellOfPhase(p int, g []float64) []float64 {
	g = g[:0]
	for k := range m.phases[p].basis {
		g = append(g, m.par[m.iCell[p]+k].v)
	}
	return g
}

// asymmetry returns S/L and H/L: the instrument's, or the refined sum
// split in their starting ratio.
func (m *model) asymmetry() (sl, hl float64) {
	sl, hl = m.inst.SL, m.inst.HL
	if m.iAsym < 0 {
		return sl, hl
	}
	v := m.par[m.iAsym].v
	if sl+hl == 0 {
		return v / 2, v / 2
	}
	return v * sl / (sl + hl), v * hl / (sl + hl)
}

// computePeaks fills m.peaks from the current parameter values; with
// jac, every line also gets its Jacobian columns and coefficients.
func (m *model) computePeaks(jac bool) {
	if m.peaks == nil {
		lines := 0
		for _, ph := range m.phases {
			lines += len(ph.refl)
		}
		m.peaks = make([]peak, 0, 2*lines)
	}
	m.peaks = m.peaks[:0]
	m.nodeOff, m.nodeW = m.nodeOff[:0], m.nodeW[:0]
	in := m.inst
	in.U, in.V, in.W = m.value(m.iU, in.U), m.value(m.iV, in.V), m.value(m.iW, in.W)
	in.X, in.Y = m.value(m.iX, in.X), m.value(m.iY, in.Y)
	in.SL, in.HL = m.asymmetry()
	zero, disp := m.value(m.iZero, in.Zero), m.value(m.iDisp, 0)
	r := in.radius()
	lam, wt, nl := in.lines()
	xlo, xhi := m.x[0], m.x[len(m.x)-1]
	var g []float64
	for p, ph := range m.phases {
		s := m.par[m.iScale[p]].v
		g = m.cellOfPhase(p, g)
		size := m.value(m.iSize[p], 0) // 1/L, nm⁻¹
		strain := m.value(m.iStrain[p], 0)
		bover := m.value(m.iB[p], 0)
		r0 := m.value(m.iPO[p], 1)
		poE := m.orientationNorm(p, g)
		for j := range ph.refl {
			rf := &ph.refl[j]
			q := rf.invD2(g)
			if !(q > 0) {
				continue
			}
			po, dpo := 1.0, 0.0
			if m.po[p] != nil {
				po, dpo = marchDollase(m.po[p][j].a, g, q, poE, r0)
			}
			dw := 1.0
			if bover != 0 {
				dw = math.Exp(-bover * q / 2)
			}
			base := rf.mult * rf.f2 * po * dw
			for l := range nl {
				sinT := lam[l] * math.Sqrt(q) / 2
				if !(sinT < 1) {
					continue
				}
				th := math.Asin(sinT)
				cosT := math.Cos(th)
				tanT := sinT / cosT
				tt := 2 * th * deg
				dshift := axisShift(cosT, r)
				c := tt + zero + disp*dshift
				gg2 := in.U*tanT*tanT + in.V*tanT + in.W + in.P/(cosT*cosT) + m.extraW
				gG := math.Sqrt(max(gg2, minWidth*minWidth))
				lSize := deg * scherrerK * lam[l] / 10 / cosT // ∂Γ_L/∂(1/L), L in nm
				lStrain := deg * 4 * tanT                     // ∂Γ_L/∂ε
				gL := in.X*tanT + in.Y/cosT + size*lSize + strain*lStrain
				t := newTCH(gG, gL)
				// The next element of m.peaks is filled in place (neither
				// copied nor cleared) and kept by extending the slice at
				// the end, its nodes likewise in nodeOff and nodeW.
				if len(m.peaks) == cap(m.peaks) {
					m.peaks = append(m.peaks, peak{})[:len(m.peaks)]
				}
				pk := &m.peaks[:len(m.peaks)+1][len(m.peaks)]
				pk.c, pk.t, pk.phase, pk.nc, pk.deriv = c, t, p, 0, kValue
				if cap(m.nodeOff)-len(m.nodeOff) < maxNodes {
					// A larger buffer; the peaks already made keep the old one.
					n := 2*cap(m.nodeOff) + 16*maxNodes
					m.nodeOff, m.nodeW = make([]float64, 0, n), make([]float64, 0, n)
				}
				nk := len(m.nodeOff)
				pk.a.off, pk.a.w = m.nodeOff[nk:nk+maxNodes:nk+maxNodes], m.nodeW[nk:nk+maxNodes:nk+maxNodes]
				fcj(&pk.a, tt, t.fwhm, in.SL, in.HL)
				lo := c + pk.a.lo - reach(t)
				hi := c + pk.a.hi + reach(t)
				if hi < xlo || lo > xhi {
					continue
				}
				pk.i0 = search(m.x, m.step, lo)
				pk.i1 = search(m.x, m.step, hi)
				if pk.i0 >= pk.i1 {
					continue
				}
				pk.k0 = search(m.x, m.step, c+pk.a.lo-coreWidths*t.fwhm)
				pk.k1 = search(m.x, m.step, c+pk.a.hi+coreWidths*t.fwhm)
				ib := base * wt[l] * m.lp.LP(tt)
				if in.VariableSlit {
					ib *= sinT
				}
				pk.area, pk.unit = s*ib, ib
				if jac {
					// A term of coefficient 0 (a cell coefficient of an
					// index that is 0, a phase of scale 0) adds nothing to
					// its column, which eval clears: it is left out.
					add := func(i int, kind uint8, coef float64) {
						if i < 0 || m.col[i] < 0 || coef == 0 || pk.nc == maxPeakCols {
							return
						}
						pk.col[pk.nc], pk.kind[pk.nc], pk.coef[pk.nc] = int32(m.col[i]), kind, coef
						pk.nc++
						pk.deriv = max(pk.deriv, kind)
					}
					a := pk.area
					add(m.iScale[p], kValue, ib)
					if m.po[p] != nil {
						add(m.iPO[p], kValue, a*dpo/po)
					}
					add(m.iB[p], kValue, -a*q/2)
					dq := a * tanT / q * deg // ∂c/∂Q times the area
					for k := range g {
						add(m.iCell[p]+k, kCentre, dq*rf.c[k])
					}
					add(m.iZero, kCentre, a)
					add(m.iDisp, kCentre, a*dshift)
					if gg2 > minWidth*minWidth {
						h := a / (2 * gG)
						add(m.iU, kGauss, h*tanT*tanT)
						add(m.iV, kGauss, h*tanT)
						add(m.iW, kGauss, h)
					}
					add(m.iX, kLorentz, a*tanT)
					add(m.iY, kLorentz, a/cosT)
					add(m.iSize[p], kLorentz, a*lSize)
					add(m.iStrain[p], kLorentz, a*lStrain)
				}
				m.peaks = m.peaks[:len(m.peaks)+1]
				m.nodeOff, m.nodeW = m.nodeOff[:nk+pk.a.n], m.nodeW[:nk+pk.a.n]
			}
		}
	}
}

// invD2 returns 1/d² = Σ_k g_k·c_k of the reflection for the metric g.
func (r *reflection) invD2(g []float64) float64 {
	var q float64
	for k := range g {
		q += g[k] * r.c[k]
	}
	return q
}

// orientationNorm returns H·G*·H for phase p's orientation direction H
// and the metric g (0 without orientation).
func (m *model) orientationNorm(p int, g []float64) float64 {
	var e float64
	if m.po[p] != nil {
		for k, v := range m.poE[p] {
			e += g[k] * v
		}
	}
	return e
}

// marchDollase returns the March–Dollase factor of a reflection and its
// derivative with respect to r (W. A. Dollase 1986, J. Appl. Cryst. 19,
// 267–272, eq. 8, averaged over the Laue orbit of the reflection):
//
//	PO = (1/M)·Σ_m (r²cos²α_m + sin²α_m/r)^(−3/2),
//
// α_m the angle between the member h_m of the orbit and the orientation
// direction H, cos²α = (h·G*·H)²/((h·G*·h)(H·G*·H)). The factor keeps the
// total intensity of a random powder (its average over the sphere is 1).
func marchDollase(a, g []float64, q, e, r float64) (po, dpo float64) {
	dim := len(g)
	n := len(a) / dim
	r2, ir := r*r, 1/r
	for m := range n {
		var hg float64
		for k := range dim {
			hg += g[k] * a[m*dim+k]
		}
		c2 := min(hg*hg/(q*e), 1)
		s2 := 1 - c2
		b := r2*c2 + s2*ir
		f := math.Pow(b, -1.5)
		po += f
		dpo += -1.5 * f / b * (2*r*c2 - s2*ir*ir)
	}
	return po / float64(n), dpo / float64(n)
}

// coreWidths: within coreWidths FWHM of a line's asymmetric range its
// profile is the full sum over the FCJ nodes with the Gaussian part;
// beyond, the Gaussian part is below 1e-15 of its height (gaussCut) and
// the nodes collapse into one Lorentzian at their mean offset, which errs
// by about (3/2)·var·L”(x) ≈ 3·var/x²·L(x), below 1e-4 of the line's
// height for asymmetries up to five FWHM.
const coreWidths = 5

// scratch holds one worker's per-line arrays: the profile and its
// derivatives with respect to the centre, Γ_G and Γ_L over the line's
// window.
type scratch struct{ d [4][]float64 }

func (s *scratch) size(n int) {
	for k := range s.d {
		if cap(s.d[k]) < n {
			// Twice as large as before: the windows grow with the angle.
			s.d[k] = make([]float64, max(n, 2*cap(s.d[k])))
		}
		s.d[k] = s.d[k][:n]
	}
}

// evalPoints adds the profiles of the peaks to yc over the points
// [lo, hi), with the Jacobian columns when jac is set (m.jac zeroed over
// those rows beforehand), and each phase's contribution at unit scale to
// contrib when not nil. A line's profile is computed with the
// derivatives its columns use, up to pk.deriv.
func (m *model) evalPoints(lo, hi int, jac bool, contrib [][]float64, ws *scratch) {
	n := len(m.x)
	for pi := range m.peaks {
		pk := &m.peaks[pi]
		i0, i1 := max(pk.i0, lo), min(pk.i1, hi)
		if i0 >= i1 {
			continue
		}
		k0, k1 := min(max(pk.k0, i0), i1), max(min(pk.k1, i1), i0)
		ws.size(i1 - i0)
		f, fc, fg, fl := ws.d[kValue], ws.d[kCentre], ws.d[kGauss], ws.d[kLorentz]
		t := &pk.t
		deriv := uint8(kValue)
		if jac {
			deriv = pk.deriv
		}
		m.tail(i0, k0, i0, pk.c+pk.a.mean, t, deriv, ws)
		m.tail(k1, i1, i0, pk.c+pk.a.mean, t, deriv, ws)
		if k0 < k1 {
			a, b := k0-i0, k1-i0
			var dc, dg, dl []float64
			if deriv >= kCentre {
				dc = fc[a:b]
			}
			if deriv >= kGauss {
				dg, dl = fg[a:b], fl[a:b]
			}
			pvSum(m.x[k0:k1], m.step, pk.c, t, pk.a.off[:pk.a.n], pk.a.w[:pk.a.n], f[a:b], dc, dg, dl)
		}
		floats.AddScaled(m.yc[i0:i1], pk.area, f)
		if contrib != nil {
			floats.AddScaled(contrib[pk.phase][i0:i1], pk.unit, f)
		}
		if jac {
			for c := range pk.nc {
				col := int(pk.col[c]) * n
				floats.AddScaled(m.jac[col+i0:col+i1], pk.coef[c], ws.d[pk.kind[c]])
			}
		}
	}
}

// tail sets the profile of a line beyond its core, over the points
// [a, b) (scratch index i − i0): one Lorentzian of the line's FWHM at the
// mean offset of its asymmetry nodes, with its derivatives up to the kind
// deriv (see pvSum).
func (m *model) tail(a, b, i0 int, mean float64, t *tch, deriv uint8, ws *scratch) {
	if a >= b {
		return
	}
	ig := 1 / t.fwhm
	s := 4 * ig * ig
	lA := t.eta * lorNorm * ig
	x := m.x[a:b]
	f := ws.d[kValue][a-i0 : b-i0]
	f = f[:len(x)]
	if deriv == kValue {
		for i, xi := range x {
			d := xi - mean
			r := 1 / (1 + s*d*d)
			f[i] = lA * r
		}
		return
	}
	lc := 2 * s * lA
	fc := ws.d[kCentre][a-i0 : b-i0]
	fc = fc[:len(x)]
	if deriv == kCentre {
		for i, xi := range x {
			d := xi - mean
			r := 1 / (1 + s*d*d)
			f[i] = lA * r
			fc[i] = lc * d * (r * r)
		}
		return
	}
	// ∂/∂Γ = lg·(r − 2r²) and ∂/∂η = le·r, through the chain rule: the
	// derivatives in Γ_G and Γ_L are a·r + b·r².
	lg, le := lA*ig, lorNorm*ig
	ga, gb := lg*t.dFdG+le*t.dEdG, -2*lg*t.dFdG
	la, lb := lg*t.dFdL+le*t.dEdL, -2*lg*t.dFdL
	fg, fl := ws.d[kGauss][a-i0:b-i0], ws.d[kLorentz][a-i0:b-i0]
	fg, fl = fg[:len(x)], fl[:len(x)]
	for i, xi := range x {
		d := xi - mean
		r := 1 / (1 + s*d*d)
		f[i] = lA * r
		r2 := r * r
		fc[i] = lc * d * r2
		fg[i] = ga*r + gb*r2
		fl[i] = la*r + lb*r2
	}
}

// parallelMin is the fewest (line, point) pairs worth a second goroutine.
const parallelMin = 20000

// eval computes yc (and the weighted Jacobian of the free parameters when
// jac is set) at the current parameter values. When the free parameters
// are scales and background terms (m.linear) and the others have not
// changed since the phases' unit-scale patterns were computed, y_c is
// linear in them, b + Σ_p S_p·P_p, and is formed from those patterns.
//
// With jac, the background's columns are copied from bgW, and in the
// linear case the scales' from the patterns; the other columns are
// cleared and accumulate their lines' terms.
func (m *model) eval(jac bool) {
	n := len(m.x)
	m.setBackground()
	lin := m.linear && m.lin.fresh(m)
	if jac && !lin {
		for c, t := range m.term {
			if t < 0 {
				clear(m.jac[c*n : (c+1)*n])
			}
		}
	}
	if lin {
		for p := range m.phases {
			floats.AddScaled(m.yc, m.par[m.iScale[p]].v, m.lin.pat[p])
			if c := m.col[m.iScale[p]]; jac && c >= 0 {
				copy(m.jac[c*n:(c+1)*n], m.lin.pat[p])
			}
		}
	} else {
		var contrib [][]float64
		if m.linear {
			contrib = m.lin.start(m)
		}
		m.evalLines(jac, contrib)
	}
	if !jac {
		return
	}
	sw := m.sw
	for c, t := range m.term {
		col := m.jac[c*n : (c+1)*n]
		if t >= 0 {
			copy(col, m.bgW[t])
			continue
		}
		col = col[:len(sw)]
		for i, w := range sw {
			col[i] *= w
		}
	}
}

// evalLines computes the lines at the current parameter values and adds
// their profiles to yc, with the Jacobian when jac is set and the phases'
// contributions at unit scale to contrib when not nil (evalPoints).
func (m *model) evalLines(jac bool, contrib [][]float64) {
	n := len(m.x)
	m.computePeaks(jac)
	work := 0
	for i := range m.peaks {
		work += m.peaks[i].i1 - m.peaks[i].i0
	}
	if work < parallelMin {
		m.evalPoints(0, n, jac, contrib, &m.work[0])
		return
	}
	// Two halves of the points, on two goroutines when there are two
	// processors: the same arithmetic either way.
	var wg sync.WaitGroup
	for w := range 2 {
		lo, hi := n*w/2, n*(w+1)/2
		if runtime.GOMAXPROCS(0) > 1 {
			wg.Go(func() { m.evalPoints(lo, hi, jac, contrib, &m.work[w]) })
		} else {
			m.evalPoints(lo, hi, jac, contrib, &m.work[w])
		}
	}
	wg.Wait()
}

// linearCache holds each phase's pattern at unit scale, P_p = Σ over its
// lines of the line's area at unit scale times its profile, at the values
// of the parameters other than the scales and background terms (at) and
// the coarse broadening (extraW) of its evaluation.
type linearCache struct {
	pat    [][]float64 // in buf
	buf    []float64
	at     []float64
	extraW float64
	ok     bool
}

// fresh reports whether the patterns are those of m's current parameters.
func (c *linearCache) fresh(m *model) bool {
	if !c.ok || c.extraW != m.extraW {
		return false
	}
	for i := range m.par {
		if g := m.par[i].group; g != Scale && g != Background && m.par[i].v != c.at[i] {
			return false
		}
	}
	return true
}

// start clears the patterns for an evaluation at m's current parameters
// and returns them, to be filled by evalPoints.
func (c *linearCache) start(m *model) [][]float64 {
	if c.pat == nil {
		n := len(m.x)
		c.buf = getFloats(len(m.phases) * n)
		c.pat = make([][]float64, len(m.phases))
		for p := range c.pat {
			c.pat[p] = c.buf[p*n : (p+1)*n : (p+1)*n]
		}
	}
	for _, p := range c.pat {
		clear(p)
	}
	c.at = c.at[:0]
	for i := range m.par {
		c.at = append(c.at, m.par[i].v)
	}
	c.extraW, c.ok = m.extraW, true
	return c.pat
}

// setBackground sets yc to the background: the fixed one, if any, plus
// the Chebyshev terms.
func (m *model) setBackground() {
	if m.bgFixed != nil {
		copy(m.yc, m.bgFixed)
	} else {
		clear(m.yc)
	}
	for j := range m.nBg {
		floats.AddScaled(m.yc, m.par[m.iBg0+j].v, m.bg[j])
	}
}

// axisShift returns ∂Δ/∂s, the change of a line's observed position per
// mm of specimen displacement at cosθ on a goniometer of radius r (mm):
// Δ = Z − 2s·cosθ/R·(180/π), the convention of peaks.Axis.
func axisShift(cosT, r float64) float64 { return -2 * deg / r * cosT }

// chi2 returns Σ w(y − yc)² at the last evaluation.
func (m *model) chi2() float64 {
	var s float64
	for i, y := range m.y {
		r := (y - m.yc[i]) * m.sw[i]
		s += r * r
	}
	return s
}
