package match

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Elements restrains the candidate phases by chemistry, as the element
// filter of HighScore or Match! does. Symbols are case-sensitive ("Fe");
// Validate rejects others.
type Elements struct {
	AllOf  []string // a phase must contain every one of these
	NoneOf []string // and none of these
	Only   []string // and, when set, no element outside this list
}

// Options controls an identification. The zero value is not useful; start
// from DefaultOptions.
type Options struct {
	// Tolerance is the half-width in degrees 2θ of the window in which an
	// observed peak matches a reference line; it widens to half the
	// observed peak's FWHM for broad peaks.
	Tolerance float64
	// MaxStrain is the largest relative change of all d-spacings of a
	// phase that the search may apply to line it up with the data (solid
	// solution, thermal expansion).
	MaxStrain float64
	// MaxStrainComputed is the same for computed structures, whose cells
	// are off by about a percent, as DFT cells are.
	MaxStrainComputed float64
	// MinFOM is the figure of merit a candidate needs to be concluded
	// present.
	MinFOM float64
	// MinNew is the fraction of the observed integrated intensity, not yet
	// explained by phases accepted before it, that a further phase must
	// explain to be accepted too.
	MinNew float64
	// MinUnique is the fraction of a further phase's reference intensity
	// (lines in range) that must be matched at peaks no accepted phase
	// claims: a phase whose lines all fall on another's peaks is not
	// evidenced by the data.
	MinUnique float64
	// MinLines is the number of matched lines a phase needs to be concluded
	// present (fewer when it has fewer lines in the range, then all of
	// them): one coinciding peak is no evidence.
	MinLines int
	// MaxPhases caps the number of phases concluded present.
	MaxPhases int
	// Top is the length of the ranked candidate list.
	Top int
	// Elements restrains the candidates.
	Elements Elements
}

// DefaultOptions returns the settings used by the CLI and the GUI.
//
// The 0.15° window covers the zero-shift and sample-displacement errors of a
// routine Bragg–Brentano measurement (typically below 0.1°, Jenkins & Snyder
// 1996, "Introduction to X-ray Powder Diffractometry", ch. 8) plus the
// position scatter of a peak search. 0.5 % strain covers thermal expansion
// over a few hundred kelvin and dilute substitution; 1.5 % covers the cell
// error of GGA-relaxed structures (about +1 %, Hautier et al. 2012, PRB 85,
// 155208).
func DefaultOptions() Options {
	return Options{
		Tolerance:         0.15,
		MaxStrain:         0.005,
		MaxStrainComputed: 0.015,
		MinFOM:            45,
		MinNew:            0.04,
		MinUnique:         0.2,
		MinLines:          3,
		MaxPhases:         5,
		Top:               10,
	}
}

// falseAlarm is the expected number of phases of the database that chance
// alone lines up as well as a candidate given full weight: 1 %. On the
// labelled shared scans (17 XRD-AutoAnalyzer patterns, 45 RRUFF, 12 WPEM)
// this took the false identifications from 40 to 18 and lost no correct
// one; 10 % left 21, 1e-5 lost one.
const falseAlarm = 0.01

// minLineI is the smallest relative intensity (0–100) of a reference line
// taken into account: weaker lines are below the detection limit of a
// routine scan and their absence says nothing.
const minLineI = 1.0

// strainStep is the grid step of the strain search; 5e-4 moves a line at
// 2θ = 90° by 0.057°, well inside the matching window.
const strainStep = 5e-4

// Identify scores every phase of db against the observed peaks of a scan
// that covers lo ≤ 2θ ≤ hi, ranks them, and decides which phases are
// present. w must be known (the caller substitutes an assumed wavelength
// and says so). ctx cancels a long search. Search gives the same result
// through an index, scoring only the phases that can matter.
func Identify(ctx context.Context, obs []diffraction.Peak, w diffraction.Wavelength, lo, hi float64, db []refdb.Phase, opt Options) (Result, error) {
	o, m, err := prepare(obs, w, lo, hi, opt)
	if err != nil {
		return Result{}, err
	}
	var all []scored
	searched := 0
	for i := range db {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
		}
		p := &db[i]
		if !opt.Elements.Admits(p.Elements) {
			continue
		}
		searched++
		m.loadPhase(p)
		if s, ok := m.score(p.Computed, math.Inf(-1)); ok {
			s.Phase, s.common = p, p.Common
			all = append(all, s)
		}
	}
	norm := SignificanceThreshold(searched)
	for i := range all {
		weigh(&all[i], o, norm)
	}
	return decide(all, o, opt, searched, nil)
}

// prepare checks the arguments of a search and readies the observed
// peaks and the matcher.
func prepare(obs []diffraction.Peak, w diffraction.Wavelength, lo, hi float64, opt Options) (*observed, *matcher, error) {
	if err := opt.Validate(); err != nil {
		return nil, nil, fmt.Errorf("match: %w", err)
	}
	if !w.Known() {
		return nil, nil, errors.New("match: the wavelength is unknown")
	}
	if len(obs) == 0 {
		return nil, nil, errors.New("match: no peaks to match")
	}
	if !(hi > lo) {
		return nil, nil, fmt.Errorf("match: empty 2θ range %g–%g°", lo, hi)
	}
	o := newObserved(obs)
	o.cover = coverage(o, lo, hi, opt)
	return o, newMatcher(o, w, lo, hi, opt), nil
}

// weigh sets a candidate's Significance and multiplies its figure of
// merit by its significance weight G = min(1, −log10 p / norm) (Parts.
// Chance), norm = SignificanceThreshold(N) for N phases searched: a match
// that chance gives with probability p is expected N·p times in the
// database; full weight needs N·p ≤ falseAlarm (a Bonferroni bound), less
// weight in proportion to −log10 p.
func weigh(c *scored, o *observed, norm float64) {
	c.Significance = -math.Log10(binomialTail(c.nVisible, c.mVisible, o.cover))
	c.Parts.Chance = min(1, c.Significance/norm)
	c.FOM *= c.Parts.Chance
}

