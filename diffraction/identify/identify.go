package identify

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// Options tunes Run. Start from DefaultOptions. The peak search that
// proposes the candidates has its own options (match.Options), given to
// Run beside these.
type Options struct {
	// PeaksOnly skips the whole-pattern fit: the search's own conclusion
	// (match, with weight fractions by the RIR method) is the answer, a
	// quick estimate.
	PeaksOnly bool
	// Pool is the number of the search's best candidates the fit
	// considers (the searches of the unexplained peaks add more).
	Pool int
	// MaxPhases caps the phases accepted.
	MaxPhases int
	// Alpha is the significance level of the tests that accept a phase,
	// drop one and tell look-alikes apart: the chance, when a candidate
	// explains nothing, that it is accepted all the same.
	Alpha float64
	// MinScaleSigma is how many (correlation-corrected) standard
	// uncertainties a phase's refined scale must be from zero.
	MinScaleSigma float64
	// ParticleSize is the grain diameter (µm) of the powder for Brindley's
	// microabsorption correction of the weight fractions (refine.Options);
	// 0 makes none.
	ParticleSize float64
	// Instrument is the diffractometer; a zero Wavelength means the
	// default laboratory instrument for the scan (instrumentFor).
	Instrument refine.Instrument
	// Calibrated says that Instrument's line widths and asymmetry were
	// fitted to a standard (refine.FitInstrument): they are then held;
	// otherwise they are refined with the phases.
	Calibrated bool
	// Require lists database IDs that are in the model whatever the
	// data say (phases the user accepted); Reject lists IDs that are never
	// considered (phases the user rejected).
	Require, Reject []string
	// Phases, when set, is the user's own list of database IDs: they are
	// refined as they are, with no search and no decision (Refine).
	Phases []string
	// Orientation gives, by database ID, the direction [hkl] of preferred
	// orientation (March–Dollase) refined for that phase when it is in
	// the model: the normal of the platelets' faces, (001) for V2O5 or a
	// clay, (104) for calcite's cleavage.
	Orientation map[string][3]int
	// Standard is the database ID of an internal standard mixed into the
	// sample: it is required, its cell is held (refine.Phase.KnownCell),
	// and with StandardWeight, its weight fraction in the measured mixture
	// (0–1), the result gives the absolute fractions and the amorphous or
	// unidentified content (Result.Absolute).
	Standard       string
	StandardWeight float64
}

// DefaultOptions returns the settings of the command line and the GUI.
//
// A pool of 24 candidates holds the phases of every weighed mixture and
// labelled scan of the project's shared data when they are in the
// database (the search ranks them within its first 20); Alpha = 1e-3
// makes a false acceptance by chance a one-in-a-thousand event per test
// once the serial correlation of the residuals is allowed for; a scale
// 3σ from zero is the usual detection limit. Grains of 5 µm diameter are
// those of a powder ground for quantitative analysis: micronising gives
// 1–10 µm, and the IUCr round robin on quantitative phase analysis asked
// for under 5 µm (I. C. Madsen, N. V. Y. Scarlett, L. M. D. Cranswick &
// T. Lwin 2001, J. Appl. Cryst. 34, 409).
func DefaultOptions() Options {
	return Options{
		Pool:          24,
		MaxPhases:     6,
		Alpha:         1e-3,
		MinScaleSigma: 3,
		ParticleSize:  5,
	}
}

// Validate checks the options, with a message naming the bad value.
func (o Options) Validate() error {
	switch {
	case o.Pool < 1 || o.Pool > 200:
		return fmt.Errorf("identify: candidate pool %d: want 1–200", o.Pool)
	case o.MaxPhases < 1 || o.MaxPhases > 16:
		return fmt.Errorf("identify: at most %d phases: want 1–16", o.MaxPhases)
	case !(o.Alpha > 0 && o.Alpha < 0.5):
		return fmt.Errorf("identify: significance level %g: want 0 < α < 0.5", o.Alpha)
	case !(o.MinScaleSigma >= 0 && o.MinScaleSigma < 100):
		return fmt.Errorf("identify: scale significance %g σ: want 0–100", o.MinScaleSigma)
	case !(o.ParticleSize >= 0 && o.ParticleSize <= 1000):
		return fmt.Errorf("identify: particle size %g µm: want 0 (no microabsorption correction) to 1000 µm", o.ParticleSize)
	case o.StandardWeight != 0 && !(o.StandardWeight > 0 && o.StandardWeight < 1):
		return fmt.Errorf("identify: internal standard weight fraction %g: want 0 < w < 1", o.StandardWeight)
	case o.StandardWeight != 0 && o.Standard == "":
		return errors.New("identify: an internal standard weight needs the standard's database ID")
	}
	for _, id := range o.Require {
		if slices.Contains(o.Reject, id) {
			return fmt.Errorf("identify: phase %s is both required and rejected", id)
		}
	}
	if len(o.Phases) > 16 {
		return fmt.Errorf("identify: %d phases to refine: at most 16", len(o.Phases))
	}
	for id, hkl := range o.Orientation {
		if hkl == [3]int{} {
			return fmt.Errorf("identify: preferred orientation of %s: [000] is no direction", id)
		}
	}
	if o.Instrument.Wavelength.Known() {
		if err := o.Instrument.Check(); err != nil {
			return err
		}
	}
	return nil
}

// Result is the outcome of an identification.
type Result struct {
	// Search is the peak search-match that proposed the candidates.
	Search match.Result
	// Fit is the final refinement of the accepted phases (of the
	// background alone when none was accepted); nil when the scan has no
	// peaks to identify.
	Fit *refine.Result
	// Phases are the accepted phases, in the order of Fit.Phases.
	Phases []Phase
	// Decisions explain every candidate the fit tried, in order.
	Decisions []Decision
	// Peaks tell, for each observed peak (in the order given to Run), how
	// much of it the final model explains and by which phases.
	Peaks []PeakExplanation
	// UnexplainedPeaks counts the peaks the model does not explain
	// (PeakExplanation.Unexplained); StrongestUnexplained is the largest
	// relative intensity (0–100) among them; UnexplainedIntensity is the
	// share (0–1) of the peaks' net integrated intensity the model does
	// not account for.
	UnexplainedPeaks     int
	StrongestUnexplained float64
	UnexplainedIntensity float64
	// Absolute gives, with an internal standard of known weight
	// (Options.StandardWeight), the phases' fractions in the original
	// sample and its amorphous or unidentified content.
	Absolute *refine.Absolute
	// Unidentified is, without an internal standard, the estimated weight
	// fraction (0–1) of the crystalline matter behind the peaks the model
	// leaves unexplained (unidentified); the phases' weight fractions
	// (Fit.Phases[].WeightFraction and its ESD) are then Hill & Howard's
	// times 1 − Unidentified, of the whole crystalline sample.
	Unidentified float64
}

// Phase is one accepted phase.
type Phase struct {
	Entry *refdb.Phase
	// Fit is its refined values, in Result.Fit.Phases.
	Fit *refine.PhaseResult
	// Required marks a phase the user required (Options.Require).
	Required bool
	// LookAlikes are database phases of other chemistry with the same
	// structure and cell that fit as well: the data determine the
	// structure type, not the compound (a spinel: Fe3O4, MgFe2O4 or a
	// spinel missing from the database).
	LookAlikes []*refdb.Phase
	// Unresolved says that the look-alikes leave the chemistry open: the
	// phase's prior is not better than every look-alike's (Prior; a
	// common phase among rare ones is taken). It is then not concluded
	// present; its lines stay in the model (explained, by a structure
	// whose chemistry is open).
	Unresolved bool
}

// Concluded reports whether the phase is concluded present: its chemistry
// is determined, or the user required it.
func (p Phase) Concluded() bool { return !p.Unresolved || p.Required }

// ChemistryOpen is how the report and the window mark a phase that is not
// concluded present (Open says why).
const ChemistryOpen = "chemistry open"

// Open says why the phase is not concluded present, and what to do, ""
// when it is: "a phase of space group I a -3 refined as Y2O3 (cod:1009014);
// look-alikes of other chemistry fit as well or better: DysprosiumOxide
// Dy2O3; the data do not tell its chemistry: restrain the elements, or
// accept one". The command line, the report and the window say it in
// these words.
func (p Phase) Open() string {
	if p.Concluded() {
		return ""
	}
	others := make([]string, len(p.LookAlikes))
	for i, o := range p.LookAlikes {
		others[i] = o.DisplayName() + " " + o.Formula
	}
	return fmt.Sprintf("a phase of space group %s refined as %s (%s); look-alikes of other chemistry fit as well or better: %s; the data do not tell its chemistry: restrain the elements, or accept one",
		p.Entry.Structure.SpaceGroupName(), p.Entry.Formula, p.Entry.ID, strings.Join(others, ", "))
}

