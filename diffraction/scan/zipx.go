package scan

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// Limits of the zip-based readers (BRML, RASX). The archive is read into
// memory, since archive/zip needs random access; only the entries a reader
// needs are decompressed, each into memory. The largest entries seen are
// BRML measurement containers of about 5 MB, which are not read; a scan's
// own entry is below 1 MB for 10,000 points.
const (
	maxZipBytes   = 256 << 20 // the archive itself
	maxZipEntries = 10_000    // entries in the central directory
	maxZipEntry   = 32 << 20  // one decompressed entry
	// maxZipRatio caps decompressed/compressed size for entries over
	// 1 MiB. Scan XML and text compress about 10:1; deflate cannot exceed
	// about 1032:1, which only runs of one byte reach, as in zip bombs.
	maxZipRatio = 200
)

// zipMagic starts a zip archive's first local file header.
var zipMagic = []byte("PK\x03\x04")

// zipArchive is an opened BRML or RASX archive.
type zipArchive struct {
	format string
	zr     *zip.Reader
	files  map[string]*zip.File // by name, with '\' replaced by '/'
}

// openZip reads r, at most maxZipBytes, and opens it as a zip archive.
func openZip(r io.Reader, format string) (*zipArchive, error) {
	b, err := readAllCapped(r, maxZipBytes, format)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		if errors.Is(err, zip.ErrFormat) && bytes.HasPrefix(b, zipMagic) {
			// A local header but no central directory: cut short.
			err = fmt.Errorf("not a complete zip archive (%v): %w", err, io.ErrUnexpectedEOF)
		}
		return nil, &SyntaxError{Format: format, Err: err}
	}
	if len(zr.File) > maxZipEntries {
		return nil, &SyntaxError{Format: format, Err: fmt.Errorf("zip archive with %d entries; at most %d are read", len(zr.File), maxZipEntries)}
	}
	a := &zipArchive{format: format, zr: zr, files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		a.files[strings.ReplaceAll(f.Name, `\`, "/")] = f
	}
	return a, nil
}

// names returns the entry names that start with prefix and end with suffix.
func (a *zipArchive) names(prefix, suffix string) []string {
	var out []string
	for _, f := range a.zr.File {
		n := strings.ReplaceAll(f.Name, `\`, "/")
		if strings.HasPrefix(n, prefix) && strings.HasSuffix(n, suffix) {
			out = append(out, n)
		}
	}
	return out
}

// read decompresses the entry name, enforcing the size and ratio limits on
// both the declared sizes and the bytes actually produced (a header can
// lie). The second result is false when there is no such entry.
func (a *zipArchive) read(name string) ([]byte, bool, error) {
	f, ok := a.files[name]
	if !ok {
		return nil, false, nil
	}
	fail := func(err error) ([]byte, bool, error) {
		return nil, true, &SyntaxError{Format: a.format, Err: fmt.Errorf("%s: %w", name, err)}
	}
	if f.UncompressedSize64 > maxZipEntry {
		return fail(fmt.Errorf("declared size %d bytes exceeds the %d MiB limit", f.UncompressedSize64, maxZipEntry>>20))
	}
	if tooCompressed(f.UncompressedSize64, f.CompressedSize64) {
		return fail(fmt.Errorf("compression ratio %d:1 exceeds %d:1", f.UncompressedSize64/max(f.CompressedSize64, 1), maxZipRatio))
	}
	var src io.Reader
	var cr *countingReader
	crc := crc32.NewIEEE()
	if f.Method == zip.Deflate {
		// Inflate here rather than through f.Open, counting the
		// compressed bytes consumed, so that the ratio is checked as the
		// data come and not only against the (possibly lying) header.
		raw, err := f.OpenRaw()
		if err != nil {
			return fail(err)
		}
		cr = &countingReader{r: raw}
		fr := flate.NewReader(cr)
		defer fr.Close()
		src = io.TeeReader(fr, crc)
	} else {
		rc, err := f.Open()
		if err != nil {
			return fail(err)
		}
		defer rc.Close()
		src = rc
	}
	var buf bytes.Buffer
	buf.Grow(int(min(f.UncompressedSize64, maxZipEntry)) + bytes.MinRead)
	// Read in pieces so that a lying header is caught as soon as the
	// output passes the limits, not after inflating everything.
	lr := io.LimitReader(src, maxZipEntry+1)
	for {
		_, err := io.CopyN(&buf, lr, 1<<20)
		n := uint64(buf.Len())
		if n > maxZipEntry {
			return fail(fmt.Errorf("decompresses to more than the %d MiB limit", maxZipEntry>>20))
		}
		if cr != nil && tooCompressed(n, cr.n) || tooCompressed(n, f.CompressedSize64) {
			return fail(fmt.Errorf("compression ratio above the %d:1 limit", maxZipRatio))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, zip.ErrFormat) {
				// archive/zip stops an entry that inflates past its
				// declared size, with this error.
				return fail(fmt.Errorf("decompresses to more than its declared size of %d bytes, or is corrupt", f.UncompressedSize64))
			}
			if errors.Is(err, zip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fail(err)
			}
			return fail(fmt.Errorf("corrupt entry: %w", err))
		}
	}
	if cr != nil {
		if uint64(buf.Len()) != f.UncompressedSize64 && f.UncompressedSize64 != 0 {
			return fail(fmt.Errorf("decompresses to %d bytes, but its header says %d", buf.Len(), f.UncompressedSize64))
		}
		if f.CRC32 != 0 && crc.Sum32() != f.CRC32 {
			return fail(zip.ErrChecksum)
		}
	}
	return buf.Bytes(), true, nil
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n uint64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += uint64(n)
	return n, err
}

func tooCompressed(size, compressed uint64) bool {
	return size > 1<<20 && size/max(compressed, 1) > maxZipRatio
}

// xmlWalker streams an XML document with the limits of the XRDML reader:
// input size (maxXMLBytes), nesting depth (maxXMLDepth) and token count
// (maxXMLTokens). encoding/xml expands only the five predefined entities
// and character references and reports any other reference as an error, so
// entity expansion ("billion laughs") cannot happen; a DTD is returned as a
// directive and ignored.
type xmlWalker struct {
	format string
	in     *xmlInput
	d      *xml.Decoder
	stack  []string // local names of the open elements
	text   []byte   // character data of the innermost element, capped
}

func newXMLWalker(r io.Reader, format string) *xmlWalker {
	w := &xmlWalker{format: format, in: newXMLInput(r, maxXMLBytes)}
	w.d = xml.NewDecoder(w.in)
	return w
}

// errorf reports a problem at the current input offset.
func (w *xmlWalker) errorf(format string, args ...any) error {
	return &SyntaxError{Format: w.format, Offset: w.in.offset(), Err: fmt.Errorf(format, args...)}
}

// walk calls start for each start element, with the stack already holding
// it, and end for each end element, with the element's character data,
// before it is popped. Character data longer than maxXMLText is an error
// only when end asks for it (text is then truncated: see textOK).
func (w *xmlWalker) walk(start func(t xml.StartElement) error, end func(name string, text []byte) error) error {
	overflow := false
	for tokens := 0; ; tokens++ {
		if tokens == maxXMLTokens {
			return w.errorf("more than %d XML tokens", maxXMLTokens)
		}
		tok, err := w.d.Token()
		if err == io.EOF {
			if len(w.stack) > 0 {
				return w.errorf("truncated XML: %w", io.ErrUnexpectedEOF)
			}
			if tokens == 0 {
				return w.errorf("empty XML document: %w", io.ErrUnexpectedEOF)
			}
			return nil
		}
		if err != nil {
			var xe *xml.SyntaxError
			switch {
			case errors.Is(err, errTooLarge):
			case errors.As(err, &xe) && strings.Contains(xe.Msg, "unexpected EOF"):
				err = fmt.Errorf("truncated XML: %w", io.ErrUnexpectedEOF)
			case errors.As(err, &xe):
				err = errors.New(xe.Msg)
			}
			return &SyntaxError{Format: w.format, Offset: w.in.offset(), Err: err}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(w.stack) == maxXMLDepth {
				return w.errorf("elements nested deeper than %d", maxXMLDepth)
			}
			w.stack = append(w.stack, t.Name.Local)
			w.text, overflow = w.text[:0], false
			if err := start(t); err != nil {
				return err
			}
		case xml.EndElement:
			if overflow {
				return w.errorf("<%s> text longer than %d bytes", w.stack[len(w.stack)-1], maxXMLText)
			}
			if err := end(w.stack[len(w.stack)-1], w.text); err != nil {
				return err
			}
			w.stack = w.stack[:len(w.stack)-1]
			w.text = w.text[:0]
		case xml.CharData:
			if len(w.text)+len(t) > maxXMLText {
				// Long text inside an element that has children
				// (white space between them) is harmless; only a
				// leaf's text is handed to end.
				if len(bytes.TrimSpace(t)) > 0 {
					overflow = true
				}
				continue
			}
			w.text = append(w.text, t...)
		}
	}
}

// parent returns the local name of the element enclosing the current one.
func (w *xmlWalker) parent() string {
	if len(w.stack) < 2 {
		return ""
	}
	return w.stack[len(w.stack)-2]
}
