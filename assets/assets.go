// Package assets holds the files compiled into the Bragg binary: the
// reference database.
package assets

import (
	_ "embed"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

//go:generate go run ../internal/dbgen -shared ../../shared -o refdb.bin

// refDB is the compiled reference database (see internal/dbgen).
//
//go:embed refdb.bin
var refDB []byte

// RefDBBytes returns the compiled database file as embedded.
func RefDBBytes() []byte { return refDB }

var loadRefDB = sync.OnceValues(func() (*refdb.DB, error) {
	return refdb.LoadBytes(refDB)
})

// RefDB returns the reference database, decoded and checked once; later
// calls return the same *refdb.DB, which callers must not modify.
func RefDB() (*refdb.DB, error) { return loadRefDB() }

// All returns the bundled database together with the user's own entries
// (refdb.UserPath), which search-match uses. A user database that cannot
// be read is an error naming its file, not silently skipped.
func All() (*refdb.DB, error) {
	db, err := RefDB()
	if err != nil {
		return nil, err
	}
	path, err := refdb.UserPath()
	if err != nil {
		return db, nil // no configuration directory: no user entries
	}
	user, err := refdb.LoadUser(path)
	if err != nil {
		return nil, err
	}
	return db.With(user), nil
}

// Import adds the structures of CIF files to the user database
// (refdb.UserPath), computed like the bundled entries with the RIR against
// the bundled corundum, and saves it. A file that cannot be read, a
// structure refused by the sanity gate (*refdb.GateError) and a phase
// already in the bundled or user database (*refdb.DuplicateError) are
// reported in failed while the others import; err is a problem with the
// database itself.
func Import(files []string) (imported []refdb.Phase, failed []error, err error) {
	bundled, err := RefDB()
	if err != nil {
		return nil, nil, err
	}
	cs, err := bundled.CorundumScale()
	if err != nil {
		return nil, nil, err
	}
	path, err := refdb.UserPath()
	if err != nil {
		return nil, nil, err
	}
	user, err := refdb.LoadUser(path)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		ps, err := refdb.ImportFile(f, cs)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		for _, p := range ps {
			if err := refdb.CheckDuplicate(&p, bundled, user); err != nil {
				failed = append(failed, err)
				continue
			}
			user.Put(p)
			imported = append(imported, p)
		}
	}
	if len(imported) > 0 {
		if err := refdb.SaveUser(path, user); err != nil {
			return nil, failed, err
		}
	}
	return imported, failed, nil
}
