package refdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// A collection file holds one user collection: the whole entries, what
// listing them reads (their heads and IDs), and their Index, each in a
// section that a program maps into memory and reads in place:
//
//	header   64 bytes: "BRAGG-COLL 1 schema=<12 hex digits>", spaces, "\n"
//	sections each at a multiple of 8 bytes, in the order of collSections
//	table    per section: name (16 bytes, NUL-padded), offset and length
//	         (uint64), CRC-32C of the bytes (uint32), 4 bytes of padding
//	footer   offset of the table (uint64), number of sections (uint32),
//	         CRC-32C of the table (uint32), "BRAGGEND"
//
// Integers are little-endian. The schema is a hash of the Phase type and
// of the index layout (indexLayout): a file written for other types is
// refused with a message, not misread. Every section but the records is
// checked against its CRC when the file is opened (the sections a search
// reads: tens of milliseconds for 500,000 entries); each record carries
// its own CRC, checked when it is decoded, so that opening does not read
// the gigabytes of a COD-sized collection.
const (
	collMagic      = "BRAGG-COLL"
	collVersion    = "1"
	collHeaderSize = 64
	collFooterSize = 24
	collEnd        = "BRAGGEND"
	// indexLayout names the columns of an Index: change it with them.
	indexLayout = "flags elems/2x64 lines d32 i16 k16; knots every 128 buckets u32; postings by block of 8192 entries and ln-d bucket 1e-3 from 0.5 Å, 4606, entry16 i16, measured|computed"
)

// The sections of a collection file, in order:
//
//	records  the encoded entries (the payload codec of a Phase)
//	recat    offsets of the records (uint64, n+1)
//	reccrc   CRC-32C of each record (uint32, n)
//	heads    each entry without the atoms, operators and lines of its
//	         structure (headOf), encoded: what listing and searching by
//	         name read
//	headat   offsets of the heads (uint64, n+1)
//	ids      the IDs, one after another; idat their offsets (uint32,
//	         n+1); idsort the entries in the order of their IDs (uint32, n)
//	dups     for each entry, the IDs it replaces (Phase.Duplicates of an
//	         entry imported with Replace), separated by newlines; dupat
//	         their offsets (uint32, n+1): what the library hides
//	dict …   the Index columns (see Index)
var collSections = []string{"records", "recat", "reccrc", "heads", "headat", "ids", "idat", "idsort", "dups", "dupat",
	"dict", "flags", "elems", "lineat", "lined", "linei", "linek", "knots", "postat0", "post0", "postat1", "post1"}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// collSchema is the hash of the types and sections a collection file is
// laid out by.
var collSchema = func() string {
	sum := sha256.Sum256([]byte(schema(reflect.TypeFor[Phase]()) + "|" + indexLayout + "|" + strings.Join(collSections, " ")))
	return hex.EncodeToString(sum[:6])
}()

// collEntry is one entry as a collection file stores it.
type collEntry struct {
	id   string
	rec  []byte // the encoded Phase
	head []byte // the encoded head
	dups string // the IDs it replaces, separated by newlines
}

// encodeEntry encodes a phase for a collection file.
func encodeEntry(p *Phase) (collEntry, error) {
	var e encoder
	if err := e.value(reflect.ValueOf(p).Elem()); err != nil {
		return collEntry{}, err
	}
	rec := e.b
	h := headOf(p)
	e = encoder{}
	if err := e.value(reflect.ValueOf(&h).Elem()); err != nil {
		return collEntry{}, err
	}
	return collEntry{id: p.ID, rec: rec, head: e.b, dups: strings.Join(p.Duplicates, "\n")}, nil
}

// headOf is a phase without what only showing or searching it whole
// needs: the structure keeps its name, cell and space group, not its
// operators and sites; no lines.
func headOf(p *Phase) Phase {
	h := *p
	s := p.Structure
	h.Structure = crystal.Structure{Name: s.Name, Cell: s.Cell, SpaceGroup: s.SpaceGroup, SpaceGroupNumber: s.SpaceGroupNumber}
	h.Lines = nil
	return h
}

