package scan

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Bruker (formerly Siemens) DIFFRAC RAW files are binary and little-endian.
// Four layouts exist, told apart by the first bytes:
//
//	"RAW "    version 1 (DIFFRAC-AT): ranges of a 156-byte header then float32 counts
//	"RAW2"    version 2 (DIFFRAC-AT): a 256-byte file header, ranges of a variable header
//	"RAW1.01" version 3 (DIFFRAC plus): a 712-byte file header, ranges of a 304-byte header
//	"RAW4.00" version 4 (DIFFRAC.SUITE): a 61-byte header, tagged segments, ranges
//
// The field offsets are those of the DIFFRAC-AT manual ("Appendix B:
// DIFFRAC-AT Raw Data File Format") and the DIFFRAC plus XCH manual
// (appendix A), as documented by xylib's bruker_raw.cpp (wojdyr/xylib); the
// version 4 layout is xylib's analysis of DIFFRAC.SUITE files. Where a
// field's meaning was read off the sample files rather than a description it
// says so.

// maxBinaryBytes caps the input of the binary readers: MaxPoints float32
// values plus generous headers.
const maxBinaryBytes = 4*MaxPoints + 16<<20

// matchRAW recognises the four magic strings. Version 1 has only "RAW "
// followed by a little-endian step count, so it also requires the count's
// top byte to be zero (fewer than 2²⁴ steps), which no text line has.
func matchRAW(head []byte) bool {
	switch {
	case bytes.HasPrefix(head, []byte("RAW2")),
		bytes.HasPrefix(head, []byte("RAW1.01")),
		bytes.HasPrefix(head, []byte("RAW4.00")):
		return true
	case bytes.HasPrefix(head, []byte("RAW ")):
		return len(head) >= 8 && head[7] == 0
	}
	return false
}

// binReader reads little-endian fields from a byte slice. The first error
// sticks: later reads return zero values, so a decoder can read a header
// field by field and check err once.
type binReader struct {
	format string
	b      []byte
	off    int
	err    error
}

// readAllCapped reads r to the end, failing when it holds more than limit
// bytes.
func readAllCapped(r io.Reader, limit int64, format string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &SyntaxError{Format: format, Offset: limit, Err: fmt.Errorf("input larger than %d MiB", limit>>20)}
	}
	return b, nil
}

func (r *binReader) fail(off int, err error) {
	if r.err == nil {
		r.err = &SyntaxError{Format: r.format, Offset: int64(off), Err: err}
	}
}

// failf records an error at the current offset.
func (r *binReader) failf(format string, args ...any) {
	r.fail(r.off, fmt.Errorf(format, args...))
}

// take returns the next n bytes, or nil after recording a truncation.
func (r *binReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail(r.off, fmt.Errorf("truncated: %d bytes needed at byte %d, %d left: %w", n, r.off, len(r.b)-r.off, io.ErrUnexpectedEOF))
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *binReader) skip(n int) { r.take(n) }

// seek moves to an absolute offset.
func (r *binReader) seek(off int) {
	if r.err != nil {
		return
	}
	if off < 0 || off > len(r.b) {
		r.fail(r.off, fmt.Errorf("truncated: offset %d beyond the end (%d bytes): %w", off, len(r.b), io.ErrUnexpectedEOF))
		return
	}
	r.off = off
}

func (r *binReader) u8() uint8 {
	if p := r.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (r *binReader) u16() uint16 {
	if p := r.take(2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (r *binReader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *binReader) f32() float64 {
	return float64(math.Float32frombits(r.u32()))
}

func (r *binReader) f64() float64 {
	if p := r.take(8); p != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(p))
	}
	return 0
}

// str reads a fixed-size text field: up to the first NUL, trailing blanks
// removed, and bytes that are not printable ASCII dropped (the files use
// code pages that are not recorded).
func (r *binReader) str(n int) string {
	p := r.take(n)
	if i := bytes.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	var b strings.Builder
	for _, c := range p {
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		}
	}
	return strings.TrimSpace(b.String())
}

// f32s reads n float32 values.
func (r *binReader) f32s(n int) []float64 {
	p := r.take(4 * n)
	if p == nil {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:])))
	}
	return v
}

// rawRange is one range (scan) of a RAW file before it becomes a Scan.
type rawRange struct {
	start, step float64
	y           []float64
	dataOff     int // offset of the counts, for errors
	meta        map[string]string
	wl          diffraction.Wavelength
	skip        string // why the range is not a 2θ scan; "" when it is
}

