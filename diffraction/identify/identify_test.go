package identify

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// The demo's three phases (bundled database IDs).
const (
	quartz   = "cod:5000035"
	calcite  = "cod:9009668"
	corundum = "cod:1000017"
)

func bundled(t testing.TB) *refdb.DB {
	t.Helper()
	db, err := assets.RefDB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// synthetic simulates a Cu Kα scan (10–90° in 0.02° steps) of a mixture
// with the given weight fractions, from the engine's own unit-scale
// patterns (refine.Phase.Profile, default instrument, 150 nm crystallites):
// the scale of phase p is W_p/(ZMV)_p, the inverse of Hill & Howard's
// relation, times a constant that makes the strongest point about 8000
// counts above a background of 300 + 3000/2θ counts, with Poisson noise
// from a fixed seed.
func synthetic(t testing.TB, db *refdb.DB, weights map[string]float64, seed uint64) *diffraction.Scan {
	t.Helper()
	w := diffraction.CuKa
	w.Source = diffraction.FromFile
	inst := refine.DefaultInstrument(w)
	const lo, hi, step = 10.0, 90.0, 0.02
	n := int(math.Round((hi-lo)/step)) + 1
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + float64(i)*step
	}
	calc := make([]float64, n)
	for id, wf := range weights {
		e := db.Get(id)
		if e == nil {
			t.Fatalf("%s not in the database", id)
		}
		ph, err := refine.NewPhase(id, &e.Structure, inst, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		prof, err := ph.Profile(x, inst, 150, peaks.Axis{})
		if err != nil {
			t.Fatal(err)
		}
		v := e.Structure.Volume()
		zmv := e.Structure.Density() * v * v
		for i := range calc {
			calc[i] += wf / zmv * prof[i]
		}
	}
	top := slices.Max(calc)
	if top == 0 {
		top = 1 // no phase: background and noise alone
	}
	rng := rand.New(rand.NewPCG(seed, 1912))
	s := &diffraction.Scan{TwoTheta: x, Intensity: make([]float64, n), Wavelength: w}
	for i := range x {
		mu := 300 + 3000/x[i] + 8000*calc[i]/top
		s.Intensity[i] = math.Max(0, math.Round(mu+math.Sqrt(mu)*rng.NormFloat64()))
	}
	return s
}

// selection is the phases db as a database that a search reads: their
// library, whole.
func selection(t testing.TB, db []refdb.Phase) *refdb.Selection {
	t.Helper()
	whole := &refdb.DB{Version: "test", Phases: db}
	lib, err := refdb.NewStore(func() (*refdb.DB, error) { return whole, nil }, "").Library()
	if err != nil {
		t.Fatal(err)
	}
	sel, err := lib.Select(refdb.Subset{})
	if err != nil {
		t.Fatal(err)
	}
	return sel
}

func run(t testing.TB, s *diffraction.Scan, db []refdb.Phase, opt Options) (*Result, []diffraction.Peak) {
	t.Helper()
	pk, err := peaks.Find(s, peaks.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), s, pk.Peaks, selection(t, db), match.DefaultOptions(), opt, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res, pk.Peaks
}

func ids(res *Result) []string {
	var out []string
	for _, p := range res.Phases {
		out = append(out, p.Entry.ID)
	}
	slices.Sort(out)
	return out
}

// A simulated quartz 50 / calcite 30 / corundum 20 wt% mixture is
// identified as exactly those three phases, and their fractions recovered
// within 1 wt% (the simulation has no microabsorption, so the correction
// is off: ParticleSize 0).
func TestSyntheticMixture(t *testing.T) {
	db := bundled(t)
	truth := map[string]float64{quartz: 0.5, calcite: 0.3, corundum: 0.2}
	opt := DefaultOptions()
	opt.ParticleSize = 0
	res, _ := run(t, synthetic(t, db, truth, 1), db.Phases, opt)
	for _, d := range res.Decisions {
		t.Logf("%s %s: %s", d.ID, d.Verdict, d.Reason)
	}
	if got, want := ids(res), []string{corundum, quartz, calcite}; !slices.Equal(got, want) {
		t.Fatalf("identified %v, want %v", got, want)
	}
	for _, p := range res.Phases {
		if d := p.Fit.WeightFraction - truth[p.Entry.ID]; math.Abs(d) > 0.01 {
			t.Errorf("%s: %.2f wt%%, simulated %.0f", p.Entry.ID, 100*p.Fit.WeightFraction, 100*truth[p.Entry.ID])
		}
	}
	if res.UnexplainedPeaks != 0 {
		t.Errorf("%d peaks unexplained", res.UnexplainedPeaks)
	}
}

// With calcite taken out of the database, the same scan is explained by
// quartz and corundum alone, no other phase is forced onto calcite's
// peaks, and they are reported unexplained — calcite's 104 line at
// 29.4° 2θ, the strongest peak of the scan, among them.
func TestPhaseNotInDatabase(t *testing.T) {
	db := bundled(t)
	truth := map[string]float64{quartz: 0.5, calcite: 0.3, corundum: 0.2}
	var without []refdb.Phase
	for _, p := range db.Phases {
		if p.ID != calcite {
			without = append(without, p)
		}
	}
	res, obs := run(t, synthetic(t, db, truth, 2), without, DefaultOptions())
	for _, d := range res.Decisions {
		t.Logf("%s %s: %s", d.ID, d.Verdict, d.Reason)
	}
	if got, want := ids(res), []string{corundum, quartz}; !slices.Equal(got, want) {
		t.Errorf("identified %v, want %v", got, want)
	}
	var at104 bool
	for i, e := range res.Peaks {
		at104 = at104 || e.Unexplained && math.Abs(obs[i].TwoTheta-29.41) < 0.1
	}
	if res.UnexplainedPeaks < 3 || !at104 || res.UnexplainedIntensity < 0.1 {
		t.Errorf("%d peaks unexplained (calcite 104 among them: %v), %.0f %% of the intensity: calcite's peaks should be",
			res.UnexplainedPeaks, at104, 100*res.UnexplainedIntensity)
	}
}

// A scan of background and counting noise alone identifies nothing.
func TestNothingToIdentify(t *testing.T) {
	db := bundled(t)
	s := synthetic(t, db, nil, 3)
	res, _ := run(t, s, db.Phases, DefaultOptions())
	if len(res.Phases) != 0 {
		t.Errorf("identified %v in background noise", ids(res))
	}
}

// A phase the user requires is in the model even when the data do not
// want it, and one the user rejects is never considered.
func TestRequireReject(t *testing.T) {
	db := bundled(t)
	truth := map[string]float64{quartz: 0.5, calcite: 0.3, corundum: 0.2}
	opt := DefaultOptions()
	opt.Reject = []string{corundum}
	opt.Require = []string{"cod:9008693"} // bunsenite NiO, absent
	res, _ := run(t, synthetic(t, db, truth, 4), db.Phases, opt)
	for _, d := range res.Decisions {
		t.Logf("%s %s: %s", d.ID, d.Verdict, d.Reason)
	}
	got := ids(res)
	if slices.Contains(got, corundum) || !slices.Contains(got, "cod:9008693") || !slices.Contains(got, quartz) {
		t.Errorf("identified %v", got)
	}
	if res.Phases[0].Entry.ID != "cod:9008693" || !res.Phases[0].Required {
		t.Errorf("the required phase is not first and marked: %+v", res.Phases[0].Entry.ID)
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []func(*Options){
		func(o *Options) { o.Pool = 0 },
		func(o *Options) { o.Alpha = 0 },
		func(o *Options) { o.ParticleSize = -1 },
		func(o *Options) { o.StandardWeight = 0.1 },
		func(o *Options) { o.Require, o.Reject = []string{"x"}, []string{"x"} },
		func(o *Options) { o.Orientation = map[string][3]int{quartz: {}} },
	} {
		opt := DefaultOptions()
		o(&opt)
		if opt.Validate() == nil {
			t.Errorf("%+v accepted", opt)
		}
	}
}

// The user's own list is refined as it is, with the preferred orientation
// asked for: quartz's (101) platelets in a simulated mixture without
// texture refine to r = 1 (March–Dollase: 1 is no preferred orientation;
// the simulation has none) within three standard uncertainties.
func TestRefineListOrientation(t *testing.T) {
	db := bundled(t)
	truth := map[string]float64{quartz: 0.5, calcite: 0.3, corundum: 0.2}
	opt := DefaultOptions()
	opt.Phases = []string{quartz, calcite, corundum}
	opt.Orientation = map[string][3]int{quartz: {1, 0, 1}}
	opt.ParticleSize = 0
	res, _ := run(t, synthetic(t, db, truth, 5), db.Phases, opt)
	if len(res.Phases) != 3 {
		t.Fatalf("%d phases refined", len(res.Phases))
	}
	q := res.Phases[0].Fit
	if q.Orientation != [3]int{1, 0, 1} || !(q.POESD > 0) || math.Abs(q.PO-1) > 3*q.POESD {
		t.Errorf("quartz: orientation %v, r = %.3f ± %.3f (want about 1)", q.Orientation, q.PO, q.POESD)
	}
	for _, p := range res.Phases {
		if d := p.Fit.WeightFraction - truth[p.Entry.ID]; math.Abs(d) > 0.01 {
			t.Errorf("%s: %.2f wt%%, simulated %.0f", p.Entry.ID, 100*p.Fit.WeightFraction, 100*truth[p.Entry.ID])
		}
	}
}

// A candidate with more reflections in the scan's range than a phase may
// have (boulangerite, a = 21.6 Å, over d ≥ 0.14 Å: a 0.2 Å scan to 90°)
// is recorded as not refined and left out, and the identification goes
// on: a synchrotron scan failed whole on such a candidate.
func TestCandidateTooManyReflections(t *testing.T) {
	db := bundled(t)
	const boulangerite = "cod:9014250"
	p := db.Get(boulangerite)
	if p == nil {
		t.Fatalf("%s not in the database", boulangerite)
	}
	s := synthetic(t, db, map[string]float64{quartz: 1}, 1)
	s.Wavelength = diffraction.Wavelength{Ka1: 0.2, Source: diffraction.FromFile}
	r, err := newRunner(context.Background(), s, nil, selection(t, []refdb.Phase{*p}), match.DefaultOptions(), DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.addCandidate(match.Candidate{Phase: p, FOM: 50})
	if err != nil || c != nil {
		t.Fatalf("addCandidate: %v, %v; want no candidate and no error", c, err)
	}
	if len(r.decisions) != 1 || r.decisions[0].Verdict != FitFailed || !strings.Contains(r.decisions[0].Reason, "too many reflections in the scan's range") {
		t.Errorf("decisions %+v", r.decisions)
	}
}

// TestKeepOver keeps magnetite over a look-alike spinel that fits better
// (CoFe2O4: the case of a spinel the database lacks, fitted by the next
// spinels better than by the one the peak search ranks first): the
// chemistry is left open unless the elements are the same, the refined
// lattice is magnetite's own, or the look-alike's prior rules it out.
func TestKeepOver(t *testing.T) {
	db := bundled(t)
	fe, co := db.Get("cod:9007644"), db.Get("cod:5910063")
	if fe == nil || co == nil {
		t.Fatal("magnetite or CoFe2O4 missing from the bundled database")
	}
	cand := func(p *refdb.Phase) *candidate {
		return &candidate{entry: p, phase: &refine.Phase{Structure: &p.Structure, CellBound: 0.005}}
	}
	at := func(p *refdb.Phase, strain float64) *refine.PhaseResult {
		c := p.Structure.Cell
		c.A, c.B, c.C = c.A*(1+strain), c.B*(1+strain), c.C*(1+strain)
		return &refine.PhaseResult{Cell: c}
	}
	// Both refined to a lattice 0.7 % larger than magnetite's, within
	// their bounds: nothing but the ranking keeps magnetite.
	refined := fe.Structure.Cell.A * 1.007
	onRefined := func(p *refdb.Phase) *refine.PhaseResult { return at(p, refined/p.Structure.Cell.A-1) }
	a, b := cand(fe), cand(co)
	a.phase.CellBound, b.phase.CellBound = 0.012, 0.012
	keepOver(a, b, onRefined(fe), onRefined(co), true)
	if len(a.alike) != 1 || a.alike[0] != co {
		t.Errorf("magnetite kept over a better CoFe2O4: look-alikes %v, want CoFe2O4", a.alike)
	}
	// Another entry of magnetite leaves nothing open.
	same := *fe
	same.ID = "test:magnetite"
	d := cand(&same)
	d.phase.CellBound = 0.012
	keepOver(d, a, onRefined(&same), onRefined(fe), true)
	if len(d.alike) != 0 {
		t.Errorf("another magnetite entry: %v", d.alike)
	}
	// The data measured magnetite's lattice: CoFe2O4 was held at its
	// bound, magnetite's database cell is the refined one.
	e, f := cand(fe), cand(co)
	keepOver(e, f, at(fe, 0), at(co, 0.005), true)
	if len(e.alike) != 0 {
		t.Errorf("magnetite's own lattice measured: %v", e.alike)
	}
	// A look-alike the prior rules out (Unlikely: an element with no
	// stable isotope) leaves nothing open.
	tc := *co
	tc.ID, tc.Elements = "test:tc-spinel", []string{"Fe", "O", "Tc"}
	g, h := cand(fe), cand(&tc)
	g.phase.CellBound, h.phase.CellBound = 0.012, 0.012
	keepOver(g, h, onRefined(fe), onRefined(&tc), true)
	if len(g.alike) != 0 {
		t.Errorf("an unlikely look-alike: %v", g.alike)
	}
	// The look-alikes the phase kept out was kept over come along.
	k := cand(&same)
	k.phase.CellBound = 0.012
	bb := cand(co)
	bb.phase.CellBound = 0.012
	ni := db.Get("cod:5910064")
	bb.alike = []*refdb.Phase{ni, fe}
	keepOver(k, bb, onRefined(&same), onRefined(co), true)
	if len(k.alike) != 2 || k.alike[0] != co || k.alike[1] != ni {
		t.Errorf("look-alikes %v, want CoFe2O4 and the NiFe2O4 it was kept over (not magnetite)", k.alike)
	}
}

// TestPrior: the points of the documented priors on bundled entries. An
// idealised zeolite framework (computed and an empty open framework) is
// Unlikely; quartz, a dense silica and a common phase, is not; gibbsite,
// Al(OH)3, as open as a zeolite, is no framework of tetrahedra; an
// element alone in an oxide sample is Unlikely.
func TestPrior(t *testing.T) {
	db := bundled(t)
	for _, c := range []struct {
		id    string
		oxide bool
		want  int
		why   string
	}{
		{"avogadro-crystals:mtw", true, 2, "a computed structure, an empty open framework (no cations, template or water)"},
		{"avogadro-crystals:svr", false, 2, "a computed structure, an empty open framework (no cations, template or water)"},
		{quartz, true, -1, "a common laboratory phase"},
		{"bragg:gibbsite", true, -1, "a common laboratory phase"},
		{"cod:9008538", true, 2, "an element alone in an oxide sample"},
		// TiOF5 would need Ti(VII) even with its O an ozonide's (−1/3).
		{"xrd-autoanalyzer-mp-refs:tiof5-15", true, 2, "a computed structure, no oxidation states balance its formula"},
	} {
		p := db.Get(c.id)
		if p == nil {
			t.Errorf("%s missing", c.id)
			continue
		}
		got, why := Prior(p, c.oxide)
		if got != c.want || strings.Join(why, ", ") != c.why {
			t.Errorf("%s: prior %d (%q), want %d (%q)", c.id, got, why, c.want, c.why)
		}
	}
}

// TestNarrowed scales the default laboratory instrument to a synchrotron
// scan's lines (0.012° at 2θ 8–30°, λ 0.41 Å: a sixth of the default's
// width there) and leaves it for a laboratory scan's (0.06°).
func TestNarrowed(t *testing.T) {
	w := diffraction.Wavelength{Ka1: 0.413, Source: diffraction.FromFile}
	def := refine.DefaultInstrument(w)
	peaksOf := func(fwhm float64) []diffraction.Peak {
		var ps []diffraction.Peak
		for tt := 8.0; tt <= 30; tt += 2 {
			ps = append(ps, diffraction.Peak{TwoTheta: tt, FWHM: fwhm, Height: 100})
		}
		return ps
	}
	if got := narrowed(def, peaksOf(0.06)); got != def {
		t.Errorf("a laboratory scan's lines changed the instrument: %+v", got)
	}
	got := narrowed(def, peaksOf(0.012))
	tan := math.Tan(20 * math.Pi / 360) // the median peak: 2θ 20°
	width := func(in refine.Instrument) float64 { return math.Sqrt(in.U*tan*tan + in.V*tan + in.W) }
	if r := width(got) / width(def); math.Abs(r*width(def)-0.012) > 0.002 || got.SL >= def.SL/4 || !strings.Contains(got.Source, "scaled") || math.Abs(got.WidthScale-r) > 1e-9 {
		t.Errorf("narrowed: width %.4f° (default %.4f°), S/L %.4f, source %q", width(got), width(def), got.SL, got.Source)
	}
}

// TestChargeShort checks the charge balance of Prior on formulas whose
// chemistry is known: peroxides, superoxides, mixed valence, ferrate and
// perchlorate balance; TiOF5 (Ti would need +7), Li2TiO2F6 (+8) and KF5
// do not; an element alone is neutral.
func TestChargeShort(t *testing.T) {
	for f, want := range map[string]bool{
		"Fe3O4": false, "CoFe2O4": false, "Li2O2": false, "KO2": false, "K2FeO4": false,
		"KClO4": false, "KMnO4": false, "CaF2": false, "Al2Si2H4O9": false, "O": false,
		"TiOF5": true, "Li2TiO2F6": true, "KF5": true,
	} {
		if got := chargeShort(&refdb.Phase{Formula: f}); got != want {
			t.Errorf("chargeShort(%s) = %v, want %v", f, got, want)
		}
	}
}

// TestFTestMask: a larger model that improves the fit only under a peak
// it still leaves unexplained gains nothing once that peak's points are
// left out; one that improves it elsewhere keeps its F. The residuals are
// alternating ±1 counts on unit weights (Durbin–Watson 4: every point
// independent), the smaller model misses 3 counts on points 40–59.
func TestFTestMask(t *testing.T) {
	const n = 200
	w := make([]float64, n)
	noise := make([]float64, n)
	for i := range w {
		w[i] = 1
		noise[i] = float64(1 - 2*(i%2))
	}
	result := func(miss func(i int) float64) *refine.Result {
		d := make([]float64, n)
		for i := range d {
			d[i] = noise[i] + miss(i)
		}
		return &refine.Result{N: n, P: 5, Difference: d}
	}
	small := result(func(i int) float64 {
		if i >= 40 && i < 60 {
			return 3
		}
		return 0
	})
	big := result(func(int) float64 { return 0 })
	none := make([]bool, n)
	// Over all points: Δχ² = Σ (4² − 1²) or (2² − 1²) over the 20 = 20·(16+4)/2 − 20 = 180,
	// χ²_big = 200; F = (180/2)/(200/195) = 87.75.
	ft := fTest(small, big, 2, 0, w, none)
	if math.Abs(ft.DChi2-180) > 1e-9 || math.Abs(ft.F-87.75) > 1e-9 || ft.P > 1e-15 || ft.leftOut() != "" {
		t.Errorf("unmasked: Δχ² %g, F %g, p %g, %q", ft.DChi2, ft.F, ft.P, ft.leftOut())
	}
	under := make([]bool, n)
	for i := 35; i < 65; i++ {
		under[i] = true
	}
	ft = fTest(small, big, 2, 0, w, under)
	if ft.DChi2 != 0 || ft.P != 1 || ft.Points != 170 || ft.leftOut() != " (the 30 points of peaks still unexplained left out)" {
		t.Errorf("masked: Δχ² %g, p %g, %d points, %q", ft.DChi2, ft.P, ft.Points, ft.leftOut())
	}
}

// TestUnidentified: of peaks of areas 30, 20 and 50, the first unexplained
// with nothing of the model under it, the second unexplained but with a
// phase's line making 30 % of it (preferred orientation, not another
// phase), the third explained: 30 % of the intensity is unidentified.
func TestUnidentified(t *testing.T) {
	obs := []diffraction.Peak{{Area: 30}, {Area: 20}, {Height: 50}}
	ex := []PeakExplanation{{Unexplained: true}, {Unexplained: true, Explained: 0.3}, {Explained: 1}}
	if got := unidentified(ex, obs); math.Abs(got-0.3) > 1e-12 {
		t.Errorf("unidentified = %g, want 0.3", got)
	}
}

// TestCloserCell: between look-alikes that fit alike, a's lattice is the
// one measured when b's cell was held at its bound (1 %) and a's database
// cell is within half of b's distance from the refined one; when both
// refined cells moved an angle by more than sameAngle, the lengths
// compare nothing and neither is closer.
func TestCloserCell(t *testing.T) {
	mono := func(a, beta float64) crystal.Cell {
		return crystal.Cell{A: a, B: 3.42, C: 5.13, Alpha: 90, Beta: beta, Gamma: 90}
	}
	look := func(c crystal.Cell) *candidate {
		st := &crystal.Structure{Cell: c}
		return &candidate{entry: &refdb.Phase{Structure: *st}, phase: &refine.Phase{Structure: st, CellBound: 0.01}}
	}
	fit := func(c crystal.Cell) *refine.PhaseResult { return &refine.PhaseResult{Cell: c} }
	a, b := look(mono(4.684, 99.5)), look(mono(4.60, 99.5))
	// Both refined to a = 4.6846 Å: a's database cell is 1e-4 away, b's
	// held 1 % off at its bound.
	if !closerCell(a, b, fit(mono(4.6846, 99.5)), fit(mono(4.646, 99.5))) {
		t.Error("a's lattice, measured, not preferred")
	}
	if closerCell(a, b, fit(mono(4.6846, 98.5)), fit(mono(4.646, 98.5))) {
		t.Error("refined angles 1° off: a preferred on lengths")
	}
}
