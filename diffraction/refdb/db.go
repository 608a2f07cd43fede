package refdb

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

// DB is the reference database: a version string and the phases, sorted by
// ID.
type DB struct {
	Version string  `json:"version"`
	Phases  []Phase `json:"phases"`
	// Refused are the structures the generator left out by the sanity
	// gate (see Check), sorted by ID.
	Refused []Refusal `json:"refused,omitempty"`
}

// RefusedByReason counts the refused structures by reason (see Reasons).
func (db *DB) RefusedByReason() map[string]int {
	m := map[string]int{}
	for _, r := range db.Refused {
		m[r.Reason]++
	}
	return m
}

// sortPhases orders phases by ID, the order of a database.
func sortPhases(ps []Phase) {
	slices.SortFunc(ps, func(a, b Phase) int { return strings.Compare(a.ID, b.ID) })
}

// Sort orders the phases by ID, the order Write expects of a database.
func (db *DB) Sort() { sortPhases(db.Phases) }

// Get returns the phase with the given ID, or nil.
func (db *DB) Get(id string) *Phase {
	for i := range db.Phases {
		if db.Phases[i].ID == id {
			return &db.Phases[i]
		}
	}
	return nil
}

// The compiled database is one header line and a binary payload (see
// codec.go):
//
//	BRAGG-REFDB 3 schema=<12 hex digits> sha256=<64 hex digits of SHA-256 over the payload>\n
//	<payload>
//
// The checksum catches corruption of the file. The payload is not
// compressed: the binary keeps the database as it is, and loading is a
// checksum and one pass of decoding (version 1 was gzip'd JSON and took
// over a second for 600 phases).
const (
	magic         = "BRAGG-REFDB"
	formatVersion = "3"
)

// ErrChecksum means the payload does not match the SHA-256 in its header.
var ErrChecksum = errors.New("refdb: checksum mismatch (database file is corrupt)")

// FormatError reports a database file that cannot be read.
type FormatError string

func (e FormatError) Error() string { return "refdb: " + string(e) }

// Load reads a compiled database written by Write, verifying its checksum.
func Load(r io.Reader) (*DB, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, FormatError("reading: " + err.Error())
	}
	return LoadBytes(data)
}

// LoadBytes is Load on a database already in memory (an embedded file),
// which it only reads: no copy of the file is made.
func LoadBytes(data []byte) (*DB, error) {
	header, payload, ok := bytes.Cut(data, []byte{'\n'})
	if !ok || len(header) > 200 {
		return nil, FormatError("no header line")
	}
	f := strings.Fields(string(header))
	if len(f) != 4 || f[0] != magic || !strings.HasPrefix(f[2], "schema=") || !strings.HasPrefix(f[3], "sha256=") {
		return nil, FormatError(fmt.Sprintf("bad header %.80q", header))
	}
	if f[1] != formatVersion {
		return nil, FormatError(fmt.Sprintf("format version %s, this program reads %s", f[1], formatVersion))
	}
	if s := strings.TrimPrefix(f[2], "schema="); s != schemaID {
		return nil, FormatError(fmt.Sprintf("written for other data types (schema %s, this program has %s): rebuild it with go generate ./assets", s, schemaID))
	}
	want, err := hex.DecodeString(strings.TrimPrefix(f[3], "sha256="))
	if err != nil || len(want) != sha256.Size {
		return nil, FormatError("bad checksum in header")
	}
	got := sha256.Sum256(payload)
	if !bytes.Equal(got[:], want) {
		return nil, ErrChecksum
	}
	var db DB
	d := &decoder{b: payload}
	if err := d.value(reflect.ValueOf(&db).Elem()); err != nil {
		return nil, FormatError("payload: " + err.Error())
	}
	if d.off != len(payload) {
		return nil, FormatError(fmt.Sprintf("payload: %d bytes left over", len(payload)-d.off))
	}
	return &db, nil
}

// Write encodes db in the compiled format read by Load. The output depends
// only on db.
func Write(w io.Writer, db *DB) error {
	e := &encoder{}
	if err := e.value(reflect.ValueOf(db).Elem()); err != nil {
		return err
	}
	sum := sha256.Sum256(e.b)
	if _, err := fmt.Fprintf(w, "%s %s schema=%s sha256=%s\n", magic, formatVersion, schemaID, hex.EncodeToString(sum[:])); err != nil {
		return err
	}
	_, err := w.Write(e.b)
	return err
}