// rawFile is what a RAW decoder returns: the ranges and the file-wide
// metadata and wavelength.
type rawFile struct {
	version string
	meta    map[string]string
	wl      diffraction.Wavelength
	ranges  []rawRange
}

func decodeRAW(r io.Reader) (*diffraction.Scan, error) {
	scans, err := decodeRAWAll(r)
	if err != nil {
		return nil, err
	}
	return scans[0], nil
}

// decodeRAWAll reads every 2θ range of a RAW file. Ranges of other scan
// types (a rocking curve in a version 4 file) are left out; a file with
// none is an error.
func decodeRAWAll(in io.Reader) ([]*diffraction.Scan, error) {
	b, err := readAllCapped(in, maxBinaryBytes, "brukerraw")
	if err != nil {
		return nil, err
	}
	r := &binReader{format: "brukerraw", b: b}
	var f *rawFile
	switch {
	case bytes.HasPrefix(b, []byte("RAW1.01")):
		f = readRAW3(r)
	case bytes.HasPrefix(b, []byte("RAW4.00")):
		f = readRAW4(r)
	case bytes.HasPrefix(b, []byte("RAW2")):
		f = readRAW2(r)
	case bytes.HasPrefix(b, []byte("RAW ")):
		f = readRAW1(r)
	default:
		return nil, &SyntaxError{Format: "brukerraw", Err: errors.New("no RAW magic string")}
	}
	if r.err != nil {
		return nil, r.err
	}
	var scans []*diffraction.Scan
	var skipped []string
	for i, rg := range f.ranges {
		if rg.skip != "" {
			skipped = append(skipped, fmt.Sprintf("range %d: %s", i+1, rg.skip))
			continue
		}
		s, err := rg.scan(f, i)
		if err != nil {
			return nil, err
		}
		scans = append(scans, s)
	}
	if len(scans) == 0 {
		if len(skipped) > 0 {
			return nil, &SyntaxError{Format: "brukerraw", Err: fmt.Errorf("no 2θ scan in the file (%s)", strings.Join(skipped, "; "))}
		}
		return nil, &SyntaxError{Format: "brukerraw", Err: errors.New("the file has no ranges")}
	}
	return scans, nil
}

// scan turns range i into a Scan: 2θ = start + k·step, as the format
// defines (and as xylib computes it), counts with esd √counts.
func (rg *rawRange) scan(f *rawFile, i int) (*diffraction.Scan, error) {
	fail := func(format string, args ...any) error {
		return &SyntaxError{Format: "brukerraw", Offset: int64(rg.dataOff), Err: fmt.Errorf("range %d: "+format, append([]any{i + 1}, args...)...)}
	}
	n := len(rg.y)
	if n < 2 {
		return nil, fail("%d points; a scan needs at least 2", n)
	}
	if !(rg.step > 0) || math.IsInf(rg.step, 0) {
		return nil, fail("step %g° is not positive", rg.step)
	}
	if !(rg.start >= 0 && rg.start < 180) {
		return nil, fail("start 2θ=%g° is outside [0°, 180°)", rg.start)
	}
	x := make([]float64, n)
	esd := make([]float64, n)
	for k := range x {
		x[k] = rg.start + float64(k)*rg.step
		if k > 0 && x[k] <= x[k-1] {
			return nil, fail("step %g° is too small to separate 2θ=%g° from the previous point", rg.step, x[k])
		}
		y := rg.y[k]
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return nil, fail("intensity %d is not a finite number", k+1)
		}
		esd[k] = math.Sqrt(max(y, 0))
	}
	if x[n-1] >= 180 || x[n-1] <= x[n-2] {
		return nil, fail("last 2θ=%g° is outside [0°, 180°) or not increasing (start %g°, step %g°, %d points)", x[n-1], rg.start, rg.step, n)
	}
	meta := map[string]string{}
	for k, v := range f.meta {
		if v != "" {
			meta[k] = v
		}
	}
	for k, v := range rg.meta {
		if v != "" {
			meta[k] = v
		}
	}
	meta["format_version"] = f.version
	meta["ranges"] = strconv.Itoa(len(f.ranges))
	meta["range"] = strconv.Itoa(i + 1)
	meta["units"] = "counts"
	meta["step"] = strconv.FormatFloat(rg.step, 'g', -1, 64)
	s := &diffraction.Scan{TwoTheta: x, Intensity: rg.y, ESD: esd, Meta: meta}
	wl := f.wl
	if rg.wl.Ka1 > 0 {
		wl = rg.wl
	}
	if wl.Ka1 > 0 && wl.Ka1 < 10 {
		if wl.Anode == "" {
			wl.Anode = f.wl.Anode
		}
		wl.Source = diffraction.FromFile
		s.Wavelength = wl
	} else if f.wl.Anode != "" {
		meta["anode"] = f.wl.Anode
	}
	return s, nil
}