// decide ranks the weighed candidates, in the order of the database, and
// concludes which are present; searched phases were scored. resolve, when
// set, gives a candidate its Phase, which only the candidates listed or
// concluded need.
func decide(all []scored, o *observed, opt Options, searched int, resolve func(*scored) error) (Result, error) {
	sort.SliceStable(all, func(i, j int) bool { return all[i].FOM > all[j].FOM })
	preferCommon(all)
	if resolve == nil {
		resolve = func(*scored) error { return nil }
	}
	res := Result{Searched: searched}
	for i := range all {
		if i == opt.Top {
			break
		}
		if err := resolve(&all[i]); err != nil {
			return Result{}, err
		}
		res.Candidates = append(res.Candidates, all[i].Candidate)
	}
	var err error
	res.Phases, err = conclude(all, o, opt, resolve)
	return res, err
}

// commonMargin is how far, in FOM points, a common phase may trail a rare
// one that explains the same peaks and still rank before it.
const commonMargin = 15

// preferCommon moves a common phase ahead of rarer candidates that rank
// above it by less than commonMargin and match the same peaks: two entries
// whose patterns the data cannot tell apart (LiF and LiH share the rock
// salt lattice to 0.01 %) are ranked by how likely each is in a sample,
// as HighScore and Match! do with their common-phase subfiles.
func preferCommon(all []scored) {
	var same samePeaks
	for j := 1; j < len(all); j++ {
		if !all[j].common {
			continue
		}
		same.of(&all[j])
		// The highest-ranked rare look-alike within the margin; other
		// candidates between them do not stop the move.
		i := j
		for k := j - 1; k >= 0 && all[k].FOM-all[j].FOM < commonMargin; k-- {
			if all[k].common {
				break
			}
			if same.as(&all[k]) {
				i = k
			}
		}
		same.clear()
		if i < j {
			c := all[j]
			copy(all[i+1:j+1], all[i:j])
			all[i] = c
		}
	}
}

// samePeaks tells whether candidates match mostly (80 %) the same observed
// peaks as one candidate b: n, the number of b's pairs whose peak is
// among another's, is at least 0.8 of the larger number of pairs. It
// counts b's pairs by peak once (of), and marks another's peaks with a
// stamp (as), so that a comparison takes no map.
type samePeaks struct {
	b     *scored
	count []int // b's pairs by peak
	seen  []int // the stamp of the candidate that last counted a peak
	stamp int
}

// of makes b the candidate to compare with.
func (s *samePeaks) of(b *scored) {
	s.b = b
	for _, p := range b.Pairs {
		if p.Peak >= len(s.count) {
			s.count = append(s.count, make([]int, p.Peak+1-len(s.count))...)
		}
		s.count[p.Peak]++
	}
}

// as reports whether a matches mostly the same peaks as b.
func (s *samePeaks) as(a *scored) bool {
	s.stamp++
	if len(s.seen) < len(s.count) {
		s.seen = append(s.seen, make([]int, len(s.count)-len(s.seen))...)
	}
	n := 0
	for _, p := range a.Pairs {
		if p.Peak < len(s.count) && s.seen[p.Peak] != s.stamp {
			s.seen[p.Peak] = s.stamp
			n += s.count[p.Peak]
		}
	}
	return float64(n) >= 0.8*float64(max(len(a.Pairs), len(s.b.Pairs)))
}

// clear forgets b's pairs.
func (s *samePeaks) clear() {
	for _, p := range s.b.Pairs {
		s.count[p.Peak] = 0
	}
}

// Admits reports whether a phase with these elements passes the restraint.
func (e Elements) Admits(els []string) bool {
	for _, x := range e.AllOf {
		if !slices.Contains(els, x) {
			return false
		}
	}
	for _, x := range els {
		if slices.Contains(e.NoneOf, x) {
			return false
		}
		if len(e.Only) > 0 && !slices.Contains(e.Only, x) {
			return false
		}
	}
	return true
}

// observed is the peak list prepared for matching: positions sorted and
// integrated intensities scaled so that the strongest is 100.
type observed struct {
	peaks []diffraction.Peak
	tt    []float64 // 2θ, ascending
	idx   []int     // index into peaks for each tt
	inten []float64 // relative integrated intensity per peak (same order as peaks)
	total float64
	// cover is the fraction of the scanned range within a matching
	// window of some peak: the chance that a line at a random position
	// matches. weakest is the intensity of the weakest peak found, the
	// detection limit of the scan on the same scale as inten.
	cover, weakest float64
}

func newObserved(ps []diffraction.Peak) *observed {
	o := &observed{peaks: ps, inten: make([]float64, len(ps))}
	// Integrated intensities, not heights, compare with computed line
	// intensities: heights fall with the angle-dependent width. A peak
	// search that gives no area falls back on the height.
	var maxI float64
	for i, p := range ps {
		v := p.Area
		if !(v > 0) {
			v = p.Height
		}
		o.inten[i] = max(v, 0)
		maxI = max(maxI, o.inten[i])
	}
	o.weakest = math.Inf(1)
	for i := range o.inten {
		if maxI > 0 {
			o.inten[i] *= 100 / maxI
		}
		o.total += o.inten[i]
		o.weakest = min(o.weakest, o.inten[i])
	}
	o.idx = make([]int, len(ps))
	for i := range o.idx {
		o.idx[i] = i
	}
	sort.Slice(o.idx, func(a, b int) bool { return ps[o.idx[a]].TwoTheta < ps[o.idx[b]].TwoTheta })
	o.tt = make([]float64, len(ps))
	for i, k := range o.idx {
		o.tt[i] = ps[k].TwoTheta
	}
	return o
}

// nearest returns the observed peak closest to the interval [a, b] and its
// signed distance from it (0 inside), or -1 when there are no peaks.
func (o *observed) nearest(a, b float64) (int, float64) {
	return o.nearestAt(sort.SearchFloat64s(o.tt, a), a, b)
}

