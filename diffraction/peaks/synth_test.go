package peaks

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction"
)

// truePeak is one peak put into a synthetic scan.
type truePeak struct {
	pos, height, fwhm, eta float64
	sigmas                 float64 // height in σ = √(B+H) at the top
}

// pseudoVoigt is η·L + (1−η)·G with both components of height 1 and the
// given FWHM (P. Thompson, D. E. Cox and J. B. Hastings, 1987, J. Appl.
// Cryst. 20, 79–83, eq. 1 with a common width).
func pseudoVoigt(x, pos, fwhm, eta float64) float64 {
	u := 2 * (x - pos) / fwhm
	return eta/(1+u*u) + (1-eta)*math.Exp(-math.Ln2*u*u)
}

// synthBackground is a sloped and curved background in counts: a constant
// 120, a slope of 0.8 counts per degree and a low-angle decay of 250 counts
// with a 12° scale length, the shape of air scatter plus a rising
// Compton/fluorescence level.
func synthBackground(x float64) float64 {
	return 120 + 0.8*(x-10) + 250*math.Exp(-(x-10)/12)
}

// heightFor returns the net height H that is s standard deviations of the
// counts at the top, s = H/√(B+H): the positive root of H² − s²H − s²B = 0.
func heightFor(s, b float64) float64 {
	return (s*s + math.Sqrt(s*s*s*s+4*s*s*b)) / 2
}

// synthConfig describes a synthetic scan.
type synthConfig struct {
	from, to, step float64 // 2θ range and step, degrees
	fwhm0, fwhm1   float64 // FWHM = fwhm0 + fwhm1·2θ (degrees), a linearised Caglioti width
	npeaks         int
	minSig, maxSig float64 // peak heights log-uniform in [minSig, maxSig] σ
	sep            float64 // minimum separation of peaks, in FWHM
}

// synth builds a scan with Poisson noise from a fixed seed. The peaks are
// kept away from the ends by 5 FWHM so that all are measurable.
func synth(cfg synthConfig, seed uint64) (*diffraction.Scan, []truePeak) {
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	width := func(x float64) float64 { return cfg.fwhm0 + cfg.fwhm1*x }
	var tp []truePeak
	for tries := 0; len(tp) < cfg.npeaks && tries < 100*cfg.npeaks; tries++ {
		pos := cfg.from + 5*width(cfg.from) + rng.Float64()*(cfg.to-cfg.from-10*width(cfg.to))
		w := width(pos)
		if slices.ContainsFunc(tp, func(p truePeak) bool { return math.Abs(p.pos-pos) < cfg.sep*math.Max(w, p.fwhm) }) {
			continue
		}
		sig := cfg.minSig * math.Pow(cfg.maxSig/cfg.minSig, rng.Float64())
		h := heightFor(sig, synthBackground(pos))
		tp = append(tp, truePeak{pos: pos, height: h, fwhm: w, eta: 0.2 + 0.6*rng.Float64(), sigmas: sig})
	}
	slices.SortFunc(tp, func(a, b truePeak) int { return cmp.Compare(a.pos, b.pos) })
	n := int(math.Round((cfg.to-cfg.from)/cfg.step)) + 1
	s := &diffraction.Scan{TwoTheta: make([]float64, n), Intensity: make([]float64, n)}
	for i := range n {
		x := cfg.from + float64(i)*cfg.step
		mu := synthBackground(x)
		for _, p := range tp {
			if math.Abs(x-p.pos) < 50*p.fwhm { // Lorentzian tail beyond 50 FWHM < 1e-4 of the height
				mu += p.height * pseudoVoigt(x, p.pos, p.fwhm, p.eta)
			}
		}
		s.TwoTheta[i] = x
		s.Intensity[i] = poisson(rng, mu)
	}
	return s, tp
}

// poisson draws a Poisson deviate of mean mu: by Knuth's product of
// uniforms for small means and by the normal approximation, rounded and
// clipped at zero, for means above 50 (where its skewness 1/√mu < 0.15 is
// irrelevant to a peak search).
func poisson(rng *rand.Rand, mu float64) float64 {
	if mu > 50 {
		return math.Max(0, math.Round(mu+math.Sqrt(mu)*rng.NormFloat64()))
	}
	l, k, p := math.Exp(-mu), 0.0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
