package refdb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/internal/atomic"
)

// UserPath is where the user's own entries are kept: bragg/user.refdb in
// the user's configuration directory (os.UserConfigDir).
func UserPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("refdb: no configuration directory for the user database: %w", err)
	}
	return filepath.Join(dir, "bragg", "user.refdb"), nil
}

// LoadUser reads the user database at path; a missing file is an empty
// database.
func LoadUser(path string) (*DB, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &DB{Version: "user"}, nil
	}
	if err != nil {
		return nil, err
	}
	db, err := Load(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

// SaveUser writes the user database to path atomically, creating its
// directory.
func SaveUser(path string, db *DB) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomic.WriteFile(path, func(w io.Writer) error { return Write(w, db) })
}

// UserPrefix starts the ID of every user entry.
const UserPrefix = "user:"

// ImportCIF computes user entries from the structures of a CIF file,
// identified by the file's name (and the data block, when it holds
// several) and named by the file (DefaultName); corundumScale is the
// bundled corundum's intensity scale, for the RIR. Each structure passes
// the sanity gate as the bundled ones do (Vet: repaired when the repair is
// certain, recorded in Repairs); one that fails makes the file an error
// wrapping its *GateError. Whether the phase is already in the database is
// the caller's to ask (CheckDuplicate).
func ImportCIF(r io.Reader, file string, corundumScale float64) ([]Phase, error) {
	ss, err := crystal.ParseCIF(r, file)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	var out []Phase
	for i := range ss {
		s, repair, err := Vet(&ss[i])
		if err != nil {
			return nil, fmt.Errorf("%s: data_%s: %w", file, ss[i].Block, err)
		}
		// ParseCIF names a structure after its data block; a person's
		// name for it is the file's chemical or mineral name.
		s.Name = firstNonEmpty(DefaultName(s), base)
		p, scale, err := FromStructure(s)
		if err != nil {
			return nil, fmt.Errorf("%s: data_%s: %w", file, s.Block, err)
		}
		p.Repairs = repair
		p.ID = UserPrefix + Slug(base)
		if len(ss) > 1 {
			p.ID += "-" + Slug(s.Block)
		}
		p.Source = file
		p.License = "the user's own"
		p.RIR = RIR(scale, corundumScale)
		out = append(out, p)
	}
	return out, nil
}

// ImportFile is ImportCIF on the file at path.
func ImportFile(path string, corundumScale float64) ([]Phase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ImportCIF(f, path, corundumScale)
}

// Put adds entries to db, replacing those with the same IDs, keeping the
// phases sorted by ID.
func (db *DB) Put(ps ...Phase) {
	for _, p := range ps {
		if q := db.Get(p.ID); q != nil {
			*q = p
			continue
		}
		db.Phases = append(db.Phases, p)
	}
	sortPhases(db.Phases)
}

// Remove deletes the entry with the given ID and reports whether there
// was one.
func (db *DB) Remove(id string) bool {
	for i := range db.Phases {
		if db.Phases[i].ID == id {
			db.Phases = append(db.Phases[:i], db.Phases[i+1:]...)
			return true
		}
	}
	return false
}

// With returns a database holding db's phases followed by other's (the
// bundled and the user's together) and db's refused list, or db itself
// when other has none. db's phases that an entry of other replaces (lists
// among its Duplicates, see Replace) are left out. The Phase values are
// copied into one slice (their lines and structures are shared): a Store
// does it once per change of the user database, not per search.
func (db *DB) With(other *DB) *DB {
	if other == nil || len(other.Phases) == 0 {
		return db
	}
	kept := db.without(other.replaced())
	all := make([]Phase, 0, len(kept.Phases)+len(other.Phases))
	all = append(append(all, kept.Phases...), other.Phases...)
	return &DB{Version: db.Version + "+user", Phases: all, Refused: db.Refused}
}

// replaced returns the IDs that db's entries list among their Duplicates:
// the entries they replace.
func (db *DB) replaced() map[string]bool {
	ids := map[string]bool{}
	for i := range db.Phases {
		for _, id := range db.Phases[i].Duplicates {
			ids[id] = true
		}
	}
	return ids
}

// without returns db without the phases whose IDs are in ids, or db itself
// when it has none of them.
func (db *DB) without(ids map[string]bool) *DB {
	if !slices.ContainsFunc(db.Phases, func(p Phase) bool { return ids[p.ID] }) {
		return db
	}
	out := &DB{Version: db.Version, Refused: db.Refused}
	for _, p := range db.Phases {
		if !ids[p.ID] {
			out.Phases = append(out.Phases, p)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && s != "?" {
			return s
		}
	}
	return ""
}

// Slug makes an ID part from a name: lower-case letters and digits, other
// runs as one hyphen ("LiF_225" → "lif-225").
func Slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