// setWavelength fills w from a file's fields. A ratio of zero (or a
// missing one) leaves Kα2 out when the file says the beam is
// monochromatic; when the file gives Kα2 but no ratio, Kα2 is kept with
// Ratio 0, which Wavelength.Mean treats as Kα1 alone.
func setWavelength(w *diffraction.Wavelength, anode string, ka1, ka2, ratio, kb float64, ratioKnown bool) {
	ok := func(v float64) bool { return v > 0.01 && v < 10 && !math.IsNaN(v) }
	if !ok(ka1) {
		if a := normAnodeName(anode); a != "" {
			w.Anode = a
		}
		return
	}
	w.Anode = normAnodeName(anode)
	w.Ka1 = ka1
	if ok(ka2) && ka2 != ka1 && !(ratioKnown && ratio == 0) {
		w.Ka2 = ka2
		if ratio > 0 && ratio <= 1 {
			w.Ratio = ratio
		}
	}
	if ok(kb) {
		w.Kb = kb
	}
}

// normAnodeName returns an element symbol ("Cu") from an anode field such
// as "CU" or "Cu ", or "" when the field is not a plausible symbol.
func normAnodeName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) == 0 || len(s) > 2 {
		return ""
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
			return ""
		}
	}
	return strings.ToUpper(s[:1]) + strings.ToLower(s[1:])
}

// checkSteps rejects a step count that the rest of the file cannot hold
// (4 bytes each), before anything is allocated for it.
func (r *binReader) checkSteps(steps uint64, size int) bool {
	if r.err != nil {
		return false
	}
	if steps > MaxPoints {
		r.failf("%d steps; at most %d are read", steps, MaxPoints)
		return false
	}
	if steps*uint64(size) > uint64(len(r.b)-r.off) {
		r.fail(r.off, fmt.Errorf("truncated: %d steps of %d bytes but %d bytes left: %w", steps, size, len(r.b)-r.off, io.ErrUnexpectedEOF))
		return false
	}
	return true
}

// readRAW1 reads version 1: each range is a 156-byte header (steps at 4,
// time per step at 8, step at 12, scan mode at 16, start 2θ at 24, θ, χ, φ
// starts at 28–36 with -1e6 for unknown, sample name at 40 (32 bytes), Kα1
// and Kα2 at 72 and 76, "following range" flag at 152) and float32 counts.
// Early DIFFRAC-AT versions do not repeat "RAW " before later ranges.
func readRAW1(r *binReader) *rawFile {
	f := &rawFile{version: "1", meta: map[string]string{}}
	r.skip(4)
	for more := true; more && r.err == nil; {
		if len(f.ranges) == 10_000 {
			r.failf("more than 10000 ranges")
			break
		}
		rg := rawRange{meta: map[string]string{}}
		if len(f.ranges) > 0 && bytes.HasPrefix(r.b[r.off:], []byte("RAW ")) {
			r.skip(4)
		}
		steps := r.u32()
		rg.meta["counting_time"] = fmtF(r.f32())
		rg.step = r.f32()
		rg.meta["scan_mode"] = strconv.FormatUint(uint64(r.u32()), 10)
		r.skip(4)
		rg.start = r.f32()
		for _, k := range []string{"theta_start", "chi_start", "phi_start"} {
			if v := r.f32(); v != -1e6 {
				rg.meta[k] = fmtF(v)
			}
		}
		rg.meta["sample"] = r.str(32)
		ka1, ka2 := r.f32(), r.f32()
		setWavelength(&rg.wl, "", ka1, ka2, 0, 0, false)
		r.skip(72)
		more = r.u32() != 0
		if !r.checkSteps(uint64(steps), 4) {
			break
		}
		rg.dataOff = r.off
		rg.y = r.f32s(int(steps))
		f.ranges = append(f.ranges, rg)
	}
	return f
}

