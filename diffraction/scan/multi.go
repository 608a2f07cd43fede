package scan

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// multiDecoders are the readers of formats whose files can hold several
// scans (ranges): each returns all of them in file order. Formats not
// listed hold one scan.
var multiDecoders = map[string]func(io.Reader) ([]*diffraction.Scan, error){
	"brukerraw": decodeRAWAll,
	"brml":      decodeBRMLAll,
	"rasx":      decodeRASXAll,
	"xrdml":     decodeXRDMLAll,
}

// decodeXRDMLAll reads every scan of an XRDML file. The file is held in
// memory. When it is one <xrdMeasurement> whose <scan> elements can be
// found as text, scan k is read from a document made of the text before the
// first scan, scan k, and the text after the last, so that the whole takes
// one pass; otherwise (several measurements, each with its own header) the
// file is parsed once per scan.
func decodeXRDMLAll(in io.Reader) ([]*diffraction.Scan, error) {
	b, err := readAllCapped(in, maxXMLBytes, "xrdml")
	if err != nil {
		return nil, err
	}
	first, err := decodeXRDMLScan(bytes.NewReader(b), 0)
	if err != nil {
		return nil, err
	}
	n, _ := strconv.Atoi(first.Meta["scans"])
	scans := []*diffraction.Scan{first}
	starts, ends := xrdmlScanSpans(b)
	split := len(starts) == n && len(ends) == n &&
		bytes.Count(b, []byte("<xrdMeasurement "))+bytes.Count(b, []byte("<xrdMeasurement>")) == 1
	var doc []byte
	for i := 1; i < n; i++ {
		src := b
		k := i
		if split {
			doc = append(doc[:0], b[:starts[0]]...)
			doc = append(doc, b[starts[i]:ends[i]]...)
			doc = append(doc, b[ends[n-1]:]...)
			src, k = doc, 0
		}
		s, err := decodeXRDMLScan(bytes.NewReader(src), k)
		if err != nil {
			return nil, fmt.Errorf("scan %d of %d: %w", i+1, n, err)
		}
		s.Meta["scans"] = first.Meta["scans"]
		scans = append(scans, s)
	}
	for i, s := range scans {
		s.Meta["range"] = strconv.Itoa(i + 1)
		s.Meta["ranges"] = strconv.Itoa(n)
	}
	return scans, nil
}

// xrdmlScanSpans returns where each "<scan " or "<scan>" starts and where
// each "</scan>" ends, in the text of an XRDML file.
func xrdmlScanSpans(b []byte) (starts, ends []int) {
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("<scan"))
		if j < 0 {
			break
		}
		i += j
		if c := b[min(i+5, len(b)-1)]; c == ' ' || c == '>' || c == '\t' || c == '\n' || c == '\r' {
			starts = append(starts, i)
		}
		i += 5
	}
	for i := 0; ; {
		j := bytes.Index(b[i:], []byte("</scan>"))
		if j < 0 {
			break
		}
		i += j + len("</scan>")
		ends = append(ends, i)
	}
	if len(starts) > 0 && len(ends) > 0 && len(starts) == len(ends) {
		for k := range starts {
			if starts[k] >= ends[k] || k > 0 && starts[k] < ends[k-1] {
				return nil, nil
			}
		}
	}
	return starts, ends
}

// DecodeAll reads every scan of a file that can hold several (the ranges
// of a Bruker RAW or BRML file, the scans of a RASX or XRDML file); for other
// formats it returns the one scan Decode returns. Scans from a multi-scan
// file carry Meta["range"] (1-based) and Meta["ranges"].
func DecodeAll(r io.Reader) ([]*diffraction.Scan, string, error) {
	br := bufio.NewReaderSize(r, SniffLen)
	head, err := br.Peek(SniffLen)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, "", err
	}
	if len(bytes.TrimSpace(head)) == 0 && len(head) < SniffLen {
		return nil, "", errEmpty
	}
	f, ok := sniff(head, "")
	if !ok {
		names := make([]string, len(formats))
		for i, f := range formats {
			names[i] = f.Name
		}
		return nil, "", fmt.Errorf("%w (tried %s)", ErrFormat, strings.Join(names, ", "))
	}
	all, ok := multiDecoders[f.Name]
	if !ok {
		s, name, err := decode(br, "", nil)
		if err != nil {
			return nil, name, err
		}
		return []*diffraction.Scan{s}, name, nil
	}
	scans, err := all(br)
	if err != nil {
		return nil, f.Name, err
	}
	for _, s := range scans {
		if err := s.Validate(); err != nil {
			return nil, f.Name, &SyntaxError{Format: f.Name, Err: err}
		}
	}
	return scans, f.Name, nil
}