// Verdicts of Decision.
const (
	Accepted      = "accepted"
	Required      = "required"
	Rejected      = "not significant"
	Dropped       = "dropped"
	Replaced      = "replaced"
	LookAlike     = "look-alike kept out"
	NoScale       = "scale not significant"
	FitFailed     = "fit failed"
	NoNewPeaks    = "no peaks of its own"
	Chance        = "chance coincidence"
	Contradicted  = "contradicted by the data"
	UnlikelyPhase = "unlikely"
	SameStructure = "same structure, other chemistry"
	UserRejects   = "rejected by the user"
)

// Decision is what the fit did with one candidate, and why.
type Decision struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Verdict string `json:"verdict"`
	// Reason gives the numbers that decided: change of Rwp and χ², the F
	// test with its effective points, the scale's significance, the
	// priors of look-alikes.
	Reason string `json:"reason"`
}

// PeakExplanation tells how much of one observed peak the model explains.
type PeakExplanation struct {
	// Explained is the calculated net intensity at the peak over the
	// observed one, 0–1 (capped at 1).
	Explained float64 `json:"explained"`
	// Phases are the indices in Result.Phases of the phases that make up
	// at least a fifth of the calculated intensity at the peak, the
	// largest share first.
	Phases []int `json:"phases"`
	// Unexplained is true when less than half the peak is explained and
	// what is left stands more than three standard uncertainties of the
	// counts above the model.
	Unexplained bool `json:"unexplained"`
}

// candidate is a database phase the fit may use.
type candidate struct {
	entry  *refdb.Phase
	phase  *refine.Phase
	strain float64 // the search's d-spacing change that lines it up
	pairs  map[int]bool
	fom    float64
	// profile is the candidate's pattern at unit scale for ranking
	// (computed on first use).
	profile []float64
	// evidence is the significance of its match to the unexplained peaks
	// when it was last tried (match.Evidence).
	evidence float64
	// alike are the look-alikes of other elements that fit significantly
	// better and that it was kept over on the peak search's ranking
	// (undecided): they leave its chemistry open.
	alike []*refdb.Phase
}

// runner holds one identification.
type runner struct {
	ctx    context.Context
	scan   *diffraction.Scan
	obs    []diffraction.Peak
	db     *refdb.Selection
	search match.Options
	opt    Options
	inst   refine.Instrument
	lo     float64
	hi     float64
	terms  int

	pool      []*candidate
	inPool    map[string]bool
	decisions []Decision
	tried     map[string]bool
	noted     map[string]bool // candidates whose Chance decision is recorded
	searched  int             // phases the search scored, for the significance threshold
	w         []float64       // weights of the scan's points
	res       float64         // resolution elements: 2θ range over the median FWHM of the peaks
	size      float64         // crystallite size (nm) the observed widths suggest, a candidate's start
	universe  []refdb.Phase   // the phases the residual searches score (see universe)
	nreq      int             // required phases, first in every model
}

// universe is how many of the first search's best candidates the searches
// of the unexplained peaks score. The unexplained peaks are among the
// peaks of the first search, so a phase that matches them matched there
// too, with all its lines on observed peaks (a minor phase's lines sit
// under or beside the major phases'): its rank there is lowered only by
// the intensities it does not explain, and 200 of some thousand phases
// keeps every phase of the labelled scans and weighed mixtures while
// making a residual search five times cheaper.
const universe = 200

func newRunner(ctx context.Context, s *diffraction.Scan, obs []diffraction.Peak, db *refdb.Selection, search match.Options, opt Options) (*runner, error) {
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if err := search.Validate(); err != nil {
		return nil, err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	inst, err := instrumentFor(s, opt)
	if err != nil {
		return nil, err
	}
	if !opt.Instrument.Wavelength.Known() {
		inst = narrowed(inst, obs)
	}
	r := &runner{ctx: ctx, scan: s, obs: obs, db: db, search: search, opt: opt, inst: inst,
		lo: s.TwoTheta[0], hi: s.TwoTheta[s.Len()-1],
		inPool: map[string]bool{}, tried: map[string]bool{}, noted: map[string]bool{}}
	r.terms = backgroundTerms(r.hi - r.lo)
	r.w = weights(s)
	r.res = resolutionElements(r.hi-r.lo, obs)
	r.size = typicalSize(obs, inst)
	return r, nil
}

// required returns the phases the user requires, the internal standard
// first.
func (r *runner) required(ids []string) ([]*candidate, error) {
	if r.opt.Standard != "" && !slices.Contains(ids, r.opt.Standard) {
		ids = append([]string{r.opt.Standard}, ids...)
	}
	var cs []*candidate
	for _, id := range ids {
		p, err := r.db.Get(id)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, fmt.Errorf("identify: phase %s is not in the database", id)
		}
		if r.inPool[id] {
			return nil, fmt.Errorf("identify: phase %s given twice", id)
		}
		c, err := r.candidate(p, 0, nil, 0)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, fmt.Errorf("identify: phase %s has no lines in %.4g–%.4g° 2θ", id, r.lo, r.hi)
		}
		if id == r.opt.Standard {
			c.phase.KnownCell = true
		}
		r.inPool[id] = true
		cs = append(cs, c)
	}
	return cs, nil
}

// Run identifies the phases of the scan s whose peaks obs were found by
// the peak search (package peaks, on the same 2θ axis), among the phases
// db selects, by whole-pattern refinement (see the package comment):
// search proposes the candidates (match.Search), the refinement decides. The
// scan is fitted as measured: its Kα2 is modelled, not stripped.
// progress, when not nil, is told the share of the work done (0–1).
func Run(ctx context.Context, s *diffraction.Scan, obs []diffraction.Peak, db *refdb.Selection, search match.Options, opt Options, progress func(done float64)) (*Result, error) {
	if len(opt.Phases) > 0 && !opt.PeaksOnly {
		return refineList(ctx, s, obs, db, search, opt)
	}
	r, err := newRunner(ctx, s, obs, db, search, opt)
	if err != nil {
		return nil, err
	}
	report := func(f float64) {
		if progress != nil {
			progress(f)
		}
	}
	res := &Result{}
	if len(obs) > 0 {
		mo := search
		if !opt.PeaksOnly {
			mo.Top = max(mo.Top, opt.Pool, universe)
		}
		if res.Search, err = match.Search(ctx, obs, s.Wavelength, r.lo, r.hi, db, mo); err != nil {
			return nil, err
		}
		r.searched = res.Search.Searched
		for _, c := range res.Search.Candidates {
			r.universe = append(r.universe, *c.Phase)
		}
	}
	if opt.PeaksOnly {
		res.Search.Candidates = res.Search.Candidates[:min(len(res.Search.Candidates), search.Top)]
		return res, nil
	}
	required, err := r.required(opt.Require)
	if err != nil {
		return nil, err
	}
	r.nreq = len(required)
	for _, c := range required {
		r.decide(c.entry, Required, "required")
	}
	for _, id := range opt.Reject {
		p, err := db.Get(id)
		if err != nil {
			return nil, err
		}
		if p != nil {
			r.tried[id] = true
			r.decide(p, UserRejects, "never considered")
		}
	}
	for _, c := range res.Search.Candidates[:min(len(res.Search.Candidates), opt.Pool)] {
		if _, err := r.addCandidate(c); err != nil {
			return nil, err
		}
	}
	res.Search.Candidates = res.Search.Candidates[:min(len(res.Search.Candidates), search.Top)]
	report(0.1)
	if len(obs) == 0 && len(required) == 0 {
		return res, nil
	}
	// The starting model: the background and the required phases, with
	// the quick schedule — the instrument's widths are refined only once
	// the data have shown lines to refine them on (a required phase may
	// be absent).
	accepted := required
	cur, err := r.fit(accepted, nil, true)
	if err != nil {
		return nil, err
	}
	for len(accepted) < opt.MaxPhases {
		report(0.1 + 0.8*float64(len(accepted))/float64(opt.MaxPhases))
		next, fit, err := r.step(accepted, cur)
		if err != nil {
			return nil, err
		}
		if next == nil {
			break
		}
		accepted, cur = append(slices.Clip(accepted), next), fit
		if accepted, cur, err = r.backward(accepted, cur, len(required)); err != nil {
			return nil, err
		}
		if err := r.searchResidual(cur); err != nil {
			return nil, err
		}
	}
	// Look-alikes of each phase, with all the others in the model.
	for k := len(required); k < len(accepted); k++ {
		if accepted, cur, err = r.lookAlikes(accepted, cur, k); err != nil {
			return nil, err
		}
	}
	ambiguous := map[int][]*refdb.Phase{}
	for k := len(required); k < len(accepted); k++ {
		others, err := r.sameStructure(accepted, cur, k)
		if err != nil {
			return nil, err
		}
		if len(others) > 0 {
			ambiguous[k] = others
		}
	}
	report(0.9)
	if len(accepted) > 0 {
		// The final refinement: every stage, from the last state.
		if cur, err = r.fit(accepted, cur, false); err != nil {
			return nil, err
		}
	}
	if err := r.finish(res, accepted, len(required), cur); err != nil {
		return nil, err
	}
	oxide := r.oxide(accepted)
	for k, others := range ambiguous {
		ph := &res.Phases[k]
		ph.LookAlikes = others
		pk, _ := Prior(ph.Entry, oxide)
		for _, o := range others {
			if po, _ := Prior(o, oxide); po <= pk {
				ph.Unresolved = true
			}
		}
	}
	// The look-alikes that fit better and it was kept over on the peak
	// search's ranking (undecided) leave its chemistry open too.
	for k := len(required); k < len(accepted); k++ {
		ph := &res.Phases[k]
		for _, p := range accepted[k].alike {
			ph.LookAlikes = addOnce(ph.LookAlikes, p)
			ph.Unresolved = true
		}
	}
	report(1)
	return res, nil
}

