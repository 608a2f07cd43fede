package peaks

import (
	"math"

	"github.com/bragg-xrd/bragg/diffraction"
)

// coreWidths is the half-width, in current FWHM, of the core of a peak:
// the points over which its profile is evaluated with derivatives, and
// the only rows where its columns of the Jacobian are not taken as zero.
// Beyond it only the profile's value (its Lorentzian or Pearson VII tail)
// is added to the model, so χ² is that of the full model. The core is
// twice fitWindow wide, so a single peak's core holds all its fitted
// points and its fit is exact Gauss–Newton; in a group, what is dropped is
// the derivative of one peak's tail under a neighbour more than 5 FWHM
// away (at |u| = 10 the Lorentzian's derivatives are under 1 % of their
// largest values), which changes the path of the iterations a little and
// the minimum they find negligibly. The cost of a step is then linear in
// the number of points and peaks of a group rather than proportional to
// their product times the number of parameters.
const coreWidths = 2 * fitWindow

// gaussCut is the largest u² at which the Gaussian component
// exp(−ln2·u²) of the pseudo-Voigt is computed: beyond it (|u| > 6.3, or
// 3.2 FWHM from the centre) it is below 2⁻⁴⁰ ≈ 10⁻¹² of the height and
// is taken as zero.
const gaussCut = 40

// shape holds a profile and the shape parameter of one peak, with the
// constants of its evaluation.
type shape struct {
	pearson bool
	s       float64
	// Pearson VII: c = 2^(1/m) − 1 and lr = 2^(1/m)·ln2/m.
	c, lr float64
}

func newShape(p Profile, s float64) shape {
	sh := shape{pearson: p == ProfilePearsonVII, s: s}
	if sh.pearson {
		r := math.Exp2(1 / s)
		sh.c = r - 1
		sh.lr = r * math.Ln2 / s
	}
	return sh
}

// eval evaluates the unit-height profile at u = 2(x−x0)/FWHM and its
// derivatives with respect to u and to the shape parameter s.
func (sh shape) eval(u float64) (f, dfdu, dfds float64) {
	u2 := u * u
	if sh.pearson {
		// f = q^(−m), q = 1 + c·u²; ∂c/∂m = −2^(1/m)·ln2/m².
		q := 1 + sh.c*u2
		lq := fastLog(q)
		f = fastExp(-sh.s * lq)
		dfdu = -2 * sh.s * sh.c * u * f / q
		dfds = f * (-lq + u2*sh.lr/q)
		return f, dfdu, dfds
	}
	l := 1 / (1 + u2)
	g := 0.0
	if u2 < gaussCut {
		g = fastExp(-math.Ln2 * u2)
	}
	s := sh.s
	f = s*l + (1-s)*g
	dfdu = -2 * u * (s*l*l + (1-s)*math.Ln2*g)
	dfds = l - g
	return f, dfdu, dfds
}

// tail evaluates the unit-height profile at |u| ≥ 2·coreWidths, where the
// Gaussian component of the pseudo-Voigt is below 2⁻¹⁰⁰.
func (sh shape) tail(u float64) float64 {
	if sh.pearson {
		return fastExp(-sh.s * fastLog(1+sh.c*u*u))
	}
	return sh.s / (1 + u*u)
}

// fitProblem is the least-squares problem of one group.
type fitProblem struct {
	prof    Profile
	x, y    []float64 // 2θ and net intensity of the group's points
	wt      []float64 // 1/σ of each point
	dx      []float64 // x − xc, the abscissa of the linear background term
	npk     int
	doublet bool
	w       diffraction.Wavelength
	start   []float64
	// bb holds Σwt², Σwt²·dx and Σwt²·dx²: the background block of
	// JᵀJ, which does not depend on the parameters.
	bb [3]float64
}

// nPar is the number of parameters: 2θ₀, H, FWHM, shape for each peak and
// a linear background correction a + b·(2θ − xc) for the group.
func (fp *fitProblem) nPar() int { return 4*fp.npk + 2 }

// fitState is a point in parameter space with its weighted residuals
// r_i = (y_i − f_i)/σ_i, χ² = Σ r_i², and the Jacobian of the residuals.
// The Jacobian is kept as one strip per peak: rows c0[k] … c1[k]−1 (the
// peak's core) of its four columns, row-major from jac[off[k]]. The two
// background columns, −wt and −wt·dx, are not stored.
type fitState struct {
	par         []float64
	r           []float64
	jac         []float64
	c0, c1, off []int
	chi2        float64
}