// nearestAt is nearest with j, the index of the first peak at a or above
// in o.tt, known.
func (o *observed) nearestAt(j int, a, b float64) (int, float64) {
	best, bestD := -1, math.Inf(1)
	for _, k := range []int{j - 1, j, j + 1} {
		if k < 0 || k >= len(o.tt) {
			continue
		}
		x := o.tt[k]
		var d float64
		switch {
		case x < a:
			d = x - a
		case x > b:
			d = x - b
		}
		if math.Abs(d) < math.Abs(bestD) {
			best, bestD = o.idx[k], d
		}
	}
	return best, bestD
}

// scored is a Candidate with what the final decision needs.
type scored struct {
	Candidate
	explains map[int]float64 // observed peak → integrated intensity the phase predicts there (relative, ×Scale)
	pairI    []float64       // reference intensity of each of Pairs
	pairD    []float64       // and its d-spacing, Å
	common   bool            // Phase.Common
	// part and entry place the candidate of a Search in its library.
	part, entry int
	refTotal    float64 // reference intensity of the lines in range
	nLines      int     // number of lines in range
	// nVisible lines in range would be at least as strong as the weakest
	// observed peak at the fitted scale; mVisible of them are matched.
	nVisible, mVisible int
}

// matcher scores phases against one observed peak list; it holds the
// scratch space scoreAt reuses from one strain step and phase to the next.
type matcher struct {
	o       *observed
	w       diffraction.Wavelength
	lo, hi  float64
	opt     Options
	lamMean float64
	// sinLo and sinHi bound sin θ of a line in range; sinObs is sin θ of
	// each observed peak, in the order of o.tt, and winObs its matching
	// window in sin θ: the window in θ, in radians, since |Δ sin θ| ≤
	// |Δθ|; maxWin is the widest possible window.
	sinLo, sinHi, maxWin float64
	sinObs, winObs       []float64

	group   []float64 // per observed peak: summed reference intensity of the lines on it
	touched []int     // the peaks with a nonzero group, in the order first matched
	pairs   []Pair
	pairI   []float64
	pairD   []float64

	// norm is the significance's normalisation, log10(N/α), when the
	// number N of phases searched is known beforehand (Search);
	// logInvCover is log10(1/o.cover).
	norm, logInvCover float64

	winDeg []float64 // matching window of each observed peak, degrees 2θ (window)
	// groupI is the observed intensity of each group of peaks and groups
	// the groups each bucket can reach, measured and computed (Search:
	// reachable).
	groupI [64]float64
	// groupBytes sums groupI by the bytes of a set of groups (groupShare).
	groupBytes *[8][256]float64
	groups     [2][]uint64
	// bins are the strain bins in which each bucket's lines can be near a
	// peak, measured and computed (Search: reachable).
	bins [2][]uint8

	lines []line // the phase being scored (loadPhase)
	near  []int  // the lines that can be near a peak at some strain (reach)
	// reached are the observed peaks (in the order of sinObs) the lines can
	// come near, marked in peakReached; eBound is their share of the
	// observed intensity.
	reached     []int
	peakReached []bool
	eBound      float64
	// stepG are, for each step from −nSteps, the groups of the peaks
	// (peakGroup) that the lines can be near at that step (reach).
	stepG []uint64
	// nSteps is the number of strain steps either side of zero; runA and
	// runB the lines in range at each step, from step −nSteps, once found
	// (run; runA −1 before); sumFrom and cum the running sums of
	// intensity from line sumFrom (refTotal).
	nSteps     int
	runA, runB []int
	sumFrom    int
	cum        []float64
	// stepI and stepN are, for each step from −nSteps, the summed
	// intensity and the number of the lines that can be near a peak at
	// that step (reach, count).
	stepI []float64
	stepN []int
	// close are the lines near a peak at the step scoreAt scores, and
	// peakMarked (listed in marked) the peaks they come near.
	close      []closeLine
	peakMarked []bool
	marked     []int
	lnFact     []float64 // ln k!, k = 0, 1, … (firstTerm)
	// lnF and lnG are ln f and ln(1 − f), f the coverage (firstTerm).
	lnF, lnG float64
}

func newMatcher(o *observed, w diffraction.Wavelength, lo, hi float64, opt Options) *matcher {
	m := &matcher{o: o, w: w, lo: lo, hi: hi, opt: opt, lamMean: w.Mean(),
		sinLo: sinHalf(lo), sinHi: sinHalf(hi), maxWin: window(opt, math.Inf(1)) / 2 * math.Pi / 180,
		group: make([]float64, len(o.peaks))}
	m.logInvCover = math.Log10(1 / o.cover)
	m.lnF, m.lnG = math.Log(o.cover), math.Log1p(-o.cover)
	m.winDeg = make([]float64, len(o.peaks))
	for k, p := range o.peaks {
		m.winDeg[k] = window(opt, p.FWHM)
	}
	m.peakReached = make([]bool, len(o.tt))
	m.peakMarked = make([]bool, len(o.tt))
	m.sinObs = make([]float64, len(o.tt))
	m.winObs = make([]float64, len(o.tt))
	for i, t := range o.tt {
		m.groupI[i*64/len(o.tt)] += o.inten[o.idx[i]]
		m.sinObs[i] = sinHalf(t)
		m.winObs[i] = window(opt, o.peaks[o.idx[i]].FWHM) / 2 * math.Pi / 180
	}
	m.groupByteSums()
	return m
}

// line is a reference line as the scorer reads it: one of at least
// minLineI, with its index in Phase.Lines and the strain steps at which it
// can lie near an observed peak.
type line struct {
	d, i float64
	idx  int
	// lo…hi are the strain steps (ε = step·strainStep) outside which the
	// line is not within maxWin of any observed peak: lo > hi for a line
	// that is nowhere near one at any strain; j0…j1-1 are the observed
	// peaks (in the order of sinObs) it can come near (see reach).
	lo, hi, j0, j1 int
}

