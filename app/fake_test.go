package app

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"sort"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Reference lines (d in Å, I relative) for a few common phases, rounded
// from the ICDD-style stick patterns of quartz, calcite, corundum, halite
// and hematite. Only the pattern's look depends on them.
var (
	quartz = &refdb.Phase{ID: "test:quartz", Name: "Silicon dioxide", Mineral: "Quartz", Formula: "SiO2",
		Lines: lines(4.2550, 22, 3.3435, 100, 2.4569, 8, 2.2815, 8, 2.2361, 4, 2.1277, 6, 1.9799, 4,
			1.8180, 14, 1.6717, 4, 1.5415, 9, 1.3820, 6, 1.3752, 7, 1.3718, 8)}
	calcite = &refdb.Phase{ID: "test:calcite", Name: "Calcium carbonate", Mineral: "Calcite", Formula: "CaCO3",
		Lines: lines(3.8550, 9, 3.0355, 100, 2.8445, 3, 2.4950, 14, 2.2846, 18, 2.0948, 18, 1.9126, 17,
			1.8752, 17, 1.6259, 4, 1.6040, 8, 1.5247, 4, 1.5098, 3, 1.4400, 5, 1.4220, 3)}
	corundum = &refdb.Phase{ID: "test:corundum", Name: "Aluminium oxide", Mineral: "Corundum", Formula: "Al2O3",
		Lines: lines(3.479, 45, 2.552, 100, 2.379, 21, 2.085, 66, 1.740, 34, 1.601, 89, 1.510, 7, 1.374, 27)}
	halite = &refdb.Phase{ID: "test:halite", Name: "Sodium chloride", Mineral: "Halite", Formula: "NaCl",
		Lines: lines(3.258, 13, 2.821, 100, 1.994, 55, 1.628, 15, 1.410, 6)}
	hematite = &refdb.Phase{ID: "test:hematite", Name: "Iron(III) oxide", Mineral: "Hematite", Formula: "Fe2O3",
		Lines: lines(3.684, 30, 2.700, 100, 2.519, 70, 2.207, 20, 1.840, 40, 1.694, 45, 1.486, 30, 1.453, 30)}
)

func lines(di ...float64) []refdb.Line {
	var out []refdb.Line
	for i := 0; i+1 < len(di); i += 2 {
		out = append(out, refdb.Line{D: di[i], I: di[i+1]})
	}
	return out
}

// synthetic builds an analysed scan of n points from 5° to 80° 2θ: quartz
// and calcite as Gaussian peaks (FWHM 0.12°) on a decaying background with
// Poisson-like noise, the peaks found exactly, and a match result with the
// two phases identified and three more candidates.
func synthetic(n int, wl diffraction.Wavelength) *Analysis {
	const x0, x1, fwhm = 5.0, 80.0, 0.12
	lambda := wl.Ka1
	if !wl.Known() {
		lambda = diffraction.CuKa.Ka1
	}
	type gen struct {
		ph    *refdb.Phase
		scale float64 // counts per unit of relative intensity
	}
	gens := []gen{{quartz, 60}, {calcite, 28}}
	s := &diffraction.Scan{TwoTheta: make([]float64, n), Intensity: make([]float64, n), Wavelength: wl}
	bg := make([]float64, n)
	rng := rand.New(rand.NewPCG(1, 2))
	sigma := fwhm / (2 * math.Sqrt(2*math.Ln2))
	type peak struct {
		p     diffraction.Peak
		ph    int
		line  int
		delta float64
	}
	var pk []peak
	for gi, g := range gens {
		for li, l := range g.ph.Lines {
			tt, ok := diffraction.TwoTheta(l.D, lambda)
			if !ok || tt < x0 || tt > x1 {
				continue
			}
			h := l.I * g.scale
			pk = append(pk, peak{p: diffraction.Peak{TwoTheta: tt, D: l.D, Height: h, FWHM: fwhm,
				Area: h * fwhm * 1.0645}, ph: gi, line: li})
		}
	}
	for i := range n {
		x := x0 + (x1-x0)*float64(i)/float64(n-1)
		b := 120 + 260*math.Exp(-(x-x0)/9) + 40*math.Exp(-(x-26)*(x-26)/60) // amorphous hump
		y := b
		for _, p := range pk {
			dx := x - p.p.TwoTheta
			if math.Abs(dx) < 8*sigma {
				y += p.p.Height * math.Exp(-dx*dx/(2*sigma*sigma))
			}
		}
		s.TwoTheta[i], bg[i] = x, b
		s.Intensity[i] = math.Max(0, y+rng.NormFloat64()*math.Sqrt(y))
	}
	sort.Slice(pk, func(i, j int) bool { return pk[i].p.TwoTheta < pk[j].p.TwoTheta })
	top := 0.0
	for _, p := range pk {
		top = math.Max(top, p.p.Height)
	}
	a := &Analysis{File: "/data/synthetic.xy", Format: "xy", Scan: s, Background: bg}
	cands := []match.Candidate{
		// Scales as match gives them: onto relative areas, strongest 100.
		{Phase: quartz, FOM: 92.4, Scale: 1, WeightPercent: 64.2},
		{Phase: calcite, FOM: 85.1, Scale: gens[1].scale / gens[0].scale, WeightPercent: 35.8},
		{Phase: corundum, FOM: 31.0, Scale: 0.2},
		{Phase: halite, FOM: 22.5, Scale: 0.15},
		{Phase: hematite, FOM: 18.3, Scale: 0.1},
	}
	for i, p := range pk {
		p.p.RelIntensity = 100 * p.p.Height / top
		a.Peaks = append(a.Peaks, p.p)
		c := &cands[p.ph]
		c.Pairs = append(c.Pairs, match.Pair{Peak: i, Line: p.line})
	}
	a.Match = match.Result{Phases: cands[:2], Candidates: cands}
	return a
}

