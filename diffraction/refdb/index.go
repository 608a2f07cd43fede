package refdb

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
)

// An Index is what a search reads of a set of entries, in flat
// little-endian columns that a collection file holds as they are (mapped,
// not decoded): for each entry its flags, its elements and its lines of at
// least IndexMinIntensity; for each d-spacing bucket the entries with a
// line in it, the inverted index of Hanawalt, Rinn & Frevel (1938) over
// every line rather than the three strongest. Entries are numbered 0…Len-1
// in the order of their part of the Library.
type Index struct {
	n     int
	dict  []string // the element symbols that elems sets bits of
	flags []byte   // per entry, Flags
	elems []byte   // per entry, elemWords little-endian uint64 bit sets over dict
	// lineAt[i]…lineAt[i+1] are entry i's lines in lineD (d in µÅ,
	// uint32), lineI (I in 0.01, uint16) and lineK (the line's index in
	// Phase.Lines, uint16), by decreasing d as in Phase.Lines.
	lineAt, lineD, lineI, lineK []byte
	// knots holds, for each knot k (KnotBucket) and entry i, the summed
	// intensity in units of 0.01 of entry i's lines in buckets below the
	// knot's (uint32, knot by knot: a search reads two knots of every
	// entry, in order).
	knots []byte
	// post[c] lists the lines of measured (c = 0) and computed (c = 1)
	// entries by block of blockEntries entries, then by bucket, then by
	// entry: postAt[c][k]…postAt[c][k+1] (uint32), k = block·NumBuckets +
	// bucket, index post, each the entry's number within its block and
	// the line's intensity in 0.01 (two uint16). A search sums what a
	// block's entries share with a scan in a table of the block's size,
	// which stays in the processor's cache.
	postAt, post [2][]byte
	// owner is what holds the memory of the columns (a mapped collection
	// file), kept alive as long as the index.
	owner any
}

// IndexMinIntensity is the weakest line an Index holds, on the scale of
// Line.I (strongest 100): search-match takes no account of weaker lines,
// which a routine scan does not detect (match.minLineI).
const IndexMinIntensity = 1.0

// The buckets of the inverted index are equal steps of ln d, so that a
// strain (every d × (1+ε)) moves all the lines of a phase by the same
// number of buckets. Bucket 0 starts at bucketD0; lines below it fall in
// bucket 0 and lines beyond the last bucket in the last, so that every
// line has a bucket. Each step is 0.1 % in d, a fifth of the strain that
// search-match allows and 0.06° 2θ at 60° with Cu Kα; 4,606 steps reach
// 50 Å, beyond the 17.7 Å of a Cu Kα line at 2θ = 5°.
const (
	bucketD0    = 0.5
	bucketWidth = 1e-3
	NumBuckets  = 4606
)

// blockEntries is the number of entries of a block of the postings: a
// search's tables over a block's entries (sums in 8 strain bins and 2
// more of 4 bytes, and a set of 8 bytes each: 52 bytes as aligned) fill
// 430 kB, within the 512 kB level-2 cache of a processor core; they
// number within a block in 16 bits.
const blockEntries = 1 << 13

// Knots are every KnotStep buckets (13 % of d), from bucket 0 to beyond
// the last: Knots of them.
const (
	KnotStep = 128
	Knots    = (NumBuckets+KnotStep-1)/KnotStep + 1
)

// KnotBucket is the first bucket above knot k.
func KnotBucket(k int) int { return k * KnotStep }

// Below returns the summed intensity of entry i's lines in buckets below
// knot k's, in units of 0.01.
func (x *Index) Below(k, i int) int {
	return int(binary.LittleEndian.Uint32(x.knots[4*(k*x.n+i):]))
}

// Bucket returns the bucket of a d-spacing (Å). It does not decrease with
// d, so the lines with d in [lo, hi] are all in buckets Bucket(lo)…
// Bucket(hi).
func Bucket(d float64) int {
	b := math.Floor(math.Log(d/bucketD0) / bucketWidth)
	if !(b > 0) { // also NaN
		return 0
	}
	return int(math.Min(b, NumBuckets-1))
}

