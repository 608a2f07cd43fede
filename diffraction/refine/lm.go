package refine

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/gonum"
)

var lapack gonum.Implementation

// normal computes the normal matrix A = JᵀJ (n×n, row-major, upper and
// lower triangles) and b = Jᵀr of the weighted Jacobian's columns and
// the weighted residual r. The products of two columns of the
// background, which are the same at every evaluation, are taken from
// gram, the products of its terms' columns (gramian), through term, each
// column's background term (−1: another parameter).
func normal(jac []float64, npts, n int, r []float64, term []int, gram [][]float64, a, b []float64) {
	for i := range n {
		ci := jac[i*npts : (i+1)*npts]
		b[i] = floats.Dot(ci, r)
		for j := i; j < n; j++ {
			var v float64
			if term[i] >= 0 && term[j] >= 0 {
				v = gram[term[i]][term[j]]
			} else {
				v = floats.Dot(ci, jac[j*npts:(j+1)*npts])
			}
			a[i*n+j], a[j*n+i] = v, v
		}
	}
}

// gramian returns the products of the columns, g[j][k] = c_j·c_k, each
// computed as normal computes it.
func gramian(cols [][]float64) [][]float64 {
	g := make([][]float64, len(cols))
	for j := range g {
		g[j] = make([]float64, len(cols))
	}
	for j := range cols {
		for k := j; k < len(cols); k++ {
			v := floats.Dot(cols[j], cols[k])
			g[j][k], g[k][j] = v, v
		}
	}
	return g
}

// dependent returns the columns (0…n−1) of the normal matrix a that are
// linear combinations of others to within a relative tolerance of 1e-10
// on the correlation matrix, by Cholesky factorisation with complete
// pivoting (LAPACK dpstrf): the columns beyond its rank. Zero columns are
// dependent too.
func dependent(a []float64, n int) []int {
	if n == 0 {
		return nil
	}
	s := make([]float64, n*n)
	d := make([]float64, n)
	var out []int
	for i := range n {
		d[i] = math.Sqrt(a[i*n+i])
	}
	for i := range n {
		for j := range n {
			if d[i] > 0 && d[j] > 0 {
				s[i*n+j] = a[i*n+j] / (d[i] * d[j])
			}
		}
	}
	piv := make([]int, n)
	work := make([]float64, 2*n)
	rank, _ := lapack.Dpstrf(blas.Upper, n, s, n, piv, 1e-10, work)
	for _, p := range piv[rank:] {
		out = append(out, p)
	}
	return out
}

// solveDamped solves (A_s + λI)·δ_s = b_s for the columns in act, with
// A_s = D^(−½)AD^(−½) the matrix scaled to unit diagonal (Marquardt 1963,
// J. Soc. Ind. Appl. Math. 11, 431: a step that is invariant to the units
// of the parameters), and returns δ = D^(−½)δ_s in step (zero outside
// act). It reports false when the damped matrix is not positive definite.
func solveDamped(a, b []float64, n int, act []int, lambda float64, step []float64) bool {
	k := len(act)
	clear(step)
	if k == 0 {
		return true
	}
	m := make([]float64, k*k)
	rhs := make([]float64, k)
	d := make([]float64, k)
	for i, p := range act {
		d[i] = math.Sqrt(a[p*n+p])
	}
	for i, p := range act {
		for j, q := range act {
			m[i*k+j] = a[p*n+q] / (d[i] * d[j])
		}
		m[i*k+i] += lambda
		rhs[i] = b[p] / d[i]
	}
	if !lapack.Dpotrf(blas.Upper, k, m, k) {
		return false
	}
	lapack.Dpotrs(blas.Upper, k, 1, m, k, rhs, 1)
	for i, p := range act {
		step[p] = rhs[i] / d[i]
		if math.IsNaN(step[p]) || math.IsInf(step[p], 0) {
			return false
		}
	}
	return true
}

// inverse returns the inverse of the normal matrix restricted to the
// columns act (row-major, len(act)²), or false when it is singular.
func inverse(a []float64, n int, act []int) ([]float64, bool) {
	k := len(act)
	if k == 0 {
		return nil, true
	}
	m := make([]float64, k*k)
	d := make([]float64, k)
	for i, p := range act {
		d[i] = math.Sqrt(a[p*n+p])
		if !(d[i] > 0) {
			return nil, false
		}
	}
	for i, p := range act {
		for j, q := range act {
			m[i*k+j] = a[p*n+q] / (d[i] * d[j])
		}
	}
	if !lapack.Dpotrf(blas.Upper, k, m, k) || !lapack.Dpotri(blas.Upper, k, m, k) {
		return nil, false
	}
	for i := range k {
		for j := i; j < k; j++ {
			v := m[i*k+j] / (d[i] * d[j])
			m[i*k+j], m[j*k+i] = v, v
		}
	}
	return m, true
}
