package app

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
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
	return syntheticRange(n, wl, 5, 80)
}

// syntheticRange is synthetic over x0–x1° 2θ.
func syntheticRange(n int, wl diffraction.Wavelength, x0, x1 float64) *Analysis {
	const fwhm = 0.12
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
		b := 120 + 260*math.Exp(-(x-5)/9) + 40*math.Exp(-(x-26)*(x-26)/60) // amorphous hump
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

// fixtures are the fake database: the phases of the synthetic scan's
// candidates.
var fixtures = []*refdb.Phase{quartz, calcite, corundum, halite, hematite}

// Refined values the fake identification gives each fixture: weight
// fraction before normalising, and cell (Å, °), as the published
// structures have them.
var fakeFit = map[string]refine.PhaseResult{
	quartz.ID:   {WeightFraction: 0.642, Cell: crystal.Cell{A: 4.9134, B: 4.9134, C: 5.4052, Alpha: 90, Beta: 90, Gamma: 120}},
	calcite.ID:  {WeightFraction: 0.358, Cell: crystal.Cell{A: 4.9896, B: 4.9896, C: 17.061, Alpha: 90, Beta: 90, Gamma: 120}},
	corundum.ID: {WeightFraction: 0.05, Cell: crystal.Cell{A: 4.7589, B: 4.7589, C: 12.991, Alpha: 90, Beta: 90, Gamma: 120}},
	halite.ID:   {WeightFraction: 0.05, Cell: crystal.Cell{A: 5.6402, B: 5.6402, C: 5.6402, Alpha: 90, Beta: 90, Gamma: 90}},
	hematite.ID: {WeightFraction: 0.05, Cell: crystal.Cell{A: 5.0356, B: 5.0356, C: 13.7489, Alpha: 90, Beta: 90, Gamma: 120}},
}

func fixture(id string) *refdb.Phase {
	for _, p := range fixtures {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// fakeIdentify plays identify.Run on a, a synthetic analysis: the answer
// is the user's list when there is one, else the required phases and
// quartz and calcite unless rejected; a peak is explained when the phase
// that made it is in the answer.
func fakeIdentify(a *Analysis, f identify.Options) *identify.Result {
	var answer []*refdb.Phase
	required := map[string]bool{}
	if len(f.Phases) > 0 {
		for _, id := range f.Phases {
			answer = append(answer, fixture(id))
			required[id] = true
		}
	} else {
		for _, id := range f.Require {
			answer = append(answer, fixture(id))
			required[id] = true
		}
		for _, p := range []*refdb.Phase{quartz, calcite} {
			if !slices.Contains(f.Reject, p.ID) && !slices.Contains(answer, p) {
				answer = append(answer, p)
			}
		}
	}
	res := &identify.Result{Search: a.Match}
	fit := &refine.Result{Rwp: 0.0823, Rexp: 0.0597, GoF: 1.9, DurbinWatson: 1.2, N: a.Scan.Len(), P: 30,
		TwoTheta: a.Scan.TwoTheta, Observed: a.Scan.Intensity, Background: a.Background}
	total := 0.0
	for _, p := range answer {
		total += fakeFit[p.ID].WeightFraction
	}
	for _, p := range answer {
		pr := fakeFit[p.ID]
		pr.ID = p.ID
		pr.WeightFraction /= total
		pr.WeightFractionESD = 0.004
		pr.CellESD = crystal.Cell{A: 0.0002, B: 0.0002, C: 0.0015}
		pr.Size, pr.SizeESD = 85, 6
		fit.Phases = append(fit.Phases, pr)
	}
	res.Fit = fit
	for i, p := range answer {
		res.Phases = append(res.Phases, identify.Phase{Entry: p, Fit: &fit.Phases[i], Required: required[p.ID]})
		d := identify.Decision{ID: p.ID, Name: p.DisplayName(), Verdict: identify.Accepted, Reason: "Rwp 0.31 → 0.12; F test p < 1e-15"}
		if required[p.ID] {
			d.Verdict, d.Reason = identify.Required, "required"
		}
		res.Decisions = append(res.Decisions, d)
	}
	for _, id := range f.Reject {
		if p := fixture(id); p != nil {
			res.Decisions = append(res.Decisions, identify.Decision{ID: id, Name: p.DisplayName(), Verdict: identify.UserRejects, Reason: "never considered"})
		}
	}
	for _, p := range []*refdb.Phase{corundum, halite, hematite} {
		if !slices.Contains(answer, p) && !slices.Contains(f.Reject, p.ID) {
			res.Decisions = append(res.Decisions, identify.Decision{ID: p.ID, Name: p.DisplayName(), Verdict: identify.Rejected, Reason: "F test p = 0.4"})
		}
	}
	res.Peaks = make([]identify.PeakExplanation, len(a.Peaks))
	var sum, left float64
	for ci, c := range a.Match.Candidates[:2] { // the peaks quartz (0) and calcite (1) made
		j := slices.Index(answer, fixtures[ci])
		for _, pr := range c.Pairs {
			x := &res.Peaks[pr.Peak]
			pk := a.Peaks[pr.Peak]
			sum += pk.Area
			if j >= 0 {
				x.Explained, x.Phases = 1, []int{j}
				continue
			}
			x.Unexplained = true
			left += pk.Area
			res.UnexplainedPeaks++
			res.StrongestUnexplained = max(res.StrongestUnexplained, pk.RelIntensity)
		}
	}
	res.UnexplainedIntensity = left / sum
	return res
}

// fakeServices serves synthetic scans: any path reads the synthetic scan
// (over the 2θ range given in ranges, in parts scans parts), except paths
// in fail, which give their error; analyses are the synthetic scan's,
// with the identification of fakeIdentify. It records the options of
// every analysis.
type fakeServices struct {
	mu       sync.Mutex
	n        int
	wl       diffraction.Wavelength
	fail     map[string]error
	ranges   map[string][2]float64
	parts    map[string]int
	exported []string
	calls    []fakeCall
	reads    int
	// gate, when set, is called in the n-th analysis (1-based, peaks and
	// identifications counted alike) once it has reported its first
	// stage; an error stops the analysis.
	gate func(ctx context.Context, n int) error
	// ident, when set, is every analysis's whole-pattern identification.
	ident *identify.Result
}

// fakeCall is one analysis ("" path: the demo), its options and the last
// stage it was asked for ("" for all of them).
type fakeCall struct {
	path  string
	opt   analysis.Options
	until string
}

// lastCall returns the most recent identification (an analysis through
// every stage); ok is false if there was none.
func (f *fakeServices) lastCall() (c fakeCall, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := len(f.calls) - 1; i >= 0; i-- {
		if f.calls[i].until == "" {
			return f.calls[i], true
		}
	}
	return fakeCall{}, false
}

// ncalls counts the identifications (analyses through every stage).
func (f *fakeServices) ncalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c.until == "" {
			n++
		}
	}
	return n
}

// nanalyses counts every analysis, peaks only or whole.
func (f *fakeServices) nanalyses() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

func newFake() *fakeServices {
	wl := diffraction.CuKa
	wl.Source = diffraction.FromFile
	return &fakeServices{n: 3751, wl: wl, fail: map[string]error{}, ranges: map[string][2]float64{}, parts: map[string]int{}}
}

// read serves Services.Read.
func (f *fakeServices) read(path, format string) ([]*diffraction.Scan, string, error) {
	f.mu.Lock()
	f.reads++
	err, wl, n := f.fail[path], f.wl, f.n
	r, ok := f.ranges[path]
	parts := max(f.parts[path], 1)
	f.mu.Unlock()
	if err != nil {
		return nil, "", err
	}
	if !ok {
		r = [2]float64{5, 80}
	}
	var scans []*diffraction.Scan
	w := (r[1] - r[0]) / float64(parts)
	for k := range parts {
		s := syntheticRange(n/parts, wl, r[0]+w*float64(k), r[0]+w*float64(k+1)).Scan
		s.Meta = map[string]string{"counting_time": "1"}
		scans = append(scans, s)
	}
	format = "xy"
	if path == "" {
		format = "demo"
	}
	return scans, format, nil
}

// analyse serves Services.Analyse: the synthetic analysis of s, after the
// stages a pipeline reports.
func (f *fakeServices) analyse(ctx context.Context, file string, s *diffraction.Scan, opt analysis.Options, until string, progress analysis.Progress) (*Analysis, error) {
	path := file
	if file == analysis.DemoFile {
		path = ""
	}
	f.mu.Lock()
	f.calls = append(f.calls, fakeCall{path, opt, until})
	n := len(f.calls)
	f.mu.Unlock()
	stages := []string{analysis.StagePeaks}
	if until == "" {
		stages = append(stages, analysis.StageIdentify)
	}
	for i, st := range stages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		progress(st, float64(i)/2)
		if i == 0 && f.gate != nil {
			if err := f.gate(ctx, n); err != nil {
				return nil, err
			}
		}
	}
	analysis.ResolveWavelength(s, opt.Wavelength)
	a := syntheticRange(s.Len(), s.Wavelength, s.TwoTheta[0], s.TwoTheta[s.Len()-1])
	a.File, a.Scan = file, s
	switch {
	case until == analysis.StagePeaks:
		a.Match = match.Result{}
	case opt.Fit.PeaksOnly:
		a.Match.Candidates = a.Match.Candidates[:min(len(a.Match.Candidates), opt.Match.Top)]
	case f.ident != nil: // a real fit a test gives
		a.Identification = f.ident
		a.Match.Phases = nil
	default:
		a.Identification = fakeIdentify(a, opt.Fit)
		a.Match.Phases = nil
	}
	progress(analysis.StageDone, 1)
	return a, nil
}

// services are the window's services served by f.
func (f *fakeServices) services() Services {
	return Services{Read: f.read, Analyse: f.analyse, Export: f.Export, Version: "test"}
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