// refineList refines the user's list of phases (Options.Phases, plus the
// internal standard), with no decision: the weight fractions and curves of
// that list. The search still ranks the candidates, for the record.
func refineList(ctx context.Context, s *diffraction.Scan, obs []diffraction.Peak, db *refdb.Selection, search match.Options, opt Options) (*Result, error) {
	opt.MaxPhases = max(opt.MaxPhases, len(opt.Phases)+1)
	r, err := newRunner(ctx, s, obs, db, search, opt)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	if len(obs) > 0 {
		if res.Search, err = match.Search(ctx, obs, s.Wavelength, r.lo, r.hi, db, search); err != nil {
			return nil, err
		}
	}
	cs, err := r.required(opt.Phases)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		r.decide(c.entry, Required, "in the user's list")
	}
	fit, err := r.fit(cs, nil, false)
	if err != nil {
		return nil, err
	}
	return res, r.finish(res, cs, len(cs), fit)
}

// finish fills res from the final refinement of the accepted phases (the
// first nreq of them required).
func (r *runner) finish(res *Result, accepted []*candidate, nreq int, fit *refine.Result) error {
	res.Fit = fit
	for i, c := range accepted {
		res.Phases = append(res.Phases, Phase{Entry: c.entry, Fit: &fit.Phases[i], Required: i < nreq})
	}
	res.Decisions = r.decisions
	res.explain(r.obs, r.w)
	if r.opt.StandardWeight > 0 {
		abs, err := fit.InternalStandard(r.opt.Standard, r.opt.StandardWeight)
		if err != nil {
			return fmt.Errorf("identify: %w", err)
		}
		res.Absolute = abs
		return nil
	}
	if len(accepted) > 0 {
		res.Unidentified = unidentified(res.Peaks, r.obs)
		for i := range fit.Phases {
			fit.Phases[i].WeightFraction *= 1 - res.Unidentified
			fit.Phases[i].WeightFractionESD *= 1 - res.Unidentified
		}
	}
	return nil
}

// ownShare is the share of a peak from which the model's phases own it
// (unidentified): preferred orientation of platelets or needles makes a
// line a few times stronger than a random powder's (the March–Dollase
// factor at r = 0.5 is 2.8 along the preferred direction, W. A. Dollase
// 1986, J. Appl. Cryst. 19, 267), not ten times.
const ownShare = 0.1

// unidentified estimates the weight fraction of the crystalline matter
// whose peaks the model leaves unexplained, as the share of the observed
// peaks' integrated intensity in those peaks (their unexplained part):
// the degree-of-crystallinity assumption, that what is not identified
// scatters as much per unit mass as what is (I. C. Madsen, N. V. Y.
// Scarlett & A. Kern 2011, Z. Kristallogr. 226, 944, §2.1). Hill &
// Howard's fractions, which sum to one over the refined phases, assume
// instead that it weighs nothing — with half of a sample's mass in a phase
// the database lacks, In2O3 and TiO2 weighed in at 30 and 20 % came out
// 65 and 35 %; with the estimate, 28 and 15 %. A peak the model puts
// ownShare of or more is not counted: it is a line of a phase of the
// model whose height the model misses (preferred orientation not refined
// along its direction, a structure's error), not another phase.
func unidentified(ex []PeakExplanation, obs []diffraction.Peak) float64 {
	var total, left float64
	for i, e := range ex {
		a := peakArea(obs[i])
		total += a
		if e.Unexplained && e.Explained < ownShare {
			left += a * (1 - e.Explained)
		}
	}
	if !(total > 0) {
		return 0
	}
	return left / total
}

// backgroundTerms is the number of Chebyshev terms for a scan spanning
// width degrees 2θ: one per 7.5°, at least 6 and at most 16 — enough to
// follow air scatter and an amorphous hump (about 10° wide) without
// bending into the peaks (0.1–0.5° wide).
func backgroundTerms(width float64) int {
	return min(max(int(math.Round(width/7.5)), 6), 16)
}

// instrumentFor returns the instrument of the options, or the default
// laboratory instrument for the scan's wavelength with the goniometer
// radius and divergence slit its file states.
func instrumentFor(s *diffraction.Scan, opt Options) (refine.Instrument, error) {
	if !s.Wavelength.Known() {
		return refine.Instrument{}, errors.New("identify: the scan's wavelength is unknown")
	}
	in := opt.Instrument
	if !in.Wavelength.Known() {
		in = refine.DefaultInstrument(s.Wavelength)
		if v, err := strconv.ParseFloat(s.Meta["goniometer_radius"], 64); err == nil && v > 0 {
			in.Radius = v
		}
		if strings.Contains(strings.ToLower(s.Meta["divergence_slit"]), "automatic") {
			in.VariableSlit = true
		}
	}
	return in, in.Check()
}

// narrowed returns the default laboratory instrument inst scaled to a scan
// whose lines are much narrower than its (a synchrotron's, or a
// high-resolution diffractometer's with a primary monochromator): when the
// median FWHM of the observed peaks is under narrowShare of the default
// width at their median angle, the Caglioti U, V and W are scaled by the
// square of the ratio and the axial-divergence asymmetry S/L, H/L by the
// ratio, so that the trials' lines have the data's widths and shapes, and
// the refinement of the widths starts from them. (The lab default's
// 0.07° lines on 11-BM's 0.01° made every candidate a blur, and the FCJ
// asymmetry meant for 2.5° Soller slits needed up to 64 quadrature nodes a
// line at low angle.) Broader lines are left to size broadening
// (typicalSize).
func narrowed(inst refine.Instrument, obs []diffraction.Peak) refine.Instrument {
	fw, fi, _, ok := medianWidths(obs, inst)
	if !ok {
		return inst
	}
	k := fw / fi
	if !(k < narrowShare) {
		return inst
	}
	inst.U, inst.V, inst.W = inst.U*k*k, inst.V*k*k, inst.W*k*k
	inst.SL, inst.HL = inst.SL*k, inst.HL*k
	inst.WidthScale = k
	inst.Source = fmt.Sprintf("default, its widths scaled by %.2f to the scan's lines", k)
	return inst
}

// medianWidths returns the median FWHM of the observed peaks (degrees),
// the instrument's Caglioti width at their median angle, and that angle θ
// (radians); ok is false without a peak of known width.
func medianWidths(obs []diffraction.Peak, inst refine.Instrument) (fw, fi, theta float64, ok bool) {
	var w, tt []float64
	for _, p := range obs {
		if p.FWHM > 0 {
			w = append(w, p.FWHM)
			tt = append(tt, p.TwoTheta)
		}
	}
	if len(w) == 0 {
		return 0, 0, 0, false
	}
	sort.Float64s(w)
	sort.Float64s(tt)
	theta = tt[len(tt)/2] * math.Pi / 360
	tan := math.Tan(theta)
	return w[len(w)/2], math.Sqrt(max(inst.U*tan*tan+inst.V*tan+inst.W, 1e-6)), theta, true
}

// narrowShare is the ratio of the observed lines' median width to the
// default instrument's below which the scan was measured on a finer
// instrument (narrowed): a laboratory diffractometer's lines are at least
// two thirds of the default's (LaB6 on the Aeris of the weighed mixtures:
// 0.05° against 0.07°), a synchrotron's a fifth or less.
const narrowShare = 0.5

// candidate makes the refinement phase of a database entry, its cell
// scaled by 1 + strain so that its lines start where the search lined
// them up; nil when no line falls in the range.
func (r *runner) candidate(p *refdb.Phase, strain float64, pairs []match.Pair, fom float64) (*candidate, error) {
	st := p.Structure
	if strain != 0 {
		st.Cell.A *= 1 + strain
		st.Cell.B *= 1 + strain
		st.Cell.C *= 1 + strain
	}
	ph, err := refine.NewPhase(p.ID, &st, r.inst, r.lo, r.hi)
	if err != nil {
		return nil, fmt.Errorf("identify: %w", err)
	}
	ph.CellBound = r.cellBound(p, strain)
	ph.Size = r.size
	ph.Orientation = r.opt.Orientation[p.ID]
	if ph.Reflections() == 0 {
		return nil, nil
	}
	c := &candidate{entry: p, phase: ph, strain: strain, fom: fom, pairs: map[int]bool{}}
	for _, q := range pairs {
		c.pairs[q.Peak] = true
	}
	return c, nil
}

