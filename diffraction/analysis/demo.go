package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// demoMix is the sample of the built-in demo: a quartz–calcite–corundum
// mixture by weight, three phases every lab meets (sand, limestone, the
// RIR standard).
var demoMix = []struct {
	mineral string
	weight  float64
}{
	{"Quartz", 0.5},
	{"Calcite", 0.3},
	{"Corundum", 0.2},
}

// DemoFile is the name the demo pattern is shown under.
const DemoFile = "demo: quartz + calcite + corundum (simulated)"

// DemoScan simulates a measured Cu Kα scan, 10–80° 2θ in 0.02° steps, of the
// demo mixture from the database's own structures, with a realistic
// background and Poisson counting noise from a fixed seed (so it is the same
// every time).
//
// Line intensities of each phase are scaled by w·RIR, the inverse of Chung's
// RIR method (1974, J. Appl. Cryst. 7, 519). Profiles are pseudo-Voigt
// (η = 0.5) with the Caglioti, Paoletti & Ricci (1958, Nucl. Instrum. 3,
// 223) width FWHM² = U tan²θ + V tanθ + W, with U, V, W of a typical
// laboratory diffractometer; each line is a Kα1/Kα2 doublet.
func DemoScan(db *refdb.DB) (*diffraction.Scan, error) {
	const (
		lo, hi, step = 10.0, 80.0, 0.02
		U, V, W      = 0.004, -0.002, 0.003 // deg²
		eta          = 0.5
		peakCounts   = 6000.0 // height of the strongest line
	)
	w := diffraction.CuKa
	n := int(math.Round((hi-lo)/step)) + 1
	s := &diffraction.Scan{
		TwoTheta:   make([]float64, n),
		Intensity:  make([]float64, n),
		Wavelength: w,
		Meta: map[string]string{
			"sample":  "quartz 50 %, calcite 30 %, corundum 20 % by weight",
			"comment": "simulated by Bragg from its reference database; not a measurement",
			"units":   "counts",
		},
	}
	s.Wavelength.Source = diffraction.FromFile
	calc := make([]float64, n)
	for i := range n {
		s.TwoTheta[i] = lo + float64(i)*step
	}
	for _, m := range demoMix {
		p := findMineral(db, m.mineral)
		if p == nil {
			return nil, fmt.Errorf("demo: %s is not in the reference database", m.mineral)
		}
		scale := m.weight * p.RIR
		for _, l := range p.Lines {
			for _, line := range []struct{ lam, f float64 }{{w.Ka1, 1}, {w.Ka2, w.Ratio}} {
				t, ok := diffraction.TwoTheta(l.D, line.lam)
				if !ok || t < lo-1 || t > hi+1 {
					continue
				}
				tan := math.Tan(t * math.Pi / 360)
				fwhm := math.Sqrt(U*tan*tan + V*tan + W)
				addPseudoVoigt(calc, s.TwoTheta, t, fwhm, eta, scale*l.I*line.f)
			}
		}
	}
	var top float64
	for _, v := range calc {
		top = math.Max(top, v)
	}
	rng := rand.New(rand.NewPCG(1913, 1912)) // fixed seed: the Braggs' years
	for i, x := range s.TwoTheta {
		// Air scatter falling with angle plus a weak constant.
		bg := 80 + 2400/x
		s.Intensity[i] = poisson(rng, bg+peakCounts*calc[i]/top)
	}
	return s, nil
}

func findMineral(db *refdb.DB, name string) *refdb.Phase {
	for i := range db.Phases {
		p := &db.Phases[i]
		if strings.EqualFold(p.Mineral, name) || strings.EqualFold(p.Name, name) {
			return p
		}
	}
	return nil
}

// addPseudoVoigt adds to y a pseudo-Voigt of area a centred at x0:
// η·L + (1−η)·G with a common FWHM Γ and each part normalised to unit area,
// L = 2/(πΓ)·1/(1+u²), G = (2/Γ)·√(ln2/π)·exp(−ln2·u²), u = 2(x−x0)/Γ
// (Wertheim et al. 1974, J. Electron Spectrosc. 3, 295), evaluated within
// ±20 Γ.
func addPseudoVoigt(y, x []float64, x0, fwhm, eta, a float64) {
	hw := fwhm / 2
	l0 := 2 / (math.Pi * fwhm)
	g0 := 2 / fwhm * math.Sqrt(math.Ln2/math.Pi)
	for i, xi := range x {
		d := xi - x0
		if math.Abs(d) > 20*fwhm {
			continue
		}
		u := d / hw
		y[i] += a * (eta*l0/(1+u*u) + (1-eta)*g0*math.Exp(-math.Ln2*u*u))
	}
}

// poisson draws a Poisson variate of mean mu: by Knuth's product method for
// small means and the normal approximation (error below 1 % of σ) above 50.
func poisson(r *rand.Rand, mu float64) float64 {
	if mu > 50 {
		return math.Max(0, math.Round(mu+math.Sqrt(mu)*r.NormFloat64()))
	}
	l, k, p := math.Exp(-mu), 0.0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