// Flags are the properties of an entry that subsets select on.
type Flags uint8

const (
	FlagComputed Flags = 1 << iota // Phase.Computed
	FlagCommon                     // Phase.Common
	FlagMineral                    // the entry has a mineral name
	FlagOrganic                    // the structure has a C–C or C–H bond (see Organic)
)

// elemWords is the number of 64-bit words of an entry's element set: 128
// symbols, more than the 118 elements.
const elemWords = 2

// ElementSet is a set of elements as an Index encodes them (ElementSet).
type ElementSet [elemWords]uint64

// Len returns the number of entries.
func (x *Index) Len() int { return x.n }

// Flags returns entry i's flags.
func (x *Index) Flags(i int) Flags { return Flags(x.flags[i]) }

// Elements returns entry i's elements as a set over the index's symbols.
func (x *Index) Elements(i int) ElementSet {
	var s ElementSet
	for w := range s {
		s[w] = binary.LittleEndian.Uint64(x.elems[8*(elemWords*i+w):])
	}
	return s
}

// ElementSet returns the set of the given symbols that entries of the
// index have; all is false when some symbol is none's.
func (x *Index) ElementSet(symbols []string) (s ElementSet, all bool) {
	all = true
	for _, sym := range symbols {
		if k := slices.Index(x.dict, sym); k >= 0 {
			s[k/64] |= 1 << (k % 64)
		} else {
			all = false
		}
	}
	return s, all
}

// Lines returns the range of entry i's lines in the line columns.
func (x *Index) Lines(i int) (start, end int) {
	return int(binary.LittleEndian.Uint32(x.lineAt[4*i:])), int(binary.LittleEndian.Uint32(x.lineAt[4*i+4:]))
}

// Line returns line j of the line columns: d (Å) and I exactly as the
// entry's Phase.Lines holds them, and its index there.
func (x *Index) Line(j int) (d, i float64, k int) {
	return float64(binary.LittleEndian.Uint32(x.lineD[4*j:])) / 1e6,
		float64(binary.LittleEndian.Uint16(x.lineI[2*j:])) / 100,
		int(binary.LittleEndian.Uint16(x.lineK[2*j:]))
}

// Blocks returns the number of blocks of the postings: entries
// block·BlockEntries… .
func (x *Index) Blocks() int { return (x.n + blockEntries - 1) / blockEntries }

// BlockEntries is the number of entries of a block of postings.
const BlockEntries = blockEntries

// Postings returns the postings of bucket b in a block, of the measured
// (computed false) or computed entries: for each of the block's lines in
// the bucket, the entry's number within the block and the line's
// intensity in units of 0.01, packed in a uint32 (entry in the low 16
// bits); Posting unpacks them.
func (x *Index) Postings(computed bool, block, b int) []byte {
	c := b2i(computed)
	k := block*NumBuckets + b
	at := x.postAt[c]
	return x.post[c][4*binary.LittleEndian.Uint32(at[4*k:]) : 4*binary.LittleEndian.Uint32(at[4*k+4:])]
}

// Posting unpacks posting j of what Postings returned.
func Posting(ps []byte, j int) (entryInBlock, centiI int) {
	v := binary.LittleEndian.Uint32(ps[4*j:])
	return int(v & 0xffff), int(v >> 16)
}

