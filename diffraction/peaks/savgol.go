package peaks

import "math"

// Savitzky–Golay filtering: a least-squares polynomial is fitted to each
// window of 2m+1 consecutive points and its value (or a derivative) at the
// window's centre replaces the data point (A. Savitzky and M. J. E. Golay,
// 1964, Anal. Chem. 36, 1627–1639). Because the fit is linear in the data,
// it reduces to a convolution with fixed weights; the weights are computed
// here from the normal equations rather than copied from the paper's tables
// (which also carry known misprints, Steinier et al. 1972, Anal. Chem. 44,
// 1906). Near the ends the same polynomial fit is evaluated off-centre on the
// first or last full window, so no point is dropped or mirrored.

// sgOrder is the polynomial order used throughout. For smoothing and for the
// second derivative at the window centre a quadratic and a cubic give
// identical weights (the odd term is orthogonal to the even ones on a
// symmetric window); near the ends the quadratic is the more stable.
const sgOrder = 2

// sgKernel returns the 2m+1 weights h[j+m], j = -m…m, such that
// Σ h[j+m]·y[c+j] is the deriv-th derivative (per point, i.e. with unit
// spacing) at offset t from the window centre c of the least-squares
// polynomial of the given order. It panics on arguments that no caller in
// this package produces.
func sgKernel(m, order, deriv, t int) []float64 {
	if m < 1 || order < deriv || order > 2*m || t < -m || t > m {
		panic("peaks: invalid Savitzky–Golay kernel parameters")
	}
	k := order + 1
	// Abscissae are scaled to u = j/m ∈ [-1, 1] so that the normal matrix
	// stays well conditioned for wide windows; the derivative is rescaled
	// by m^-deriv at the end.
	u := func(j int) float64 { return float64(j) / float64(m) }
	// Normal matrix N[p][q] = Σ_j u_j^(p+q).
	nm := make([]float64, k*k)
	for j := -m; j <= m; j++ {
		x := u(j)
		pw := 1.0
		pows := make([]float64, 2*k-1)
		for e := range pows {
			pows[e] = pw
			pw *= x
		}
		for p := range k {
			for q := range k {
				nm[p*k+q] += pows[p+q]
			}
		}
	}
	// g[q] = d^deriv/du^deriv of u^q at u = t/m.
	g := make([]float64, k)
	ut := u(t)
	for q := deriv; q < k; q++ {
		c := 1.0
		for r := range deriv {
			c *= float64(q - r)
		}
		g[q] = c * math.Pow(ut, float64(q-deriv))
	}
	z := solve(nm, g, k)
	h := make([]float64, 2*m+1)
	scale := math.Pow(float64(m), -float64(deriv))
	for j := -m; j <= m; j++ {
		x, pw, s := u(j), 1.0, 0.0
		for q := range k {
			s += z[q] * pw
			pw *= x
		}
		h[j+m] = s * scale
	}
	return h
}

// solve solves the k×k system a·x = b (row-major a) by Gaussian elimination
// with partial pivoting. a and b are overwritten.
func solve(a, b []float64, k int) []float64 {
	for c := range k {
		p := c
		for r := c + 1; r < k; r++ {
			if math.Abs(a[r*k+c]) > math.Abs(a[p*k+c]) {
				p = r
			}
		}
		if p != c {
			for q := range k {
				a[c*k+q], a[p*k+q] = a[p*k+q], a[c*k+q]
			}
			b[c], b[p] = b[p], b[c]
		}
		for r := c + 1; r < k; r++ {
			f := a[r*k+c] / a[c*k+c]
			for q := c; q < k; q++ {
				a[r*k+q] -= f * a[c*k+q]
			}
			b[r] -= f * b[c]
		}
	}
	x := make([]float64, k)
	for r := k - 1; r >= 0; r-- {
		s := b[r]
		for q := r + 1; q < k; q++ {
			s -= a[r*k+q] * x[q]
		}
		x[r] = s / a[r*k+r]
	}
	return x
}