// loadPhase makes p's lines of at least minLineI the matcher's lines,
// ordered by decreasing d (as ComputeLines writes them; a list given in
// another order is sorted, stably, so that lines of one d keep theirs).
func (m *matcher) loadPhase(p *refdb.Phase) {
	m.lines = m.lines[:0]
	for k, l := range p.Lines {
		if l.I >= minLineI {
			m.lines = append(m.lines, line{d: l.D, i: l.I, idx: k})
		}
	}
	byD := func(a, b line) int { return cmp.Compare(b.d, a.d) }
	if !slices.IsSortedFunc(m.lines, byD) {
		slices.SortStableFunc(m.lines, byD)
	}
}

// reachSlack absorbs the rounding of the sines and angles that reach and
// nearPeak compare, far below any matching window (at least 1e-5 in
// sin θ).
const reachSlack = 1e-9

// reach sets the strain steps lo…hi of each line (n steps either side of
// zero), lists the lines that can be near a peak at some strain in
// m.near, and sums up, step by step, the lines that can be near a peak at
// that step (m.stepI, m.stepN). A line of spacing d is near a peak at
// sin θ = x, of matching window w in sin θ, at strain ε when x lies
// within w of [s1, sm], s1 = Kα1/(2d(1+ε)) and sm ≤ λ/(2d(1+ε)) with λ
// the larger of Kα1 and the mean wavelength (nearPeak):
//
//	s1 − w ≤ x  ⇔  ε ≥ Kα1/(2d(x + w)) − 1
//	x ≤ sm + w  ⇒  ε ≤ λ/(2d(x − w)) − 1   (when x > w)
//
// One step more either side covers the rounding of ε·d, so a line outside
// lo…hi fails nearPeak at that step and scoreAt need not look at it. Each
// peak gives the line such a span of steps, and the line counts at the
// steps of its peaks' spans only (in a dense pattern it comes near
// several peaks, at steps with gaps between): once where the spans join
// up, more often where spans met out of order overlap, which only makes
// the sums larger. The sums add the lines in their order, as scoreAt adds
// those near a peak at a step, so that a sum over more lines is no
// smaller (rounding does not decrease with what it rounds).
func (m *matcher) reach(n int, maxStrain float64) {
	lam := max(m.w.Ka1, m.lamMean)
	m.near = m.near[:0]
	m.stepI = slices.Grow(m.stepI[:0], 2*n+1)[:2*n+1]
	m.stepN = slices.Grow(m.stepN[:0], 2*n+1)[:2*n+1]
	m.stepG = slices.Grow(m.stepG[:0], 2*n+1)[:2*n+1]
	clear(m.stepI)
	clear(m.stepN)
	clear(m.stepG)
	for _, j := range m.reached {
		m.peakReached[j] = false
	}
	m.reached = m.reached[:0]
	j0 := 0
	for li := range m.lines {
		l := &m.lines[li]
		l.lo, l.hi = n+1, -n-1
		sMin := m.w.Ka1/(2*l.d*(1+maxStrain)) - m.maxWin - reachSlack
		sMax := lam/(2*l.d*(1-maxStrain)) + m.maxWin + reachSlack
		// The first peak at sMin or above, walked to from the last line's:
		// by decreasing d, sMin only grows (the walk back is for lines in
		// another order).
		for j0 > 0 && m.sinObs[j0-1] >= sMin {
			j0--
		}
		for j0 < len(m.sinObs) && m.sinObs[j0] < sMin {
			j0++
		}
		l.j0, l.j1 = j0, j0
		// The steps of the peaks met so far that join up, counted when
		// the next peak's do not join them.
		span := [2]int{1, 0}
		for ; l.j1 < len(m.sinObs) && m.sinObs[l.j1] <= sMax; l.j1++ {
			x, w := m.sinObs[l.j1], m.winObs[l.j1]+reachSlack
			if x < sMin+m.maxWin-w || x > sMax-m.maxWin+w {
				continue
			}
			lo := int(math.Floor((m.w.Ka1/(2*l.d*(x+w))-1)/strainStep)) - 1
			hi := n
			if x > w {
				hi = int(math.Ceil(min(lam/(2*l.d*(x-w))-1, 2*maxStrain)/strainStep)) + 1
			}
			if lo, hi = max(lo, -n), min(hi, n); lo > hi {
				continue
			}
			g := uint64(1) << m.peakGroup(l.j1)
			for k := lo; k <= hi; k++ {
				m.stepG[k+n] |= g
			}
			if l.lo > l.hi || lo > span[1]+1 || hi < span[0]-1 {
				m.count(span, l.i)
				span = [2]int{lo, hi}
			} else {
				span = [2]int{min(span[0], lo), max(span[1], hi)}
			}
			l.lo, l.hi = min(l.lo, lo), max(l.hi, hi)
		}
		m.count(span, l.i)
		if l.lo <= l.hi {
			m.near = append(m.near, li)
			for j := l.j0; j < l.j1; j++ {
				if !m.peakReached[j] {
					m.peakReached[j] = true
					m.reached = append(m.reached, j)
				}
			}
		}
	}
	// E, the share of the observed intensity the phase explains, counts
	// only peaks that its lines come near.
	var e float64
	for _, j := range m.reached {
		e += m.o.inten[m.o.idx[j]]
	}
	m.eBound = min(1, e/m.o.total)
	m.runA = slices.Grow(m.runA[:0], 2*n+1)[:2*n+1]
	for k := range m.runA {
		m.runA[k] = -1
	}
	m.runB = slices.Grow(m.runB[:0], 2*n+1)[:2*n+1]
	m.sumFrom = -1
}

// count adds a line of intensity i to the steps span[0]…span[1] (none
// when span[0] > span[1]) of stepI and stepN.
func (m *matcher) count(span [2]int, i float64) {
	if span[0] > span[1] {
		return
	}
	si := m.stepI[span[0]+m.nSteps : span[1]+m.nSteps+1]
	sn := m.stepN[span[0]+m.nSteps:][:len(si)]
	for k := range si {
		si[k] += i
		sn[k]++
	}
}

