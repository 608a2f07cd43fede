package refdb

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Limits on what an import reads, so that a corrupt or hostile archive
// cannot make it allocate without bound.
const (
	// maxCIFBytes bounds one CIF file: 64 MiB would describe about a
	// million atom sites; the largest of the 1,662 files of
	// ../shared/data/cif has 0.56 MB.
	maxCIFBytes = 64 << 20
	// maxArchiveEntries bounds the entries of one archive: four times
	// the 500,000 structures of the whole Crystallography Open Database.
	maxArchiveEntries = 2_000_000
)

// What an import says of a file it did not import, besides the reasons
// of the sanity gate (Reasons).
const (
	ImportUnreadable = "unreadable"  // the file or archive cannot be read
	ImportInvalid    = "invalid"     // not a crystal structure Bragg can compute
	ImportDuplicate  = "duplicate"   // the phase is already in the database
	ImportTooLarge   = "too large"   // beyond maxCIFBytes, or an archive of too many entries
	ImportUnsafe     = "unsafe name" // an archive entry named outside the archive (../, /, \), or a link
)

// ImportOptions control Store.Import.
type ImportOptions struct {
	// Collection receives the entries, created when new; empty means
	// DefaultCollection.
	Collection string
	// Workers is how many files are computed at once; 0 means one per
	// core (runtime.GOMAXPROCS).
	Workers int
	// Progress, when set, is called after each file, on the importing
	// goroutine.
	Progress func(ImportProgress)
	// Resolve, when set, decides what to do with a structure whose phase
	// the database already holds (the *DuplicateError that is otherwise
	// reported); nil skips them all.
	Resolve func(*DuplicateError) Resolution
}

// ImportProgress says how far an import has come.
type ImportProgress struct {
	Files                         int // CIF files met so far
	Imported, Duplicates, Refused int // entries so far, and files refused for another reason
	File                          string
}

// ImportResult is what an import did.
type ImportResult struct {
	Collection string
	Files      int // CIF files met, imported or not
	Imported   []ImportedEntry
	// Failed are the files (or structures of a file) not imported, in the
	// order read: duplicates, refusals by the sanity gate, and files that
	// could not be read.
	Failed []ImportFailure
}

// ImportedEntry names an imported entry.
type ImportedEntry struct {
	ID, Formula, Name string
}

// ImportFailure is a file, or a structure of one, that was not imported.
type ImportFailure struct {
	// File is the file's path; an archive's entry is the archive's path,
	// "!" and the entry's name ("cod.zip!cif/1/00/00/1000000.cif").
	File   string
	Reason string // ImportUnreadable, …, or one of Reasons
	Err    error  // says what, naming the file
}

func (f ImportFailure) Error() string { return f.Err.Error() }

// Import adds the structures of CIF files to a collection, computed like
// the bundled entries, with the RIR against the bundled corundum, and
// saves it. sources are CIF files, folders (walked for .cif files and
// archives) and .zip, .tar.gz or .tgz archives of CIF files. The files are
// computed on every core; a file that cannot be read, a structure refused
// by the sanity gate and a phase already in the database (SamePhase with
// an entry of a collection or of this import first, else with a bundled
// entry that none replaces) are reported in the result while the others
// import, unless opt.Resolve says to replace the entry or keep both.
// Importing a file again under its own name replaces its entry. err is a
// problem with a collection itself, or ctx's cancellation (nothing is
// saved then).
func (s *Store) Import(ctx context.Context, sources []string, opt ImportOptions) (*ImportResult, error) {
	if s.dir == "" {
		return nil, errNoUserDB
	}
	name := opt.Collection
	if name == "" {
		name = DefaultCollection
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	bundled, err := s.bundled()
	if err != nil {
		return nil, err
	}
	cs, err := bundled.CorundumScale()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lib, err := s.library()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return nil, err
	}
	target := lib.Part(name)
	dups, err := newDupIndex(lib, target)
	if err != nil {
		return nil, err
	}
	im := &importer{lib: lib, target: target, prefix: name + ":", res: &ImportResult{Collection: name}, taken: map[string]bool{}, replaced: map[int]bool{},
		b: newCollBuilder(s.dir), dups: dups, progress: opt.Progress, resolve: opt.Resolve, hidden: map[string]bool{}, removals: map[*Part]map[int]bool{}}
	defer im.b.close()
	dups.batch = im.b
	if err := im.run(ctx, sources, workers, cs); err != nil {
		return nil, err
	}
	if im.b.len() == 0 {
		return im.res, nil
	}
	var werr error
	if im.target != nil {
		werr = s.rewrite(im.target, func(i int) bool { return !im.replaced[i] }, im.b)
	} else {
		werr = im.b.write(s.collPath(name))
	}
	// The entries of other collections that new ones replace.
	for part, gone := range im.removals {
		if werr == nil {
			werr = s.rewrite(part, func(i int) bool { return !gone[i] }, nil)
		}
	}
	if werr != nil {
		return nil, werr
	}
	s.lib = nil
	return im.res, nil
}

