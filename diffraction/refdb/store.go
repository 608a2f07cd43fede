package refdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/bragg-xrd/bragg/internal/atomic"
)

// Store is the reference database a program searches: the bundled phases
// and the user's collections, kept in a folder (UserPath) as one file per
// collection (NAME.refcoll) and a settings file (collections.json, which
// lists the disabled ones). The Library is read once per process and again
// only when a collection changes, through the Store or behind its back
// (another process: the files' sizes and modification times say so). Its
// methods are safe for concurrent use; the values they return are shared
// and must not be modified.
type Store struct {
	bundled func() (*DB, error)
	dir     string

	// base is the bundled database as a Part, indexed once.
	base func() (*Part, error)

	mu    sync.Mutex
	lib   *Library
	stamp string // of the folder's files when lib was read
}

// DefaultCollection is the collection that imports go to when none is
// named; its entries' IDs start with "user:" (UserPrefix).
const DefaultCollection = "user"

// collExt ends the name of a collection file.
const collExt = ".refcoll"

// settingsFile holds the collections' settings in the user's folder.
const settingsFile = "collections.json"

// NewStore returns a Store over the bundled database, which bundled returns
// (decoding it once, as assets.RefDB does), and the user's collections in
// the folder dir. An empty dir means the user has none (no configuration
// directory): the Store is then the bundled database alone, and Import
// says why it cannot add to it.
func NewStore(bundled func() (*DB, error), dir string) *Store {
	s := &Store{bundled: bundled, dir: dir}
	s.base = sync.OnceValues(func() (*Part, error) {
		db, err := bundled()
		if err != nil {
			return nil, err
		}
		x, err := NewIndex(db.Phases)
		if err != nil {
			return nil, err
		}
		return &Part{Name: BundledName, Enabled: true, Index: x, db: db}, nil
	})
	return s
}

// UserPath returns the folder of the user's collections, "" for none.
func (s *Store) UserPath() string { return s.dir }

// Bundled returns the bundled database.
func (s *Store) Bundled() (*DB, error) { return s.bundled() }

// errNoUserDB says why the user's collections cannot be changed.
var errNoUserDB = errors.New("refdb: no user database: the user has no configuration directory")

// Resolution is what an import does with a structure whose phase the
// database already holds under another ID (ImportOptions.Resolve).
type Resolution int

const (
	// Skip leaves the structure out and reports its *DuplicateError.
	Skip Resolution = iota
	// Replace puts the structure in place of the entry it duplicates. A
	// user entry is removed; a bundled one, which cannot be, is hidden
	// (Part.Hidden) for as long as the new entry, in an enabled
	// collection, lists it among its Duplicates (removing the new entry
	// brings it back).
	Replace
	// KeepBoth adds the structure beside the entry it duplicates.
	KeepBoth
)

// ImportResolving imports CIF files into the default collection as Import
// does, with resolve deciding what to do with each duplicate (nil skips
// them all), and returns the entries imported, whole, and what was not
// imported as errors (a *DuplicateError, a wrapped *GateError, a file that
// cannot be read): the window's import of a few files.
func (s *Store) ImportResolving(files []string, resolve func(*DuplicateError) Resolution) (imported []Phase, failed []error, err error) {
	res, err := s.Import(context.Background(), files, ImportOptions{Resolve: resolve})
	if err != nil {
		return nil, nil, err
	}
	for _, f := range res.Failed {
		failed = append(failed, f.Err)
	}
	lib, err := s.Library()
	if err != nil {
		return nil, failed, err
	}
	for _, e := range res.Imported {
		p, _, err := lib.Get(e.ID)
		if err != nil {
			return nil, failed, err
		}
		imported = append(imported, *p)
	}
	return imported, failed, nil
}

// settings are the contents of collections.json.
type settings struct {
	Disabled []string `json:"disabled"`
}

