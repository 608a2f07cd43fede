package crystal

import (
	"math"
	"slices"
	"sort"
)

// ProfileOptions describes the line shape of Profile: a pseudo-Voigt whose
// full width at half maximum comes from the instrument (Caglioti U, V, W)
// and, optionally, from the crystallite size (Scherrer).
type ProfileOptions struct {
	// U, V, W (deg²) give the instrumental FWHM H of Caglioti, Paoletti &
	// Ricci (1958), Nucl. Instrum. 3, 223–228: H² = U tan²θ + V tanθ + W.
	U, V, W float64
	// Eta is the Lorentzian fraction (0–1) of the pseudo-Voigt when Size
	// is 0.
	Eta float64
	// Size is the crystallite size in Å (0: no size broadening). Its
	// Lorentzian width is Scherrer's β = Kλ/(L cosθ) (radians; Scherrer
	// 1918; Langford & Wilson 1978, J. Appl. Cryst. 11, 102), combined with
	// the Caglioti width taken as Gaussian by the pseudo-Voigt
	// approximation of Thompson, Cox & Hastings (1987), J. Appl. Cryst. 20,
	// 79–83, which also gives η.
	Size float64
	// K is the Scherrer constant; 0 means 0.9 (spherical crystallites,
	// FWHM; Langford & Wilson 1978).
	K float64
}

// DefaultProfile is a typical laboratory Bragg–Brentano instrument with a
// Cu tube: FWHM ≈ 0.07° at low angle rising to ≈ 0.12° at 2θ = 120°
// (U = 0.004, V = −0.002, W = 0.005 deg²), half Lorentzian.
var DefaultProfile = ProfileOptions{U: 0.004, V: -0.002, W: 0.005, Eta: 0.5}

// profileWindow: each line is evaluated within ±profileWindow FWHM of its
// centre; the Lorentzian area left outside is 2/π·atan(1/(2·50)) ≈ 0.6 %.
const profileWindow = 50

// fwhmEta returns the FWHM (degrees) and the Lorentzian fraction of the
// profile at a line.
func (o ProfileOptions) fwhmEta(r Reflection) (float64, float64) {
	th := r.TwoTheta * math.Pi / 360
	tn := math.Tan(th)
	h2 := o.U*tn*tn + o.V*tn + o.W
	hg := math.Sqrt(max(h2, 0))
	if o.Size <= 0 {
		return max(hg, 1e-4), min(max(o.Eta, 0), 1)
	}
	k := o.K
	if k == 0 {
		k = 0.9
	}
	lambda := 2 * r.D * math.Sin(th)
	hl := k * lambda / (o.Size * math.Cos(th)) * 180 / math.Pi
	// Thompson, Cox & Hastings (1987), eqs. 4 and 5.
	h := math.Pow(math.Pow(hg, 5)+2.69269*math.Pow(hg, 4)*hl+2.42843*math.Pow(hg, 3)*hl*hl+
		4.47163*hg*hg*math.Pow(hl, 3)+0.07842*hg*math.Pow(hl, 4)+math.Pow(hl, 5), 0.2)
	q := hl / h
	eta := 1.36603*q - 0.47719*q*q + 0.11116*q*q*q
	return max(h, 1e-4), min(max(eta, 0), 1)
}

// Profile returns the powder pattern of the lines refl at the angles
// twoTheta (degrees): the sum of area-normalised pseudo-Voigt functions
// (ITC Vol. C, §8.6.1, eq. 8.6.1.1 with the Gaussian and Lorentzian of
// equal FWHM H),
//
//	pV(x) = η·(2/πH)/(1 + 4x²/H²) + (1−η)·(2/H)·sqrt(ln2/π)·exp(−4 ln2 x²/H²),
//
// each scaled by the line's Intensity, so a line's integral over 2θ is its
// relative intensity (counts·degree). Kα2 lines (Options.Ka2) are included
// like the others. twoTheta in increasing order is evaluated line by line
// within ±50 FWHM; in any other order every point sees every line.
func Profile(refl []Reflection, twoTheta []float64, opt ProfileOptions) []float64 {
	out := make([]float64, len(twoTheta))
	sorted := slices.IsSorted(twoTheta)
	const ln2 = math.Ln2
	for _, r := range refl {
		h, eta := opt.fwhmEta(r)
		gNorm := 2 / h * math.Sqrt(ln2/math.Pi)
		lNorm := 2 / (math.Pi * h)
		lo, hi := 0, len(twoTheta)
		if sorted {
			lo = sort.SearchFloat64s(twoTheta, r.TwoTheta-profileWindow*h)
			hi = sort.SearchFloat64s(twoTheta, r.TwoTheta+profileWindow*h)
		}
		for i := lo; i < hi; i++ {
			x := (twoTheta[i] - r.TwoTheta) / h
			x2 := 4 * x * x
			v := eta*lNorm/(1+x2) + (1-eta)*gNorm*math.Exp(-ln2*x2)
			out[i] += r.Intensity * v
		}
	}
	return out
}