// cellBound is how far a candidate's cell may move in the refinement, from
// its cell scaled by the search's strain: the search's own tolerance
// (match.Options.MaxStrain, MaxStrainComputed for computed structures)
// plus the strain already applied, so that the refined cell stays within
// the tolerance of the database's either way. A wider bound would let a
// phase with few lines slide them onto whatever peaks are left.
func (r *runner) cellBound(p *refdb.Phase, strain float64) float64 {
	b := r.search.MaxStrain
	if p.Computed {
		b = r.search.MaxStrainComputed
	}
	return min(b+math.Abs(strain), refine.MaxCellBound)
}

// addCandidate puts a search candidate in the pool, unless it is there,
// was rejected or has no lines in range.
func (r *runner) addCandidate(mc match.Candidate) (*candidate, error) {
	id := mc.Phase.ID
	if r.inPool[id] || slices.Contains(r.opt.Reject, id) {
		return nil, nil
	}
	r.inPool[id] = true
	c, err := r.candidate(mc.Phase, mc.Strain, mc.Pairs, mc.FOM)
	if tm := (*refine.TooManyReflections)(nil); errors.As(err, &tm) {
		// One candidate too large to refine over this range is not the
		// end of the identification: the others are tried.
		why := "too many reflections in the scan's range to enumerate"
		if tm.N > 0 {
			why = fmt.Sprintf("%d reflections in the scan's range, more than a phase may have", tm.N)
		}
		r.decide(mc.Phase, FitFailed, "not refined: "+why)
		r.tried[id] = true
		return nil, nil
	}
	if err != nil || c == nil {
		return nil, err
	}
	r.pool = append(r.pool, c)
	return c, nil
}

func (r *runner) decide(p *refdb.Phase, verdict, reason string) {
	r.decisions = append(r.decisions, Decision{ID: p.ID, Name: p.DisplayName(), Verdict: verdict, Reason: reason})
}

// stages returns the refinement schedule: quick (a candidate's trial:
// scales and background, then cells and displacement — the displacement
// held when axisSet, an earlier refinement having fixed it; crystallite sizes
// are held — a candidate free to shrink its crystallites to a few
// nanometres broadens its lines over the whole pattern and takes up any
// hump or misfit, and costs as much to compute as its lines are wide) or
// full
// (refine.DefaultStages, with the instrument's widths and asymmetry from
// the second stage on when it is not calibrated); with an internal
// standard, the zero shift from the second stage on.
func (r *runner) stages(quick, axisSet bool) []refine.Group {
	s1 := refine.Scale | refine.Background
	s2 := s1 | refine.Cell | refine.Displacement
	if axisSet {
		// The axis was refined with the phases already accepted: a trial
		// keeps it, or a candidate could drag the specimen displacement
		// (up to 1.5° of shift at 2 mm on a 145 mm goniometer) to line up
		// lines that do not fit.
		s2 &^= refine.Displacement
	}
	st := []refine.Group{s1, s2}
	if !quick {
		st = refine.DefaultStages()
	}
	for i := 1; i < len(st); i++ {
		if !quick && !r.opt.Calibrated {
			st[i] |= refine.Widths | refine.Asymmetry
		}
		if r.opt.Standard != "" {
			// A standard of known cell fixes the scale of the axis, so
			// that the zero shift is refined with the displacement.
			st[i] |= refine.Zero
		}
	}
	return st
}

// fit refines the candidates, from the state of an earlier refinement
// when from is not nil.
func (r *runner) fit(cs []*candidate, from *refine.Result, quick bool) (*refine.Result, error) {
	phases := make([]*refine.Phase, len(cs))
	for i, c := range cs {
		phases[i] = c.phase
	}
	// The axis (specimen displacement) is held in a quick refinement when
	// a phase the data showed has set it, and while the model holds only
	// required phases, which may be absent and then have nothing to set
	// it by.
	axisSet := quick && (from != nil && len(from.Phases) > r.nreq || from == nil && len(cs) <= r.nreq)
	opt := refine.Options{Instrument: r.inst, BackgroundTerms: r.terms, Stages: r.stages(quick, axisSet), From: from, ParticleSize: r.opt.ParticleSize}
	if quick {
		// The search lined the candidate's lines up within its matching
		// window (0.15°): a single coarse pass at twice that width is
		// enough to bring the cell in. A trial only ranks candidates and
		// feeds the F test, whose χ² it needs to a part in a thousand,
		// not the final fit's 1e-5 (on the 20 weighed mixtures the
		// same phases and fractions within 6e-4; 30 % less work).
		opt.MaxIterations, opt.CoarseWidth, opt.Tolerance = 15, 2*r.search.Tolerance, 1e-3
	}
	res, err := refine.Fit(r.ctx, r.scan, phases, opt)
	if err != nil {
		if ctxErr := r.ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("identify: %w", err)
	}
	return res, nil
}

// trialsPerStep is how many of the best-ranked candidates are refined in
// each step: the ranking by the unexplained residual is a linear estimate
// at the search's cell, so the best refined fit is sometimes the second
// or third.
const trialsPerStep = 3

// trial is one candidate refined with the accepted phases.
type trial struct {
	c   *candidate
	fit *refine.Result
	err error
	// newPeaks counts the observed peaks the model left unexplained that
	// the trial's new phase explains; needed is how many it must.
	newPeaks, needed int
}

// step finds the candidate that, added to the accepted phases, lowers χ²
// most, and returns it with its refinement when the decrease is
// significant; nil when no candidate passes.
//
// Candidates are taken in the order of rank; one whose lines meet the
// peaks the model leaves unexplained no more often than chance would in a
// search of the whole database (match.Evidence against the unexplained
// peaks, below match.SignificanceThreshold) is passed over without a
// refinement — with the database searched, such coincidences are expected
// somewhere — and so is one that, refined, does not explain peaks of its
// own (newPeaks). At most maxTrialsPerStep candidates are refined.
func (r *runner) step(accepted []*candidate, cur *refine.Result) (*candidate, *refine.Result, error) {
	ranked, err := r.rank(accepted, cur)
	if err != nil || len(ranked) == 0 {
		return nil, nil, err
	}
	before := explainPeaks(cur, r.obs, r.w)
	var left []diffraction.Peak
	for i, e := range before {
		if e.Unexplained {
			left = append(left, r.obs[i])
		}
	}
	if len(left) == 0 {
		return nil, nil, nil // every peak is explained: nothing to add
	}
	threshold := chanceThreshold(r.searched)
	var best *trial
	var trials []trial
	fitted := 0
	for len(ranked) > 0 && best == nil && fitted < maxTrialsPerStep {
		var batch []*candidate
		for len(ranked) > 0 && len(batch) < trialsPerStep {
			c := ranked[0]
			ranked = ranked[1:]
			ev, ok, err := match.Evidence(left, r.scan.Wavelength, r.lo, r.hi, c.entry, r.search)
			if err != nil {
				return nil, nil, err
			}
			if !ok || ev.Significance < threshold {
				if !r.noted[c.entry.ID] {
					r.noted[c.entry.ID] = true
					r.decide(c.entry, Chance, fmt.Sprintf("its lines meet the %d unexplained peaks no more often than chance would somewhere in %d phases (significance %.1f < %.1f)",
						len(left), r.searched, ev.Significance, threshold))
				}
				continue
			}
			c.evidence = ev.Significance
			batch = append(batch, c)
		}
		if len(batch) == 0 {
			continue
		}
		fitted += len(batch)
		trials = r.trials(accepted, cur, batch)
		for i := range trials {
			t := &trials[i]
			if t.err != nil {
				if ctxErr := r.ctx.Err(); ctxErr != nil {
					return nil, nil, ctxErr
				}
				r.tried[t.c.entry.ID] = true
				r.decide(t.c.entry, FitFailed, t.err.Error())
				continue
			}
			t.newPeaks, t.needed = r.newPeaks(before, t.fit)
			if l, ok := contradicted(t.fit, len(t.fit.Phases)-1, r.w); ok {
				r.tried[t.c.entry.ID] = true
				r.decide(t.c.entry, Contradicted, fmt.Sprintf("its line %d%d%d at %.2f° 2θ is calculated at %.0f above the background where %.0f are observed",
					l.H, l.K, l.L, l.TwoTheta, l.calc, l.obs))
				t.newPeaks = -1
				continue
			}
			if pts, why := Prior(t.c.entry, r.oxide(accepted)); pts >= Unlikely && t.newPeaks >= t.needed {
				r.tried[t.c.entry.ID] = true
				r.decide(t.c.entry, UnlikelyPhase, fmt.Sprintf("its lines fit (Rwp %.4f → %.4f, explains %d peaks left unexplained), but %s: a phase missing from the database is likelier; accept it yourself if the sample holds it",
					cur.Rwp, t.fit.Rwp, t.newPeaks, strings.Join(why, ", ")))
				t.newPeaks = -1
				continue
			}
			if t.newPeaks < t.needed {
				r.tried[t.c.entry.ID] = true
				// With no other phase in the model, a peak it leaves
				// unexplained is one its own refined pattern accounts for
				// less than half of (explainPeaks).
				why := "its lines fall where other phases' already are"
				if len(accepted) == 0 {
					why = "refined alone, its pattern falls short of half of the peaks its lines meet: line widths or relative intensities that the model does not reproduce"
				}
				r.decide(t.c.entry, NoNewPeaks, fmt.Sprintf("explains %d of the peaks the model leaves unexplained, %d needed (Rwp %.4f → %.4f): %s",
					t.newPeaks, t.needed, cur.Rwp, t.fit.Rwp, why))
				continue
			}
			if best == nil || chi2(t.fit) < chi2(best.fit) {
				best = t
			}
		}
	}
	// The best trial that passes the tests is accepted: one that fails
	// leaves the others their turn (a candidate that lowers χ² most by
	// taking part of peaks it still leaves unexplained gains nothing by
	// the F test, which leaves those out, and must not hide one that
	// explains peaks of its own).
	oxide := r.oxide(accepted)
	for best != nil {
		var ft test
		var sig float64
		var reason string
		best, ft, sig, reason = r.lookAlikeOf(trials, best, oxide, cur)
		r.tried[best.c.entry.ID] = true
		switch {
		case ft.P > r.opt.Alpha:
			r.decide(best.c.entry, Rejected, reason+fmt.Sprintf(": p > α = %g", r.opt.Alpha))
		case sig < r.opt.MinScaleSigma:
			r.decide(best.c.entry, NoScale, reason+fmt.Sprintf(": scale under %gσ", r.opt.MinScaleSigma))
		default:
			return r.accept(accepted, best, reason)
		}
		best.newPeaks = -1
		best = bestTrial(trials)
	}
	return nil, nil, nil
}

