package assets

import (
	"bytes"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// BenchmarkLoad decodes the embedded database from its bytes, as the first
// RefDB call does (issue target: ≤ 50 ms).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := refdb.Load(bytes.NewReader(refDB)); err != nil {
			b.Fatal(err)
		}
	}
}
