package crystal

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

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

// CheckSymbol reports whether sym is an element symbol as chemistry writes
// it: "Si", not "si" or "SI" (the case tells Co from CO), nor "Xx". The
// error quotes sym and, for a symbol in the wrong case, suggests the right
// one.
func CheckSymbol(sym string) error {
	if lookupElement(sym) != nil {
		return nil
	}
	if len(sym) > 0 && len(sym) <= 3 {
		fixed := strings.ToUpper(sym[:1]) + strings.ToLower(sym[1:])
		if lookupElement(fixed) != nil {
			return fmt.Errorf("%q is not an element symbol: symbols start with a capital letter, %q", sym, fixed)
		}
	}
	return fmt.Errorf("%q is not an element symbol", sym)
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

//go:generate sh -c "/usr/bin/python3 ../../internal/dbgen/tables/gen_ions.py > ions_gen.go && gofmt -w ions_gen.go"

// ionFF is one row of the generated ion table (ions_gen.go).
type ionFF struct {
	A, B [5]float64
	C    float64
}

// ionElements holds, per ion key ("Fe3+"), an element whose form-factor
// coefficients are the ion's (Waasmaier & Kirfel 1995) and whose other
// fields are the neutral element's.
var ionElements = func() map[string]*element {
	m := make(map[string]*element, len(ionTable))
	for k, f := range ionTable {
		sym := strings.TrimRight(k, "0123456789+-")
		e := lookupElement(sym)
		if e == nil {
			continue
		}
		ie := *e
		ie.A, ie.B, ie.C = f.A, f.B, f.C
		m[k] = &ie
	}
	return m
}()

// scatterer returns the form-factor source of an element with a formal
// charge: the ion's Waasmaier–Kirfel coefficients when tabulated (Fe3+,
// O2−, …; see ionTable), the neutral atom's otherwise (charge 0, or an ion
// such as S2− that the table lacks).
func scatterer(symbol string, charge int) *element {
	if charge != 0 {
		sign := "+"
		if charge < 0 {
			sign, charge = "-", -charge
		}
		if e := ionElements[symbol+strconv.Itoa(charge)+sign]; e != nil {
			return e
		}
	}
	return lookupElement(symbol)
}

// IonFormFactor returns f0 (electrons) of an ion at s = sinθ/λ (Å⁻¹) after
// Waasmaier & Kirfel (1995), and false when the ion is not tabulated.
func IonFormFactor(symbol string, charge int, s float64) (float64, bool) {
	e := scatterer(symbol, charge)
	if e == nil || (charge != 0 && e == lookupElement(symbol)) {
		return 0, false
	}
	return e.f0(s * s), true
}
