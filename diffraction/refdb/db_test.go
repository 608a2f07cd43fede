package refdb

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

func testDB(t *testing.T) *DB {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "crystal", "testdata", "nacl.cif"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := crystal.ParseCIF(f, "nacl.cif")
	if err != nil {
		t.Fatal(err)
	}
	lines, _, err := ComputeLines(&ss[0])
	if err != nil {
		t.Fatal(err)
	}
	return &DB{Version: "test", Phases: []Phase{{
		ID: "test:nacl", Name: "Sodium chloride", Mineral: "Halite", Formula: "NaCl",
		Elements: []string{"Na", "Cl"}, Structure: ss[0], Lines: lines,
	}}}
}

func TestWriteLoad(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	var buf bytes.Buffer
	if err := Write(&buf, db); err != nil {
		t.Fatal(err)
	}
	got, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	p := got.Get("test:nacl")
	if got.Version != "test" || p == nil || p.Formula != "NaCl" || len(p.Lines) != len(db.Phases[0].Lines) {
		t.Fatalf("round trip lost data: %+v", got)
	}
	if got.Get("nope") != nil {
		t.Error("Get of an unknown ID is not nil")
	}
	// Lines by decreasing d; NaCl's first line is 111 (d = a/√3 = 3.256 Å).
	for k := 1; k < len(p.Lines); k++ {
		if p.Lines[k].D > p.Lines[k-1].D { // equal d (NaCl 333/511) keeps order
			t.Errorf("lines not by non-increasing d at %d", k)
		}
	}
	if l := p.Lines[0]; l.H != 1 || l.K != 1 || l.L != 1 || l.Multiplicity != 8 {
		t.Errorf("first line %+v, want 111 with multiplicity 8", l)
	}
	// Same input, same bytes.
	var again bytes.Buffer
	if err := Write(&again, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), buf.Bytes()) {
		t.Error("re-encoding the loaded database changed the bytes")
	}
}

// TestLoadCorrupt flips one byte of the payload (recompressed, so gzip's
// own CRC is valid and only the SHA-256 can catch it) and one byte of the
// compressed file.
func TestLoadCorrupt(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	var buf bytes.Buffer
	if err := Write(&buf, db); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if _, err := plain.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	raw := plain.Bytes()
	k := bytes.IndexByte(raw, '\n') + 20 // a byte inside the JSON payload
	raw[k] ^= 0x01
	var re bytes.Buffer
	zw := gzip.NewWriter(&re)
	zw.Write(raw)
	zw.Close()
	if _, err := Load(&re); !errors.Is(err, ErrChecksum) {
		t.Errorf("flipped payload byte: got %v, want ErrChecksum", err)
	}

	b := bytes.Clone(buf.Bytes())
	b[len(b)/2] ^= 0xff
	if _, err := Load(bytes.NewReader(b)); err == nil {
		t.Error("flipped compressed byte: no error")
	}
	if _, err := Load(bytes.NewReader(buf.Bytes()[:len(buf.Bytes())/2])); err == nil {
		t.Error("truncated file: no error")
	}
	if _, err := Load(bytes.NewReader([]byte("{}"))); err == nil {
		t.Error("plain JSON: no error")
	}
}
