package refdb_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// BenchmarkLibrarySearch measures a search by text (what the database
// browser runs at each keystroke, and bragg db search) over the bundled
// database and a user collection of synthetic entries (see synthetic), at
// sizes up to the COD's 500,000 (with BRAGG_BENCH_LARGE=1; building the
// collection takes a minute per 100,000): the collection is read entry by
// entry (Part.Head), never decoded whole.
func BenchmarkLibrarySearch(b *testing.B) {
	db, err := assets.RefDB()
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range sizes(10_000, 100_000, 500_000) {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := refdb.WriteCollectionFile(filepath.Join(dir, "synthetic.refcoll"), synthetic(db, n)); err != nil {
				b.Fatal(err)
			}
			lib, err := refdb.NewStore(assets.RefDB, dir).Library()
			if err != nil {
				b.Fatal(err)
			}
			for _, text := range []string{"quartz", "O3Fe2"} {
				b.Run(text, func(b *testing.B) {
					measure(b, func() error {
						hits, err := lib.Search(refdb.Query{Text: text})
						if err == nil && len(hits) == 0 {
							err = fmt.Errorf("nothing found for %q", text)
						}
						return err
					})
				})
			}
		})
	}
}
