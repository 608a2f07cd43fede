package scan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Format describes one scan file format.
type Format struct {
	Name string   // short name reported by Decode, such as "xrdml" or "xy"
	Exts []string // usual file name extensions, lower case with the dot; hints only
	// Match reports whether head, the first SniffLen bytes of a file (or
	// all of it when shorter), looks like this format.
	Match func(head []byte) bool
	// Decode reads a whole file. The scan it returns passes
	// (*diffraction.Scan).Validate.
	Decode func(r io.Reader) (*diffraction.Scan, error)
}

// SniffLen is the number of leading bytes that Match functions see.
const SniffLen = 4096

// MaxPoints is the largest number of points a reader accepts; a file with
// more is rejected rather than allowed to exhaust memory. Ten million points
// is 100 times the largest scans of position-sensitive detectors (about
// 100,000 points).
const MaxPoints = 10_000_000

// formats is ordered from the most specific format to the most generic, as in
// net/http's sniffer and xylib: the delimited-text reader accepts almost any
// text and must come last.
var formats = []Format{
	{Name: "xrdml", Exts: []string{".xrdml"}, Match: matchXRDML, Decode: decodeXRDML},
	{Name: "brukerraw", Exts: []string{".raw"}, Match: matchRAW, Decode: decodeRAW},
	{Name: "philipsrd", Exts: []string{".rd", ".sd"}, Match: matchPhilipsRD, Decode: decodePhilipsRD},
	{Name: "brml", Exts: []string{".brml"}, Match: matchBRML, Decode: decodeBRML},
	{Name: "rasx", Exts: []string{".rasx"}, Match: matchRASX, Decode: decodeRASX},
	{Name: "ras", Exts: []string{".ras"}, Match: matchRAS, Decode: decodeRAS},
	{Name: "uxd", Exts: []string{".uxd"}, Match: matchUXD, Decode: decodeUXD},
	{Name: "rigaku_dat", Exts: []string{".dat"}, Match: matchRigakuDAT, Decode: decodeRigakuDAT},
	{Name: "udf", Exts: []string{".udf"}, Match: matchUDF, Decode: decodeUDF},
	{Name: "cpi", Exts: []string{".cpi"}, Match: matchCPI, Decode: decodeCPI},
	{Name: "rruff", Exts: []string{".txt"}, Match: matchRRUFF, Decode: decodeRRUFF},
	{Name: "pdcif", Exts: []string{".cif", ".rtv"}, Match: matchPDCIF, Decode: decodePDCIF},
	{Name: "gsas", Exts: []string{".gsa", ".gss", ".gsas", ".fxye", ".fxy", ".xra", ".cwn", ".raw", ".dat"}, Match: matchGSAS, Decode: decodeGSAS},
	{Name: "chi", Exts: []string{".chi"}, Match: matchCHI, Decode: decodeCHI},
	// RIET7 and DBWS both start with start/step/end 2θ; a DBWS file that
	// also passes the RIET7 test is read the same way under either name.
	{Name: "riet7", Exts: []string{".dat"}, Match: matchRIET7, Decode: decodeRIET7},
	{Name: "dbws", Exts: []string{".dbw", ".rit", ".neu"}, Match: matchDBWS, Decode: decodeDBWS},
	{Name: "xy", Exts: []string{".xy", ".xye", ".dat", ".txt", ".csv"}, Match: matchXY, Decode: decodeXY},
}

// Formats returns the formats Decode tries, in the order it tries them.
func Formats() []Format {
	return append([]Format(nil), formats...)
}

// ErrFormat is returned, wrapped, when no format recognises the input. The
// wrapping error's message lists the formats tried.
var ErrFormat = errors.New("scan: unknown format")

// errEmpty is returned for an input of zero bytes or only white space.
var errEmpty = errors.New("scan: empty file")

// SyntaxError reports invalid content in a scan file and where it is.
type SyntaxError struct {
	Format string // name of the format being read
	Path   string // file name when known (set by ReadFile)
	Line   int    // 1-based line number; 0 when unknown
	Offset int64  // byte offset into the input, for XML and binary formats; 0 when unknown
	Err    error  // the underlying problem
}

