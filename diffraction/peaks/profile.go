package peaks

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Profile names a peak profile function for fitting.
type Profile string

// The profiles. The zero value fits nothing: the peaks keep the search's
// measurements.
const (
	ProfileNone Profile = ""
	// ProfilePseudoVoigt is η·L + (1−η)·G, a Lorentzian and a Gaussian of
	// one FWHM (P. Thompson, D. E. Cox and J. B. Hastings, 1987, J. Appl.
	// Cryst. 20, 79–83), with the mixing η ∈ [0, 1] fitted per peak.
	ProfilePseudoVoigt Profile = "pseudo-voigt"
	// ProfilePearsonVII is [1 + (2^(1/m) − 1)·u²]^(−m) with u = 2(2θ −
	// 2θ₀)/FWHM (M. M. Hall, V. G. Veeraraghavan, H. Rubin and P. G.
	// Winchell, 1977, J. Appl. Cryst. 10, 66–68), Lorentzian at m = 1 and
	// Gaussian as m → ∞, with m fitted per peak.
	ProfilePearsonVII Profile = "pearson-vii"
)

// ParseProfile reads a profile name as typed on the command line: "none",
// "pv"/"pseudo-voigt", "p7"/"pearson-vii".
func ParseProfile(s string) (Profile, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return ProfileNone, nil
	case "pv", "pseudo-voigt", "pseudovoigt":
		return ProfilePseudoVoigt, nil
	case "p7", "pvii", "pearson-vii", "pearson7", "pearsonvii":
		return ProfilePearsonVII, nil
	}
	return "", fmt.Errorf("peaks: unknown profile %q (want none, pv or p7)", s)
}

// Shape limits: η of the pseudo-Voigt lies in [0, 1] by definition; m of
// the Pearson VII is kept within [0.6, 100]: its area is finite only for
// m > 1/2, and beyond 100 it is a Gaussian to 0.3 % anywhere.
const (
	minPearsonM = 0.6
	maxPearsonM = 100
)

// Fit describes the profile fit of one peak. The peak's TwoTheta, Height,
// FWHM and Area are the fitted ones when OK; the standard uncertainties
// come from the covariance matrix of the least-squares fit, (JᵀWJ)⁻¹,
// scaled by the reduced χ² of the fit (W. H. Press et al., Numerical
// Recipes, 3rd ed., 2007, §15.4–15.5), so that they hold for a misfit
// profile too.
type Fit struct {
	OK      bool    `json:"ok"`      // false: the fit failed and the peak keeps the search's values
	Profile Profile `json:"profile"` // the function fitted
	// Shape is η of the pseudo-Voigt or m of the Pearson VII.
	Shape float64 `json:"shape"`
	// Doublet is true when the Kα2 line was modelled with the Kα1 peak
	// (not stripped): the peak's values are those of Kα1 alone.
	Doublet bool `json:"doublet,omitempty"`
	// Group numbers the group of overlapping peaks fitted together.
	Group int     `json:"group"`
	Chi2  float64 `json:"chi2"` // reduced χ² of the group's fit

	SigmaTwoTheta float64 `json:"sigma_two_theta"`
	SigmaHeight   float64 `json:"sigma_height"`
	SigmaFWHM     float64 `json:"sigma_fwhm"`
	SigmaArea     float64 `json:"sigma_area"`
	SigmaShape    float64 `json:"sigma_shape"`
}

// profileArea returns the area of a profile of height h and FWHM w: for
// the pseudo-Voigt h·w·(η·π/2 + (1−η)·√(π/(4 ln 2))); for the Pearson VII
// h·w·√π·Γ(m−½) / (2·Γ(m)·√(2^(1/m)−1)) (Hall et al. 1977).
func profileArea(p Profile, h, w, s float64) float64 {
	if p == ProfilePearsonVII {
		lg1, _ := math.Lgamma(s - 0.5)
		lg2, _ := math.Lgamma(s)
		return h * w * math.Sqrt(math.Pi) * math.Exp(lg1-lg2) / (2 * math.Sqrt(math.Exp2(1/s)-1))
	}
	return h * w * (s*math.Pi/2 + (1-s)*gaussArea)
}

