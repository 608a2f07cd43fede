package refine

import (
	"math"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"gonum.org/v1/gonum/floats"
)

// Axis returns the refined zero shift and specimen displacement as a
// correction of the 2θ axis for the peak search.
func (r *Result) Axis() peaks.Axis {
	return peaks.Axis{ZeroShift: r.Zero, Displacement: r.Displacement, Radius: r.Instrument.Radius}
}

// covariance evaluates the normal matrix of the groups' parameters that
// are not at a bound at the final values and inverts it; it returns the
// covariance scaled by GoF (zero rows for fixed parameters), χ² and the
// number of refined parameters.
func (f *fitter) covariance(groups Group) (cov [][]float64, chi float64, np int) {
	m := f.m
	skip := map[int]bool{}
	for i, p := range m.par {
		if p.v <= p.lo || p.v >= p.hi {
			skip[i] = true
		}
	}
	nf := f.setColumns(groups, skip)
	// The last stage usually ends with the normal equations of these
	// parameters at these values.
	chi, fresh := f.normalFresh()
	if !fresh {
		chi = f.jacobian()
	}
	for range nf + 1 {
		dep := dependent(f.a, nf)
		if len(dep) == 0 {
			break
		}
		for _, c := range dep {
			skip[f.free[c]] = true
		}
		nf = f.setColumns(groups, skip)
		chi = f.jacobian()
	}
	cov = make([][]float64, len(m.par))
	n := len(m.x)
	act := make([]int, nf)
	for i := range act {
		act[i] = i
	}
	inv, ok := inverse(f.a, nf, act)
	if !ok || n <= nf {
		if nf > 0 {
			f.logf("no standard uncertainties: the normal matrix is singular or there are too few points")
		}
		return cov, chi, nf
	}
	gof := chi / float64(n-nf)
	for c, p := range f.free {
		row := make([]float64, len(m.par))
		for d, q := range f.free {
			row[q] = inv[c*nf+d] * gof
		}
		cov[p] = row
	}
	return cov, chi, nf
}

// esdOf returns √C_ii, 0 for a fixed parameter.
func esdOf(cov [][]float64, i int) float64 {
	if i < 0 || cov[i] == nil {
		return 0
	}
	return math.Sqrt(max(cov[i][i], 0))
}