// Size is the number of bytes of the index's columns.
func (x *Index) Size() int64 {
	n := len(x.flags) + len(x.elems) + len(x.lineAt) + len(x.lineD) + len(x.lineI) + len(x.lineK) + len(x.knots)
	for c := range 2 {
		n += len(x.postAt[c]) + len(x.post[c])
	}
	return int64(n)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// indexEntry is what an Index holds of one entry, before the columns are
// laid out.
type indexEntry struct {
	flags Flags
	elems []string
	lines []indexLine
}

type indexLine struct {
	d    uint32 // µÅ
	i, k uint16 // 0.01; index in Phase.Lines
}

// indexEntryOf extracts what an Index holds of p. Its lines are stored as
// the database stores them (d to 1e-6 Å, I to 0.01; see codec.go): a line
// given more finely, or a phase of more than 65,536 lines, is an error.
func indexEntryOf(p *Phase) (indexEntry, error) {
	e := indexEntry{flags: flagsOf(p), elems: p.Elements}
	for k, l := range p.Lines {
		if l.I < IndexMinIntensity {
			continue
		}
		d, i := math.Round(l.D*1e6), math.Round(l.I*100)
		if d < 0 || d > math.MaxUint32 || d/1e6 != l.D || i > math.MaxUint16 || i/100 != l.I || k > math.MaxUint16 {
			return e, fmt.Errorf("refdb: %s: line %d (d=%g Å, I=%g) cannot be indexed as stored", p.ID, k, l.D, l.I)
		}
		e.lines = append(e.lines, indexLine{uint32(d), uint16(i), uint16(k)})
	}
	return e, nil
}

func flagsOf(p *Phase) Flags {
	var f Flags
	if p.Computed {
		f |= FlagComputed
	}
	if p.Common {
		f |= FlagCommon
	}
	if p.Mineral != "" {
		f |= FlagMineral
	}
	if Organic(p) {
		f |= FlagOrganic
	}
	return f
}

// bondRatio is how far, relative to the sum of the covalent radii, two
// atoms count as bonded for Organic: C–C bonds (1.20–1.54 Å) and C–H bonds
// (0.95–1.09 Å as X-rays place H) are within 1.05 of their radii (Cordero
// et al. 2008: C 0.76, H 0.31 Å), the closest non-bonded carbons of
// carbonates and carbides 1.9 or more.
const bondRatio = 1.3

// Organic reports whether an entry is an organic or metal-organic
// compound by the scope of the Inorganic Crystal Structure Database: its
// structure has a C–C or a C–H bond. Carbonates, carbides with isolated C,
// elemental carbon (graphite, diamond) and urea (C bonded to N and O
// only) are inorganic; so are the acetylides (CaC2: C–C bonds but no H),
// which ICSD's rule would count organic.
func Organic(p *Phase) bool {
	if !slices.Contains(p.Elements, "C") || !slices.Contains(p.Elements, "H") {
		return false
	}
	return p.Structure.HasBond("C", "H", bondRatio) || p.Structure.HasBond("C", "C", bondRatio)
}

// indexBuilder lays out the columns of an Index entry by entry.
type indexBuilder struct {
	x    Index
	sets []ElementSet
}

// bits returns the element set of symbols, adding new ones to the
// dictionary.
func (b *indexBuilder) bits(symbols []string) (ElementSet, error) {
	var s ElementSet
	for _, sym := range symbols {
		k := slices.Index(b.x.dict, sym)
		if k < 0 {
			if len(b.x.dict) == 64*elemWords {
				return s, fmt.Errorf("refdb: more than %d element symbols in one index", 64*elemWords)
			}
			k = len(b.x.dict)
			b.x.dict = append(b.x.dict, sym)
		}
		s[k/64] |= 1 << (k % 64)
	}
	return s, nil
}

func (b *indexBuilder) start(f Flags, elems []string) error {
	set, err := b.bits(elems)
	if err != nil {
		return err
	}
	if b.x.n == math.MaxUint32 {
		return fmt.Errorf("refdb: more than %d entries in one index", math.MaxUint32)
	}
	b.x.n++
	b.x.flags = append(b.x.flags, byte(f))
	b.sets = append(b.sets, set)
	b.x.lineAt = binary.LittleEndian.AppendUint32(b.x.lineAt, uint32(len(b.x.lineD)/4))
	return nil
}

func (b *indexBuilder) line(f Flags, d uint32, i, k uint16) error {
	if len(b.x.lineD)/4 == math.MaxUint32 {
		return fmt.Errorf("refdb: more than %d lines in one index", math.MaxUint32)
	}
	le := binary.LittleEndian
	b.x.lineD = le.AppendUint32(b.x.lineD, d)
	b.x.lineI = le.AppendUint16(b.x.lineI, i)
	b.x.lineK = le.AppendUint16(b.x.lineK, k)
	return nil
}

// add appends an entry.
func (b *indexBuilder) add(e indexEntry) error {
	if err := b.start(e.flags, e.elems); err != nil {
		return err
	}
	for _, l := range e.lines {
		if err := b.line(e.flags, l.d, l.i, l.k); err != nil {
			return err
		}
	}
	return nil
}

// addFrom appends entry i of x as it is there.
func (b *indexBuilder) addFrom(x *Index, i int) error {
	f, set := x.Flags(i), x.Elements(i)
	var elems []string
	for k, sym := range x.dict {
		if set[k/64]&(1<<(k%64)) != 0 {
			elems = append(elems, sym)
		}
	}
	if err := b.start(f, elems); err != nil {
		return err
	}
	le := binary.LittleEndian
	start, end := x.Lines(i)
	for j := start; j < end; j++ {
		if err := b.line(f, le.Uint32(x.lineD[4*j:]), le.Uint16(x.lineI[2*j:]), le.Uint16(x.lineK[2*j:])); err != nil {
			return err
		}
	}
	return nil
}

// finish lays out the element sets and the postings: a counting sort of
// the lines by block and bucket, by entry within a bucket.
func (b *indexBuilder) finish() *Index {
	x := &b.x
	le := binary.LittleEndian
	x.lineAt = le.AppendUint32(x.lineAt, uint32(len(x.lineD)/4))
	x.elems = make([]byte, 0, 8*elemWords*x.n)
	for _, s := range b.sets {
		for _, w := range s {
			x.elems = le.AppendUint64(x.elems, w)
		}
	}
	// The knots: per entry, its lines' intensities summed up to each.
	x.knots = make([]byte, 4*Knots*x.n)
	for i := range x.n {
		start, end := x.Lines(i)
		var sum [Knots]uint32
		for j := start; j < end; j++ {
			sum[Bucket(float64(le.Uint32(x.lineD[4*j:]))/1e6)/KnotStep+1] += uint32(le.Uint16(x.lineI[2*j:]))
		}
		for k := range Knots {
			if k > 0 {
				sum[k] += sum[k-1]
			}
			le.PutUint32(x.knots[4*(k*x.n+i):], sum[k])
		}
	}
	keys := x.Blocks() * NumBuckets
	key := func(i, j int) int { return i/blockEntries*NumBuckets + Bucket(float64(le.Uint32(x.lineD[4*j:]))/1e6) }
	var count [2][]uint32
	for c := range 2 {
		count[c] = make([]uint32, keys+1)
	}
	for i := range x.n {
		c := b2i(x.Flags(i)&FlagComputed != 0)
		start, end := x.Lines(i)
		for j := start; j < end; j++ {
			count[c][key(i, j)+1]++
		}
	}
	for c := range 2 {
		for k := range keys {
			count[c][k+1] += count[c][k]
		}
		x.postAt[c] = make([]byte, 0, 4*(keys+1))
		for _, v := range count[c] {
			x.postAt[c] = le.AppendUint32(x.postAt[c], v)
		}
		x.post[c] = make([]byte, 4*count[c][keys])
	}
	for i := range x.n {
		c := b2i(x.Flags(i)&FlagComputed != 0)
		start, end := x.Lines(i)
		for j := start; j < end; j++ {
			k := key(i, j)
			at := count[c][k]
			count[c][k]++
			le.PutUint32(x.post[c][4*at:], uint32(i%blockEntries)|uint32(le.Uint16(x.lineI[2*j:]))<<16)
		}
	}
	return x
}

// NewIndex builds the index of a database's phases, numbered in order.
func NewIndex(ps []Phase) (*Index, error) {
	var b indexBuilder
	for i := range ps {
		e, err := indexEntryOf(&ps[i])
		if err != nil {
			return nil, err
		}
		if err := b.add(e); err != nil {
			return nil, err
		}
	}
	return b.finish(), nil
}