// readRAW2 reads version 2: range count (uint16) at 4, date and time at
// 168 (20 bytes), anode at 188 (2), Kα1, Kα2 and their ratio at 190–198
// (float32), total run time at 210; ranges start at 256 with the header
// length (uint16), steps (uint16), time per step at 8, step at 12 and start
// at 16 (float32). The name at 8 (32 bytes) and comment at 40 (128 bytes)
// are read off the sample files; the manual's layout is not to hand.
func readRAW2(r *binReader) *rawFile {
	f := &rawFile{version: "2", meta: map[string]string{}}
	r.skip(4)
	n := int(r.u16())
	r.skip(2)
	f.meta["sample"] = r.str(32)
	f.meta["comment"] = r.str(128)
	f.meta["date"] = r.str(20)
	anode := r.str(2)
	ka1, ka2, ratio := r.f32(), r.f32(), r.f32()
	setWavelength(&f.wl, anode, ka1, ka2, ratio, 0, true)
	r.seek(256)
	for i := 0; i < n && r.err == nil; i++ {
		hdr := r.off
		hlen := int(r.u16())
		steps := r.u16()
		if r.err == nil && hlen < 48 {
			r.fail(hdr, fmt.Errorf("range %d: header length %d is below 48", i+1, hlen))
			break
		}
		rg := rawRange{meta: map[string]string{}}
		r.skip(4)
		rg.meta["counting_time"] = fmtF(r.f32())
		rg.step = r.f32()
		rg.start = r.f32()
		r.seek(hdr + hlen)
		if !r.checkSteps(uint64(steps), 4) {
			break
		}
		rg.dataOff = r.off
		rg.y = r.f32s(int(steps))
		f.ranges = append(f.ranges, rg)
	}
	return f
}

// readRAW3 reads version 3 ("RAW1.01"): file status at 8, range count at
// 12, date at 16 and time at 26 (10 bytes each), user at 36 (72), site at
// 108 (218), sample id at 326 (60), comment at 386 (160), anode at 608 (4),
// average Kα, Kα1, Kα2, Kβ and Kα2/Kα1 at 616–648 (float64); ranges of a
// 304-byte header (steps at 4, θ and 2θ start at 8 and 16, step at 176,
// time per step at 192, generator kV and mA at 224 and 228, wavelength
// used at 240, supplementary header size at 256) then float32 counts.
func readRAW3(r *binReader) *rawFile {
	f := &rawFile{version: "3", meta: map[string]string{}}
	r.seek(8)
	switch r.u32() {
	case 1:
		f.meta["file_status"] = "done"
	case 2:
		f.meta["file_status"] = "active"
	case 3:
		f.meta["file_status"] = "aborted"
	case 4:
		f.meta["file_status"] = "interrupted"
	}
	n := r.u32()
	date, tm := r.str(10), r.str(10)
	f.meta["date"] = strings.TrimSpace(date + " " + tm)
	f.meta["user"] = r.str(72)
	f.meta["site"] = r.str(218)
	f.meta["sample"] = r.str(60)
	f.meta["comment"] = r.str(160)
	r.seek(608)
	anode := r.str(4)
	r.skip(4)
	r.skip(8) // average Kα
	ka1, ka2, kb, ratio := r.f64(), r.f64(), r.f64(), r.f64()
	setWavelength(&f.wl, anode, ka1, ka2, ratio, kb, true)
	r.seek(712)
	if r.err == nil && n > 10_000 {
		r.fail(12, fmt.Errorf("%d ranges", n))
	}
	for i := 0; i < int(n) && r.err == nil; i++ {
		hdr := r.off
		hlen := r.u32()
		if r.err == nil && hlen != 304 {
			r.fail(hdr, fmt.Errorf("range %d: header length %d, want 304", i+1, hlen))
			break
		}
		rg := rawRange{meta: map[string]string{}}
		steps := r.u32()
		rg.meta["theta_start"] = fmtF(r.f64())
		rg.start = r.f64()
		r.seek(hdr + 176)
		rg.step = r.f64()
		r.skip(8)
		rg.meta["counting_time"] = fmtF(r.f32())
		r.seek(hdr + 224)
		rg.meta["generator_kv"] = strconv.FormatUint(uint64(r.u32()), 10)
		rg.meta["generator_ma"] = strconv.FormatUint(uint64(r.u32()), 10)
		r.seek(hdr + 240)
		if used := r.f64(); used > 0 && used < 10 {
			rg.meta["wavelength_used"] = fmtF(used)
		}
		r.seek(hdr + 256)
		supp := r.u32()
		r.seek(hdr + 304)
		if r.err == nil && uint64(supp) > uint64(len(r.b)-r.off) {
			r.fail(hdr+256, fmt.Errorf("range %d: supplementary header of %d bytes but %d left: %w", i+1, supp, len(r.b)-r.off, io.ErrUnexpectedEOF))
			break
		}
		r.skip(int(supp))
		if !r.checkSteps(uint64(steps), 4) {
			break
		}
		rg.dataOff = r.off
		rg.y = r.f32s(int(steps))
		f.ranges = append(f.ranges, rg)
	}
	return f
}