// bestTrial is the trial of lowest χ² among those still in the running
// (fitted, explaining the peaks they must: newPeaks ≥ needed), nil when
// none is.
func bestTrial(trials []trial) *trial {
	var best *trial
	for i := range trials {
		t := &trials[i]
		if t.err == nil && t.newPeaks >= t.needed && (best == nil || chi2(t.fit) < chi2(best.fit)) {
			best = t
		}
	}
	return best
}

// lookAlikeOf returns, for the best trial, the trial to test in its place
// with its F test, the significance of its scale and the reason in words.
// Among look-alike trials the data cannot tell from the best, the likelier
// phase; and a look-alike the peak search ranks more than fomMargin points
// above the best, whose better fit then owes more to the refinement's
// freedom than to its structure — the rule by which lookAlikes keeps an
// accepted phase, applied before one is accepted, so that the order of
// the trials does not decide. (Trials of different phases that happen to
// fit as well are not look-alikes: the other one's turn comes in the next
// step.) A trial set aside for its look-alike is out of the running.
func (r *runner) lookAlikeOf(trials []trial, best *trial, oxide bool, cur *refine.Result) (*trial, test, float64, string) {
	for i := range trials {
		t := &trials[i]
		if t == best || t.err != nil || t.newPeaks < t.needed || !similar(t.c, best.c) {
			continue
		}
		tp, bp := lastPhase(t.fit), lastPhase(best.fit)
		if !indistinguishable(t.fit, best.fit, r.opt.Alpha, r.res) {
			if t.c.fom > best.c.fom+fomMargin {
				r.decide(best.c.entry, LookAlike, fmt.Sprintf("fits better than its look-alike %s (Rwp %.4f against %.4f), but %s",
					t.c.entry.DisplayName(), best.fit.Rwp, t.fit.Rwp, rankedBelow(t.c.fom-best.c.fom)))
				r.tried[best.c.entry.ID] = true
				keepOver(t.c, best.c, tp, bp, oxide)
				best.newPeaks = -1
				best = t
			}
			continue
		}
		if likelier(t.c, best.c, tp, bp, oxide) {
			r.decide(best.c.entry, LookAlike, fmt.Sprintf("fits as well as its look-alike %s (Rwp %.4f against %.4f); %s is kept: %s",
				t.c.entry.DisplayName(), best.fit.Rwp, t.fit.Rwp, t.c.entry.ID, whyLikelier(t.c, best.c, tp, bp, oxide)))
			r.tried[best.c.entry.ID] = true
			best.newPeaks = -1
			best = t
		}
	}
	// The test the refined fit must pass.
	// The parameters the trial adds: the new phase's own, and the axis
	// when the trial is the first to refine it.
	ft := fTest(cur, best.fit, lastPhase(best.fit).Parameters+max(best.fit.GlobalParameters-cur.GlobalParameters, 0), r.res, r.w, unexplainedMask(best.fit, r.obs, r.w))
	sig := scaleSignificance(best.fit, len(best.fit.Phases)-1, r.res)
	reason := fmt.Sprintf("Rwp %.4f → %.4f, χ² −%.1f %%%s; F = %.3g with %d parameters and %.0f effective points (Durbin–Watson %.2f), %s; scale %.1fσ; explains %d peaks left unexplained (match significance %.1f)",
		cur.Rwp, best.fit.Rwp, 100*ft.DChi2/ft.Chi2, ft.leftOut(), ft.F, ft.DParam, ft.NEff, best.fit.DurbinWatson, pText(ft.P), sig, best.newPeaks, best.c.evidence)
	return best, ft, sig, reason
}

// accept makes the trial best's phase part of the model.
func (r *runner) accept(accepted []*candidate, best *trial, reason string) (*candidate, *refine.Result, error) {
	// The first phase the data show is refined with every stage (the
	// instrument's widths among them) before it is the current model;
	// later ones keep the trial's quick refinement until the final one.
	full := best.fit
	if len(accepted) == len(r.opt.Require)+b2i(r.opt.Standard != "" && !slices.Contains(r.opt.Require, r.opt.Standard)) {
		var err error
		if full, err = r.fit(append(slices.Clip(accepted), best.c), best.fit, false); err != nil {
			return nil, nil, err
		}
	}
	r.decide(best.c.entry, Accepted, reason)
	return best.c, full, nil
}

// chanceThreshold is the significance (−log10 of the chance probability,
// match.Evidence) a candidate needs against the unexplained peaks to be
// refined: log10 of the number of phases searched, so that chance is not
// expected to give a match as good anywhere in the database. It is a
// gate, not the decision: the refinement decides. (match weighs its FOM
// in full only from −log10(0.01/N), a hundred times stricter, which
// phases with few lines — NiO has six up to 100° — cannot reach against a
// dozen peaks.)
func chanceThreshold(searched int) float64 {
	return math.Log10(float64(max(searched, 10)))
}

// maxTrialsPerStep bounds the candidates refined in one step.
const maxTrialsPerStep = 6

// rank orders the untried pool candidates by the decrease of χ² their
// unit-scale pattern, at its best non-negative scale, would bring to the
// residual of the current model: (Σ w·r·p)²/Σ w·p² for Σ w·r·p > 0 (the
// one-column least-squares solution), with w = 1/σ² of the counts.
func (r *runner) rank(accepted []*candidate, cur *refine.Result) ([]*candidate, error) {
	in := map[string]bool{}
	for _, c := range accepted {
		in[c.entry.ID] = true
	}
	size := 100.0 // nm: a typical powder, before any size is refined
	if len(cur.Phases) > 0 {
		var ss []float64
		for _, p := range cur.Phases {
			if p.Size > 0 {
				ss = append(ss, p.Size)
			}
		}
		if len(ss) > 0 {
			sort.Float64s(ss)
			size = ss[len(ss)/2]
		}
	}
	w := r.w
	type scored struct {
		c *candidate
		v float64
	}
	var out []scored
	for _, c := range r.pool {
		if in[c.entry.ID] || r.tried[c.entry.ID] {
			continue
		}
		if err := r.ctx.Err(); err != nil {
			return nil, err
		}
		if c.profile == nil {
			// A candidate's pattern is computed once, with the instrument
			// and axis of the model when it is first ranked: the ranking
			// is an estimate, and refined widths change it little.
			p, err := c.phase.Profile(r.scan.TwoTheta, cur.Instrument, size, cur.Axis())
			if err != nil {
				return nil, fmt.Errorf("identify: %w", err)
			}
			c.profile = p
		}
		p := c.profile
		var num, den float64
		for i, v := range p {
			num += w[i] * cur.Difference[i] * v
			den += w[i] * v * v
		}
		if num > 0 && den > 0 {
			out = append(out, scored{c, num * num / den})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].v > out[j].v })
	cs := make([]*candidate, len(out))
	for i, s := range out {
		cs[i] = s.c
	}
	return cs, nil
}