// clampShape keeps s within its limits.
func clampShape(p Profile, s float64) float64 {
	if p == ProfilePearsonVII {
		return math.Max(minPearsonM, math.Min(maxPearsonM, s))
	}
	return math.Max(0, math.Min(1, s))
}

// initialShape is where the fit starts: an even mix for the pseudo-Voigt,
// m = 2 for the Pearson VII (between Lorentzian and Gaussian, near the
// values laboratory peaks take).
func initialShape(p Profile) float64 {
	if p == ProfilePearsonVII {
		return 2
	}
	return 0.5
}

// group is a set of overlapping peaks fitted together over the points
// [i0, i1).
type group struct {
	peaks  []int // indices into the peak list
	i0, i1 int
}

// fitWindow is the half-width, in FWHM, of the data fitted around each
// peak: ±2.5 FWHM hold 99.9 % of a Gaussian's and 87 % of a Lorentzian's
// area, enough to fix the shape, while keeping the groups small.
const fitWindow = 2.5

// maxGroup is the most peaks fitted together. The cost of a step grows as
// the cube of the number of parameters; a longer run of overlapping peaks
// is cut into groups of this size, whose neighbours' tails then fall on
// the group's linear background term.
const maxGroup = 8

// fitProfiles fits the profile to every peak of pk (sorted by 2θ), in
// groups of overlapping peaks, on the net signal net at x with point
// standard deviations sig. w is used to model the Kα2 line of every peak
// when doublet is true. Peaks whose fit succeeds get the fitted values;
// the others keep theirs. It returns one Fit per peak.
func fitProfiles(prof Profile, x, net, sig []float64, pk []diffraction.Peak, w diffraction.Wavelength, doublet bool) []Fit {
	fits := make([]Fit, len(pk))
	if len(pk) == 0 {
		return fits
	}
	// Windows and groups.
	var groups []group
	for j, p := range pk {
		lo, hi := p.TwoTheta-fitWindow*p.FWHM, p.TwoTheta+fitWindow*p.FWHM
		if doublet {
			if x2, ok := Ka2Shift(p.TwoTheta, w); ok {
				hi = x2 + fitWindow*p.FWHM
			}
		}
		i0, i1 := lowerBound(x, lo), lowerBound(x, hi)
		if n := len(groups); n > 0 && i0 < groups[n-1].i1 && len(groups[n-1].peaks) < maxGroup {
			g := &groups[n-1]
			g.peaks = append(g.peaks, j)
			g.i1 = max(g.i1, i1)
			continue
		}
		groups = append(groups, group{peaks: []int{j}, i0: i0, i1: i1})
	}
	// The groups are independent: each writes only its own peaks and
	// fits. With more than one processor and enough groups, workers take
	// groups in turn from a shared counter, each with its own scratch.
	workers := min(runtime.GOMAXPROCS(0), maxFitWorkers, len(groups)/minGroupsPerWorker)
	if workers <= 1 {
		var ws fitWork
		for gi, g := range groups {
			fitGroup(prof, gi, g, x, net, sig, pk, fits, w, doublet, &ws)
		}
		return fits
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var ws fitWork
			for {
				gi := int(next.Add(1) - 1)
				if gi >= len(groups) {
					return
				}
				fitGroup(prof, gi, groups[gi], x, net, sig, pk, fits, w, doublet, &ws)
			}
		})
	}
	wg.Wait()
	return fits
}

// maxFitWorkers is the most goroutines fitting groups at once, and
// minGroupsPerWorker the fewest groups worth a goroutine of their own
// (a group's fit takes some 10 µs, a goroutine's start about 1 µs, and a
// small scan gains nothing from being split).
const (
	maxFitWorkers      = 4
	minGroupsPerWorker = 16
)