// readRAW4 reads version 4 ("RAW4.00"): date at 12 (12 bytes), time at 24
// (10); from 61, segments of (type, length) uint32 pairs (parseSegments)
// up to a type 0 or 160, which starts the ranges (parseRange), each of
// them followed by the next range's type or the end of the file.
func readRAW4(r *binReader) *rawFile {
	d := &raw4Decoder{r: r, f: &rawFile{version: "4", meta: map[string]string{}}}
	r.seek(12)
	date, tm := r.str(12), r.str(10)
	d.f.meta["date"] = strings.TrimSpace(date + " " + tm)
	r.seek(61)
	typ := d.parseSegments()
	for r.err == nil && (typ == 0 || typ == 160) {
		d.parseRange()
		if r.err != nil || r.off == len(r.b) {
			break
		}
		typ = r.u32()
		if r.err == nil && typ != 0 && typ != 160 {
			r.fail(r.off-4, fmt.Errorf("after range %d: segment type %d, want a range (0 or 160)", len(d.f.ranges), typ))
		}
		if len(d.f.ranges) == 10_000 {
			r.failf("more than 10000 ranges")
		}
	}
	return d.f
}

// raw4Decoder holds the state of readRAW4: the input, whose first error
// sticks, and the file read so far.
type raw4Decoder struct {
	r *binReader
	f *rawFile
}

// parseSegments reads the segments from byte 61 up to the first range,
// and returns the type that starts it (0 or 160).
func (d *raw4Decoder) parseSegments() uint32 {
	r := d.r
	var typ uint32
	for segs := 0; r.err == nil; segs++ {
		if r.off == len(r.b) {
			r.failf("truncated: the file ends before its first range: %w", io.ErrUnexpectedEOF)
			break
		}
		segOff := r.off
		typ = r.u32()
		if typ == 0 || typ == 160 {
			break
		}
		l := r.u32()
		if r.err != nil {
			break
		}
		if l < 8 {
			r.fail(segOff, fmt.Errorf("segment of type %d with length %d", typ, l))
			break
		}
		if int64(l) > int64(len(r.b)-segOff) {
			r.fail(segOff, fmt.Errorf("truncated: segment of type %d with length %d but %d bytes left: %w", typ, l, len(r.b)-segOff, io.ErrUnexpectedEOF))
			break
		}
		d.parseSegment(typ, segOff, int(l))
		r.seek(segOff + int(l))
		if segs == 100_000 {
			r.failf("more than %d segments", segs)
		}
	}
	return typ
}

// parseSegment reads a segment of length l at segOff: type 10 is a named
// text value (name at +12, 24 bytes; value from +36), type 30 the
// hardware configuration (Kα average, Kα1, Kα2, Kβ, ratio at +72–+104,
// float64; anode at +116). Other types are skipped.
func (d *raw4Decoder) parseSegment(typ uint32, segOff, l int) {
	r := d.r
	switch {
	case typ == 10 && l >= 36:
		r.seek(segOff + 12)
		name := r.str(24)
		val := r.str(l - 36)
		if key := raw4Tag(name); key != "" && val != "" {
			d.f.meta[key] = val
		}
	case typ == 30 && l >= 120:
		r.seek(segOff + 72)
		r.skip(8) // average
		ka1, ka2, kb, ratio := r.f64(), r.f64(), r.f64(), r.f64()
		r.seek(segOff + 116)
		anode := r.str(4)
		setWavelength(&d.f.wl, anode, ka1, ka2, ratio, kb, true)
	}
}

