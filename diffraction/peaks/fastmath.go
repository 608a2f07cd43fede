package peaks

import "math"

// Branch-free logarithm and exponential for the hot loops (the LLS
// transform of SNIP, the profiles of the fit). They use the reductions and
// polynomials of the FreeBSD msun library (fdlibm e_log.c and e_exp.c, the
// same as Go's pure-Go math.Log and math.Exp, both accurate to under one
// ulp), without the checks for special values: their callers pass finite
// arguments in a known range, and inlined without branches they are three
// to four times faster than math.Log and math.Exp on amd64, whose assembly
// versions are not inlined.

// fastLog returns ln x for finite x ≥ 2.3e-308 (normal numbers).
func fastLog(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		l1    = 6.666666666666735130e-01
		l2    = 3.999999999940941908e-01
		l3    = 2.857142874366239149e-01
		l4    = 2.222219843214978396e-01
		l5    = 1.818357216161805012e-01
		l6    = 1.531383769920937332e-01
		l7    = 1.479819860511658591e-01
		// sqrtHalf is √½ rounded down to its upper 32 bits, as in
		// musl's log.c: x = 2^k·(1+f) with 1+f ∈ [√½, √2).
		sqrtHalf = 0x3fe6a09e00000000
	)
	ix := math.Float64bits(x) + (0x3ff0000000000000 - sqrtHalf)
	k := float64(int64(ix>>52) - 0x3ff)
	f := math.Float64frombits(ix&(1<<52-1)+sqrtHalf) - 1
	s := f / (2 + f)
	s2 := s * s
	s4 := s2 * s2
	t1 := s2 * (l1 + s4*(l3+s4*(l5+s4*l7)))
	t2 := s4 * (l2 + s4*(l4+s4*l6))
	r := t1 + t2
	hfsq := 0.5 * f * f
	return k*ln2Hi - ((hfsq - (s*(hfsq+r) + k*ln2Lo)) - f)
}

// fastExp returns eˣ for −708 ≤ x ≤ 709; below, it returns 0.
func fastExp(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00
		p1    = 1.66666666666666657415e-01
		p2    = -2.77777777770155933842e-03
		p3    = 6.61375632143793436117e-05
		p4    = -1.65339022054652515390e-06
		p5    = 4.13813679705723846039e-08
		// round adds and subtracts 1.5·2⁵² to round to the nearest
		// integer (Go does not reassociate floating-point sums).
		round = 0x1.8p52
	)
	if x < -708 {
		return 0
	}
	kf := (log2e*x + round) - round
	hi := x - kf*ln2Hi
	lo := kf * ln2Lo
	r := hi - lo
	t := r * r
	c := r - t*(p1+t*(p2+t*(p3+t*(p4+t*p5))))
	y := 1 - ((lo - (r*c)/(2-c)) - hi)
	// y ∈ [0.7, 1.5]: scaling by 2^k adds k to its exponent, which stays
	// within the normal range for k ∈ [−1021, 1023].
	return math.Float64frombits(math.Float64bits(y) + uint64(int64(kf))<<52)
}