// run returns the lines in range at a strain step (inRange), found once
// per phase.
func (m *matcher) run(step int) (a, b int) {
	k := step + m.nSteps
	if m.runA[k] < 0 {
		m.runA[k], m.runB[k] = m.inRange(float64(step) * strainStep)
	}
	return m.runA[k], m.runB[k]
}

// reachBound bounds the unweighed figure of merit at every strain step of
// the loaded lines (after reach): the largest, over the steps, of a bound
// at the step, where C·S is at most the intensity of the lines that can
// be near a peak at the step (stepI) times S there, over the intensity of
// the lines in range at every step (those in range at both extreme
// strains: runs move with the strain), E at most stepE, the other factors
// at most 1. lines is the most lines that can be near a peak at one step,
// the most that can match.
func (m *matcher) reachBound(n int, maxStrain float64) (bound float64, lines int) {
	a, _ := m.run(n)
	_, b := m.run(-n)
	var sure float64
	for _, l := range m.lines[a:max(a, b)] {
		sure += l.i
	}
	for k := -n; k <= n; k++ {
		lines = max(lines, m.stepN[k+n])
		if sure > 0 {
			c := min(1, m.stepI[k+n]*strainFactor(float64(k)*strainStep, maxStrain)/sure)
			bound = max(bound, c*(0.6+0.4*m.stepE(k)))
		}
	}
	if sure == 0 {
		return 100, lines
	}
	return 100 * bound * (1 + boundSlack), lines
}

// stepE bounds E, the share of the observed intensity the loaded lines
// explain, at strain step k (after reach): the matched peaks are among
// those the lines can be near at that step, in the groups stepG holds, and
// among those they can be near at some strain (eBound).
func (m *matcher) stepE(k int) float64 {
	return min(m.eBound, m.groupShare(m.stepG[k+m.nSteps]))
}

// refTotal is the summed intensity of lines a…b-1, added up in order as
// scoreAt always did; the running sums from a are kept for the other steps
// of the phase, whose runs mostly start at the same line.
func (m *matcher) refTotal(a, b int) float64 {
	if m.sumFrom != a {
		m.sumFrom, m.cum = a, append(m.cum[:0], 0)
	}
	for k := len(m.cum) - 1; a+k < b; k++ {
		m.cum = append(m.cum, m.cum[k]+m.lines[a+k].i)
	}
	return m.cum[b-a]
}

// inRange returns the lines a…b-1 that fall within lo–hi at strain eps:
// by decreasing d, sin θ grows along the list, so they are one run, found
// with the very test lineSin makes.
func (m *matcher) inRange(eps float64) (a, b int) {
	s1 := func(i int) float64 { return m.w.Ka1 / (2 * (m.lines[i].d * (1 + eps))) }
	a = sort.Search(len(m.lines), func(i int) bool { return s1(i) >= m.sinLo })
	b = a + sort.Search(len(m.lines)-a, func(i int) bool { s := s1(a + i); return !(s <= 1 && s <= m.sinHi) })
	return a, b
}

// lineSin is sin θ of a line of spacing d at Kα1; ok is false when the
// line is out of reach or outside lo–hi.
func (m *matcher) lineSin(d float64) (s1 float64, ok bool) {
	s1 = m.w.Ka1 / (2 * d)
	return s1, s1 <= 1 && s1 >= m.sinLo && s1 <= m.sinHi
}

// window is the half-width in degrees 2θ within which an observed peak of
// this FWHM matches a line: Tolerance, widened to half the FWHM for broad
// peaks, up to three times Tolerance.
func window(opt Options, fwhm float64) float64 {
	return max(opt.Tolerance, min(0.5*fwhm, 3*opt.Tolerance))
}

// sinHalf is sin θ for a 2θ in degrees.
func sinHalf(twoTheta float64) float64 { return math.Sin(twoTheta / 2 * math.Pi / 180) }

// boundSlack covers the rounding of the figure of merit's product of
// factors, which reach 1 only in exact arithmetic.
const boundSlack = 1e-9

// startStrains sets the strain steps of the loaded lines (reach): n steps
// of strainStep either way, over ±MaxStrain, or ±MaxStrainComputed for a
// computed structure.
func (m *matcher) startStrains(computed bool) (n int, maxStrain float64) {
	maxStrain = m.opt.MaxStrain
	if computed {
		maxStrain = m.opt.MaxStrainComputed
	}
	n = int(math.Round(maxStrain / strainStep))
	m.nSteps = n
	m.reach(n, maxStrain)
	return n, maxStrain
}

// score matches the loaded lines (loadPhase) at the best strain and
// returns the candidate, for a computed structure or not; ok is false when
// no reference line falls in the range or none matches. floor is the
// figure of merit below which the caller has no use for the candidate
// (−∞: any): a candidate whose weighed figure of merit cannot reach it is
// not scored, and ok is false for it.
//
// The strains of a candidate that can reach floor are searched as in full:
// a strain step is left out only when its bound (scoreAt) is below cut −
// 2e-9, cut the unweighed figure of merit that floor asks for, so it
// cannot be the best step, nor keep a step of cut or more from being one
// (a step replaces the best only when it exceeds it by 1e-9).
func (m *matcher) score(computed bool, floor float64) (scored, bool) {
	n, maxStrain := m.startStrains(computed)
	if len(m.near) == 0 {
		return scored{}, false
	}
	cut := math.Inf(-1)
	if !math.IsInf(floor, -1) {
		rb, lines := m.reachBound(n, maxStrain)
		g := m.weightBound(lines)
		if g <= 0 {
			return scored{}, false
		}
		if cut = floor/g - 1e-6; rb < cut {
			return scored{}, false
		}
		// A closer bound on G, dearer: worth it only for what is left.
		if g = min(g, m.visibleBound(n)); g <= 0 {
			return scored{}, false
		}
		if cut = floor/g - 1e-6; rb < cut {
			return scored{}, false
		}
	}
	bestFOM, bestEps := -1.0, 0.0
	// Walk the strain grid outward from zero so that among equal scores
	// the smallest strain wins.
	for k := 0; k <= 2*n; k++ {
		step := (k + 1) / 2
		if k%2 == 1 {
			step = -step
		}
		eps := float64(step) * strainStep
		if st, ok := m.scoreAt(step, eps, maxStrain, max(bestFOM+1e-9, cut-2e-9)); ok && st.fom > bestFOM+1e-9 {
			bestFOM, bestEps = st.fom, eps
		}
	}
	if bestFOM <= 0 || bestFOM < cut {
		return scored{}, false
	}
	best := m.candidate(bestEps, maxStrain)
	claimKa2(&best, m.o, m.w, m.opt)
	return best, true
}

