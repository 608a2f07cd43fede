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
