package refine

import (
	"math/bits"
	"sync"
)

// floatPools recycle the large buffers of refinements (the Jacobian, the
// background's Chebyshev columns, the phases' patterns) from one fit to
// the next: an identification refines some twenty models of one scan,
// each of them megabytes. The pool of class k holds buffers of 2^k
// floats.
var floatPools [bits.UintSize]sync.Pool

// getFloats returns a buffer of n floats from the pools, its contents
// undefined.
func getFloats(n int) []float64 {
	if n <= 0 {
		return nil
	}
	k := bits.Len(uint(n - 1))
	if p, ok := floatPools[k].Get().(*[]float64); ok {
		return (*p)[:n]
	}
	return make([]float64, n, 1<<k)
}

// putFloats gives a buffer of getFloats back to the pools; it must not be
// used afterwards.
func putFloats(s []float64) {
	c := cap(s)
	if c == 0 || c&(c-1) != 0 {
		return
	}
	s = s[:c]
	floatPools[bits.Len(uint(c-1))].Put(&s)
}

// release gives the fitter's large buffers back to the pools when the fit
// is done (its Result holds none of them).
func (f *fitter) release() {
	m := f.m
	putFloats(m.jac)
	putFloats(m.bgBuf)
	putFloats(m.lin.buf)
	m.jac, m.bg, m.bgW, m.bgBuf, m.lin.pat, m.lin.buf, m.lin.ok = nil, nil, nil, nil, nil, nil, false
}