func (s *Store) readSettings() (settings, error) {
	var st settings
	b, err := os.ReadFile(filepath.Join(s.dir, settingsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err == nil {
		if err = json.Unmarshal(b, &st); err != nil {
			err = fmt.Errorf("%s: %w", filepath.Join(s.dir, settingsFile), err)
		}
	}
	return st, err
}

func (s *Store) writeSettings(st settings) error {
	slices.Sort(st.Disabled)
	st.Disabled = slices.Compact(st.Disabled)
	if st.Disabled == nil {
		st.Disabled = []string{}
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return atomic.WriteFile(filepath.Join(s.dir, settingsFile), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	})
}

// collectionFiles lists the collections in the folder by name, with a
// stamp of the folder's files (names, sizes, modification times) that
// changes whenever one of them does.
func (s *Store) collectionFiles() (names []string, stamp string, err error) {
	if s.dir == "" {
		return nil, "", nil
	}
	ents, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var b strings.Builder
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, collExt) && name != settingsFile {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			return nil, "", err
		}
		fmt.Fprintf(&b, "%s %d %d\n", name, fi.Size(), fi.ModTime().UnixNano())
		if n := strings.TrimSuffix(name, collExt); n != name && CheckName(n) == nil {
			names = append(names, n)
		}
	}
	return names, b.String(), nil
}

func (s *Store) collPath(name string) string { return filepath.Join(s.dir, name+collExt) }

// Library returns the bundled database and the user's collections. The
// first call reads them; later calls return the same *Library until a
// collection changes. A collection that cannot be read is an error naming
// its file, not silently skipped.
func (s *Store) Library() (*Library, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.library()
}

func (s *Store) library() (*Library, error) {
	if err := s.migrateLegacy(); err != nil {
		return nil, err
	}
	names, stamp, err := s.collectionFiles()
	if err != nil {
		return nil, err
	}
	if s.lib != nil && stamp == s.stamp {
		return s.lib, nil
	}
	base, err := s.base()
	if err != nil {
		return nil, err
	}
	st, err := s.readSettings()
	if err != nil {
		return nil, err
	}
	lib := &Library{}
	// Parts whose files did not change are kept as they are: reopening
	// maps the same bytes again.
	old := map[string]*Part{}
	if s.lib != nil {
		for _, p := range s.lib.Parts[1:] {
			old[p.Name] = p
		}
	}
	hidden := make([]bool, base.Len())
	for _, name := range names {
		f, err := s.openUnchanged(old[name], name)
		if err != nil {
			return nil, err
		}
		p := &Part{Name: name, Enabled: !slices.Contains(st.Disabled, name), Index: f.index, file: f}
		lib.Parts = append(lib.Parts, p)
		if p.Enabled {
			for i := range f.n {
				for _, id := range f.replaces(i) {
					if k := base.Find(id); k >= 0 {
						hidden[k] = true
					}
				}
			}
		}
	}
	b := *base
	b.hidden = hidden
	lib.Parts = append([]*Part{&b}, lib.Parts...)
	s.lib, s.stamp = lib, stamp
	return lib, nil
}

// openUnchanged returns the open file of a part when the file on disk is
// still the one it was read from, else opens it again.
func (s *Store) openUnchanged(p *Part, name string) (*collFile, error) {
	path := s.collPath(name)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if p != nil && p.file.size == fi.Size() && p.file.mod.Equal(fi.ModTime()) {
		return p.file, nil
	}
	f, err := openCollection(path)
	if err != nil {
		return nil, err
	}
	f.size, f.mod = fi.Size(), fi.ModTime()
	return f, nil
}

// Collection describes a collection for the user (bragg db collections).
type Collection struct {
	Name    string `json:"name"`
	Entries int    `json:"entries"`
	Enabled bool   `json:"enabled"`
	// Bytes is the size of its file; IndexBytes of its index, the part
	// a search reads.
	Bytes      int64 `json:"bytes"`
	IndexBytes int64 `json:"index_bytes"`
}

// Collections lists the bundled database (Bytes 0: it is in the program)
// and the user's collections.
func (s *Store) Collections() ([]Collection, error) {
	lib, err := s.Library()
	if err != nil {
		return nil, err
	}
	var out []Collection
	for _, p := range lib.Parts {
		c := Collection{Name: p.Name, Entries: p.Len(), Enabled: p.Enabled, IndexBytes: p.Index.Size()}
		if p.file != nil {
			c.Bytes = p.file.size
		}
		out = append(out, c)
	}
	return out, nil
}