// result builds the Result at the final state.
func (f *fitter) result(groups Group) *Result {
	m := f.m
	cov, chi, np := f.covariance(groups)
	n := len(m.x)
	res := &Result{N: n, P: np, Iterations: f.iters, Converged: f.conv, Log: f.log}
	refined := make([]int, len(m.phases))
	for _, i := range f.free {
		switch p := m.par[i]; {
		case p.phase >= 0:
			refined[p.phase]++
		case p.group != Background:
			res.GlobalParameters++
		}
	}
	var sy, swy2, sad float64
	for i, y := range m.y {
		v := y * m.sw[i]
		swy2 += v * v
		sy += y
		sad += math.Abs(y - m.yc[i])
	}
	if sy != 0 {
		res.Rp = sad / math.Abs(sy)
	}
	if swy2 > 0 {
		res.Rwp = math.Sqrt(chi / swy2)
		res.Rexp = math.Sqrt(max(float64(n-np), 0) / swy2)
	}
	if n > np {
		res.GoF = chi / float64(n-np)
	}
	res.DurbinWatson = durbinWatson(m.y, m.yc, m.sw)
	res.Zero, res.ZeroESD = m.par[m.iZero].v, esdOf(cov, m.iZero)
	res.Displacement, res.DisplacementESD = m.par[m.iDisp].v, esdOf(cov, m.iDisp)
	in := m.inst
	in.Zero = res.Zero
	in.U, in.V, in.W = m.value(m.iU, in.U), m.value(m.iV, in.V), m.value(m.iW, in.W)
	in.X, in.Y = m.value(m.iX, in.X), m.value(m.iY, in.Y)
	in.SL, in.HL = m.asymmetry()
	res.Instrument = in
	for j := range m.nBg {
		res.BackgroundCoeffs = append(res.BackgroundCoeffs, m.par[m.iBg0+j].v)
	}

	// Curves.
	np2 := len(m.phases)
	contrib := make([][]float64, np2)
	for p := range contrib {
		contrib[p] = make([]float64, n)
	}
	m.setBackground()
	m.evalLines(false, contrib)
	for p, c := range contrib {
		floats.Scale(m.par[m.iScale[p]].v, c)
	}
	res.TwoTheta, res.Observed = m.x, m.y
	res.Calculated = slices.Clone(m.yc)
	res.Background = slices.Clone(m.yc)
	res.Difference = make([]float64, n)
	for i := range n {
		for p := range contrib {
			res.Background[i] -= contrib[p][i]
		}
		res.Difference[i] = m.y[i] - m.yc[i]
	}

	// Phases and Hill–Howard fractions.
	s, zmv := make([]float64, np2), make([]float64, np2)
	res.scaleCov = make([]float64, np2*np2)
	for p := range np2 {
		for q := range np2 {
			if c := cov[m.iScale[p]]; c != nil {
				res.scaleCov[p*np2+q] = c[m.iScale[q]]
			}
		}
	}
	var g []float64
	for p, ph := range m.phases {
		pr := PhaseResult{ID: ph.ID, Orientation: ph.Orientation, Contribution: contrib[p], Parameters: refined[p]}
		pr.Scale, pr.ScaleESD = m.par[m.iScale[p]].v, esdOf(cov, m.iScale[p])
		g = m.cellOfPhase(p, g)
		pr.Cell, pr.CellESD, pr.Volume, pr.VolumeESD = cellWithESD(g, ph.basis, cov, m.iCell[p])
		if i := m.iSize[p]; i >= 0 {
			v := m.par[i].v
			pr.Size, pr.SizeESD = 1/v, esdOf(cov, i)/(v*v)
		}
		if i := m.iStrain[p]; i >= 0 {
			pr.Strain, pr.StrainESD = m.par[i].v, esdOf(cov, i)
		}
		if i := m.iPO[p]; i >= 0 {
			pr.PO, pr.POESD = m.par[i].v, esdOf(cov, i)
		}
		if i := m.iB[p]; i >= 0 {
			pr.B, pr.BESD = m.par[i].v, esdOf(cov, i)
		}
		pr.zmv = ph.cellMass * pr.Volume
		s[p], zmv[p] = pr.Scale, pr.zmv
		pr.Reflections = f.lines(p, g)
		res.Phases = append(res.Phases, pr)
	}
	w, esd, _ := hillHoward(s, zmv, res.scaleCov)
	if d := f.opt.ParticleSize; d > 0 && np2 > 1 {
		if mu, rho, ok := absorption(m.phases, m.inst.Wavelength.Ka1); ok {
			w, esd, zmv = brindleyFractions(s, zmv, rho, mu, res.scaleCov, d)
			for p := range res.Phases {
				res.Phases[p].Absorption, res.Phases[p].zmv = mu[p], zmv[p]
			}
		} else {
			res.Log = append(res.Log, "no microabsorption correction: the absorption of a phase at this wavelength is unknown")
		}
	}
	for p := range res.Phases {
		res.Phases[p].WeightFraction, res.Phases[p].WeightFractionESD = w[p], esd[p]
	}
	return res
}