// weights are 1/σ² of the scan's points: its ESD where positive, else
// counting statistics with a floor of one count, as refine weighs them.
func weights(s *diffraction.Scan) []float64 {
	w := make([]float64, s.Len())
	for i, y := range s.Intensity {
		v := max(y, 1)
		if s.ESD != nil && s.ESD[i] > 0 {
			v = s.ESD[i] * s.ESD[i]
		}
		w[i] = 1 / v
	}
	return w
}

// trials refines each candidate with the accepted phases, two at a time.
func (r *runner) trials(accepted []*candidate, cur *refine.Result, cs []*candidate) []trial {
	out := make([]trial, len(cs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			set := append(slices.Clip(accepted), c)
			fit, err := r.fit(set, cur, true)
			out[i] = trial{c: c, fit: fit, err: err}
		}()
	}
	wg.Wait()
	return out
}

// oxide reports whether the sample is an oxide one: an accepted phase is,
// or with none accepted yet, the search's best candidate.
func (r *runner) oxide(accepted []*candidate) bool {
	for _, c := range accepted {
		if isOxide(c.entry) {
			return true
		}
	}
	if len(accepted) == 0 && len(r.pool) > 0 {
		return isOxide(r.pool[0].entry)
	}
	return false
}

// backward drops accepted phases (after the first keep ones, which the
// user required) that the fit no longer needs: removing one raises χ²
// insignificantly. The newest phase is not tested: it just passed.
func (r *runner) backward(accepted []*candidate, cur *refine.Result, keep int) ([]*candidate, *refine.Result, error) {
	for i := keep; i < len(accepted)-1; i++ {
		rest := slices.Delete(slices.Clone(accepted), i, i+1)
		without, err := r.fit(rest, cur, true)
		if err != nil {
			return nil, nil, err
		}
		ft := fTest(without, cur, cur.Phases[i].Parameters, r.res, r.w, unexplainedMask(cur, r.obs, r.w))
		if ft.P <= r.opt.Alpha {
			continue
		}
		r.decide(accepted[i].entry, Dropped, fmt.Sprintf("not needed once %s was accepted: without it Rwp %.4f → %.4f, χ² +%.2f %%%s, %s > α",
			accepted[len(accepted)-1].entry.DisplayName(), cur.Rwp, without.Rwp, 100*ft.DChi2/(ft.Chi2-ft.DChi2), ft.leftOut(), pText(ft.P)))
		return r.backward(rest, without, keep)
	}
	return accepted, cur, nil
}

// maxLookAlikes bounds the alternatives refined in place of a newly
// accepted phase.
const maxLookAlikes = 3

// lookAlikes refines, in place of the accepted phase k, the candidates that
// look like it — the same space group and a volume per atom within 15 %
// (isostructural: LiF and LiH, rutile and SnO2), or most of the same
// peaks matched in the search — and keeps the one that fits significantly
// better, or between fits the data cannot tell apart the one with the
// better prior.
func (r *runner) lookAlikes(accepted []*candidate, cur *refine.Result, k int) ([]*candidate, *refine.Result, error) {
	c := accepted[k]
	var alts []*candidate
	for _, o := range r.pool {
		if len(alts) == maxLookAlikes {
			break
		}
		if o == c || r.tried[o.entry.ID] || slices.Contains(accepted, o) || !similar(c, o) {
			continue
		}
		alts = append(alts, o)
	}
	if len(alts) == 0 {
		return accepted, cur, nil
	}
	oxide := r.oxide(slices.Delete(slices.Clone(accepted), k, k+1))
	best, bestFit := c, cur
	for _, o := range alts {
		r.tried[o.entry.ID] = true
		// Another compound must be able to have the cell the data gave;
		// another entry of the same compound may differ as entries do.
		dev, ok := cellCompatible(&o.entry.Structure.Cell, &cur.Phases[k], &c.entry.Structure.Cell)
		if !ok && !slices.Equal(o.entry.Elements, c.entry.Elements) {
			r.decide(o.entry, LookAlike, fmt.Sprintf("look-alike of %s, but its database cell is further from the refined one than the data allow", c.entry.DisplayName()))
			continue
		}
		// The look-alike starts from the refined cell (in): its own
		// bound must reach it, or the refinement would hold it at its
		// database cell's bound and compare it on misplaced lines.
		// (Its refined values are at index k of its fit, as the
		// accepted phase's are in cur.)
		set := slices.Clone(accepted)
		set[k] = in(o, c)
		set[k].phase.CellBound = min(max(set[k].phase.CellBound, dev+r.search.MaxStrain), refine.MaxCellBound)
		fit, err := r.fit(set, cur, true)
		if err != nil {
			if ctxErr := r.ctx.Err(); ctxErr != nil {
				return nil, nil, ctxErr
			}
			r.decide(o.entry, FitFailed, err.Error())
			continue
		}
		same := indistinguishable(fit, bestFit, r.opt.Alpha, r.res)
		better := !same && chi2(fit) < chi2(bestFit)
		fo, fb := &fit.Phases[k], &bestFit.Phases[k]
		switch {
		case better && o.fom >= best.fom-fomMargin, same && likelier(o, best, fo, fb, oxide):
			why := fmt.Sprintf("fits significantly better than its look-alike %s (Rwp %.4f against %.4f)", best.entry.DisplayName(), fit.Rwp, bestFit.Rwp)
			o.alike = nil
			if same {
				why = fmt.Sprintf("fits as well as its look-alike %s (Rwp %.4f against %.4f) and %s",
					best.entry.DisplayName(), fit.Rwp, bestFit.Rwp, whyLikelier(o, best, fo, fb, oxide))
			}
			r.decide(o.entry, Replaced, why)
			best, bestFit = o, fit
		default:
			why := fmt.Sprintf("look-alike of %s: Rwp %.4f against %.4f", best.entry.DisplayName(), fit.Rwp, bestFit.Rwp)
			switch {
			case same:
				why += fmt.Sprintf(", indistinguishable; %s kept: %s", best.entry.ID, whyLikelier(best, o, &bestFit.Phases[k], &fit.Phases[k], oxide))
			case better:
				why += ", better, but " + rankedBelow(best.fom-o.fom)
			default:
				why += ", significantly worse"
			}
			if better {
				keepOver(best, o, fb, fo, oxide)
			}
			r.decide(o.entry, LookAlike, why)
		}
	}
	if best == c {
		return accepted, cur, nil
	}
	out := slices.Clone(accepted)
	out[k] = best
	// The fit was made with best dressed as c: refine it as itself, from
	// that state.
	from := *bestFit
	from.Phases = slices.Clone(bestFit.Phases)
	from.Phases[k].ID = best.entry.ID
	fit, err := r.fit(out, &from, true)
	if err != nil {
		return nil, nil, err
	}
	return out, fit, nil
}

// similar reports whether two candidates are look-alikes: isostructural
// (the same space group, volume per atom within 15 %) or matched to mostly
// (80 %) the same observed peaks by the search.
func similar(a, b *candidate) bool {
	sa, sb := &a.entry.Structure, &b.entry.Structure
	if sa.SpaceGroupNumber != 0 && sa.SpaceGroupNumber == sb.SpaceGroupNumber {
		va, vb := volumePerAtom(a.entry), volumePerAtom(b.entry)
		if va > 0 && vb > 0 && math.Abs(va/vb-1) < 0.15 {
			return true
		}
	}
	if len(a.pairs) == 0 || len(b.pairs) == 0 {
		return false
	}
	n := 0
	for k := range b.pairs {
		if a.pairs[k] {
			n++
		}
	}
	return float64(n) >= 0.8*float64(max(len(a.pairs), len(b.pairs)))
}

func volumePerAtom(p *refdb.Phase) float64 {
	var n float64
	for _, v := range p.Structure.Composition() {
		n += v
	}
	if n == 0 {
		return 0
	}
	return p.Volume / n
}

// residualTop is how many candidates each search of the unexplained peaks
// adds to the pool.
const residualTop = 8

// searchResidual searches the peaks the current model leaves unexplained
// and adds the candidates found to the pool: a minor phase whose lines
// hide under the major ones' in the first search ranks high among what is
// left.
func (r *runner) searchResidual(cur *refine.Result) error {
	ex := explainPeaks(cur, r.obs, r.w)
	var left []diffraction.Peak
	var index []int // of left's peaks in r.obs
	for i, e := range ex {
		if e.Unexplained {
			left = append(left, r.obs[i])
			index = append(index, i)
		}
	}
	if len(left) == 0 {
		return nil
	}
	mo := r.search
	mo.Top = residualTop
	res, err := match.Identify(r.ctx, left, r.scan.Wavelength, r.lo, r.hi, r.universe, mo)
	if err != nil {
		return err
	}
	for _, c := range res.Candidates {
		c.Pairs = slices.Clone(c.Pairs)
		for k := range c.Pairs {
			c.Pairs[k].Peak = index[c.Pairs[k].Peak]
		}
		if _, err := r.addCandidate(c); err != nil {
			return err
		}
	}
	return nil
}