// visibleBound bounds the significance weight G of the loaded lines (after
// reach) more closely than weightBound. The visible lines at the fitted
// scale are all the lines in range of at least some intensity t; at least
// n_t of them, the lines of t or more in range at every strain, and at most
// m_t of them matched, the lines of t or more near a peak at some strain.
// As the binomial tail grows with the trials and falls with the successes,
// p ≥ tail(max(n, m), m, f) for any n ≤ n_t and m ≥ m_t, and a tail is at
// least its first term, C(n, m)·f^m·(1−f)^(n−m). The intensities fall in
// classes (intensityBin), each a span of intensities: for a t in class q,
// m_t is at most the lines near a peak in q or above, n_t at least the
// lines in range at every strain above q. −log10 p is at most the largest
// −log10 of that term over the classes (with 1e-6 for the rounding of
// binomialTail), which can be largest only at a class that holds a line
// near a peak (below one that does not, n only grows).
func (m *matcher) visibleBound(n int) float64 {
	a, _ := m.run(n)
	_, b := m.run(-n)
	var near, sure [intensityBins]int
	for _, li := range m.near {
		near[intensityBin(m.lines[li].i)]++
	}
	for _, l := range m.lines[a:max(a, b)] {
		sure[intensityBin(l.i)]++
	}
	norm := m.norm
	var sig float64
	nt, mt := 0, 0 // the lines in range above class q, those near a peak in q or above
	for q := intensityBins - 1; q >= 0; q-- {
		if near[q] > 0 {
			mt += near[q]
			if sig = max(sig, m.firstTerm(max(nt, mt), mt)+1e-6); sig >= norm {
				return 1
			}
		}
		nt += sure[q]
	}
	return sig / norm
}

// intensityBins is the number of classes of intensity of visibleBound,
// eight an octave from minLineI (1) up, the last holding every intensity
// from 2^(intensityBins/8) up: beyond the 655.35 an index stores.
const intensityBins = 96

// intensityBin is the class of a line's intensity i: the exponent and the
// three leading bits of the fraction of i as a float64, which grow with a
// positive number, counted from minLineI's. The classes are spans of
// intensity, by increasing intensity.
func intensityBin(i float64) int {
	k := int(math.Float64bits(i)>>49) - int(math.Float64bits(minLineI)>>49)
	return min(max(k, 0), intensityBins-1)
}

// firstTerm is −log10 of C(n, k)·f^k·(1−f)^(n−k), f the coverage, from a
// table of ln k! grown as needed.
func (m *matcher) firstTerm(n, k int) float64 {
	for len(m.lnFact) <= n {
		j := len(m.lnFact)
		if j == 0 {
			m.lnFact = append(m.lnFact, 0)
			continue
		}
		m.lnFact = append(m.lnFact, m.lnFact[j-1]+math.Log(float64(j)))
	}
	ln := m.lnFact[n] - m.lnFact[k] - m.lnFact[n-k] + float64(k)*m.lnF + float64(n-k)*m.lnG
	return -ln / math.Ln10
}

// weightBound bounds the significance weight G of a candidate with at most
// nearLines lines that can match: at least m of n lines fall on peaks by
// chance with probability at least f^m (the first m do), so −log10 p ≤
// m·log10(1/f) (1e-6 more for the rounding of binomialTail).
func (m *matcher) weightBound(nearLines int) float64 {
	f := m.o.cover
	switch {
	case f <= 0:
		return 1
	case f >= 1:
		return 0
	}
	return min(1, (float64(nearLines)*m.logInvCover+1e-6)/m.norm)
}

// claimKa2 adds to a candidate the observed peaks that are the resolved
// Kα2 components of its matched lines (at high angles the doublet splits,
// Δ2θ = 2 tanθ·Δλ/λ): they are explained by the phase, with intensity
// Ratio × the Kα1 line's, and must not be left over for another phase to
// claim. They do not count in the figure of merit.
func claimKa2(c *scored, o *observed, w diffraction.Wavelength, opt Options) {
	if !(w.Ka2 > w.Ka1) || !(w.Ratio > 0) {
		return
	}
	for i, pr := range c.Pairs {
		d := c.pairD[i] * (1 + c.Strain)
		t2, ok := diffraction.TwoTheta(d, w.Ka2)
		if !ok {
			continue
		}
		k, dist := o.nearest(t2, t2)
		// An unresolved doublet has its Kα1 peak nearest to t2: skipped.
		if k < 0 || k == pr.Peak || math.Abs(dist) > opt.Tolerance {
			continue
		}
		c.explains[k] += w.Ratio * c.Scale * c.pairI[i]
		c.Ka2Pairs = append(c.Ka2Pairs, Pair{Peak: k, Line: pr.Line, Delta: o.peaks[k].TwoTheta - t2})
	}
}

