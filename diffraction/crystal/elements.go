package crystal

import "math"

//go:generate sh -c "/usr/bin/python3 ../../internal/dbgen/tables/gen_tables.py > elements_gen.go && gofmt -w elements_gen.go"

// element is one row of the generated element table (elements_gen.go).
type element struct {
	Z      int
	Symbol string
	Mass   float64    // standard atomic weight, g/mol
	X      float64    // Pauling electronegativity, 0 when undefined
	A, B   [5]float64 // Waasmaier–Kirfel Gaussian amplitudes and widths (Å²)
	C      float64    // Waasmaier–Kirfel constant
}

var elementIndex = func() map[string]*element {
	m := make(map[string]*element, len(elementTable))
	for i := range elementTable {
		m[elementTable[i].Symbol] = &elementTable[i]
	}
	return m
}()

func lookupElement(sym string) *element { return elementIndex[sym] }

// f0 returns the atomic scattering factor of the neutral atom at
// s = sinθ/λ (Å⁻¹) with the parametrisation of Waasmaier & Kirfel (1995),
// Acta Cryst. A51, 416–431, eq. (2): f0(s) = Σᵢ aᵢ exp(−bᵢ s²) + c.
func (e *element) f0(s2 float64) float64 {
	f := e.C
	for i := range 5 {
		f += e.A[i] * math.Exp(-e.B[i]*s2)
	}
	return f
}

// AtomicMass returns the standard atomic weight (g/mol) of an element
// symbol ("Fe"), and false for an unknown symbol.
func AtomicMass(symbol string) (float64, bool) {
	e := lookupElement(symbol)
	if e == nil {
		return 0, false
	}
	return e.Mass, true
}

// FormFactor returns the X-ray atomic scattering factor f0 of the neutral
// atom (electrons) at s = sinθ/λ in Å⁻¹ (Waasmaier & Kirfel 1995), and false
// for an unknown symbol.
func FormFactor(symbol string, s float64) (float64, bool) {
	e := lookupElement(symbol)
	if e == nil {
		return 0, false
	}
	return e.f0(s * s), true
}