// evidenceLines is how many observed peaks that nothing explained before
// a phase must explain to be accepted (fewer when it has fewer visible
// lines in the range): the peak-search rule of match.Options.MinLines,
// applied to what the accepted phases leave. A phase whose lines all fall
// on other phases' peaks can lower χ² by taking up their misfit (an
// intensity off by preferred orientation, a line shape), but it is not
// evidenced by the data.
const evidenceLines = 3

// visibleFraction: a line of the new phase counts as visible when its
// intensity is at least this fraction of its strongest line's.
const visibleFraction = 0.05

// newPeaks counts the peaks that were unexplained before (before, from
// explainPeaks of the current model) and that the trial explains with its
// last phase making a fifth or more of the calculated intensity there;
// needed is evidenceLines, or the new phase's visible lines in range when
// fewer.
func (r *runner) newPeaks(before []PeakExplanation, fit *refine.Result) (n, needed int) {
	after := explainPeaks(fit, r.obs, r.w)
	last := len(fit.Phases) - 1
	for i, b := range before {
		if b.Unexplained && !after[i].Unexplained && slices.Contains(after[i].Phases, last) {
			n++
		}
	}
	ph := fit.Phases[last]
	var top float64
	for _, l := range ph.Reflections {
		if l.TwoTheta >= r.lo && l.TwoTheta <= r.hi {
			top = max(top, l.Intensity)
		}
	}
	visible := 0
	for _, l := range ph.Reflections {
		if l.TwoTheta >= r.lo && l.TwoTheta <= r.hi && l.Intensity >= visibleFraction*top && top > 0 {
			visible++
		}
	}
	return n, max(min(evidenceLines, visible), 1)
}

// resolutionElements is the number of line widths in a 2θ range: the range
// over the median FWHM of the observed peaks (0 without peaks).
func resolutionElements(width float64, obs []diffraction.Peak) float64 {
	m := medianFWHM(obs)
	if m == 0 {
		return 0
	}
	return width / m
}

// medianFWHM is the median FWHM of the peaks of known width, 0 when none
// has one.
func medianFWHM(obs []diffraction.Peak) float64 {
	var w []float64
	for _, p := range obs {
		if p.FWHM > 0 {
			w = append(w, p.FWHM)
		}
	}
	if len(w) == 0 {
		return 0
	}
	sort.Float64s(w)
	return w[len(w)/2]
}

// Thresholds of contradicted: the strongest lines of a phase are checked,
// those of at least strongShare of its strongest line's intensity; one is
// contradicted when the scan shows less than absentShare of what the
// phase alone puts there, and the model exceeds the observation by more
// than unexplainedK standard uncertainties. A line weakened by preferred
// orientation, by a slit that overfills the specimen at low angles or by
// an error of the structure keeps more than a quarter of its height; a
// line that is not there does not.
const (
	strongShare = 0.3
	absentShare = 0.25
)

// contradiction is a line of a phase the data do not show.
type contradiction struct {
	refine.Line
	calc, obs float64 // net of the refined background, averaged at the line
}

