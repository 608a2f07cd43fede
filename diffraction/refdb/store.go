package refdb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Store is the reference database a program searches: the bundled phases
// and the user's own (kept at a path such as UserPath), read once per
// process and read again only when the user's database changes — after
// Import or Remove through the Store, or when its file's size or
// modification time says another process changed it. Its methods are safe
// for concurrent use; the databases they return are shared and must not be
// modified.
type Store struct {
	bundled  func() (*DB, error)
	userPath string

	mu    sync.Mutex
	all   *DB       // bundled + user; nil until read
	stamp fileStamp // of the user file when all was read
}

// fileStamp is what a cheap stat says of a file: enough to notice that
// another process rewrote it (SaveUser replaces it atomically, so a new
// file, a new modification time).
type fileStamp struct {
	exists bool
	size   int64
	mod    time.Time
}

// NewStore returns a Store over the bundled database, which bundled returns
// (decoding it once, as assets.RefDB does), and the user database at
// userPath. An empty userPath means the user has none (no configuration
// directory): the Store is then the bundled database alone, and Import
// says why it cannot add to it.
func NewStore(bundled func() (*DB, error), userPath string) *Store {
	return &Store{bundled: bundled, userPath: userPath}
}

// UserPath returns where the user's entries are kept, "" for nowhere.
func (s *Store) UserPath() string { return s.userPath }

// Bundled returns the bundled database.
func (s *Store) Bundled() (*DB, error) { return s.bundled() }

// DB returns the bundled phases followed by the user's. The first call
// reads the user database; later calls return the same *DB until the user
// database changes. A user database that cannot be read is an error naming
// its file, not silently skipped.
func (s *Store) DB() (*DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.stat()
	if err != nil {
		return nil, err
	}
	if s.all != nil && st == s.stamp {
		return s.all, nil
	}
	bundled, err := s.bundled()
	if err != nil {
		return nil, err
	}
	user, err := s.readUser()
	if err != nil {
		return nil, err
	}
	s.all, s.stamp = bundled.With(user), st
	return s.all, nil
}

func (s *Store) stat() (fileStamp, error) {
	if s.userPath == "" {
		return fileStamp{}, nil
	}
	fi, err := os.Stat(s.userPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fileStamp{}, nil
	case err != nil:
		return fileStamp{}, err
	}
	return fileStamp{exists: true, size: fi.Size(), mod: fi.ModTime()}, nil
}

// readUser reads the user database, empty when there is none.
func (s *Store) readUser() (*DB, error) {
	if s.userPath == "" {
		return &DB{Version: "user"}, nil
	}
	return LoadUser(s.userPath)
}

// User reads the user's database from its file, for listing or exporting
// its entries; the result is the caller's own.
func (s *Store) User() (*DB, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readUser()
}

// errNoUserDB says why the user database cannot be changed.
var errNoUserDB = errors.New("refdb: no user database: the user has no configuration directory")

// Import adds the structures of CIF files to the user database, computed
// like the bundled entries, with the RIR against the bundled corundum, and
// saves it. A file that cannot be read, a structure refused by the sanity
// gate (*GateError) and a phase already in the bundled or user database
// (*DuplicateError) are reported in failed while the others import; err
// is a problem with the database itself. It is ImportResolving with every
// duplicate skipped.
func (s *Store) Import(files []string) (imported []Phase, failed []error, err error) {
	return s.ImportResolving(files, nil)
}

// Resolution is what ImportResolving does with a structure whose phase
// the database already holds under another ID.
type Resolution int

const (
	// Skip leaves the structure out and reports its *DuplicateError.
	Skip Resolution = iota
	// Replace puts the structure in place of the entry it duplicates. A
	// user entry is removed; a bundled one, which cannot be, is left out
	// of DB for as long as the new entry lists it among its Duplicates
	// (removing the new entry brings it back).
	Replace
	// KeepBoth adds the structure beside the entry it duplicates.
	KeepBoth
)

// ImportResolving is Import with resolve deciding what to do with each
// structure that duplicates an entry (the *DuplicateError that Import
// would report); a nil resolve skips them all. The duplicate is looked
// for among the user's entries first, then among the bundled ones that
// no user entry replaces.
func (s *Store) ImportResolving(files []string, resolve func(*DuplicateError) Resolution) (imported []Phase, failed []error, err error) {
	if s.userPath == "" {
		return nil, nil, errNoUserDB
	}
	bundled, err := s.bundled()
	if err != nil {
		return nil, nil, err
	}
	cs, err := bundled.CorundumScale()
	if err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user, err := s.readUser()
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		ps, err := ImportFile(f, cs)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		for _, p := range ps {
			err := CheckDuplicate(&p, user, bundled.without(user.replaced()))
			var dup *DuplicateError
			if errors.As(err, &dup) {
				r := Skip
				if resolve != nil {
					r = resolve(dup)
				}
				switch r {
				case Replace:
					p.Duplicates = append(append(p.Duplicates, dup.Of.ID), dup.Of.Duplicates...)
					user.Remove(dup.Of.ID) // a user entry; a bundled one is hidden
				case KeepBoth:
				default:
					failed = append(failed, err)
					continue
				}
			}
			user.Put(p)
			imported = append(imported, p)
		}
	}
	if len(imported) > 0 {
		if err := SaveUser(s.userPath, user); err != nil {
			return nil, failed, err
		}
		s.all = nil
	}
	return imported, failed, nil
}

// Remove deletes user entries by ID and saves the user database; an ID
// that is not a user entry is an error and nothing is removed.
func (s *Store) Remove(ids ...string) error {
	if s.userPath == "" {
		return errNoUserDB
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	user, err := s.readUser()
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !user.Remove(id) {
			return fmt.Errorf("no user entry %q (bundled entries cannot be removed)", id)
		}
	}
	if err := SaveUser(s.userPath, user); err != nil {
		return err
	}
	s.all = nil
	return nil
}
