package assets

import (
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// BenchmarkLoad decodes the embedded database from its bytes, as the first
// RefDB call does (issue target: ≤ 50 ms).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := refdb.LoadBytes(refDB); err != nil {
			b.Fatal(err)
		}
	}
}
