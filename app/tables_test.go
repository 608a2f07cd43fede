package app

import (
	"testing"

	"fyne.io/fyne/v2"
)

// TestSwitchLaysOutTablesOnce: showing another open scan lays each table
// out once. Fyne lays a table out on every SetColumnWidth, and fitting the
// 8 + 7 columns to the new scan cost 15 layouts (60 % of these tests'
// time, and the real window's on every switch).
func TestSwitchLaysOutTablesOnce(t *testing.T) {
	u := newTestUI(t, newFake())
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/one.xy", "/data/two.xy")
	u.wait()
	u.phases.tabs.SelectIndex(1) // the candidates; hidden, their table waits
	for _, i := range []int{0, 1, 0} {
		u.peaks.layouts, u.cands.layouts = 0, 0
		u.list.Select(i)
		u.wait()
		if u.current != u.entries[i] {
			t.Fatalf("scan %d not shown", i)
		}
		if u.peaks.layouts != 1 || u.cands.layouts != 1 {
			t.Errorf("switch to scan %d: peak table laid out %d times, candidates %d; want once each", i, u.peaks.layouts, u.cands.layouts)
		}
	}
	// The columns fit the scan shown: the 2θ column is as wide as its
	// widest value or title, not its initial width.
	if w := u.peaks.cols[1]; w.title != "2θ (°)" {
		t.Errorf("second column %q", w.title)
	}
}

// BenchmarkSwitchScans times showing the other of two open scans in a
// 1200×760 window: tables filled and laid out, overlays and status bar.
func BenchmarkSwitchScans(b *testing.B) {
	u := newTestUI(b, newFake())
	u.win.Resize(fyne.NewSize(1200, 760))
	u.Open("/data/one.xy", "/data/two.xy")
	u.wait()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		u.show(u.entries[i%2])
		i++
	}
}