// scoreAt matches the loaded lines, with all d-spacings multiplied by
// 1+eps (eps = step·strainStep), against the observed peaks and computes
// the figure of merit. ok is false when no line falls in the range, none
// matches, or the figure of merit cannot exceed below (then it is not
// computed: the fraction C below is at most the intensity of the lines
// near a peak at this step, and every other factor is at most 1).
//
// The figure of merit is Bragg's own, built from the criteria that
// search-match programs combine (Hanawalt, Rinn & Frevel 1938; Smith &
// Snyder 1979 for the position term; Caussin, Nusinovici & Beard 1988 for
// the intensity-weighted coverage):
//
//	FOM = 100 · C · (0.6 + 0.4·E) · (0.7 + 0.3·P) · (0.7 + 0.3·A) · S
//
// C is the fraction of the phase's reference intensity (lines in range)
// that is observed: a strong line that is missing rules a phase out. E is
// the fraction of the observed integrated intensity the phase accounts for
// (small for a minor phase, so it weighs less). P is the position
// agreement, 1 − mean |Δ2θ|/window weighted by intensity. A is the
// intensity agreement, 1 − Σ|Iobs − s·Iref|/ΣIobs over the matched peaks
// with the least-squares scale s. S = 1 − ½(ε/εmax)² penalises strain.
//
// Identify then multiplies the FOM by G = min(1, −log10 p / log10(N/α)),
// the significance of the match: p is the binomial probability that at
// least m of the phase's n visible lines (those the fitted scale puts above
// the weakest observed peak) fall on observed peaks by chance, each with
// probability f, the fraction of the range the matching windows cover; N
// is the number of phases searched and α = falseAlarm. A phase with two
// lines in range that fall on a dense pattern's peaks is no evidence,
// however well they agree; 20 matched lines are.
func (m *matcher) scoreAt(step int, eps, maxStrain, below float64) (stats, bool) {
	o := m.o
	for _, k := range m.touched {
		m.group[k] = 0
	}
	m.touched, m.pairs, m.pairI, m.pairD = m.touched[:0], m.pairs[:0], m.pairI[:0], m.pairD[:0]
	var st stats
	a, b := m.run(step)
	st.refTotal, st.nLines = m.refTotal(a, b), b-a
	S := strainFactor(eps, maxStrain)
	if reachable := m.stepI[step+m.nSteps]; st.refTotal == 0 || reachable == 0 || 100*reachable/st.refTotal*S*(0.6+0.4*m.stepE(step))*(1+boundSlack) <= below {
		return stats{}, false
	}
	// The lines near a peak at this step, found in sin θ, without the
	// arcsines (most lines of most phases are far from every peak), and
	// the peaks they come near: a closer bound on C and E.
	m.close = m.close[:0]
	var closeI, closeE float64
	for _, li := range m.near {
		l := &m.lines[li]
		if li < a || li >= b || step < l.lo || step > l.hi {
			continue
		}
		d := l.d * (1 + eps)
		s1, _ := m.lineSin(d)
		// An unresolved Kα doublet peaks between the Kα1 position and the
		// intensity-weighted mean position; accept anything in between.
		sm := m.lamMean / (2 * d)
		if sm > 1 {
			sm = s1
		}
		if m.nearPeak(l, s1, sm) {
			m.close = append(m.close, closeLine{li, s1, sm})
			closeI += l.i
		}
	}
	for _, j := range m.marked {
		closeE += o.inten[o.idx[j]]
		m.peakMarked[j] = false
	}
	m.marked = m.marked[:0]
	if closeI == 0 || 100*closeI/st.refTotal*S*(0.6+0.4*min(1, closeE/o.total))*(1+boundSlack) <= below {
		return stats{}, false
	}
	var refMatched, posNum, posDen float64
	for _, c := range m.close {
		l := &m.lines[c.li]
		s1, sm := c.s1, c.sm
		t1 := 2 * math.Asin(s1) * 180 / math.Pi
		tm := 2 * math.Asin(sm) * 180 / math.Pi
		// The first peak at t1 or above is among those the line can come
		// near, or just past them (reach's span is wider than a window).
		j := l.j0
		for j < l.j1 && o.tt[j] < t1 {
			j++
		}
		k, dist := o.nearestAt(j, t1, tm)
		if k < 0 {
			continue
		}
		win := m.winDeg[k]
		if math.Abs(dist) > win {
			continue
		}
		refMatched += l.i
		posNum += l.i * math.Abs(dist) / win
		posDen += l.i
		if m.group[k] == 0 {
			m.touched = append(m.touched, k)
		}
		m.group[k] += l.i
		m.pairs = append(m.pairs, Pair{Peak: k, Line: l.idx, Delta: o.peaks[k].TwoTheta - t1})
		m.pairI = append(m.pairI, l.i)
		m.pairD = append(m.pairD, l.d)
	}
	if len(m.pairs) == 0 {
		return stats{}, false
	}
	// Least-squares scale of the reference intensities onto the observed
	// ones over the matched peaks: s = Σ Io·Ir / Σ Ir².
	var num, den, explained float64
	for _, k := range m.touched {
		ir := m.group[k]
		num += o.inten[k] * ir
		den += ir * ir
		explained += o.inten[k]
	}
	st.scale = num / den
	var resid float64
	for _, k := range m.touched {
		resid += math.Abs(o.inten[k] - st.scale*m.group[k])
	}
	C := refMatched / st.refTotal
	E := explained / o.total
	P := 1 - posNum/posDen
	A := max(0, 1-resid/explained)
	st.fom = 100 * C * (0.6 + 0.4*E) * (0.7 + 0.3*P) * (0.7 + 0.3*A) * S
	st.parts = FOMParts{Coverage: C, Explained: E, Position: P, Intensity: A, Strain: S}
	return st, true
}

// strainFactor is S = 1 − ½(ε/εmax)², the penalty of strain (1 with no
// strain allowed).
func strainFactor(eps, maxStrain float64) float64 {
	if maxStrain > 0 {
		return 1 - 0.5*(eps/maxStrain)*(eps/maxStrain)
	}
	return 1
}

// stats are scoreAt's figures beside the pairs it leaves in the matcher.
type stats struct {
	fom, scale, refTotal float64
	nLines               int
	parts                FOMParts
}