// importer is one run of Store.Import.
type importer struct {
	lib      *Library
	target   *Part // the collection imported into, nil when new
	prefix   string
	res      *ImportResult
	b        *collBuilder // the new entries
	progress func(ImportProgress)
	prog     ImportProgress

	taken    map[string]bool // IDs given in this run
	replaced map[int]bool    // entries of target that new ones replace
	dups     *dupIndex
	resolve  func(*DuplicateError) Resolution
	// hidden are the bundled IDs that entries of this import replace;
	// removals the entries of other collections they replace.
	hidden   map[string]bool
	removals map[*Part]map[int]bool
}

// importItem is one CIF of an import: a file or an archive's entry, read,
// or the reason it was not.
type importItem struct {
	seq    int
	name   string // for messages, the log and the entries' Source
	data   []byte
	fail   *ImportFailure
	phases []Phase // computed by a worker
}

// run reads the sources on this goroutine, computes their entries on
// workers goroutines and takes them in the order read. At most window
// files are between reading and being taken, so that one slow file does
// not let the computed ones pile up.
func (im *importer) run(ctx context.Context, sources []string, workers int, corundumScale float64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	window := 16 * workers
	slots := make(chan struct{}, window)
	jobs := make(chan *importItem, workers)
	done := make(chan *importItem, window)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for it := range jobs {
				if it.fail == nil {
					ps, err := importCIF(bytes.NewReader(it.data), it.name, im.prefix, corundumScale)
					it.data = nil
					if err != nil {
						it.fail = &ImportFailure{File: it.name, Reason: failureReason(err), Err: err}
					}
					it.phases = ps
				}
				done <- it
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		seq := 0
		err := walkSources(ctx, sources, func(it *importItem) error {
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return ctx.Err()
			}
			it.seq = seq
			seq++
			select {
			case jobs <- it:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
		close(jobs)
		readErr <- err
	}()
	go func() { wg.Wait(); close(done) }()
	pending := map[int]*importItem{}
	next := 0
	var err error
	for it := range done {
		if err != nil {
			continue // drain the workers after a failure
		}
		pending[it.seq] = it
		for pending[next] != nil {
			it := pending[next]
			delete(pending, next)
			next++
			<-slots
			if err = im.take(it); err != nil {
				cancel()
				break
			}
		}
	}
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	if err == nil {
		err = ctx.Err()
	}
	return err
}

// failureReason classifies why a file's structure was not imported.
func failureReason(err error) string {
	var g *GateError
	if errors.As(err, &g) {
		return g.Reason
	}
	return ImportInvalid
}

// take records one file's outcome and adds its new entries.
func (im *importer) take(it *importItem) error {
	im.prog.File = it.name
	im.res.Files++
	im.prog.Files++
	if it.fail != nil {
		im.res.Failed = append(im.res.Failed, *it.fail)
		im.prog.Refused++
	}
	for i := range it.phases {
		p := &it.phases[i]
		im.uniqueID(p)
		dup, where, err := im.duplicate(p)
		if err != nil {
			return err
		}
		if dup != nil {
			r := Skip
			if im.resolve != nil {
				r = im.resolve(dup)
			}
			switch r {
			case Replace:
				p.Duplicates = append(append(p.Duplicates, dup.Of.ID), dup.Of.Duplicates...)
				im.remove(where, dup.Of.ID)
			case KeepBoth:
				im.freeID(p)
			default:
				im.res.Failed = append(im.res.Failed, ImportFailure{File: it.name, Reason: ImportDuplicate, Err: dup})
				im.prog.Duplicates++
				continue
			}
		}
		if err := im.b.add(p); err != nil {
			return err
		}
		im.dups.add(p, im.b.len()-1)
		for _, id := range p.Duplicates {
			im.hidden[id] = true
		}
		im.res.Imported = append(im.res.Imported, ImportedEntry{ID: p.ID, Formula: p.Formula, Name: p.Name})
		im.prog.Imported++
	}
	if im.progress != nil {
		im.progress(im.prog)
	}
	return nil
}

// remove takes out the entry a new one replaces: an earlier one of this
// import, an entry of the collection imported into or of another; a
// bundled one is hidden by the new entry's Duplicates.
func (im *importer) remove(where dupPlace, id string) {
	switch {
	case where.part == nil:
		im.b.drop(where.i)
		im.res.Imported = slices.DeleteFunc(im.res.Imported, func(e ImportedEntry) bool { return e.ID == id })
		im.prog.Imported--
	case where.part == im.target:
		im.replaced[where.i] = true
	case where.part.User():
		if im.removals[where.part] == nil {
			im.removals[where.part] = map[int]bool{}
		}
		im.removals[where.part][where.i] = true
	}
}

// freeID gives an entry kept beside one of the same ID elsewhere (the same
// file of a published collection imported twice) an ID of its own.
func (im *importer) freeID(p *Phase) {
	taken := func(id string) bool {
		return slices.ContainsFunc(im.lib.Parts, func(part *Part) bool { return part != im.target && part.Find(id) >= 0 })
	}
	if !taken(p.ID) {
		return
	}
	base := p.ID
	for k := 2; taken(p.ID) || im.taken[p.ID]; k++ {
		p.ID = fmt.Sprintf("%s-%d", base, k)
	}
	im.taken[p.ID] = true
}

// uniqueID gives a second file of the same name in one import the ID
// with "-2" (then "-3" …) appended, in the order the files are read, so
// that importing the same sources again gives the same IDs.
func (im *importer) uniqueID(p *Phase) {
	id := p.ID
	for k := 2; im.taken[id]; k++ {
		id = fmt.Sprintf("%s-%d", p.ID, k)
	}
	p.ID = id
	im.taken[id] = true
}

// dupPlace is where a duplicated entry is: entry i of a part, or (part
// nil) entry i of this import.
type dupPlace struct {
	part *Part
	i    int
}

// duplicate returns a *DuplicateError, and where the entry is, when the
// database has p's ID in another part (the same file of a published
// collection imported twice) or p's phase under another ID (dupIndex.find).
// An entry of the collection imported into with p's ID is replaced.
func (im *importer) duplicate(p *Phase) (*DuplicateError, dupPlace, error) {
	for _, part := range im.lib.Parts {
		i := part.Find(p.ID)
		if i < 0 || !part.User() && im.hidden[p.ID] {
			continue
		}
		if part == im.target {
			im.replaced[i] = true
			continue
		}
		q, err := part.Head(i)
		if err != nil {
			return nil, dupPlace{}, err
		}
		return &DuplicateError{Source: p.Source, ID: p.ID, Of: q}, dupPlace{part, i}, nil
	}
	q, where, err := im.dups.find(p, im.replaced, im.hidden)
	if err != nil || q == nil {
		return nil, dupPlace{}, err
	}
	return &DuplicateError{Source: p.Source, ID: p.ID, Of: q}, where, nil
}

// dupIndex finds the entries that may be the same phase as another
// (SamePhase): grouped by elements and crystal system, each group sorted
// by volume per formula unit, so that only the entries within SamePhase's
// 3 % are compared.
type dupIndex struct {
	groups map[string][]dupRef
	target *Part
	batch  *collBuilder
}

// dupRef is an entry of a part, or (part nil) entry i of the import.
type dupRef struct {
	vpf  float64
	part *Part
	i    int
	sig  *phaseSig // of an entry of the import, lines left out
	id   string
	name string
	dups []string
}

func dupKey(p *Phase) string {
	return strings.Join(slices.Sorted(slices.Values(p.Elements)), " ") + "|" + p.System
}

func newDupIndex(lib *Library, target *Part) (*dupIndex, error) {
	d := &dupIndex{groups: map[string][]dupRef{}, target: target}
	for _, part := range lib.Parts {
		for i := range part.Len() {
			h, err := part.Head(i)
			if err != nil {
				return nil, err
			}
			k := dupKey(h)
			d.groups[k] = append(d.groups[k], dupRef{vpf: h.Volume / h.Z, part: part, i: i})
		}
	}
	for k, g := range d.groups {
		slices.SortFunc(g, func(a, b dupRef) int { return cmp.Compare(a.vpf, b.vpf) })
		d.groups[k] = g
	}
	return d, nil
}

// add records entry i of the import.
func (d *dupIndex) add(p *Phase, i int) {
	s := sigOf(p)
	s.lines = nil
	k := dupKey(p)
	g := d.groups[k]
	at, _ := slices.BinarySearchFunc(g, s.vpf, func(r dupRef, v float64) int { return cmp.Compare(r.vpf, v) })
	d.groups[k] = slices.Insert(g, at, dupRef{vpf: s.vpf, i: i, sig: &s, id: p.ID, name: p.Name, dups: p.Duplicates})
}

// find returns an entry that is p's phase under another ID, and where it
// is, or nil: an entry of a collection or of this import, else a bundled
// one (as the user's own entries are looked at first). Entries of the
// target collection that the import replaces, entries of the import
// replaced since, and bundled entries that a user's entry replaces do not
// count.
func (d *dupIndex) find(p *Phase, replaced map[int]bool, hidden map[string]bool) (*Phase, dupPlace, error) {
	sp := sigOf(p)
	g := d.groups[dupKey(p)]
	var bundled *Phase
	var bundledAt dupPlace
	// SamePhase's volumes are within 3 % of the larger: v ≥ vpf·0.97 and
	// v ≤ vpf/0.97.
	at, _ := slices.BinarySearchFunc(g, sp.vpf*0.97*(1-1e-12), func(r dupRef, v float64) int { return cmp.Compare(r.vpf, v) })
	for _, r := range g[at:] {
		if r.vpf > sp.vpf/0.97*(1+1e-12) {
			break
		}
		switch {
		case r.part == nil:
			if d.batch.es[r.i].dropped {
				continue
			}
			s := *r.sig
			s.lines = d.batch.lines(r.i)
			if samePhase(&sp, &s) {
				return &Phase{ID: r.id, Formula: s.formula, Name: r.name, Duplicates: r.dups}, dupPlace{nil, r.i}, nil
			}
		case r.part.User():
			if r.part == d.target && replaced[r.i] || r.part.ID(r.i) == p.ID {
				continue
			}
			q, err := r.part.Phase(r.i)
			if err != nil {
				return nil, dupPlace{}, err
			}
			if SamePhase(p, q) {
				return q, dupPlace{r.part, r.i}, nil
			}
		case bundled == nil && !r.part.Hidden(r.i) && !hidden[r.part.ID(r.i)] && r.part.ID(r.i) != p.ID:
			if q, err := r.part.Phase(r.i); err != nil {
				return nil, dupPlace{}, err
			} else if SamePhase(p, q) {
				bundled, bundledAt = q, dupPlace{r.part, r.i}
			}
		}
	}
	return bundled, bundledAt, nil
}

// walkSources reads the CIF files of sources in order and hands each to
// emit: a CIF file named on the command line whatever its name, the .cif
// files and archives found walking a folder (in lexical order), and the
// .cif entries of archives. A file that cannot be read, or an archive
// entry outside the limits, is handed over with the reason.
func walkSources(ctx context.Context, sources []string, emit func(*importItem) error) error {
	for _, src := range sources {
		fi, err := os.Stat(src)
		if err != nil {
			if err := emit(failed(src, ImportUnreadable, err)); err != nil {
				return err
			}
			continue
		}
		if !fi.IsDir() {
			if err := readSource(ctx, src, true, emit); err != nil {
				return err
			}
			continue
		}
		err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return emit(failed(p, ImportUnreadable, err))
			}
			if d.IsDir() {
				return ctx.Err()
			}
			return readSource(ctx, p, false, emit)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func failed(name, reason string, err error) *importItem {
	return &importItem{name: name, fail: &ImportFailure{File: name, Reason: reason, Err: err}}
}

// archiveKind returns "zip" or "tar.gz" for the names of archives, else "".
func archiveKind(name string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".zip"):
		return "zip"
	case strings.HasSuffix(n, ".tar.gz"), strings.HasSuffix(n, ".tgz"):
		return "tar.gz"
	}
	return ""
}

func isCIF(name string) bool { return strings.EqualFold(path.Ext(name), ".cif") }

// readSource reads one file: an archive, a .cif file, or (named is true:
// given by the user) any file, read as a CIF.
func readSource(ctx context.Context, p string, named bool, emit func(*importItem) error) error {
	switch archiveKind(p) {
	case "zip":
		return readZip(ctx, p, emit)
	case "tar.gz":
		return readTarGz(ctx, p, emit)
	}
	if !named && !isCIF(p) {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return emit(failed(p, ImportUnreadable, err))
	}
	defer f.Close()
	return emit(readCIF(p, f, -1))
}

// readCIF reads a CIF of declared size (-1: unknown) within maxCIFBytes.
func readCIF(name string, r io.Reader, size int64) *importItem {
	if size > maxCIFBytes {
		return failed(name, ImportTooLarge, fmt.Errorf("%s: %d bytes, more than the %d MiB a CIF file may have", name, size, maxCIFBytes>>20))
	}
	data, err := io.ReadAll(io.LimitReader(r, maxCIFBytes+1))
	if err != nil {
		return failed(name, ImportUnreadable, fmt.Errorf("%s: %w", name, err))
	}
	if len(data) > maxCIFBytes {
		return failed(name, ImportTooLarge, fmt.Errorf("%s: more than the %d MiB a CIF file may have", name, maxCIFBytes>>20))
	}
	return &importItem{name: name, data: data}
}

// safeEntryName reports whether an archive entry's name stays inside the
// archive: relative, without "..", and without backslashes (which
// Windows would read as separators).
func safeEntryName(name string) bool {
	return name != "" && !strings.Contains(name, `\`) && !path.IsAbs(name) && filepath.IsLocal(filepath.FromSlash(name)) &&
		!slices.Contains(strings.Split(name, "/"), "..")
}

// entryOf checks an archive entry's name and size, and reads it.
func entryOf(archive, name string, size int64, open func() (io.ReadCloser, error)) *importItem {
	full := archive + "!" + name
	if !safeEntryName(name) {
		return failed(full, ImportUnsafe, fmt.Errorf("%s: the entry is named outside the archive: not read", full))
	}
	if size > maxCIFBytes {
		return failed(full, ImportTooLarge, fmt.Errorf("%s: %d bytes, more than the %d MiB a CIF file may have", full, size, maxCIFBytes>>20))
	}
	r, err := open()
	if err != nil {
		return failed(full, ImportUnreadable, fmt.Errorf("%s: %w", full, err))
	}
	defer r.Close()
	return readCIF(full, r, size)
}

func tooManyEntries(archive string) *importItem {
	return failed(archive, ImportTooLarge, fmt.Errorf("%s: more than %d entries: the rest are not read", archive, maxArchiveEntries))
}

func readZip(ctx context.Context, p string, emit func(*importItem) error) error {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return emit(failed(p, ImportUnreadable, fmt.Errorf("%s: %w", p, err)))
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if f.FileInfo().IsDir() || !isCIF(f.Name) && safeEntryName(f.Name) {
			continue
		}
		if n++; n > maxArchiveEntries {
			return emit(tooManyEntries(p))
		}
		if f.Mode()&fs.ModeSymlink != 0 {
			if err := emit(failed(p+"!"+f.Name, ImportUnsafe, fmt.Errorf("%s!%s: a link, not a file: not read", p, f.Name))); err != nil {
				return err
			}
			continue
		}
		if err := emit(entryOf(p, f.Name, int64(min(f.UncompressedSize64, math.MaxInt64)), f.Open)); err != nil {
			return err
		}
	}
	return nil
}

func readTarGz(ctx context.Context, p string, emit func(*importItem) error) error {
	f, err := os.Open(p)
	if err != nil {
		return emit(failed(p, ImportUnreadable, err))
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return emit(failed(p, ImportUnreadable, fmt.Errorf("%s: %w", p, err)))
	}
	tr := tar.NewReader(gz)
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return emit(failed(p, ImportUnreadable, fmt.Errorf("%s: %w", p, err)))
		}
		switch h.Typeflag {
		case tar.TypeReg:
		case tar.TypeSymlink, tar.TypeLink:
			if err := emit(failed(p+"!"+h.Name, ImportUnsafe, fmt.Errorf("%s!%s: a link, not a file: not read", p, h.Name))); err != nil {
				return err
			}
			continue
		default:
			continue
		}
		if !isCIF(h.Name) && safeEntryName(h.Name) {
			continue
		}
		if n++; n > maxArchiveEntries {
			return emit(tooManyEntries(p))
		}
		if err := emit(entryOf(p, h.Name, h.Size, func() (io.ReadCloser, error) { return io.NopCloser(tr), nil })); err != nil {
			return err
		}
	}
}