// SetEnabled enables or disables a collection: a disabled one is kept but
// not searched unless a Subset names it.
func (s *Store) SetEnabled(name string, enabled bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkCollection(name); err != nil {
		return err
	}
	st, err := s.readSettings()
	if err != nil {
		return err
	}
	st.Disabled = slices.DeleteFunc(st.Disabled, func(n string) bool { return n == name })
	if !enabled {
		st.Disabled = append(st.Disabled, name)
	}
	return s.writeSettings(st)
}

// RemoveCollection deletes a collection and its entries.
func (s *Store) RemoveCollection(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkCollection(name); err != nil {
		return err
	}
	if err := os.Remove(s.collPath(name)); err != nil {
		return err
	}
	st, err := s.readSettings()
	if err != nil {
		return err
	}
	if slices.Contains(st.Disabled, name) {
		st.Disabled = slices.DeleteFunc(st.Disabled, func(n string) bool { return n == name })
		return s.writeSettings(st)
	}
	return nil
}

// checkCollection reports a name that is not one of the user's
// collections.
func (s *Store) checkCollection(name string) error {
	if s.dir == "" {
		return errNoUserDB
	}
	if name == BundledName {
		return errors.New("the bundled database cannot be changed")
	}
	if err := CheckName(name); err != nil {
		return err
	}
	if _, err := os.Stat(s.collPath(name)); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no collection %q (bragg db collections lists them)", name)
	}
	return nil
}

// Remove deletes entries by ID from the user's collections and saves
// them; an ID that is not a user entry is an error and nothing is
// removed.
func (s *Store) Remove(ids ...string) error {
	if s.dir == "" {
		return errNoUserDB
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	lib, err := s.library()
	if err != nil {
		return err
	}
	drop := map[*Part][]int{}
	for _, id := range ids {
		found := false
		for _, p := range lib.Parts[1:] {
			if i := p.Find(id); i >= 0 {
				drop[p] = append(drop[p], i)
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("no user entry %q (bundled entries cannot be removed)", id)
		}
	}
	for p, is := range drop {
		if err := s.rewrite(p, func(i int) bool { return !slices.Contains(is, i) }, nil); err != nil {
			return err
		}
	}
	s.lib = nil
	return nil
}

// rewrite writes collection p again with the entries keep admits, then
// those of add (which may be nil).
func (s *Store) rewrite(p *Part, keep func(i int) bool, add *collBuilder) error {
	b := newCollBuilder(s.dir)
	defer b.close()
	for i := range p.Len() {
		if keep(i) {
			if err := b.addFrom(p.file, i); err != nil {
				return err
			}
		}
	}
	if add != nil {
		if err := b.appendBuilt(add); err != nil {
			return err
		}
	}
	err := b.write(s.collPath(p.Name))
	// The kept entries are read from p's mapping until then.
	runtime.KeepAlive(p)
	return err
}

// migrateLegacy turns the user database of Bragg 0.1 (one file,
// user.refdb, beside the collections' folder) into the collection "user",
// once; the old file is kept as user.refdb.migrated.
func (s *Store) migrateLegacy() error {
	if s.dir == "" {
		return nil
	}
	legacy := filepath.Join(filepath.Dir(s.dir), "user.refdb")
	// Only a file: a folder of that name is the collections' own (a
	// Store made over ".../user.refdb", as Bragg 0.1's callers name it).
	if fi, err := os.Stat(legacy); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	if _, err := os.Stat(s.collPath(DefaultCollection)); err == nil {
		return nil
	}
	db, err := loadLegacy(legacy)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	b := newCollBuilder(s.dir)
	defer b.close()
	for i := range db.Phases {
		if err := b.add(&db.Phases[i]); err != nil {
			return err
		}
	}
	if err := b.write(s.collPath(DefaultCollection)); err != nil {
		return err
	}
	return os.Rename(legacy, legacy+".migrated")
}
