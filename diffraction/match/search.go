package match

import (
	"cmp"
	"container/heap"
	"context"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Search identifies the phases of a scan as Identify does, among the
// entries of a library that sel admits, through the library's index: its
// result is Identify's over those entries in the library's order, but it
// scores only the entries that can appear in it, so that its cost grows
// with the entries that share lines with the scan and can rank, not with
// the size of the library.
//
// Why nothing that matters is left out. Identify's result is the Top
// candidates by figure of merit (after preferCommon) and the phases
// conclude accepts, which have a figure of merit of at least MinFOM. Let
// τ be the Top-th best figure of merit of all entries and L = min(τ,
// MinFOM). An entry whose figure of merit is below L is neither listed nor
// concluded, and taking it away moves no other: it ranks after every entry
// of L or more, and preferCommon moves only common entries forward. A
// common entry moves ahead of rarer ones that rank above it by less than
// commonMargin, so a common entry counts only when its figure of merit
// exceeds L − commonMargin. Search bounds each entry's figure of merit
// from above, in three steps, and scores exactly only the entries whose
// bound reaches the threshold, best bound first, so that the scores found
// raise τ as early as they can (a τ from some of the entries is at most
// the τ of all, so the threshold only ever errs low):
//
//  1. A line matches a peak only when it lies within the peak's window at
//     some strain, a span of d the index's buckets cover (reachable). An
//     entry with no line in those buckets has no match at all and is not
//     even looked at: the index yields only the entries that share lines
//     with the scan.
//  2. From the index: C, the matched share of the reference intensity in
//     range, at a strain of one of strainBins bins, is at most the
//     intensity of the entry's lines in the buckets reachable at the bin's
//     strains over that of its lines in buckets in range at every strain
//     (sureBuckets), and S at most its largest in the bin; E at most the
//     share of the groups of peaks those lines reach (groupShare); G at
//     most weightBound of the number of lines in reachable buckets; P and
//     A at most 1.
//  3. The entry's lines themselves (score, with the entry's floor): C·S
//     at each strain step at most the intensity of the lines that can be
//     near a peak at that step (within a span of steps of one of the
//     peaks, reach) times S there, over that in range at every step, and
//     E at most the share of the groups of the peaks those lines can be
//     near at that step (reachBound); G at most weightBound of the most
//     such lines at one step, then visibleBound; then, step by step, C and
//     E from the lines near a peak at that very step (scoreAt), which also
//     spares the steps that cannot beat the entry's best. An entry whose
//     best cannot reach its floor is not scored; one that can is scored as
//     Identify scores it.
//
// Every bound carries a relative slack of boundSlack for the rounding of
// the figure of merit's products. The index's blocks and the candidates
// are shared out to every core; the threshold they read only rises, so
// each core's decisions hold for the final one.
func Search(ctx context.Context, obs []diffraction.Peak, w diffraction.Wavelength, lo, hi float64, sel *refdb.Selection, opt Options) (Result, error) {
	o, m, err := prepare(obs, w, lo, hi, opt)
	if err != nil {
		return Result{}, err
	}
	var searched int
	sets := make([][]uint64, len(sel.Parts))
	for pi, part := range sel.Parts {
		var n int
		sets[pi], n = admitted(sel, part, opt.Elements)
		searched += n
	}
	m.norm = SignificanceThreshold(searched)
	reach := [2][]bool{m.reachable(false), m.reachable(true)}
	// The index's blocks, then the candidates, on every core.
	workers := runtime.GOMAXPROCS(0)
	type block struct{ part, block int }
	var blocks []block
	for pi, part := range sel.Parts {
		for b := range part.Index.Blocks() {
			blocks = append(blocks, block{pi, b})
		}
	}
	// The candidates, from the blocks on every core: those that can count
	// when the threshold is MinFOM, as it is once Top candidates reach it
	// (the phase is in the database), and, packed, the others, taken up
	// only when it is not.
	low := opt.MinFOM - commonMargin
	var next atomic.Int64
	high, rest := make([][]candidate, len(blocks)), make([][]packed, len(blocks))
	parallel(min(workers, len(blocks)), func() {
		t := newTables()
		for k := int(next.Add(1)) - 1; k < len(blocks) && ctx.Err() == nil; k = int(next.Add(1)) - 1 {
			b := blocks[k]
			high[k], rest[k] = m.sharing(b.part, sel.Parts[b.part], b.block, sets[b.part], reach, t, low)
		}
	})
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	var (
		mu   sync.Mutex
		best fomHeap // the Top best figures of merit so far
	)
	threshold := func() float64 {
		mu.Lock()
		defer mu.Unlock()
		return min(opt.MinFOM, best.tau(opt.Top))
	}
	scores := make([][]scored, workers)
	matchers := make([]*matcher, workers)
	for w := range matchers {
		matchers[w] = newMatcher(o, m.w, lo, hi, opt)
		matchers[w].norm = m.norm
	}
	// The candidates best bound first to a tenth of a point (sorted by
	// counting into bins of 0.1, in the library's order within a bin).
	score := func(cands []candidate) error {
		cands = byBound(cands)
		next.Store(0)
		var worker atomic.Int64
		parallel(workers, func() {
			w := int(worker.Add(1)) - 1
			mw := matchers[w]
			for k := int(next.Add(1)) - 1; k < len(cands) && ctx.Err() == nil; k = int(next.Add(1)) - 1 {
				c := cands[k]
				l := threshold()
				if binTop(c.bound)*(1+boundSlack) <= l-commonMargin {
					return // no entry further down can count, common or not
				}
				floor := l
				if c.common {
					floor -= commonMargin
				}
				if c.bound*(1+boundSlack) < floor {
					continue
				}
				mw.loadIndexed(sel.Parts[c.part].Index, int(c.entry))
				s, ok := mw.score(c.computed, floor)
				if !ok {
					continue
				}
				s.common, s.part, s.entry = c.common, int(c.part), int(c.entry)
				weigh(&s, o, m.norm)
				scores[w] = append(scores[w], s)
				mu.Lock()
				best.add(s.FOM, opt.Top)
				mu.Unlock()
			}
		})
		return ctx.Err()
	}
	if err := score(slices.Concat(high...)); err != nil {
		return Result{}, err
	}
	if l := threshold(); l < opt.MinFOM {
		// Only those whose bound reaches the threshold a common entry
		// needs (score stops at the first that does not, and the
		// threshold only rises).
		var cands []candidate
		for k, r := range rest {
			pi := blocks[k].part
			for _, p := range r {
				if float64(p.bound)*(1+boundSlack) >= l-commonMargin {
					cands = append(cands, p.candidate(pi, sel.Parts[pi].Index))
				}
			}
		}
		if err := score(cands); err != nil {
			return Result{}, err
		}
	}
	all := slices.Concat(scores...)
	// Identify's order of the entries, which breaks ties.
	slices.SortFunc(all, func(a, b scored) int { return cmp.Or(cmp.Compare(a.part, b.part), cmp.Compare(a.entry, b.entry)) })
	return decide(all, o, opt, searched, func(c *scored) error {
		if c.Phase != nil {
			return nil
		}
		p, err := sel.Parts[c.part].Phase(c.entry)
		c.Phase = p
		return err
	})
}

// candidate is an entry that shares lines with the scan, with the bound
// of its figure of merit.
type candidate struct {
	bound            float64
	entry            int32
	part             int16
	common, computed bool
}

// packed is a candidate in 8 bytes, as sharing keeps the many that can
// count only when Top candidates do not reach MinFOM: the entry, and the
// bound rounded up to a float32 (still a bound).
type packed struct {
	entry uint32
	bound float32
}

func pack(c candidate) packed {
	b := float32(c.bound)
	if float64(b) < c.bound {
		b = math.Nextafter32(b, float32(math.Inf(1)))
	}
	return packed{uint32(c.entry), b}
}

// candidate unpacks p, an entry of part pi, whose index is x.
func (p packed) candidate(pi int, x *refdb.Index) candidate {
	f := x.Flags(int(p.entry))
	return candidate{part: int16(pi), entry: int32(p.entry), common: f&refdb.FlagCommon != 0, computed: f&refdb.FlagComputed != 0, bound: float64(p.bound)}
}

// boundBins is the number of bins of byBound: a tenth of a point of the
// figure of merit each, from 0 to 100.
const boundBins = 1001

func bin(bound float64) int { return min(int(bound*10), boundBins-1) }

// binTop is the upper end of the bin of bound: no bound of the bin, nor of
// a lower one, exceeds it.
func binTop(bound float64) float64 { return float64(bin(bound)+1) / 10 }

// byBound orders candidates by the bin of their bound, highest first,
// keeping their order within a bin (a counting sort, linear in their
// number).
func byBound(cs []candidate) []candidate {
	var at [boundBins + 1]int
	for _, c := range cs {
		at[boundBins-bin(c.bound)]++
	}
	for k := range boundBins {
		at[k+1] += at[k]
	}
	out := make([]candidate, len(cs))
	for _, c := range cs {
		k := boundBins - 1 - bin(c.bound)
		out[at[k]] = c
		at[k]++
	}
	return out
}

// admitted marks the entries of part that sel and the element restraints
// admit, and counts them (the N of the significance).
func admitted(sel *refdb.Selection, part *refdb.Part, el Elements) ([]uint64, int) {
	x := part.Index
	all, known := x.ElementSet(el.AllOf)
	none, _ := x.ElementSet(el.NoneOf)
	only, _ := x.ElementSet(el.Only)
	set := make([]uint64, (x.Len()+63)/64)
	n := 0
	if !known {
		return set, 0 // a required element no entry has
	}
	free := len(el.AllOf)+len(el.NoneOf)+len(el.Only) == 0 // no restraint: no sets to read
	for i := range x.Len() {
		if !sel.Admits(part, i) {
			continue
		}
		ok := true
		if !free {
			e := x.Elements(i)
			for w := range e {
				ok = ok && e[w]&all[w] == all[w] && e[w]&none[w] == 0 && (len(el.Only) == 0 || e[w]&^only[w] == 0)
			}
		}
		if ok {
			set[i/64] |= 1 << (i % 64)
			n++
		}
	}
	return set, n
}

// reachable marks the index buckets (refdb.Bucket) of the reference
// d-spacings that can lie near an observed peak at some strain within
// MaxStrain (computed false) or MaxStrainComputed, and sets, for each,
// the groups of the peaks they can lie near (m.groups): by reach's
// inequalities at the largest strains, a line of spacing d is near a peak
// at sin θ = x of window w only if
//
//	Kα1/(2(x + w)(1 + εmax)) ≤ d ≤ λ/(2(x − w)(1 − εmax))
//
// (no upper bound when x ≤ w); 1e-9 of slack widens the span for the
// rounding of d(1+ε). The same with the strains of one of strainBins
// bins, εlo ≤ ε ≤ εhi, in place of ±εmax, sets the bins in which each
// bucket's lines can be near a peak (m.bins).
func (m *matcher) reachable(computed bool) []bool {
	eps := m.opt.MaxStrain
	if computed {
		eps = m.opt.MaxStrainComputed
	}
	lam := max(m.w.Ka1, m.lamMean)
	marks := make([]bool, refdb.NumBuckets)
	groups := make([]uint64, refdb.NumBuckets)
	bins := make([]uint8, refdb.NumBuckets)
	span := func(x, w, epsLo, epsHi float64) (int, int) {
		lo := m.w.Ka1 / (2 * (x + w) * (1 + epsHi)) * (1 - 1e-9)
		hi := math.Inf(1)
		if x > w {
			hi = lam / (2 * (x - w) * (1 + epsLo)) * (1 + 1e-9)
		}
		return refdb.Bucket(lo), refdb.Bucket(hi)
	}
	for j, x := range m.sinObs {
		w := m.winObs[j] + reachSlack
		lo, hi := span(x, w, -eps, eps)
		for b := lo; b <= hi; b++ {
			marks[b] = true
			groups[b] |= 1 << m.peakGroup(j)
		}
		for k := range strainBins {
			lo, hi := span(x, w, binStrain(eps, k), binStrain(eps, k+1))
			for b := lo; b <= hi; b++ {
				bins[b] |= 1 << k
			}
		}
	}
	c := b2i(computed)
	m.groups[c], m.bins[c] = groups, bins
	return marks
}

// strainBins is the number of bins of strain of the index's bound: with
// eight, the span a line's strain moves it over within one bin is a
// fraction of a matching window, and the bound comes close to the best
// single strain's.
const strainBins = 8

// binStrain is the lower end of strain bin k of ±eps (k = strainBins: the
// upper end of the last).
func binStrain(eps float64, k int) float64 {
	return -eps + 2*eps*float64(k)/strainBins
}

// binPenalty is the largest strain factor S = 1 − ½(ε/εmax)² within bin
// k of ±eps: at the bin's strain nearest zero (1 with no strain allowed).
func binPenalty(eps float64, k int) float64 {
	lo, hi := binStrain(1, k), binStrain(1, k+1)
	if eps == 0 || lo <= 0 && hi >= 0 {
		return 1
	}
	e := min(math.Abs(lo), math.Abs(hi))
	return 1 - 0.5*e*e
}

// The observed peaks fall into 64 groups (by position, in the order of
// sinObs), so that the peaks a phase's lines can reach are a bit set:
// E, the share of the observed intensity a phase explains, is at most the
// share of the groups its lines reach (groupShare).
func (m *matcher) peakGroup(j int) int { return j * 64 / len(m.sinObs) }

// groupShare is the share of the observed intensity in a set of groups of
// peaks, with boundSlack for the rounding of E's sum.
func (m *matcher) groupShare(set uint64) float64 {
	t := m.groupBytes
	sum := (t[0][byte(set)] + t[1][byte(set>>8)] + t[2][byte(set>>16)] + t[3][byte(set>>24)]) +
		(t[4][byte(set>>32)] + t[5][byte(set>>40)] + t[6][byte(set>>48)] + t[7][byte(set>>56)])
	return min(1, sum/m.o.total*(1+boundSlack))
}

// groupByteSums sets m.groupBytes: for each byte b of a set of groups and
// each value v of it, the observed intensity of the groups 8b… whose bits v
// sets, so that groupShare sums eight of them (sums of intensities in
// another order than E's, whose rounding boundSlack covers).
func (m *matcher) groupByteSums() {
	m.groupBytes = new([8][256]float64)
	for b := range m.groupBytes {
		for v := range 256 {
			var sum float64
			for k := range 8 {
				if v&(1<<k) != 0 {
					sum += m.groupI[8*b+k]
				}
			}
			m.groupBytes[b][v] = sum
		}
	}
}

// tables are a worker's sums over the entries of one block of the index
// (sharing): an entry's slot, and sure the intensity of its lines in range
// at every strain in units of 0.01.
type tables struct {
	slots *[refdb.BlockEntries]slot
	sure  *[refdb.BlockEntries]uint32
	rest  []packed // sharing's scratch
}

// A slot holds what sharing sums of an entry's lines in reachable buckets,
// together so that a posting updates one or two cache lines: acc their
// intensity in units of 0.01 per strain bin, two bins a word (bin 2p in
// the low 32 bits of acc[p], bin 2p+1 in the high ones: neither half
// carries into the other, as an entry's intensity is at most 65,536 lines
// of 65,535, below 2^32), count their number, peaks the groups of observed
// peaks they can reach (peakGroup).
type slot struct {
	acc   [4]uint64
	peaks uint64
	count uint32
}

// sharing adds a posting to a slot's four words unrolled: the eight bins
// of strain, two a word.
var _ [0]struct{} = [strainBins - 8]struct{}{}

func newTables() *tables {
	return &tables{slots: new([refdb.BlockEntries]slot), sure: new([refdb.BlockEntries]uint32)}
}

// sharing returns the admitted entries of a block of part with a line in
// a reachable bucket, with their bounds (see Search): high those whose
// bound exceeds low, rest the others, packed. The intensity of an
// entry's lines in range at every strain (sureBuckets) comes from the
// index's knots for the buckets between the first and the last knot
// within them, from the postings for the few buckets beyond.
func (m *matcher) sharing(pi int, part *refdb.Part, block int, admitted []uint64, reach [2][]bool, t *tables, low float64) (high []candidate, rest []packed) {
	x := part.Index
	var knots [2][2]int
	var edges [2][][2]int
	for c, computed := range []bool{false, true} {
		lo, hi := m.sureBuckets(computed)
		ka, kb := (lo+refdb.KnotStep-1)/refdb.KnotStep, (hi+1)/refdb.KnotStep
		if ka >= kb {
			edges[c] = [][2]int{{lo, hi}}
			continue
		}
		knots[c] = [2]int{ka, kb}
		edges[c] = [][2]int{{lo, refdb.KnotBucket(ka) - 1}, {refdb.KnotBucket(kb), hi}}
	}
	// The largest strain factor of each bin, measured and computed.
	var penalty [2][strainBins]float64
	for c, eps := range []float64{m.opt.MaxStrain, m.opt.MaxStrainComputed} {
		for k := range strainBins {
			penalty[c][k] = binPenalty(eps, k)
		}
	}
	base := block * refdb.BlockEntries
	t.rest = t.rest[:0]
	// Every entry of the block admitted (no subset, no element
	// restraint): the postings need no test.
	all := true
	for i := base; i < min(base+refdb.BlockEntries, x.Len()); i += 64 {
		want := ^uint64(0)
		if n := x.Len() - i; n < 64 {
			want = 1<<n - 1
		}
		all = all && admitted[i/64]&want == want
	}
	for c, computed := range []bool{false, true} {
		for b, ok := range reach[c] {
			if !ok {
				continue
			}
			ps := x.Postings(computed, block, b)
			groups, bins := m.groups[c][b], uint64(m.bins[c][b])
			// Branch-free: ci into the halves of the bins whose bit is set.
			var mask [len(slot{}.acc)]uint64
			for p := range mask {
				mask[p] = -(bins>>(2*p)&1)&0xffffffff | -(bins>>(2*p+1)&1)<<32
			}
			for ; len(ps) >= 4; ps = ps[4:] {
				e, ci := refdb.Posting(ps, 0)
				if g := base + e; !all && admitted[g/64]&(1<<(g%64)) == 0 {
					continue
				}
				// e < BlockEntries, a power of two: the mask spares the
				// bounds check.
				s := &t.slots[e&(refdb.BlockEntries-1)]
				both := uint64(ci) | uint64(ci)<<32
				// Unrolled (strainBins is 8: four words).
				s.acc[0] += both & mask[0]
				s.acc[1] += both & mask[1]
				s.acc[2] += both & mask[2]
				s.acc[3] += both & mask[3]
				s.count++
				s.peaks |= groups
			}
		}
		for _, r := range edges[c] {
			for b := r[0]; b <= r[1]; b++ {
				for ps := x.Postings(computed, block, b); len(ps) >= 4; ps = ps[4:] {
					e, ci := refdb.Posting(ps, 0)
					t.sure[e&(refdb.BlockEntries-1)] += uint32(ci)
				}
			}
		}
	}
	// The entries touched, in order: the block's slots, sure and knots
	// are read in sequence.
	for e := range min(refdb.BlockEntries, x.Len()-base) {
		sl := &t.slots[e]
		if sl.count == 0 {
			continue
		}
		g := base + e
		f := x.Flags(g)
		c := b2i(f&refdb.FlagComputed != 0)
		s := t.sure[e]
		if k := knots[c]; k[1] > k[0] {
			s += uint32(x.Below(k[1], g) - x.Below(k[0], g))
		}
		// C at a strain of bin k is at most the intensity reachable in
		// the bin over that in range at every strain, times S's largest.
		a, p := &sl.acc, &penalty[c]
		most := max(uint32(float64(uint32(a[0]))*p[0]), uint32(float64(uint32(a[0]>>32))*p[1]),
			uint32(float64(uint32(a[1]))*p[2]), uint32(float64(uint32(a[1]>>32))*p[3]),
			uint32(float64(uint32(a[2]))*p[4]), uint32(float64(uint32(a[2]>>32))*p[5]),
			uint32(float64(uint32(a[3]))*p[6]), uint32(float64(uint32(a[3]>>32))*p[7]))
		// most is rounded down from the product; one more covers it.
		bound := 100 * min(1, (float64(most)+1)/max(float64(s), 1e-300)) * m.weightBound(int(sl.count)) * (0.6 + 0.4*m.groupShare(sl.peaks))
		cand := candidate{part: int16(pi), entry: int32(g), common: f&refdb.FlagCommon != 0, computed: c == 1, bound: bound}
		if bound*(1+boundSlack) > low {
			high = append(high, cand)
		} else {
			t.rest = append(t.rest, pack(cand))
		}
		*sl = slot{}
	}
	clear(t.sure[:])
	return high, slices.Clone(t.rest)
}

// parallel runs work on n goroutines and waits for them.
func parallel(n int, work func()) {
	var wg sync.WaitGroup
	for range n {
		wg.Go(work)
	}
	wg.Wait()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sureBuckets returns the buckets lo…hi whose lines are in range at every
// strain of a measured (computed false) or computed entry: d(1+ε) within
// Kα1/(2 sinHi)…Kα1/(2 sinLo) for all |ε| ≤ εmax. The buckets of the two
// ends, and one more either side for the rounding of Bucket, are left
// out: Bucket does not decrease with d, so a line in a bucket strictly
// between those of the ends lies strictly between them.
func (m *matcher) sureBuckets(computed bool) (lo, hi int) {
	eps := m.opt.MaxStrain
	if computed {
		eps = m.opt.MaxStrainComputed
	}
	dLo := m.w.Ka1 / (2 * min(1, m.sinHi)) / (1 - eps)
	dHi := m.w.Ka1 / (2 * m.sinLo) / (1 + eps)
	return refdb.Bucket(dLo) + 2, refdb.Bucket(dHi) - 2
}

// loadIndexed makes entry e's indexed lines the matcher's lines: those of
// at least refdb.IndexMinIntensity, the same as loadPhase takes (minLineI).
func (m *matcher) loadIndexed(x *refdb.Index, e int) {
	m.lines = m.lines[:0]
	start, end := x.Lines(e)
	sorted := true // by decreasing d (d is never NaN: µÅ in a uint32)
	for j := start; j < end; j++ {
		d, i, k := x.Line(j)
		sorted = sorted && (j == start || m.lines[len(m.lines)-1].d >= d)
		m.lines = append(m.lines, line{d: d, i: i, idx: k})
	}
	if !sorted {
		slices.SortStableFunc(m.lines, func(a, b line) int { return cmp.Compare(b.d, a.d) })
	}
}

// fomHeap keeps the best figures of merit found, up to Top of them, the
// worst on top.
type fomHeap []float64

func (h fomHeap) Len() int           { return len(h) }
func (h fomHeap) Less(i, j int) bool { return h[i] < h[j] }
func (h fomHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *fomHeap) Push(x any)        { *h = append(*h, x.(float64)) }
func (h *fomHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// add records a figure of merit, keeping the top ones.
func (h *fomHeap) add(fom float64, top int) {
	switch {
	case top == 0:
	case h.Len() < top:
		heap.Push(h, fom)
	case fom > (*h)[0]:
		(*h)[0] = fom
		heap.Fix(h, 0)
	}
}

// tau is the Top-th best figure of merit found: −∞ while fewer than Top
// are, +∞ when no candidate is listed (Top 0).
func (h fomHeap) tau(top int) float64 {
	switch {
	case top == 0:
		return math.Inf(1)
	case len(h) < top:
		return math.Inf(-1)
	}
	return h[0]
}
