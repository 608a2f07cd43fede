package app

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// bigStore is a reference database of n entries: the bundled ones
// repeated under new IDs, the size of a COD-scale collection at n =
// 100,000.
func bigStore(b *testing.B, n int) *refdb.Store {
	b.Helper()
	bundled, err := assets.RefDB()
	if err != nil {
		b.Fatal(err)
	}
	db := &refdb.DB{Version: "big"}
	for i := 0; len(db.Phases) < n; i++ {
		p := bundled.Phases[i%len(bundled.Phases)]
		p.ID = fmt.Sprintf("%s/%d", p.ID, i/len(bundled.Phases))
		db.Phases = append(db.Phases, p)
	}
	db.Sort()
	return refdb.NewStore(func() (*refdb.DB, error) { return db, nil }, "")
}

// BenchmarkBrowserSearch100k: one search of the browser over 100,000
// entries, from the text typed to the list and the card updated (the
// selected entry's pattern included): the latency of a keystroke, which
// the browser spends off the UI goroutine but for the list's refresh.
func BenchmarkBrowserSearch100k(b *testing.B) {
	store := bigStore(b, 100_000)
	a := test.NewTempApp(b)
	s := newFake().services()
	s.Store = store
	u := New(a, s)
	u.inline, u.portal = true, false
	u.ShowBrowser()
	br := u.browser
	queries := []string{"quartz", "Fe2O3", "gyps", "NaCl"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		br.text.SetText(queries[i%len(queries)])
		i++
	}
	if len(br.hits) == 0 {
		b.Fatal("nothing found")
	}
}

// BenchmarkSearch100k is the domain's part of it: the library search
// (searchLibrary) over 100,000 entries held in memory, as the bundled
// database is, for a name and for a formula in another order. (A user
// collection is read entry by entry: refdb's BenchmarkLibrarySearch.)
func BenchmarkSearch100k(b *testing.B) {
	store := bigStore(b, 100_000)
	for _, text := range []string{"quartz", "O3Fe2"} {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if hits, _, err := searchLibrary(store, refdb.Query{Text: text}); err != nil || len(hits) == 0 {
					b.Fatal("nothing found", err)
				}
			}
		})
	}
}
