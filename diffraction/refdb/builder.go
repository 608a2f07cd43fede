package refdb

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/internal/atomic"
)

// collBuilder gathers the entries of a collection file: entries kept from
// an open file (referenced in its mapping, not copied) and new ones, whose
// records wait in a temporary file beside the collection, so that an
// import of many entries holds only their heads and index lines in memory.
type collBuilder struct {
	dir string
	es  []builtEntry
	tmp *os.File
	n   int64 // bytes written to tmp
	idx indexBuilder
}

// builtEntry is an entry of a collBuilder: a new entry's record is at
// off…off+size of the temporary file of the builder src until write maps
// it. A dropped entry (replaced by a later one of the same import) is
// not written.
type builtEntry struct {
	collEntry
	src       *collBuilder
	off, size int64
	dropped   bool
}

func newCollBuilder(dir string) *collBuilder { return &collBuilder{dir: dir} }

// close removes the temporary file.
func (b *collBuilder) close() {
	if b.tmp != nil {
		b.tmp.Close()
		os.Remove(b.tmp.Name())
		b.tmp = nil
	}
}

// add appends a new entry.
func (b *collBuilder) add(p *Phase) error {
	ie, err := indexEntryOf(p)
	if err != nil {
		return err
	}
	e, err := encodeEntry(p)
	if err != nil {
		return err
	}
	if b.tmp == nil {
		if b.tmp, err = os.CreateTemp(b.dir, ".import-*.tmp"); err != nil {
			return err
		}
	}
	if _, err := b.tmp.Write(e.rec); err != nil {
		return fmt.Errorf("%s: %w", b.tmp.Name(), err)
	}
	b.es = append(b.es, builtEntry{collEntry: collEntry{id: e.id, head: e.head, dups: e.dups}, src: b, off: b.n, size: int64(len(e.rec))})
	b.n += int64(len(e.rec))
	return b.idx.add(ie)
}

// addFrom appends entry i of an open collection as it is there.
func (b *collBuilder) addFrom(c *collFile, i int) error {
	rec, err := c.record(i)
	if err != nil {
		return err
	}
	b.es = append(b.es, builtEntry{collEntry: collEntry{id: c.id(i), rec: rec, head: c.head(i), dups: strings.Join(c.replaces(i), "\n")}})
	return b.idx.addFrom(c.index, i)
}

// len returns the number of entries.
func (b *collBuilder) len() int { return len(b.es) }

// lines returns the indexed lines of entry i.
func (b *collBuilder) lines(i int) []Line {
	x := &b.idx.x
	start := int(binary.LittleEndian.Uint32(x.lineAt[4*i:]))
	end := len(x.lineD) / 4
	if i+1 < x.n {
		end = int(binary.LittleEndian.Uint32(x.lineAt[4*i+4:]))
	}
	ls := make([]Line, 0, end-start)
	for j := start; j < end; j++ {
		d, in, _ := x.Line(j)
		ls = append(ls, Line{D: d, I: in})
	}
	return ls
}

// drop leaves entry i out of the file.
func (b *collBuilder) drop(i int) { b.es[i].dropped = true }

// appendBuilt appends the entries of another builder (but those dropped),
// which must be kept open until b is written and is not used otherwise.
func (b *collBuilder) appendBuilt(o *collBuilder) error {
	x := o.idx.finish()
	for i, e := range o.es {
		if e.dropped {
			continue
		}
		b.es = append(b.es, e)
		if err := b.idx.addFrom(x, i); err != nil {
			return err
		}
	}
	return nil
}

// write writes the collection file at path, atomically.
func (b *collBuilder) write(path string) error {
	if slices.ContainsFunc(b.es, func(e builtEntry) bool { return e.dropped }) {
		kept := newCollBuilder(b.dir)
		if err := kept.appendBuilt(b); err != nil {
			return err
		}
		b = kept
	}
	es := make([]collEntry, len(b.es))
	tmps := map[*collBuilder][]byte{}
	for i, e := range b.es {
		es[i] = e.collEntry
		if e.rec != nil {
			continue
		}
		tmp, ok := tmps[e.src]
		if !ok {
			data, unmap, err := mapFile(e.src.tmp)
			if err != nil {
				return err
			}
			defer unmap()
			tmp, tmps[e.src] = data, data
		}
		es[i].rec = tmp[e.off : e.off+e.size]
	}
	x := b.idx.finish()
	return atomic.WriteFile(path, func(w io.Writer) error { return writeCollection(w, es, x) })
}