// parseRange reads a range whose type word has just been read: its
// 160-byte header (scan type at +32, 24 bytes; start at +72 and step at
// +80, float64; steps at +88; time per step at +92; kV, mA at +100, +104;
// wavelength used at +112; datum size at +136; further headers' size at
// +140), the further headers, then the counts. A range that is not a 2θ
// scan is kept with the reason in skip.
func (d *raw4Decoder) parseRange() {
	r := d.r
	hdr := r.off - 4
	rg := rawRange{meta: map[string]string{}}
	r.seek(hdr + 32)
	scanType := r.str(24)
	rg.meta["axis"] = scanType
	r.seek(hdr + 72)
	rg.start = r.f64()
	rg.step = r.f64()
	steps := r.u32()
	rg.meta["counting_time"] = fmtF(r.f32())
	r.skip(4)
	if kv, ma := r.f32(), r.f32(); kv > 0 {
		rg.meta["generator_kv"] = fmtF(kv)
		rg.meta["generator_ma"] = fmtF(ma)
	}
	r.skip(4)
	if used := r.f64(); used > 0 && used < 10 {
		rg.meta["wavelength_used"] = fmtF(used)
	}
	r.seek(hdr + 136)
	datum := r.u32()
	extra := r.u32()
	r.seek(hdr + 160)
	if r.err != nil {
		return
	}
	d.parseRangeHeaders(&rg, hdr, extra)
	if r.err != nil {
		return
	}
	if datum != 4 && datum != 8 {
		r.fail(hdr+136, fmt.Errorf("range %d: data of %d bytes per step; only 4 and 8 are known", len(d.f.ranges)+1, datum))
		return
	}
	if !r.checkSteps(uint64(steps), int(datum)) {
		return
	}
	rg.dataOff = r.off
	rg.y = d.parseCounts(int(steps), datum)
	if !raw4TwoTheta(scanType) {
		rg.skip = fmt.Sprintf("scan type %q is not a 2θ scan", scanType)
	}
	d.f.ranges = append(d.f.ranges, rg)
}

// parseRangeHeaders reads the further headers of the range at hdr, extra
// bytes of (type, length) segments after its 160-byte header: type 50
// names a drive with its start at +56.
func (d *raw4Decoder) parseRangeHeaders(rg *rawRange, hdr int, extra uint32) {
	r := d.r
	if uint64(extra) > uint64(len(r.b)-r.off) {
		r.fail(hdr+140, fmt.Errorf("range %d: headers of %d bytes but %d left: %w", len(d.f.ranges)+1, extra, len(r.b)-r.off, io.ErrUnexpectedEOF))
		return
	}
	end := r.off + int(extra)
	for r.err == nil && r.off+8 <= end {
		segOff := r.off
		t, l := r.u32(), r.u32()
		if l < 8 || segOff+int(l) > end {
			r.fail(segOff, fmt.Errorf("range %d: header segment of type %d with length %d", len(d.f.ranges)+1, t, l))
			break
		}
		if t == 50 && l >= 64 {
			r.seek(segOff + 12)
			drive := r.str(24)
			r.seek(segOff + 56)
			if v := r.f64(); drive != "" {
				rg.meta["start_"+strings.ToLower(drive)] = fmtF(v)
			}
		}
		r.seek(segOff + int(l))
	}
	r.seek(end)
}

// parseCounts reads the counts of steps steps: float32 counts (datum size
// 4), or (datum size 8) float32 counts each followed by a 32-bit word that
// is 1 throughout the one sample file (a DIFFRAC.EVA export), read off
// that file; the word is not used.
func (d *raw4Decoder) parseCounts(steps int, datum uint32) []float64 {
	if datum == 4 {
		return d.r.f32s(steps)
	}
	p := d.r.take(8 * steps)
	y := make([]float64, steps)
	for k := range y {
		y[k] = float64(math.Float32frombits(binary.LittleEndian.Uint32(p[8*k:])))
	}
	return y
}

// raw4TwoTheta reports whether a version 4 scan type steps 2θ, so that
// the start angle and step of the range are 2θ values: the coupled scans
// (θ/2θ) and detector (2θ only) scans.
func raw4TwoTheta(scanType string) bool {
	switch strings.ToLower(scanType) {
	case "locked coupled", "unlocked coupled", "detector scan", "coupled twotheta/theta", "twotheta":
		return true
	}
	return false
}

// raw4Tag maps the names of version 4 text segments to Meta keys.
func raw4Tag(name string) string {
	switch name {
	case "SAMPLEID":
		return "sample"
	case "USER":
		return "user"
	case "SITE":
		return "site"
	case "COMMENT":
		return "comment"
	case "CREATOR":
		return "instrument"
	case "CREATOR_VERSION":
		return "creator_version"
	}
	return ""
}

// fmtF formats a header number for Meta: the shortest form that reads back
// as the same float32 or float64.
func fmtF(v float64) string {
	if float64(float32(v)) == v {
		return strconv.FormatFloat(v, 'g', -1, 32)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