// cellWithESD returns the cell of metric g and its volume, with standard
// uncertainties propagated from the covariance of g (parameters from
// index i0) through the numerical derivatives of the cell constants.
func cellWithESD(g []float64, basis []sym3, cov [][]float64, i0 int) (c, e crystal.Cell, v, ve float64) {
	c, err := cellOf(metric(g, basis))
	if err != nil {
		return c, e, 0, 0
	}
	v = c.Volume()
	dim := len(g)
	vals := func(x []float64) [7]float64 {
		cc, err := cellOf(metric(x, basis))
		if err != nil {
			return [7]float64{}
		}
		return [7]float64{cc.A, cc.B, cc.C, cc.Alpha, cc.Beta, cc.Gamma, cc.Volume()}
	}
	var jac [7][6]float64
	x := slices.Clone(g)
	for k := range dim {
		h := 1e-6 * math.Abs(g[k])
		if h == 0 {
			h = 1e-9
		}
		x[k] = g[k] + h
		up := vals(x)
		x[k] = g[k] - h
		dn := vals(x)
		x[k] = g[k]
		for q := range 7 {
			jac[q][k] = (up[q] - dn[q]) / (2 * h)
		}
	}
	var out [7]float64
	for q := range 7 {
		var s float64
		for k := range dim {
			if cov[i0+k] == nil {
				continue
			}
			for l := range dim {
				s += jac[q][k] * cov[i0+k][i0+l] * jac[q][l]
			}
		}
		out[q] = math.Sqrt(max(s, 0))
	}
	e = crystal.Cell{A: out[0], B: out[1], C: out[2], Alpha: out[3], Beta: out[4], Gamma: out[5]}
	return c, e, v, out[6]
}

// lines lists phase p's reflections at the refined cell g whose Kα1 line
// falls within the scan.
func (f *fitter) lines(p int, g []float64) []Line {
	m := f.m
	ph := m.phases[p]
	lam, wt, nl := m.inst.lines()
	zero, disp := m.par[m.iZero].v, m.par[m.iDisp].v
	r := m.inst.radius()
	s := m.par[m.iScale[p]].v
	r0 := m.value(m.iPO[p], 1)
	bover := m.value(m.iB[p], 0)
	poE := m.orientationNorm(p, g)
	var out []Line
	for j := range ph.refl {
		rf := &ph.refl[j]
		q := rf.invD2(g)
		if !(q > 0) {
			continue
		}
		po := 1.0
		if m.po[p] != nil {
			po, _ = marchDollase(m.po[p][j].a, g, q, poE, r0)
		}
		base := s * rf.mult * rf.f2 * po * math.Exp(-bover*q/2)
		var area, pos float64
		for l := range nl {
			sinT := lam[l] * math.Sqrt(q) / 2
			if !(sinT < 1) {
				continue
			}
			tt := 2 * math.Asin(sinT) * deg
			a := base * wt[l] * m.lp.LP(tt)
			if m.inst.VariableSlit {
				a *= sinT
			}
			area += a
			if l == 0 {
				pos = tt + zero + disp*axisShift(math.Cos(tt/2/deg), r)
			}
		}
		if pos == 0 || pos < m.x[0] || pos > m.x[len(m.x)-1] {
			continue
		}
		out = append(out, Line{H: rf.h[0], K: rf.h[1], L: rf.h[2], D: 1 / math.Sqrt(q), TwoTheta: pos,
			Intensity: area, F2: rf.f2, Multiplicity: int(rf.mult)})
	}
	return out
}

// durbinWatson returns the Durbin–Watson statistic of the weighted
// residuals r_i = √w_i·(y_i − y_c,i) (J. Durbin & G. S. Watson 1950,
// Biometrika 37, 409; used for Rietveld refinement by R. J. Hill & H. D.
// Flack 1987, J. Appl. Cryst. 20, 356):
//
//	d = Σ_{i>1} (r_i − r_{i−1})² / Σ_i r_i²,
//
// 2 for uncorrelated residuals, towards 0 when neighbouring points miss
// the model together (a misfit of line shape or position). 0 when the
// residuals are all zero.
func durbinWatson(y, yc, sw []float64) float64 {
	var num, den, prev float64
	for i := range y {
		r := (y[i] - yc[i]) * sw[i]
		den += r * r
		if i > 0 {
			num += (r - prev) * (r - prev)
		}
		prev = r
	}
	if !(den > 0) {
		return 0
	}
	return num / den
}