// contradicted reports a strong line of phase p of the refinement that the
// data contradict: the model puts intensity there that the scan does not
// have. A phase present in the sample shows all its strong lines (their
// heights may be off by preferred orientation, not gone); a phase that
// owes its place to a few lines coinciding with another phase's peaks
// predicts lines where nothing is — the rule of every search-match
// program that a missing strong line rules a phase out (Jenkins & Snyder
// 1996, Introduction to X-ray Powder Diffractometry, §13.4).
func contradicted(fit *refine.Result, p int, w []float64) (contradiction, bool) {
	ph := fit.Phases[p]
	x := fit.TwoTheta
	n := len(x)
	if n < 2 {
		return contradiction{}, false
	}
	lo, hi := x[0], x[n-1]
	var top float64
	for _, l := range ph.Reflections {
		if l.TwoTheta >= lo && l.TwoTheta <= hi {
			top = max(top, l.Intensity)
		}
	}
	for _, l := range ph.Reflections {
		if l.TwoTheta < lo || l.TwoTheta > hi || !(l.Intensity >= strongShare*top) || !(top > 0) {
			continue
		}
		c := sort.SearchFloat64s(x, l.TwoTheta)
		c = min(c, n-1)
		var obs, calc, own, v float64
		k := 0
		for j := max(c-1, 0); j <= min(c+1, n-1); j++ {
			obs += fit.Observed[j] - fit.Background[j]
			calc += fit.Calculated[j] - fit.Background[j]
			own += ph.Contribution[j]
			v += 1 / w[j]
			k++
		}
		m := float64(k)
		obs, calc, own = obs/m, calc/m, own/m
		if obs < absentShare*own && calc-obs > unexplainedK*math.Sqrt(v)/m {
			return contradiction{Line: l, calc: calc, obs: obs}, true
		}
	}
	return contradiction{}, false
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// maxSameStructure bounds the look-alikes of other chemistry refined in
// place of an accepted phase (sameStructure), the closest first.
const maxSameStructure = 4

// Cell compatibility of a look-alike (cellCompatible): its database cell
// must be as close to the refined cell as the accepted phase's own, within
// twice its deviation or cellAgree, whichever is larger, and its angles
// within sameAngle degrees. The refined cell is a measurement: gold's
// 4.0784 Å is not silver's 4.0862 Å, and the data say so even though
// intensities alone could not; but a phase whose own cell had to move
// (a solid solution, a database entry at another temperature) leaves
// room for look-alikes as far. cellAgree, 0.1 %, is how well a
// stoichiometric phase measured at room temperature on a calibrated
// instrument agrees with its database cell (LaB6 here: 6e-6; thermal
// expansion adds about 1e-4 for 10 K).
const (
	cellAgree = 0.001
	sameAngle = 0.5
)

// cellCompatible reports whether a look-alike with database cell look
// could be the refined phase fit whose own database cell is own, and how
// far its cell is from the refined one (the largest relative difference
// of the lengths).
func cellCompatible(look *crystal.Cell, fit *refine.PhaseResult, own *crystal.Cell) (float64, bool) {
	fc := fit.Cell
	dev := func(c *crystal.Cell) float64 {
		d := 0.0
		for _, v := range [][2]float64{{c.A, fc.A}, {c.B, fc.B}, {c.C, fc.C}} {
			d = max(d, math.Abs(v[0]/v[1]-1))
		}
		for _, v := range [][2]float64{{c.Alpha, fc.Alpha}, {c.Beta, fc.Beta}, {c.Gamma, fc.Gamma}} {
			if math.Abs(v[0]-v[1]) > sameAngle {
				d = math.Inf(1)
			}
		}
		return d
	}
	d := dev(look)
	return d, d <= max(2*dev(own), cellAgree)
}

// sameStructure refines, in place of the accepted phase k, the database
// phases of the same structure type and other elements that the element
// restraints admit, and returns those that fit as well (indistinguishable):
// then the pattern shows the structure, and the chemistry of the phase is
// not determined by the data.
func (r *runner) sameStructure(accepted []*candidate, cur *refine.Result, k int) ([]*refdb.Phase, error) {
	c := accepted[k]
	st := &c.entry.Structure
	if st.SpaceGroupNumber == 0 {
		return nil, nil
	}
	type near struct {
		p *refdb.Phase
		d float64
	}
	var ns []near
	for _, part := range r.db.Parts {
		// Only the entries of the space group, and of those only the
		// ones whose cell is compatible are read: a collection the size
		// of the COD is not read through for each phase.
		same, err := part.InSpaceGroup(st.SpaceGroupNumber)
		if err != nil {
			return nil, fmt.Errorf("identify: %w", err)
		}
		for _, e := range same {
			d, ok := cellCompatible(&e.Cell, &cur.Phases[k], &st.Cell)
			if !ok || !r.db.Admits(part, e.Entry) {
				continue
			}
			// The head has the elements; the whole entry is read only
			// for the few that pass.
			p, err := part.Head(e.Entry)
			if err != nil {
				return nil, fmt.Errorf("identify: %w", err)
			}
			if p.ID == c.entry.ID || slices.Equal(p.Elements, c.entry.Elements) ||
				!r.search.Elements.Admits(p.Elements) || slices.Contains(r.opt.Reject, p.ID) {
				continue
			}
			if whole, err := part.Phase(e.Entry); err == nil {
				ns = append(ns, near{whole, d})
			}
		}
	}
	sort.SliceStable(ns, func(i, j int) bool { return ns[i].d < ns[j].d })
	var out []*refdb.Phase
	for _, n := range ns[:min(len(ns), maxSameStructure)] {
		// Lined up on the accepted phase's refined cell: the look-alike's
		// own cell may differ by up to sameCell.
		strain := math.Cbrt(cur.Phases[k].Volume/n.p.Structure.Cell.Volume()) - 1
		o, err := r.candidate(n.p, strain, nil, 0)
		if err != nil {
			return nil, err
		}
		if o == nil {
			continue
		}
		set := slices.Clone(accepted)
		set[k] = in(o, c)
		fit, err := r.fit(set, cur, true)
		if err != nil {
			if ctxErr := r.ctx.Err(); ctxErr != nil {
				return nil, ctxErr
			}
			continue
		}
		if indistinguishable(fit, cur, r.opt.Alpha, r.res) {
			out = append(out, n.p)
			r.decide(n.p, SameStructure, fmt.Sprintf("same structure as %s, other elements, fits as well (Rwp %.4f against %.4f): the data do not tell the chemistry",
				c.entry.DisplayName(), fit.Rwp, cur.Rwp))
		}
	}
	return out, nil
}

// in returns candidate o dressed as the accepted c for a refinement warm
// started from c's: its phase takes c's ID, so that it starts from c's
// refined scale, cell (when the symmetry is the same), crystallite size
// and axis — a look-alike is compared on the lattice and line widths the
// data gave, not on its database cell and the instrument's bare widths.
func in(o, c *candidate) *candidate {
	ph := *o.phase
	ph.ID = c.phase.ID
	d := *o
	d.phase = &ph
	return &d
}

// fomMargin is how many points of the search's figure of merit a
// look-alike may trail an accepted phase by and still replace it on a
// significantly better fit. The figure of merit weighs the lines'
// positions and intensities against the observed peaks as they are; a
// look-alike it ranks far below owes a better refinement to the cell and
// width freedom of the refinement rather than to its structure (computed
// structures of one chemical system, whose cells are off by a per cent,
// trade places this way). 15 points is the margin within which match
// lets a common phase pass a rare one (its commonMargin).
const fomMargin = 15

// rankedBelow says why a look-alike that fits better but trails by more
// than fomMargin points in the peak search is not taken.
func rankedBelow(points float64) string {
	return fmt.Sprintf("the peak search ranks it %.0f FOM points below (more than %d): its fit owes more to the refinement's freedom than to its structure", points, fomMargin)
}

// keepOver records that candidate a, refined as fa, is kept over its
// look-alike b, refined as fb, which fits significantly better, on the
// peak search's ranking (fomMargin): when that leaves a's chemistry open
// (undecided), b and the look-alikes b was kept over join a's
// (candidate.alike).
func keepOver(a, b *candidate, fa, fb *refine.PhaseResult, oxide bool) {
	if !undecided(a, b, fa, fb, oxide) {
		return
	}
	for _, p := range append([]*refdb.Phase{b.entry}, b.alike...) {
		if !slices.Equal(p.Elements, a.entry.Elements) {
			a.alike = addOnce(a.alike, p)
		}
	}
}

// addOnce appends p to ps unless an entry of its ID is there.
func addOnce(ps []*refdb.Phase, p *refdb.Phase) []*refdb.Phase {
	if slices.ContainsFunc(ps, func(q *refdb.Phase) bool { return q.ID == p.ID }) {
		return ps
	}
	return append(ps, p)
}

// undecided reports whether keeping candidate a over its look-alike b,
// refined as fa and fb, where b fits significantly better and a is kept on
// the peak search's ranking (fomMargin), leaves a's chemistry open: they
// have other elements, the lattice the data measured is not a's
// (closerCell), and b's prior does not rule it out (Unlikely). The fit
// then favours one compound and the ranking another, and the data
// establish neither: a spinel of the database fits the pattern of a
// spinel the database lacks, and the next spinel fits it better. (Between
// look-alikes that fit as well, the measured cell, the prior and the
// ranking decide, as likelier says: gold is kept over aluminium, whose
// cell the refinement stretched by 0.7 % to fit as well.)
func undecided(a, b *candidate, fa, fb *refine.PhaseResult, oxide bool) bool {
	if slices.Equal(a.entry.Elements, b.entry.Elements) || closerCell(a, b, fa, fb) {
		return false
	}
	pb, _ := Prior(b.entry, oxide)
	return pb < Unlikely
}

// likelier reports whether candidate a, refined as fa, is likelier than b,
// refined as fb, between fits the data cannot tell apart: the lattice
// the data measured is a's (closerCell), or else a better prior (Prior),
// or at equal priors a better figure of merit in the peak search.
func likelier(a, b *candidate, fa, fb *refine.PhaseResult, oxide bool) bool {
	if closerCell(a, b, fa, fb) {
		return true
	}
	if closerCell(b, a, fb, fa) {
		return false
	}
	pa, _ := Prior(a.entry, oxide)
	pb, _ := Prior(b.entry, oxide)
	if pa != pb {
		return pa < pb
	}
	return a.fom > b.fom
}

// whyLikelier says why a is preferred to b ("its database cell is the
// refined one: …", "prior 0 against prior 2: …", or "the peak search ranks
// it higher: FOM 91 against 78").
func whyLikelier(a, b *candidate, fa, fb *refine.PhaseResult, oxide bool) string {
	if closerCell(a, b, fa, fb) {
		return fmt.Sprintf("the lattice the data measured is its own: its database cell is %.2f %% from the refined one, %s's %.2f %%",
			100*cellDeviation(a, fa), b.entry.ID, 100*cellDeviation(b, fb))
	}
	pa, _ := Prior(a.entry, oxide)
	pb, _ := Prior(b.entry, oxide)
	if pa != pb {
		return fmt.Sprintf("%s against %s", priorText(a.entry, oxide), priorText(b.entry, oxide))
	}
	return fmt.Sprintf("the peak search ranks it higher: FOM %.0f against %.0f (%s)", a.fom, b.fom, priorText(a.entry, oxide))
}

// cellDeviation is how far the cell refined for candidate c (fit) is from
// c's database cell: the largest relative difference of the lengths, +Inf
// when an angle differs by more than sameAngle (cellCompatible).
func cellDeviation(c *candidate, fit *refine.PhaseResult) float64 {
	d, _ := cellCompatible(&c.entry.Structure.Cell, fit, &c.entry.Structure.Cell)
	return d
}

// closerCell reports whether the data measured a's lattice rather than
// b's, between look-alikes whose fits the data cannot tell apart by χ²:
// the refinement held b's cell at its bound (within cellAgree of it: the
// search's tolerance for b, which the data would take further), and a's
// database cell is at most half as far from the refined cell as b's. The
// refined cell is a measurement (see cellAgree): gold's 4.0784 Å is not
// silver's 4.0862 Å even where the intensities of the two fit alike; but
// χ² does not show that b's lattice is wrong when the bound kept b's fit
// as near the data as its tolerance allows, and a cell inside its bound
// (a solid solution, an uncalibrated axis, a computed cell) says nothing
// against b. Half as far is the converse of cellCompatible, which admits
// a look-alike within twice the accepted phase's own deviation.
func closerCell(a, b *candidate, fa, fb *refine.PhaseResult) bool {
	start, _ := cellCompatible(&b.phase.Structure.Cell, fb, &b.phase.Structure.Cell)
	if !(start >= b.phase.CellBound-cellAgree) {
		return false
	}
	// A deviation is infinite when an angle moved (cellCompatible): the
	// lengths then say nothing, and two infinities are no comparison.
	da := cellDeviation(a, fa)
	return !math.IsInf(da, 1) && da <= cellDeviation(b, fb)/2
}

// lastPhase is the refined values of the last phase of a fit: a trial's
// candidate.
func lastPhase(fit *refine.Result) *refine.PhaseResult { return &fit.Phases[len(fit.Phases)-1] }

// typicalSize estimates from the median width of the observed peaks the
// crystallite size (nm) a candidate starts its refinement with, so that a
// nanocrystalline sample's broad lines are tried with broad lines: the
// excess of the median FWHM over the instrument's Caglioti width at that
// angle, taken as Lorentzian size broadening, through Scherrer's equation
// D = Kλ/(β cosθ) with K = 0.9 (Langford & Wilson 1978, as refine). 0 (no
// size broadening) when the peaks are within 20 % of the instrument's
// width, or there are none.
func typicalSize(obs []diffraction.Peak, inst refine.Instrument) float64 {
	fw, fi, t, ok := medianWidths(obs, inst)
	if !ok || fw < 1.2*fi {
		return 0
	}
	beta := (fw - fi) * math.Pi / 180
	d := 0.9 * inst.Wavelength.Ka1 / (beta * math.Cos(t)) / 10 // Å → nm
	return min(max(d, 2), 5000)
}
