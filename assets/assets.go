// Package assets holds the files compiled into the Bragg binary: the
// reference database (RefDB; refdb.Store adds the user's own entries) and
// the application icon (IconPNG, which the GUI wraps as a Fyne resource).
// It imports no GUI toolkit.
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

// dataLicenses lists the sources of the bundled data and their licences.
//
//go:embed DATA_LICENSES.md
var dataLicenses string

// DataLicenses returns DATA_LICENSES.md: the sources of the reference
// database and their licences, for the GUI's About.
func DataLicenses() string { return dataLicenses }

// RefDBBytes returns the compiled database file as embedded.
func RefDBBytes() []byte { return refDB }

var loadRefDB = sync.OnceValues(func() (*refdb.DB, error) {
	return refdb.LoadBytes(refDB)
})

// RefDB returns the reference database, decoded and checked once; later
// calls return the same *refdb.DB, which callers must not modify.
func RefDB() (*refdb.DB, error) { return loadRefDB() }