// savgol writes to dst the deriv-th derivative (0 = smoothing) of y by a
// Savitzky–Golay filter of the given odd window, with unit point spacing.
// The window is reduced to fit len(y) when necessary; len(y) must be at
// least 3.
func savgol(dst, y []float64, window, deriv int) {
	n := len(y)
	m := window / 2
	if 2*m+1 > n {
		m = (n - 1) / 2
	}
	order := sgOrder
	if order > 2*m {
		order = 2 * m
	}
	centre := sgKernel(m, order, deriv, 0)
	if deriv%2 == 0 {
		savgolSymmetric(dst, y, centre[m:])
	} else {
		w := 2*m + 1
		for i := m; i < n-m; i++ {
			s := 0.0
			win := y[i-m : i-m+w]
			for j, h := range centre {
				s += h * win[j]
			}
			dst[i] = s
		}
	}
	// Ends: evaluate the fit of the first (last) full window off-centre.
	w := 2*m + 1
	sgEnd(dst[:m], y[:w], m, order, deriv, false)
	sgEnd(dst[n-m:], y[n-w:], m, order, deriv, true)
}

// sgEnd writes to dst (m long) the deriv-th derivative of the
// least-squares polynomial of the given order through the window win of
// 2m+1 points, at its first m points (last m when last is true). This is
// what the off-centre kernels of sgKernel give, computed by fitting the
// window once: O(m) per end rather than a kernel of O(m) weights for
// each of the m points, which made the ends of wide windows (m ≈ 60 at
// 80 points per FWHM) cost more than the filtering itself.
func sgEnd(dst, win []float64, m, order, deriv int, last bool) {
	k := order + 1
	// The abscissae u = j/m ∈ [−1, 1] of sgKernel, the normal matrix
	// N[p][q] = Σ u^(p+q) and the right-hand side b[p] = Σ u^p·y.
	var nm [9]float64 // k ≤ 3 (sgOrder 2)
	var b [3]float64
	if k > 3 {
		panic("peaks: sgEnd: order above 2")
	}
	for j := -m; j <= m; j++ {
		u := float64(j) / float64(m)
		pw := [5]float64{1, u, u * u, u * u * u, u * u * u * u}
		for p := range k {
			b[p] += pw[p] * win[j+m]
			for q := range k {
				nm[p*k+q] += pw[p+q]
			}
		}
	}
	z := solve(nm[:k*k], b[:k], k)
	scale := math.Pow(float64(m), -float64(deriv))
	for i := range m {
		t := i - m // offset from the centre of the first window
		if last {
			t = i + 1
		}
		u := float64(t) / float64(m)
		s := 0.0
		for q := deriv; q < k; q++ {
			c := 1.0
			for r := range deriv {
				c *= float64(q - r)
			}
			s += z[q] * c * math.Pow(u, float64(q-deriv))
		}
		dst[i] = s * scale
	}
}

// savgolSymmetric writes to dst[m:n-m] the convolution of y with the
// symmetric kernel whose weights at offsets 0, ±1, …, ±m are c[0], …, c[m]
// (an even derivative at the window centre is symmetric). Folding the
// window, c[0]·y[i] + Σ c[j]·(y[i−j] + y[i+j]), halves the
// multiplications, and four outputs computed side by side give the
// processor four independent sums to overlap instead of one serial chain.
func savgolSymmetric(dst, y, c []float64) {
	n, m := len(y), len(c)-1
	c0 := c[0]
	i := m
	for ; i+4 <= n-m; i += 4 {
		yc := y[i : i+4]
		s0, s1, s2, s3 := c0*yc[0], c0*yc[1], c0*yc[2], c0*yc[3]
		for j := 1; j <= m; j++ {
			cj := c[j]
			a := y[i-j : i-j+4]
			b := y[i+j : i+j+4]
			s0 += cj * (a[0] + b[0])
			s1 += cj * (a[1] + b[1])
			s2 += cj * (a[2] + b[2])
			s3 += cj * (a[3] + b[3])
		}
		d := dst[i : i+4]
		d[0], d[1], d[2], d[3] = s0, s1, s2, s3
	}
	for ; i < n-m; i++ {
		s := c0 * y[i]
		for j := 1; j <= m; j++ {
			s += c[j] * (y[i-j] + y[i+j])
		}
		dst[i] = s
	}
}