// lowerBound returns the first index i with x[i] ≥ v.
func lowerBound(x []float64, v float64) int {
	lo, hi := 0, len(x)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x[m] < v {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func fitGroup(prof Profile, gi int, g group, x, net, sig []float64, pk []diffraction.Peak, fits []Fit, w diffraction.Wavelength, doublet bool, ws *fitWork) {
	for _, j := range g.peaks {
		fits[j] = Fit{Profile: prof, Group: gi, Doublet: doublet}
	}
	fp := &fitProblem{
		prof: prof, x: x[g.i0:g.i1], y: net[g.i0:g.i1], npk: len(g.peaks),
		doublet: doublet, w: w,
	}
	m, np := len(fp.x), fp.nPar()
	if m < np+2 {
		return // too few points to fit, let alone estimate errors
	}
	xc := 0.5 * (fp.x[0] + fp.x[m-1])
	ws.wt, ws.dx = grow(ws.wt, m), grow(ws.dx, m)
	fp.wt, fp.dx = ws.wt, ws.dx
	for i, s := range sig[g.i0:g.i1] {
		wt := 1 / math.Max(s, 1e-300)
		d := fp.x[i] - xc
		fp.wt[i], fp.dx[i] = wt, d
		w2 := wt * wt
		fp.bb[0] += w2
		fp.bb[1] += w2 * d
		fp.bb[2] += w2 * d * d
	}
	ws.par = grow(ws.par, np)
	par := ws.par
	clear(par) // the background terms start at 0
	for k, j := range g.peaks {
		p := pk[j]
		x0, h, fw := p.TwoTheta, p.Height, p.FWHM
		if doublet {
			// An unresolved doublet's maximum and width lean towards
			// Kα2: start from the Kα1 estimates of a pair of equal
			// widths split by Δ, the centroid shifted by R·Δ/(1+R) and
			// the width grown by about Δ/2.
			if x2, ok := Ka2Shift(x0, w); ok {
				if d := x2 - x0; d < fw {
					x0 -= w.Ratio / (1 + w.Ratio) * d
					fw = math.Max(fw/2, fw-d/2)
					h /= 1 + w.Ratio*math.Exp(-4*math.Ln2*d*d/(fw*fw))
				}
			}
		}
		par[4*k], par[4*k+1], par[4*k+2], par[4*k+3] = x0, h, fw, initialShape(prof)
	}
	ws.start = append(ws.start[:0], par...)
	fp.start = ws.start
	chi2, cov := levenbergMarquardt(fp, par, ws)
	dof := float64(m - np)
	red := chi2 / dof
	for k, j := range g.peaks {
		f := &fits[j]
		f.Chi2 = red
		x0, h, fw, s := par[4*k], par[4*k+1], par[4*k+2], par[4*k+3]
		area := profileArea(prof, h, fw, s)
		ok := cov != nil && h > 0 && finite(red) && finite(area)
		for _, v := range []float64{x0, h, fw, s} {
			ok = ok && finite(v)
		}
		// A peak pushed against a limit of its position or width has not
		// converged to a minimum of its own (usually a spurious search
		// peak absorbed by a neighbour): keep the search's values.
		st := fp.start[4*k : 4*k+4]
		ok = ok && math.Abs(x0-st[0]) < 0.99*st[2] && fw > 1.01*st[2]/5 && fw < 0.99*5*st[2]
		if !ok {
			continue
		}
		variance := func(p, q int) float64 { return red * math.Max(cov[(4*k+p)*np+4*k+q], 0) }
		// Area: σ_A² = gᵀ·C·g with g = ∂A/∂(H, FWHM, shape); A is
		// proportional to H and to FWHM, the shape derivative is numerical.
		ds := 1e-6 * math.Max(1, math.Abs(s))
		gArea := [3]float64{area / h, area / fw, (profileArea(prof, h, fw, s+ds) - profileArea(prof, h, fw, s-ds)) / (2 * ds)}
		va := 0.0
		for p := range 3 {
			for q := range 3 {
				va += gArea[p] * gArea[q] * red * cov[(4*k+1+p)*np+4*k+1+q]
			}
		}
		f.OK = true
		f.Shape = s
		f.SigmaTwoTheta = math.Sqrt(variance(0, 0))
		f.SigmaHeight = math.Sqrt(variance(1, 1))
		f.SigmaFWHM = math.Sqrt(variance(2, 2))
		f.SigmaShape = math.Sqrt(variance(3, 3))
		f.SigmaArea = math.Sqrt(math.Max(va, 0))
		pk[j].TwoTheta, pk[j].Height, pk[j].FWHM, pk[j].Area = x0, h, fw, area
	}
}
