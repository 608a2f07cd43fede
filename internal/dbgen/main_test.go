package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// TestAssetUpToDate rebuilds the database from the shared data and checks
// that it reproduces the committed asset byte for byte (so the build is
// deterministic and the asset is current).
func TestAssetUpToDate(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "shared")
	if _, err := os.Stat(filepath.Join(shared, "data", "cif", "cif_index.csv")); err != nil {
		t.Skipf("shared data not found at %s (only present in the Bragg workspace): %v", shared, err)
	}
	db, err := build(shared, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := refdb.Write(&buf, db); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join("..", "..", "assets", "refdb.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Error("assets/refdb.bin is stale: run go generate ./assets")
	}
}