// fakeServices serves synthetic analyses: any path opens the synthetic
// scan, except paths in fail, which give their error. It records the
// options of every analysis.
type fakeServices struct {
	mu       sync.Mutex
	n        int
	wl       diffraction.Wavelength
	fail     map[string]error
	exported []string
	calls    []fakeCall
	// gate, when set, is called in the n-th analysis (1-based) once it
	// has reported its first stage; an error stops the analysis.
	gate func(ctx context.Context, n int) error
	// ident, when set, is every analysis's whole-pattern identification.
	ident *identify.Result
}

// fakeCall is one analysis ("" path: the demo) and its options.
type fakeCall struct {
	path string
	opt  analysis.Options
}

// lastCall returns the most recent analysis call; ok is false if there
// was none.
func (f *fakeServices) lastCall() (c fakeCall, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return fakeCall{}, false
	}
	return f.calls[len(f.calls)-1], true
}

func (f *fakeServices) ncalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func newFake() *fakeServices {
	wl := diffraction.CuKa
	wl.Source = diffraction.FromFile
	return &fakeServices{n: 3751, wl: wl, fail: map[string]error{}}
}

// analyse serves Services.Analyse: the synthetic scan for any path ("" is
// the demo), after the stages a pipeline reports.
func (f *fakeServices) analyse(ctx context.Context, path string, opt analysis.Options, progress analysis.Progress) (*Analysis, error) {
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{path, opt})
	err, wl, n := f.fail[path], f.wl, len(f.calls)
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	for i, st := range []string{analysis.StagePeaks, analysis.StageIdentify} {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(st, 0)
		if i == 0 && f.gate != nil {
			if err := f.gate(ctx, n); err != nil {
				return nil, err
			}
		}
	}
	if opt.Wavelength.Known() { // as analysis.ResolveWavelength does
		wl = opt.Wavelength
		wl.Source = diffraction.FromFlag
	}
	a := synthetic(f.n, wl)
	a.Identification = f.ident
	a.File = path
	if path == "" {
		a.Format = "demo"
	}
	a.Settings = opt.Settings()
	return a, nil
}

// services are the window's services served by f.
func (f *fakeServices) services() Services {
	return Services{Analyse: f.analyse, Export: f.Export, Version: "test"}
}

func (f *fakeServices) Export(path string, a *Analysis) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a == nil {
		return errors.New("fake: nothing to export")
	}
	f.exported = append(f.exported, path)
	return nil
}
