package refdb

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// DB is the reference database: a version string and the phases, sorted by
// ID.
type DB struct {
	Version string  `json:"version"`
	Phases  []Phase `json:"phases"`
}

// Get returns the phase with the given ID, or nil.
func (db *DB) Get(id string) *Phase {
	for i := range db.Phases {
		if db.Phases[i].ID == id {
			return &db.Phases[i]
		}
	}
	return nil
}

// The compiled database is a gzip stream (RFC 1952, no name, no
// modification time) holding one header line and the JSON payload:
//
//	BRAGG-REFDB 1 sha256=<64 hex digits of SHA-256 over the payload>\n
//	{"version":…,"phases":[…]}
//
// The checksum catches corruption that slips past gzip's CRC-32 (or a
// payload edited by hand and recompressed).
const (
	magic         = "BRAGG-REFDB"
	formatVersion = "1"
)

// ErrChecksum means the payload does not match the SHA-256 in its header.
var ErrChecksum = errors.New("refdb: checksum mismatch (database file is corrupt)")

// FormatError reports a database file that cannot be read.
type FormatError string

func (e FormatError) Error() string { return "refdb: " + string(e) }

// Load reads a compiled database written by Write, verifying its checksum.
func Load(r io.Reader) (*DB, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, FormatError("not a gzip stream: " + err.Error())
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	header, err := br.ReadString('\n')
	if err != nil {
		return nil, FormatError("no header line: " + err.Error())
	}
	f := strings.Fields(header)
	if len(f) != 3 || f[0] != magic || !strings.HasPrefix(f[2], "sha256=") {
		return nil, FormatError(fmt.Sprintf("bad header %q", strings.TrimSpace(header)))
	}
	if f[1] != formatVersion {
		return nil, FormatError(fmt.Sprintf("format version %s, this program reads %s", f[1], formatVersion))
	}
	want, err := hex.DecodeString(strings.TrimPrefix(f[2], "sha256="))
	if err != nil || len(want) != sha256.Size {
		return nil, FormatError("bad checksum in header")
	}
	payload, err := io.ReadAll(br)
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, FormatError("reading payload: " + err.Error())
	}
	got := sha256.Sum256(payload)
	if !bytes.Equal(got[:], want) {
		return nil, ErrChecksum
	}
	var db DB
	if err := json.Unmarshal(payload, &db); err != nil {
		return nil, FormatError("payload: " + err.Error())
	}
	return &db, nil
}

// Write encodes db in the compiled format read by Load. The output depends
// only on db: no timestamps, fixed compression level.
func Write(w io.Writer, db *DB) error {
	payload, err := json.Marshal(db)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(payload)
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(zw, "%s %s sha256=%s\n", magic, formatVersion, hex.EncodeToString(sum[:])); err != nil {
		return err
	}
	if _, err := zw.Write(payload); err != nil {
		return err
	}
	return zw.Close()
}
