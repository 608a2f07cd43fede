package match

import (
	"cmp"
	"container/heap"
	"context"
	"math"
	"slices"

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
//  2. Every factor of the figure of merit but C, the matched share of the
//     reference intensity in range, is at most 1, and so is the
//     significance weight G. C is at most the intensity of the entry's
//     lines in reachable buckets over that of its lines in range at every
//     strain: bound1.
//  3. scoreAt's own bound on each strain step (C from the lines near a
//     peak at that step), which also spares the steps that cannot beat
//     the entry's best.
//
// Every bound carries a relative slack of boundSlack for the rounding of
// the figure of merit's products.
func Search(ctx context.Context, obs []diffraction.Peak, w diffraction.Wavelength, lo, hi float64, sel *refdb.Selection, opt Options) (Result, error) {
	o, m, err := prepare(obs, w, lo, hi, opt)
	if err != nil {
		return Result{}, err
	}
	var (
		searched int
		cands    []candidate
	)
	reach := [2][]bool{m.reachable(false), m.reachable(true)}
	for pi, part := range sel.Parts {
		admitted, n := admitted(sel, part, opt.Elements)
		searched += n
		cands = append(cands, m.sharing(pi, part, admitted, reach)...)
		if err := ctx.Err(); err != nil {
			return Result{}, err
		}
	}
	slices.SortStableFunc(cands, func(a, b candidate) int { return cmp.Compare(b.bound, a.bound) })
	norm := significance(searched)
	m.norm = norm.norm()
	var (
		all  []scored
		best fomHeap // the Top best figures of merit so far
	)
	for k, c := range cands {
		if k%64 == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
		}
		l := math.Min(opt.MinFOM, best.tau(opt.Top))
		if c.bound*(1+boundSlack) <= l-commonMargin {
			break // no entry further down can count, common or not
		}
		floor := l
		if c.common {
			floor -= commonMargin
		}
		if c.bound*(1+boundSlack) < floor {
			continue
		}
		part := sel.Parts[c.part]
		m.loadIndexed(part.Index, c.entry)
		s, ok := m.score(c.computed, floor)
		if !ok {
			continue
		}
		s.common, s.part, s.entry = c.common, c.part, c.entry
		norm.weigh(&s, o)
		all = append(all, s)
		best.add(s.FOM, opt.Top)
	}
	// Identify's order of the entries, which breaks ties.
	slices.SortFunc(all, func(a, b scored) int { return cmp.Or(cmp.Compare(a.part, b.part), cmp.Compare(a.entry, b.entry)) })
	return decide(all, o, opt, func(c *scored) error {
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
	part, entry      int
	bound            float64
	common, computed bool
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
	for i := range x.Len() {
		if !sel.Admits(part, i) {
			continue
		}
		e := x.Elements(i)
		ok := true
		for w := range e {
			ok = ok && e[w]&all[w] == all[w] && e[w]&none[w] == 0 && (len(el.Only) == 0 || e[w]&^only[w] == 0)
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
// MaxStrain (computed false) or MaxStrainComputed: by reach's inequalities
// at the largest strains, a line of spacing d is near a peak at sin θ = x
// of window w only if
//
//	Kα1/(2(x + w)(1 + εmax)) ≤ d ≤ λ/(2(x − w)(1 − εmax))
//
// (no upper bound when x ≤ w); 1e-9 of slack widens the span for the
// rounding of d(1+ε).
func (m *matcher) reachable(computed bool) []bool {
	eps := m.opt.MaxStrain
	if computed {
		eps = m.opt.MaxStrainComputed
	}
	lam := math.Max(m.w.Ka1, m.lamMean)
	marks := make([]bool, refdb.NumBuckets)
	for j, x := range m.sinObs {
		w := m.winObs[j] + reachSlack
		lo := m.w.Ka1 / (2 * (x + w) * (1 + eps)) * (1 - 1e-9)
		hi := math.Inf(1)
		if x > w {
			hi = lam / (2 * (x - w) * (1 - eps)) * (1 + 1e-9)
		}
		for b, end := refdb.Bucket(lo), refdb.Bucket(hi); b <= end; b++ {
			marks[b] = true
		}
	}
	return marks
}

// sharing returns the admitted entries of part with a line in a reachable
// bucket, with their bounds (see Search). acc sums, per entry, the
// intensity of those lines in units of 0.01.
func (m *matcher) sharing(pi int, part *refdb.Part, admitted []uint64, reach [2][]bool) []candidate {
	x := part.Index
	acc := make([]uint32, x.Len())
	var entries []int
	for c, computed := range []bool{false, true} {
		for b, ok := range reach[c] {
			if !ok {
				continue
			}
			start, end := x.Postings(computed, b)
			for j := start; j < end; j++ {
				e, ci := x.Posting(computed, j)
				if admitted[e/64]&(1<<(e%64)) == 0 {
					continue
				}
				if acc[e] == 0 {
					entries = append(entries, e)
				}
				acc[e] += uint32(ci)
			}
		}
	}
	out := make([]candidate, 0, len(entries))
	for _, e := range entries {
		f := x.Flags(e)
		computed := f&refdb.FlagComputed != 0
		out = append(out, candidate{part: pi, entry: e, common: f&refdb.FlagCommon != 0, computed: computed,
			bound: m.bound1(x, e, float64(acc[e]), computed)})
	}
	return out
}

// bound1 bounds the figure of merit of entry e of x by 100 × reachable /
// sure, where reachable is the intensity of its lines in reachable
// buckets and sure that of its lines in range at every strain: d(1+ε)
// within Kα1/(2 sinHi)…Kα1/(2 sinLo) for all |ε| ≤ εmax (1e-9 of slack
// narrows the span).
func (m *matcher) bound1(x *refdb.Index, e int, reachable float64, computed bool) float64 {
	eps := m.opt.MaxStrain
	if computed {
		eps = m.opt.MaxStrainComputed
	}
	dLo := m.w.Ka1 / (2 * math.Min(1, m.sinHi)) / (1 - eps) * (1 + 1e-9)
	dHi := m.w.Ka1 / (2 * m.sinLo) / (1 + eps) * (1 - 1e-9)
	start, end := x.Lines(e)
	var sure float64
	for j := start; j < end; j++ {
		if d, i, _ := x.Line(j); d >= dLo && d <= dHi {
			sure += i
		}
	}
	if sure == 0 {
		return 100
	}
	return 100 * math.Min(1, reachable/100/sure)
}

// loadIndexed makes entry e's indexed lines the matcher's lines: those of
// at least refdb.IndexMinIntensity, the same as loadPhase takes (minLineI).
func (m *matcher) loadIndexed(x *refdb.Index, e int) {
	m.lines = m.lines[:0]
	start, end := x.Lines(e)
	for j := start; j < end; j++ {
		d, i, k := x.Line(j)
		m.lines = append(m.lines, line{d: d, i: i, idx: k})
	}
	byD := func(a, b line) int { return cmp.Compare(b.d, a.d) }
	if !slices.IsSortedFunc(m.lines, byD) {
		slices.SortStableFunc(m.lines, byD)
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