// writeCollection writes entries and their index (built in the same
// order) as a collection file.
func writeCollection(w io.Writer, es []collEntry, x *Index) error {
	if x.Len() != len(es) {
		return fmt.Errorf("refdb: %d entries with an index of %d", len(es), x.Len())
	}
	cw := &countWriter{w: w}
	header := fmt.Sprintf("%s %s schema=%s", collMagic, collVersion, collSchema)
	if _, err := io.WriteString(cw, header+strings.Repeat(" ", collHeaderSize-1-len(header))+"\n"); err != nil {
		return err
	}
	le := binary.LittleEndian
	sortedIDs := make([]uint32, len(es))
	for i := range sortedIDs {
		sortedIDs[i] = uint32(i)
	}
	slices.SortFunc(sortedIDs, func(a, b uint32) int { return strings.Compare(es[a].id, es[b].id) })
	offsets := func(part func(collEntry) []byte, width int) []byte {
		b := make([]byte, 0, width*(len(es)+1))
		var off uint64
		for _, e := range es {
			b = appendUint(b, off, width)
			off += uint64(len(part(e)))
		}
		return appendUint(b, off, width)
	}
	concat := func(part func(collEntry) []byte) func(io.Writer) error {
		return func(w io.Writer) error {
			for _, e := range es {
				if _, err := w.Write(part(e)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	bytesOf := func(b []byte) func(io.Writer) error {
		return func(w io.Writer) error { _, err := w.Write(b); return err }
	}
	rec := func(e collEntry) []byte { return e.rec }
	head := func(e collEntry) []byte { return e.head }
	id := func(e collEntry) []byte { return []byte(e.id) }
	dups := func(e collEntry) []byte { return []byte(e.dups) }
	crcs := make([]byte, 0, 4*len(es))
	for _, e := range es {
		crcs = le.AppendUint32(crcs, crc32.Checksum(e.rec, castagnoli))
	}
	idsort := make([]byte, 0, 4*len(es))
	for _, i := range sortedIDs {
		idsort = le.AppendUint32(idsort, i)
	}
	content := map[string]func(io.Writer) error{
		"records": concat(rec), "recat": bytesOf(offsets(rec, 8)), "reccrc": bytesOf(crcs),
		"heads": concat(head), "headat": bytesOf(offsets(head, 8)),
		"ids": concat(id), "idat": bytesOf(offsets(id, 4)), "idsort": bytesOf(idsort),
		"dups": concat(dups), "dupat": bytesOf(offsets(dups, 4)),
		"dict": bytesOf([]byte(strings.Join(x.dict, "\n"))), "flags": bytesOf(x.flags), "elems": bytesOf(x.elems),
		"lineat": bytesOf(x.lineAt), "lined": bytesOf(x.lineD), "linei": bytesOf(x.lineI), "linek": bytesOf(x.lineK), "knots": bytesOf(x.knots),
		"postat0": bytesOf(x.postAt[0]), "post0": bytesOf(x.post[0]), "postat1": bytesOf(x.postAt[1]), "post1": bytesOf(x.post[1]),
	}
	var table []byte
	for _, name := range collSections {
		if err := cw.pad(8); err != nil {
			return err
		}
		off := cw.n
		h := crc32.New(castagnoli)
		if err := content[name](io.MultiWriter(cw, h)); err != nil {
			return err
		}
		var n [16]byte
		copy(n[:], name)
		table = append(table, n[:]...)
		table = le.AppendUint64(le.AppendUint64(table, uint64(off)), uint64(cw.n-off))
		table = le.AppendUint32(le.AppendUint32(table, h.Sum32()), 0)
	}
	if err := cw.pad(8); err != nil {
		return err
	}
	footer := le.AppendUint64(nil, uint64(cw.n))
	footer = le.AppendUint32(le.AppendUint32(footer, uint32(len(collSections))), crc32.Checksum(table, castagnoli))
	_, err := cw.Write(append(append(table, footer...), collEnd...))
	return err
}

func appendUint(b []byte, v uint64, width int) []byte {
	if width == 4 {
		return binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	return binary.LittleEndian.AppendUint64(b, v)
}

// countWriter counts the bytes written, to place the sections.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// pad writes zeros up to the next multiple of k bytes.
func (c *countWriter) pad(k int64) error {
	_, err := c.Write(make([]byte, (k-c.n%k)%k))
	return err
}

// collFile is a collection file opened for reading: mapped into memory
// (see mapFile), its sections read in place. It is released when no
// longer reachable: its Index keeps it alive while a search uses it.
type collFile struct {
	path string
	// size and mod are the file's when it was opened (Store.Library
	// opens it again when they change).
	size                                                     int64
	mod                                                      time.Time
	n                                                        int
	records, recAt, recCRC, heads, headAt, ids, idAt, idSort []byte
	dups, dupAt                                              []byte
	index                                                    *Index
	// bySpaceGroup lists the entries with their cells by space group
	// number, read from their heads once, when first asked
	// (inSpaceGroup).
	bySpaceGroup struct {
		once    sync.Once
		entries map[int][]Lattice
		err     error
	}
	// names holds, for each entry, the fields a search by text reads
	// (searchText), read from the heads once, when first asked.
	names struct {
		once     sync.Once
		text, at []byte // text[at[i]:at[i+1]] (uint32 offsets)
		err      error
	}
}

// openCollection maps and checks a collection file. Errors name the file.
func openCollection(path string) (*collFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, unmap, err := mapFile(f)
	if err != nil {
		return nil, err
	}
	c, err := readCollection(path, data)
	if err != nil {
		unmap()
		return nil, err
	}
	runtime.AddCleanup(c, func(unmap func() error) { unmap() }, unmap)
	return c, nil
}

// readCollection reads the sections of a collection file in data and
// checks that they hang together, so that no search can index past them.
func readCollection(path string, data []byte) (*collFile, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%s: %w", path, FormatError("collection file: "+fmt.Sprintf(format, a...)))
	}
	le := binary.LittleEndian
	if len(data) < collHeaderSize+collFooterSize || !bytes.HasPrefix(data, []byte(collMagic+" ")) {
		return nil, bad("not a Bragg collection")
	}
	f := strings.Fields(string(data[:collHeaderSize]))
	if len(f) != 3 || f[1] != collVersion {
		return nil, bad("format %q, this program reads version %s", strings.Join(f[1:], " "), collVersion)
	}
	if s := strings.TrimPrefix(f[2], "schema="); s != collSchema {
		return nil, bad("written for other data types (schema %s, this program has %s): remove the collection and import its CIF files again", s, collSchema)
	}
	foot := data[len(data)-collFooterSize:]
	if string(foot[16:]) != collEnd {
		return nil, bad("no end marker (the file is cut short)")
	}
	tableAt, nsec := le.Uint64(foot), int(le.Uint32(foot[8:]))
	const entrySize = 40
	if nsec != len(collSections) || tableAt > uint64(len(data)-collFooterSize) || uint64(len(data)-collFooterSize)-tableAt != uint64(nsec*entrySize) {
		return nil, bad("bad section table")
	}
	table := data[tableAt : len(data)-collFooterSize]
	if crc32.Checksum(table, castagnoli) != le.Uint32(foot[12:]) {
		return nil, fmt.Errorf("%s: %w", path, ErrChecksum)
	}
	sec := map[string][]byte{}
	for k, name := range collSections {
		e := table[k*entrySize:]
		if got := string(bytes.TrimRight(e[:16], "\x00")); got != name {
			return nil, bad("section %d is %q, want %q", k, got, name)
		}
		off, n := le.Uint64(e[16:]), le.Uint64(e[24:])
		if off > tableAt || n > tableAt-off {
			return nil, bad("section %s outside the file", name)
		}
		b := data[off : off+n]
		if name != "records" && crc32.Checksum(b, castagnoli) != le.Uint32(e[32:]) {
			return nil, fmt.Errorf("%s: section %s: %w", path, name, ErrChecksum)
		}
		sec[name] = b
	}
	n := len(sec["flags"])
	c := &collFile{path: path, n: n, records: sec["records"], recAt: sec["recat"], recCRC: sec["reccrc"],
		heads: sec["heads"], headAt: sec["headat"], ids: sec["ids"], idAt: sec["idat"], idSort: sec["idsort"], dups: sec["dups"], dupAt: sec["dupat"]}
	x := &Index{n: n, flags: sec["flags"], elems: sec["elems"], lineAt: sec["lineat"], lineD: sec["lined"], lineI: sec["linei"], lineK: sec["linek"], knots: sec["knots"],
		postAt: [2][]byte{sec["postat0"], sec["postat1"]}, post: [2][]byte{sec["post0"], sec["post1"]}, owner: c}
	if d := sec["dict"]; len(d) > 0 {
		x.dict = strings.Split(string(d), "\n")
	}
	c.index = x
	if err := c.check(); err != nil {
		return nil, bad("%v", err)
	}
	return c, nil
}

// check verifies the sizes of the sections and that every offset and
// entry number in them is in range.
func (c *collFile) check() error {
	n, x := c.n, c.index
	nl := len(x.lineD) / 4
	type size struct {
		name      string
		got, want int
	}
	sizes := []size{{"recat", len(c.recAt), 8 * (n + 1)}, {"reccrc", len(c.recCRC), 4 * n}, {"headat", len(c.headAt), 8 * (n + 1)},
		{"idat", len(c.idAt), 4 * (n + 1)}, {"idsort", len(c.idSort), 4 * n}, {"dupat", len(c.dupAt), 4 * (n + 1)}, {"elems", len(x.elems), 8 * elemWords * n},
		{"lineat", len(x.lineAt), 4 * (n + 1)}, {"lined", len(x.lineD), 4 * nl}, {"linei", len(x.lineI), 2 * nl}, {"linek", len(x.lineK), 2 * nl}, {"knots", len(x.knots), 4 * Knots * n}}
	keys := x.Blocks() * NumBuckets
	for cc := range 2 {
		sizes = append(sizes, size{"postat", len(x.postAt[cc]), 4 * (keys + 1)}, size{"post", len(x.post[cc]), len(x.post[cc]) / 4 * 4})
	}
	for _, s := range sizes {
		if s.got != s.want {
			return fmt.Errorf("section %s has %d bytes, want %d", s.name, s.got, s.want)
		}
	}
	if len(x.dict) > 64*elemWords {
		return fmt.Errorf("%d element symbols", len(x.dict))
	}
	le := binary.LittleEndian
	ascending := func(name string, b []byte, width, count int, limit uint64) error {
		var prev uint64
		for i := range count + 1 {
			v := uint64(le.Uint32(b[width*i:]))
			if width == 8 {
				v = le.Uint64(b[8*i:])
			}
			if v < prev || v > limit || i == 0 && v != 0 || i == count && v != limit {
				return fmt.Errorf("section %s: offset %d out of order", name, i)
			}
			prev = v
		}
		return nil
	}
	for _, a := range []struct {
		name         string
		b            []byte
		width, count int
		limit        uint64
	}{{"recat", c.recAt, 8, n, uint64(len(c.records))}, {"headat", c.headAt, 8, n, uint64(len(c.heads))},
		{"idat", c.idAt, 4, n, uint64(len(c.ids))}, {"dupat", c.dupAt, 4, n, uint64(len(c.dups))}, {"lineat", x.lineAt, 4, n, uint64(nl)},
		{"postat0", x.postAt[0], 4, keys, uint64(len(x.post[0]) / 4)}, {"postat1", x.postAt[1], 4, keys, uint64(len(x.post[1]) / 4)}} {
		if err := ascending(a.name, a.b, a.width, a.count, a.limit); err != nil {
			return err
		}
	}
	for i := range n {
		if v := le.Uint32(c.idSort[4*i:]); int(v) >= n {
			return fmt.Errorf("section idsort: entry %d out of range", v)
		}
	}
	// A posting's entry is within its block, and the last block may be
	// short.
	for cc := range 2 {
		for k := range keys {
			ps := x.Postings(cc == 1, k/NumBuckets, k%NumBuckets)
			size := min(blockEntries, n-k/NumBuckets*blockEntries)
			for j := range len(ps) / 4 {
				if e, _ := Posting(ps, j); e >= size {
					return fmt.Errorf("section post%d: entry %d of block %d out of range", cc, e, k/NumBuckets)
				}
			}
		}
	}
	return nil
}

func (c *collFile) span(at []byte, width, i int) (int, int) {
	if width == 4 {
		return int(binary.LittleEndian.Uint32(at[4*i:])), int(binary.LittleEndian.Uint32(at[4*i+4:]))
	}
	return int(binary.LittleEndian.Uint64(at[8*i:])), int(binary.LittleEndian.Uint64(at[8*i+8:]))
}

// record returns entry i's encoded Phase, checked against its CRC.
func (c *collFile) record(i int) ([]byte, error) {
	a, b := c.span(c.recAt, 8, i)
	r := c.records[a:b]
	if crc32.Checksum(r, castagnoli) != binary.LittleEndian.Uint32(c.recCRC[4*i:]) {
		return nil, fmt.Errorf("%s: entry %s: %w", c.path, c.id(i), ErrChecksum)
	}
	return r, nil
}

func (c *collFile) head(i int) []byte {
	a, b := c.span(c.headAt, 8, i)
	return c.heads[a:b]
}

func (c *collFile) id(i int) string {
	a, b := c.span(c.idAt, 4, i)
	return string(c.ids[a:b])
}

// replaces returns the IDs entry i replaces.
func (c *collFile) replaces(i int) []string {
	a, b := c.span(c.dupAt, 4, i)
	if a == b {
		return nil
	}
	return strings.Split(string(c.dups[a:b]), "\n")
}

// find returns the entry with the given ID, or -1.
func (c *collFile) find(id string) int {
	lo, hi := 0, c.n
	for lo < hi {
		m := (lo + hi) / 2
		if c.id(int(binary.LittleEndian.Uint32(c.idSort[4*m:]))) < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < c.n {
		if i := int(binary.LittleEndian.Uint32(c.idSort[4*lo:])); c.id(i) == id {
			return i
		}
	}
	return -1
}

// sortedByID returns the entries in the order of their IDs.
func (c *collFile) sortedByID() []int {
	out := make([]int, c.n)
	for k := range out {
		out[k] = int(binary.LittleEndian.Uint32(c.idSort[4*k:]))
	}
	return out
}

// decodePhase decodes an encoded Phase (a record or a head).
func decodePhase(b []byte, what string) (*Phase, error) {
	var p Phase
	d := &decoder{b: b}
	if err := d.value(reflect.ValueOf(&p).Elem()); err != nil {
		return nil, FormatError(what + ": " + err.Error())
	}
	if d.off != len(b) {
		return nil, FormatError(fmt.Sprintf("%s: %d bytes left over", what, len(b)-d.off))
	}
	return &p, nil
}

// phase decodes entry i whole.
func (c *collFile) phase(i int) (*Phase, error) {
	r, err := c.record(i)
	if err != nil {
		return nil, err
	}
	p, err := decodePhase(r, "entry")
	if err != nil {
		return nil, fmt.Errorf("%s: entry %d: %w", c.path, i, err)
	}
	return p, nil
}

// inSpaceGroup returns the entries whose structure has space group
// number n, in order, with their cells. The first call decodes every head
// (about a microsecond each) and keeps 56 bytes an entry; later calls
// read that table.
func (c *collFile) inSpaceGroup(n int) ([]Lattice, error) {
	sg := &c.bySpaceGroup
	sg.once.Do(func() {
		sg.entries = map[int][]Lattice{}
		sg.err = c.eachHead(func(i int, p *Phase) {
			k := p.Structure.SpaceGroupNumber
			sg.entries[k] = append(sg.entries[k], Lattice{Entry: i, Cell: p.Structure.Cell})
		})
	})
	return sg.entries[n], sg.err
}

// searchText returns entry i's text fields (Phase.textFields), each
// followed by a zero byte: what a search by text compares
// (compiledQuery.admits), without decoding the entry. The first
// call decodes every head (about a microsecond each) and keeps some 70
// bytes an entry: a search of 500,000 entries then reads 35 MB, not the
// heads' 250 MB.
func (c *collFile) searchText(i int) ([]byte, error) {
	nm := &c.names
	nm.once.Do(func() {
		at := make([]byte, 0, 4*(c.n+1))
		at = binary.LittleEndian.AppendUint32(at, 0)
		nm.err = c.eachHead(func(i int, p *Phase) {
			for _, f := range p.textFields() {
				nm.text = append(append(nm.text, f...), 0)
			}
			at = binary.LittleEndian.AppendUint32(at, uint32(len(nm.text)))
		})
		nm.at = at
	})
	if nm.err != nil {
		return nil, nm.err
	}
	a, b := c.span(nm.at, 4, i)
	return nm.text[a:b], nil
}

// eachHead calls f with every entry's decoded head, in order.
func (c *collFile) eachHead(f func(i int, p *Phase)) error {
	for i := range c.n {
		p, err := c.headPhase(i)
		if err != nil {
			return err
		}
		f(i, p)
	}
	return nil
}

// headPhase decodes entry i's head.
func (c *collFile) headPhase(i int) (*Phase, error) {
	p, err := decodePhase(c.head(i), "head")
	if err != nil {
		return nil, fmt.Errorf("%s: entry %d: %w", c.path, i, err)
	}
	return p, nil
}