func (st *fitState) resize(m, np, npk int) {
	st.par = grow(st.par, np)
	st.r = grow(st.r, m)
	st.c0 = growInt(st.c0, npk)
	st.c1 = growInt(st.c1, npk)
	st.off = growInt(st.off, npk)
	st.jac = st.jac[:0]
}

// grow returns s resized to n, reallocated only when its capacity is short.
func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n, n+n/4)
	}
	return s[:n]
}

func growInt(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// eval computes the residuals, χ² and Jacobian of st at st.par.
func (fp *fitProblem) eval(st *fitState) {
	par := st.par
	np := fp.nPar()
	m := len(fp.x)
	f := st.r[:m] // the model first, then the residuals in place
	a, b := par[np-2], par[np-1]
	for i, d := range fp.dx {
		f[i] = a + b*d
	}
	st.jac = st.jac[:0]
	for k := range fp.npk {
		x0, h, w, s := par[4*k], par[4*k+1], par[4*k+2], par[4*k+3]
		sh := newShape(fp.prof, s)
		var x2, ratio, dx2 float64
		ka2 := false
		xhi := x0
		if fp.doublet {
			if x2, ka2 = Ka2Shift(x0, fp.w); ka2 {
				ratio = fp.w.Ratio
				// d(2θ₂)/d(2θ₁) = (λ2/λ1)·cos θ1/cos θ2, from
				// differentiating sin θ2 = (λ2/λ1)·sin θ1.
				dx2 = fp.w.Ka2 / fp.w.Ka1 * math.Cos(x0*math.Pi/360) / math.Cos(x2*math.Pi/360)
				xhi = x2
			}
		}
		c0 := lowerBound(fp.x, x0-coreWidths*w)
		c1 := max(c0, lowerBound(fp.x, xhi+coreWidths*w))
		st.c0[k], st.c1[k], st.off[k] = c0, c1, len(st.jac)
		tw := 2 / w
		tail := func(i int) {
			v := sh.tail(tw * (fp.x[i] - x0))
			if ka2 {
				v += ratio * sh.tail(tw*(fp.x[i]-x2))
			}
			f[i] += h * v
		}
		for i := range c0 {
			tail(i)
		}
		for i := c1; i < m; i++ {
			tail(i)
		}
		n0 := len(st.jac)
		st.jac = append(st.jac, make([]float64, 4*(c1-c0))...)
		jac := st.jac[n0:]
		for i := c0; i < c1; i++ {
			x := fp.x[i]
			u := tw * (x - x0)
			p, dpdu, dpds := sh.eval(u)
			val := h * p
			dX0 := -tw * h * dpdu
			dW := -u / w * h * dpdu
			dH, dS := p, h*dpds
			if ka2 {
				u2 := tw * (x - x2)
				p2, dp2du, dp2ds := sh.eval(u2)
				val += ratio * h * p2
				dX0 += -tw * ratio * h * dp2du * dx2
				dW += -u2 / w * ratio * h * dp2du
				dH += ratio * p2
				dS += ratio * h * dp2ds
			}
			f[i] += val
			// r = (y − f)·wt, so ∂r/∂p = −wt·∂f/∂p.
			wt := fp.wt[i]
			row := (*[4]float64)(jac[4*(i-c0):])
			row[0], row[1], row[2], row[3] = -wt*dX0, -wt*dH, -wt*dW, -wt*dS
		}
	}
	chi2 := 0.0
	for i, fi := range f {
		ri := (fp.y[i] - fi) * fp.wt[i]
		f[i] = ri
		chi2 += ri * ri
	}
	st.chi2 = chi2
}

// normal writes to a (np×np, row-major) the matrix JᵀJ of st and to g the
// vector −Jᵀr, the Gauss–Newton system JᵀJ·δ = −Jᵀr.
func (fp *fitProblem) normal(st *fitState, a, g []float64) {
	np := fp.nPar()
	nb := np - 2
	clear(a)
	clear(g)
	for k := range fp.npk {
		c0, c1 := st.c0[k], st.c1[k]
		jk := st.jac[st.off[k] : st.off[k]+4*(c1-c0)]
		// The 4×4 block, the gradient and the background cross terms
		// are summed in scalars: the compiler keeps them in registers,
		// which it does not do for arrays indexed in loops.
		var a00, a01, a02, a03, a11, a12, a13, a22, a23, a33 float64
		var g0, g1, g2, g3 float64
		var b00, b10, b20, b30, b01, b11, b21, b31 float64
		for i := c0; i < c1; i++ {
			row := (*[4]float64)(jk[4*(i-c0):])
			j0, j1, j2, j3 := row[0], row[1], row[2], row[3]
			r, wt := st.r[i], fp.wt[i]
			wd := wt * fp.dx[i]
			g0 -= j0 * r
			g1 -= j1 * r
			g2 -= j2 * r
			g3 -= j3 * r
			b00 -= j0 * wt
			b10 -= j1 * wt
			b20 -= j2 * wt
			b30 -= j3 * wt
			b01 -= j0 * wd
			b11 -= j1 * wd
			b21 -= j2 * wd
			b31 -= j3 * wd
			a00 += j0 * j0
			a01 += j0 * j1
			a02 += j0 * j2
			a03 += j0 * j3
			a11 += j1 * j1
			a12 += j1 * j2
			a13 += j1 * j3
			a22 += j2 * j2
			a23 += j2 * j3
			a33 += j3 * j3
		}
		akk := [4][4]float64{{a00, a01, a02, a03}, {0, a11, a12, a13}, {0, 0, a22, a23}, {0, 0, 0, a33}}
		gk := [4]float64{g0, g1, g2, g3}
		ab := [4][2]float64{{b00, b01}, {b10, b11}, {b20, b21}, {b30, b31}}
		for p := range 4 {
			i := (4*k + p) * np
			for q := p; q < 4; q++ {
				a[i+4*k+q] = akk[p][q]
			}
			a[i+nb] = ab[p][0]
			a[i+nb+1] = ab[p][1]
			g[4*k+p] = gk[p]
		}
		for l := k + 1; l < fp.npk; l++ {
			lo, hi := max(c0, st.c0[l]), min(c1, st.c1[l])
			if lo >= hi {
				continue
			}
			jl := st.jac[st.off[l]:]
			var akl [4][4]float64
			cl := st.c0[l]
			for p := range 4 {
				var s0, s1, s2, s3 float64
				for i := lo; i < hi; i++ {
					v := jk[4*(i-c0)+p]
					rl := (*[4]float64)(jl[4*(i-cl):])
					s0 += v * rl[0]
					s1 += v * rl[1]
					s2 += v * rl[2]
					s3 += v * rl[3]
				}
				akl[p] = [4]float64{s0, s1, s2, s3}
			}
			for p := range 4 {
				i := (4*k + p) * np
				for q := range 4 {
					a[i+4*l+q] = akl[p][q]
				}
			}
		}
	}
	var g0, g1 float64
	for i, r := range st.r[:len(fp.x)] {
		wr := fp.wt[i] * r
		g0 += wr
		g1 += wr * fp.dx[i]
	}
	g[nb], g[nb+1] = g0, g1
	a[nb*np+nb], a[nb*np+nb+1], a[(nb+1)*np+nb+1] = fp.bb[0], fp.bb[1], fp.bb[2]
	for p := range np {
		for q := range p {
			a[p*np+q] = a[q*np+p]
		}
	}
}

// constrain keeps the parameters physical: each position within one
// starting FWHM of its start, the height positive, the FWHM between a
// fifth and five times its start, the shape within its limits.
func (fp *fitProblem) constrain(par []float64) {
	for k := range fp.npk {
		x0, w0 := fp.start[4*k], fp.start[4*k+2]
		par[4*k] = math.Max(x0-w0, math.Min(x0+w0, par[4*k]))
		par[4*k+1] = math.Max(0, par[4*k+1])
		par[4*k+2] = math.Max(w0/5, math.Min(5*w0, par[4*k+2]))
		par[4*k+3] = clampShape(fp.prof, par[4*k+3])
	}
}

// freeze takes out of the damped system aa·δ = g (np×np) the shape
// parameter of every peak that sits on a limit of its range (η = 0 or 1,
// m = 0.6 or 100) while the descent direction g points beyond it: its row
// and column become those of the identity and its step 0, so that the
// other parameters move as if it were fixed. Without this, a shape held at
// its limit turns every Gauss–Newton step into a poor one once clamped,
// and LM crawls to the minimum with λ alternating between two values (an
// active-set variant of the projected Levenberg–Marquardt method of C.
// Kanzow, N. Yamashita and M. Fukushima, 2004, J. Comput. Appl. Math.
// 172, 375–397).
// Only the shape is treated so: a shape at its limit is a proper result,
// while a position, width or height at a limit of constrain marks a fit
// that failed, which freezing would only lock in (a height clamped to 0
// in an early step could not recover).
func (fp *fitProblem) freeze(par, aa, g []float64) {
	np := fp.nPar()
	lo, hi := 0.0, 1.0
	if fp.prof == ProfilePearsonVII {
		lo, hi = minPearsonM, maxPearsonM
	}
	for k := range fp.npk {
		p := 4*k + 3
		if !(par[p] <= lo && g[p] < 0) && !(par[p] >= hi && g[p] > 0) {
			continue
		}
		for q := range np {
			aa[p*np+q], aa[q*np+p] = 0, 0
		}
		aa[p*np+p] = 1
		g[p] = 0
	}
}

// Levenberg–Marquardt settings: at most lmIterations steps; converged when
// an accepted step lowers χ² by less than lmTol·χ² or by less than
// lmAbsTol. A fall of χ² by 10⁻³ moves the parameters by about
// √(2·10⁻³) ≈ 0.05 of their standard uncertainties, far below anything
// reported.
const (
	lmIterations = 100
	lmTol        = 1e-7
	lmAbsTol     = 1e-3
)

// fitWork is the scratch memory of the fit, reused from group to group so
// that the iterations do not allocate.
type fitWork struct {
	cur, trial fitState
	wt, dx     []float64
	a, g       []float64 // JᵀJ and −Jᵀr at cur
	aa, delta  []float64 // the damped system and its solution
	scale      []float64
	cov, chol  []float64 // the covariance and the factor it is computed from
	col        []float64
	par, start []float64 // the parameters of a group and their start
}

// levenbergMarquardt minimises χ² of fp from par (changed in place) by the
// method of K. Levenberg (1944, Q. Appl. Math. 2, 164–168) and D. W.
// Marquardt (1963, J. Soc. Ind. Appl. Math. 11, 431–441): each step solves
// (JᵀJ + λ·diag(JᵀJ))·δ = −Jᵀr, accepted (λ/10) when χ² falls, rejected
// (λ·10) otherwise. It returns χ² and the covariance matrix (JᵀJ)⁻¹ at the
// minimum (row-major, in ws.cov), nil when singular.
//
// A small solver of our own rather than gonum/optimize: optimize offers
// general minimisers (BFGS, Newton, Nelder–Mead) that do not use the
// least-squares structure, so they need a Hessian or many more steps; LM
// uses JᵀJ as the Hessian, converges in a few steps from the search's
// estimates, and gives the covariance as a by-product. Its Jacobian is
// banded (see coreWidths), and the damped system is solved by a Cholesky
// factorisation of the diagonally scaled matrix.
func levenbergMarquardt(fp *fitProblem, par []float64, ws *fitWork) (chi2 float64, cov []float64) {
	m, np := len(fp.x), fp.nPar()
	cur, trial := &ws.cur, &ws.trial
	cur.resize(m, np, fp.npk)
	trial.resize(m, np, fp.npk)
	ws.a, ws.g = grow(ws.a, np*np), grow(ws.g, np)
	ws.aa, ws.delta = grow(ws.aa, np*np), grow(ws.delta, np)
	ws.scale = grow(ws.scale, np)
	a, g, aa, delta := ws.a, ws.g, ws.aa, ws.delta
	copy(cur.par, par)
	fp.eval(cur)
	fp.normal(cur, a, g)
	lambda := 1e-3
	for range lmIterations {
		copy(aa, a)
		copy(delta, g)
		for p := range np {
			aa[p*np+p] += lambda * math.Max(a[p*np+p], 1e-12)
		}
		fp.freeze(cur.par, aa, delta)
		if !solveSPD(aa, delta, ws.scale, np) {
			lambda *= 10
			if lambda > 1e12 {
				break
			}
			continue
		}
		for p := range np {
			trial.par[p] = cur.par[p] + delta[p]
		}
		fp.constrain(trial.par)
		fp.eval(trial)
		if c := trial.chi2; c < cur.chi2 && finite(c) {
			done := cur.chi2-c < math.Max(lmTol*cur.chi2, lmAbsTol)
			*cur, *trial = *trial, *cur
			fp.normal(cur, a, g)
			lambda = math.Max(lambda/10, 1e-12)
			if done {
				break
			}
			continue
		}
		lambda *= 10
		if lambda > 1e12 {
			break
		}
	}
	copy(par, cur.par)
	ws.cov, ws.chol, ws.col = grow(ws.cov, np*np), grow(ws.chol, np*np), grow(ws.col, np)
	copy(ws.chol, a)
	if !invertSPD(ws.cov, ws.chol, ws.scale, ws.col, np) {
		return cur.chi2, nil
	}
	return cur.chi2, ws.cov
}

// cholesky factors the symmetric k×k matrix a (row-major, lower triangle
// used) in place into L·Lᵀ, L in the lower triangle. It reports false
// when a is not numerically positive definite.
func cholesky(a []float64, k int) bool {
	for j := range k {
		rj := a[j*k : j*k+j]
		d := a[j*k+j]
		for _, v := range rj {
			d -= v * v
		}
		if !(d > 0) || math.IsInf(d, 0) {
			return false
		}
		d = math.Sqrt(d)
		a[j*k+j] = d
		for i := j + 1; i < k; i++ {
			ri := a[i*k : i*k+j]
			s := a[i*k+j]
			for p, v := range ri {
				s -= v * rj[p]
			}
			a[i*k+j] = s / d
		}
	}
	return true
}

// scaleSym scales the symmetric k×k matrix a to unit diagonal, a_pq ←
// a_pq·s_p·s_q with s_p = 1/√a_pp, and returns false when a diagonal
// element is not positive. Cholesky is then as accurate for columns of
// very different magnitude (positions, heights and a background level) as
// Gaussian elimination with pivoting.
func scaleSym(a, s []float64, k int) bool {
	for p := range k {
		d := a[p*k+p]
		if !(d > 0) {
			return false
		}
		s[p] = 1 / math.Sqrt(d)
	}
	for p := range k {
		for q := range k {
			a[p*k+q] *= s[p] * s[q]
		}
	}
	return true
}

// solveSPD solves a·x = b for a symmetric positive definite k×k matrix a,
// x written to b; a is overwritten and s (k long) is scratch. It reports
// false when a is not positive definite or the solution is not finite.
func solveSPD(a, b, s []float64, k int) bool {
	if !scaleSym(a, s, k) || !cholesky(a, k) {
		return false
	}
	for p := range k {
		b[p] *= s[p]
	}
	cholSubst(a, b, k)
	for p := range k {
		b[p] *= s[p]
		if !finite(b[p]) {
			return false
		}
	}
	return true
}

// cholSubst solves L·Lᵀ·x = b by forward and back substitution, with L in
// the lower triangle of l; x is written to b.
func cholSubst(l, b []float64, k int) {
	for i := range k {
		v := b[i]
		for p := range i {
			v -= l[i*k+p] * b[p]
		}
		b[i] = v / l[i*k+i]
	}
	for i := k - 1; i >= 0; i-- {
		v := b[i]
		for p := i + 1; p < k; p++ {
			v -= l[p*k+i] * b[p]
		}
		b[i] = v / l[i*k+i]
	}
}

// invertSPD writes to inv the inverse of the symmetric positive definite
// k×k matrix a, which it overwrites, using s and col (k long) as scratch.
// It reports false when a is singular or the inverse is not finite.
func invertSPD(inv, a, s, col []float64, k int) bool {
	if !scaleSym(a, s, k) || !cholesky(a, k) {
		return false
	}
	for c := range k {
		clear(col)
		col[c] = 1
		cholSubst(a, col, k)
		for r := range k {
			v := col[r] * s[r] * s[c]
			if !finite(v) {
				return false
			}
			inv[r*k+c] = v
		}
	}
	return true
}