// Error returns a message such as "scan: data/x.xy: line 12: …": the path if
// known, else the format name, then the position.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString("scan: ")
	if e.Path != "" {
		b.WriteString(e.Path)
	} else {
		b.WriteString(e.Format)
	}
	switch {
	case e.Line > 0 && e.Offset > 0:
		fmt.Fprintf(&b, ": line %d (byte %d)", e.Line, e.Offset)
	case e.Line > 0:
		fmt.Fprintf(&b, ": line %d", e.Line)
	case e.Offset > 0:
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	b.WriteString(": ")
	b.WriteString(fmt.Sprint(e.Err))
	return b.String()
}

// Unwrap returns the underlying error.
func (e *SyntaxError) Unwrap() error { return e.Err }

// UnsupportedError reports a valid file, or a part of one, that Bragg does
// not read, such as time-of-flight data.
type UnsupportedError string

func (e UnsupportedError) Error() string {
	if strings.HasPrefix(string(e), "scan: ") {
		return string(e)
	}
	return "scan: unsupported: " + string(e)
}

// Decode reads a scan from r, recognising its format from the content. It
// returns the scan and the name of the format.
func Decode(r io.Reader) (*diffraction.Scan, string, error) {
	return decode(r, "", nil)
}

// ReadFile reads the scan file at path. The content decides the format; the
// extension only breaks a tie between formats that both claim it. Errors name
// the file.
func ReadFile(path string) (*diffraction.Scan, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	s, name, err := decode(f, strings.ToLower(filepath.Ext(path)), nil)
	if err != nil {
		return nil, name, withPath(err, path)
	}
	return s, name, nil
}

// ReadFileAs reads the scan file at path as the named format (a Formats()
// name), without looking at its content: for a file that detection gets
// wrong. An empty format detects it, as ReadFile does. Errors name the
// file.
func ReadFileAs(path, format string) (*diffraction.Scan, string, error) {
	if format == "" {
		return ReadFile(path)
	}
	var fm *Format
	for i := range formats {
		if formats[i].Name == format {
			fm = &formats[i]
		}
	}
	if fm == nil {
		names := make([]string, len(formats))
		for i, f := range formats {
			names[i] = f.Name
		}
		return nil, "", fmt.Errorf("scan: unknown format %q (formats: %s)", format, strings.Join(names, ", "))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	s, name, err := decode(f, "", fm)
	if err != nil {
		return nil, name, withPath(err, path)
	}
	return s, name, nil
}

// decode reads r as the format force, or as the format its content shows
// (ext breaking ties) when force is nil.
func decode(r io.Reader, ext string, force *Format) (*diffraction.Scan, string, error) {
	br := bufio.NewReaderSize(r, SniffLen)
	head, err := br.Peek(SniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	if len(bytes.TrimSpace(head)) == 0 && len(head) < SniffLen {
		return nil, "", errEmpty
	}
	var f Format
	if force != nil {
		f = *force
	} else {
		var ok bool
		if f, ok = sniff(head, ext); !ok {
			names := make([]string, len(formats))
			for i, f := range formats {
				names[i] = f.Name
			}
			return nil, "", fmt.Errorf("%w (tried %s)", ErrFormat, strings.Join(names, ", "))
		}
	}
	s, err := f.Decode(br)
	if err != nil {
		return nil, f.Name, err
	}
	// Every reader checks this itself and reports where; this is the net
	// that keeps an invalid scan from reaching the rest of Bragg.
	if err := s.Validate(); err != nil {
		return nil, f.Name, &SyntaxError{Format: f.Name, Err: err}
	}
	return s, f.Name, nil
}

// sniff returns the first format in table order that matches head, except
// that among several matches one listing ext wins.
func sniff(head []byte, ext string) (Format, bool) {
	var first Format
	found := false
	for _, f := range formats {
		if !f.Match(head) {
			continue
		}
		if !found {
			first, found = f, true
			if ext == "" {
				break
			}
		}
		for _, e := range f.Exts {
			if e == ext {
				return f, true
			}
		}
	}
	return first, found
}

// pathError adds a file name to an error that is not a *SyntaxError.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string {
	return "scan: " + e.path + ": " + strings.TrimPrefix(e.err.Error(), "scan: ")
}

func (e *pathError) Unwrap() error { return e.err }

func withPath(err error, path string) error {
	if se, ok := err.(*SyntaxError); ok {
		c := *se
		c.Path = path
		return &c
	}
	return &pathError{path, err}
}