// nearPeak reports whether an observed peak lies within its own matching
// window of the interval [s1, sm] of sin θ, and marks every such peak
// (peakMarked, listed in marked): a line that observed.nearest matches has
// one (the matched peak), so a line without one is ruled out without the
// arcsines. Only the peaks reach found for the line can.
func (m *matcher) nearPeak(l *line, s1, sm float64) bool {
	near := false
	for j := l.j0; j < l.j1; j++ {
		if x, w := m.sinObs[j], m.winObs[j]+reachSlack; x >= s1-w && x <= sm+w {
			near = true
			if !m.peakMarked[j] {
				m.peakMarked[j] = true
				m.marked = append(m.marked, j)
			}
		}
	}
	return near
}

// closeLine is a line near a peak at a strain step, with its sines.
type closeLine struct {
	li     int
	s1, sm float64
}

// candidate scores the loaded lines at eps again and keeps what the
// decision needs: the pairs, the intensity each matched peak owes the
// phase, and the visible lines (those the fitted scale puts at least as
// high as the weakest observed peak: a minor phase's weak lines are below
// the detection limit) for the significance.
func (m *matcher) candidate(eps, maxStrain float64) scored {
	st, _ := m.scoreAt(int(math.Round(eps/strainStep)), eps, maxStrain, math.Inf(-1))
	explains := make(map[int]float64, len(m.touched))
	for _, k := range m.touched {
		explains[k] = st.scale * m.group[k]
	}
	visible := func(i float64) bool { return st.scale*i >= m.o.weakest }
	var nVis, mVis int
	a, b := m.run(int(math.Round(eps / strainStep)))
	for _, l := range m.lines[a:b] {
		if visible(l.i) {
			nVis++
		}
	}
	for _, i := range m.pairI {
		if visible(i) {
			mVis++
		}
	}
	return scored{
		Candidate: Candidate{FOM: st.fom, Scale: st.scale, Strain: eps, Parts: st.parts, Pairs: slices.Clone(m.pairs)},
		explains:  explains,
		pairI:     slices.Clone(m.pairI),
		pairD:     slices.Clone(m.pairD),
		refTotal:  st.refTotal,
		nLines:    st.nLines,
		nVisible:  nVis,
		mVisible:  mVis,
	}
}

// coverage is the fraction of lo–hi that lies within the matching window
// of some observed peak, the chance that a line at a random position falls
// on a peak. The Kα1–Kα2 spread that scoreAt also accepts below a peak
// (about 0.1° at 2θ = 60° with Cu, when Kα2 is not stripped) is left out:
// a slightly smaller chance, a slightly larger significance.
func coverage(o *observed, lo, hi float64, opt Options) float64 {
	var covered, end float64 = 0, lo
	for _, k := range o.idx {
		win := window(opt, o.peaks[k].FWHM)
		a, b := max(o.peaks[k].TwoTheta-win, end), min(o.peaks[k].TwoTheta+win, hi)
		if b > a {
			covered += b - a
			end = b
		}
	}
	return min(1, covered/(hi-lo))
}

// binomialTail is the probability of at least m successes in n trials of
// probability f: the chance that m of a phase's n visible lines fall on
// observed peaks at random positions (the peaks cover a fraction f of the
// range). Summed in logarithms, as n reaches hundreds.
func binomialTail(n, m int, f float64) float64 {
	if m <= 0 {
		return 1
	}
	if m > n || f <= 0 {
		return 0
	}
	if f >= 1 {
		return 1
	}
	lf, lg := math.Log(f), math.Log1p(-f)
	ln, _ := math.Lgamma(float64(n + 1))
	var sum float64
	for k := m; k <= n; k++ {
		a, _ := math.Lgamma(float64(k + 1))
		b, _ := math.Lgamma(float64(n - k + 1))
		t := math.Exp(ln - a - b + float64(k)*lf + float64(n-k)*lg)
		sum += t
		if t < sum*1e-12 {
			break
		}
	}
	return min(1, max(sum, 1e-300))
}

// conclude decides which candidates are present: greedily, best first, a
// candidate is accepted when its figure of merit reaches MinFOM, it explains
// at least MinNew of the observed intensity that the phases accepted before
// it leave unexplained, at least MinUnique of its reference intensity is
// matched at peaks that no accepted phase claims, and at least MinLines of
// its lines (or all of its lines in range, when fewer) are matched. Weight fractions follow from the
// scales by the RIR method of Chung (1974, J. Appl. Cryst. 7, 519–525):
// w_α = (I_α/RIR_α) / Σ_j (I_j/RIR_j), with I the integrated intensity of
// each phase's strongest line, here 100·Scale.
func conclude(all []scored, o *observed, opt Options, resolve func(*scored) error) ([]Candidate, error) {
	left := slices.Clone(o.inten)
	claimed := make([]bool, len(o.inten))
	var out []Candidate
	for _, c := range all {
		if len(out) == opt.MaxPhases || c.FOM < opt.MinFOM {
			break
		}
		var gain, unique float64
		for k, v := range c.explains {
			gain += min(left[k], v)
		}
		for i, p := range c.Pairs {
			if !claimed[p.Peak] {
				unique += c.pairI[i]
			}
		}
		if len(c.Pairs) < min(opt.MinLines, c.nLines) || gain < opt.MinNew*o.total || unique < opt.MinUnique*c.refTotal {
			continue
		}
		for k, v := range c.explains {
			left[k] = max(0, left[k]-v)
			claimed[k] = true
		}
		if err := resolve(&c); err != nil {
			return nil, err
		}
		out = append(out, c.Candidate)
	}
	var sum float64
	for _, c := range out {
		if c.Phase.RIR > 0 {
			sum += c.Scale / c.Phase.RIR
		}
	}
	for i := range out {
		if r := out[i].Phase.RIR; r > 0 && sum > 0 {
			out[i].WeightPercent = 100 * out[i].Scale / r / sum
		}
	}
	return out, nil
}
