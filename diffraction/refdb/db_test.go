package refdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func testDB(t *testing.T) *DB {
	t.Helper()
	s := readHalite(t)
	lines, _, err := ComputeLines(s)
	if err != nil {
		t.Fatal(err)
	}
	return &DB{Version: "test", Phases: []Phase{{
		ID: "test:nacl", Name: "Sodium chloride", Mineral: "Halite", Formula: "NaCl",
		Elements: []string{"Na", "Cl"}, Structure: *s, Lines: lines,
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

// TestLoadCorrupt flips one byte of the payload, truncates the file and
// feeds a file that is not a database: each is an error, the first one
// ErrChecksum.
func TestLoadCorrupt(t *testing.T) {
	t.Parallel()
	db := testDB(t)
	var buf bytes.Buffer
	if err := Write(&buf, db); err != nil {
		t.Fatal(err)
	}
	b := bytes.Clone(buf.Bytes())
	b[bytes.IndexByte(b, '\n')+20] ^= 0x01 // a byte inside the payload
	if _, err := Load(bytes.NewReader(b)); !errors.Is(err, ErrChecksum) {
		t.Errorf("flipped payload byte: got %v, want ErrChecksum", err)
	}
	if _, err := Load(bytes.NewReader(buf.Bytes()[:len(buf.Bytes())/2])); !errors.Is(err, ErrChecksum) {
		t.Errorf("truncated file: got %v, want ErrChecksum", err)
	}
	for _, junk := range []string{"{}", "", "BRAGG-REFDB 1 sha256=00\n", "BRAGG-REFDB 3 schema=" + schemaID + " sha256=zz\nx", "BRAGG-REFDB 3 schema=000000000000 sha256=00\nx"} {
		if _, err := Load(bytes.NewReader([]byte(junk))); err == nil {
			t.Errorf("%q: no error", junk)
		}
	}
}

// TestCodecEveryField fills every exported field of a Phase, including
// those of its structure, with a value that differs from the zero value,
// and checks that the codec brings each back: a field added later is
// stored without touching the codec.
func TestCodecEveryField(t *testing.T) {
	var p Phase
	fill(reflect.ValueOf(&p).Elem(), 1)
	p.Lines = []Line{{D: 3.256123, I: 99.99, H: -1, K: 2, L: 3, Multiplicity: 48}, {D: 1.5, I: 0.01}}
	in := &DB{Version: "v", Phases: []Phase{p}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	out, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip changed the phase:\n in  %+v\n out %+v", in.Phases[0], out.Phases[0])
	}
}

// fill sets every exported field reachable from v to a non-zero value
// derived from n (slices get two elements).
func fill(v reflect.Value, n int) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(-n))
	case reflect.Float64:
		v.SetFloat(float64(n) + 0.125)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fill(s.Index(0), n+1)
		fill(s.Index(1), n+2)
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), n+i)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n+i)
			}
		}
	}
}

// FuzzLoad: no input makes Load panic (the checksum is recomputed so that
// the decoder itself is exercised).
func FuzzLoad(f *testing.F) {
	var buf bytes.Buffer
	Write(&buf, &DB{Version: "v", Phases: []Phase{{ID: "a", Lines: []Line{{D: 1, I: 2}}}}})
	_, payload, _ := bytes.Cut(buf.Bytes(), []byte{'\n'})
	f.Add(payload)
	f.Fuzz(func(t *testing.T, payload []byte) {
		sum := sha256.Sum256(payload)
		file := fmt.Sprintf("%s %s schema=%s sha256=%s\n%s", magic, formatVersion, schemaID, hex.EncodeToString(sum[:]), payload)
		Load(strings.NewReader(file))
	})
}
