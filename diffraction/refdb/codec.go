package refdb

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// The payload codec: a compact binary encoding of the DB value, written by
// walking its Go type, so that a field added to Phase or crystal.Structure
// is stored without further code. Each kind has one form:
//
//	string, slice   uvarint length, then the bytes or the elements
//	int kinds       zig-zag varint
//	bool            one byte 0 or 1
//	float64         8 bytes, IEEE 754 little-endian (exact)
//	array, struct   the elements or exported fields in order
//
// []Line, most of the data, has a columnar fast path: d in units of 1e-6 Å
// and I in units of 0.01 as fixed-width integers (the values are rounded
// to that when computed, see ComputeLines), then h, k, l and multiplicity
// as 16-bit integers. Decoding 200,000 lines this way takes milliseconds where
// JSON took a second.

var (
	lineSliceType  = reflect.TypeFor[[]Line]()
	symOpSliceType = reflect.TypeFor[[]crystal.SymOp]()
)

// exportedFields caches the indices of a struct type's exported fields:
// looking them up by reflection for every value was a fifth of the
// decoding time.
var exportedFields sync.Map // reflect.Type → []int

func fieldsOf(t reflect.Type) []int {
	if f, ok := exportedFields.Load(t); ok {
		return f.([]int)
	}
	var idx []int
	for i := range t.NumField() {
		if t.Field(i).IsExported() {
			idx = append(idx, i)
		}
	}
	exportedFields.Store(t, idx)
	return idx
}

// schema describes the Go types the payload is laid out by: exported field
// names and kinds, recursively. The header carries a hash of it, so that a
// database written before a field was added is refused with a clear
// message instead of being misread.
func schema(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Slice:
		return "[]" + schema(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), schema(t.Elem()))
	case reflect.Struct:
		var b strings.Builder
		b.WriteString("{")
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				b.WriteString(f.Name + ":" + schema(f.Type) + ";")
			}
		}
		return b.String() + "}"
	}
	return t.Kind().String()
}

// schemaID is the hash of the DB type's schema written in the header.
var schemaID = func() string {
	sum := sha256.Sum256([]byte(schema(reflect.TypeFor[DB]())))
	return hex.EncodeToString(sum[:6])
}()

type encoder struct{ b []byte }

func (e *encoder) uvarint(u uint64) { e.b = binary.AppendUvarint(e.b, u) }
func (e *encoder) varint(i int64)   { e.b = binary.AppendVarint(e.b, i) }

func (e *encoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		e.uvarint(uint64(v.Len()))
		e.b = append(e.b, v.String()...)
	case reflect.Bool:
		if v.Bool() {
			e.b = append(e.b, 1)
		} else {
			e.b = append(e.b, 0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.varint(v.Int())
	case reflect.Float64:
		e.b = binary.LittleEndian.AppendUint64(e.b, math.Float64bits(v.Float()))
	case reflect.Slice:
		if v.Type() == lineSliceType {
			return e.lines(v.Interface().([]Line))
		}
		e.uvarint(uint64(v.Len()))
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for _, i := range fieldsOf(v.Type()) {
			if err := e.value(v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("refdb: cannot encode a %s", v.Type())
	}
	return nil
}

// lines encodes a line list in columns.
func (e *encoder) lines(ls []Line) error {
	e.uvarint(uint64(len(ls)))
	for _, l := range ls {
		d := math.Round(l.D * 1e6)
		if d < 0 || d > math.MaxUint32 || d/1e6 != l.D {
			return fmt.Errorf("refdb: line d=%g Å is not a multiple of 1e-6 Å below 4294 Å", l.D)
		}
		e.b = binary.LittleEndian.AppendUint32(e.b, uint32(d))
	}
	for _, l := range ls {
		i := math.Round(l.I * 100)
		if i < 0 || i > math.MaxUint16 || i/100 != l.I {
			return fmt.Errorf("refdb: line intensity %g is not a multiple of 0.01 in 0–655", l.I)
		}
		e.b = binary.LittleEndian.AppendUint16(e.b, uint16(i))
	}
	for _, l := range ls {
		for _, v := range [4]int{l.H, l.K, l.L, l.Multiplicity} {
			if v < math.MinInt16 || v > math.MaxInt16 {
				return fmt.Errorf("refdb: line index or multiplicity %d outside int16", v)
			}
			e.b = binary.LittleEndian.AppendUint16(e.b, uint16(int16(v)))
		}
	}
	return nil
}

var errShort = errors.New("payload ends early")

type decoder struct {
	b   []byte
	off int
}

func (d *decoder) uvarint() (uint64, error) {
	u, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		return 0, errShort
	}
	d.off += n
	return u, nil
}

func (d *decoder) varint() (int64, error) {
	i, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		return 0, errShort
	}
	d.off += n
	return i, nil
}

// length reads a length and checks that at least min bytes per element
// remain, so that a corrupt length cannot make us allocate without bound.
func (d *decoder) length(min int) (int, error) {
	u, err := d.uvarint()
	if err != nil {
		return 0, err
	}
	if u > uint64(len(d.b)-d.off)/uint64(max(min, 1)) {
		return 0, fmt.Errorf("length %d at byte %d exceeds the payload", u, d.off)
	}
	return int(u), nil
}

func (d *decoder) take(n int) ([]byte, error) {
	if n > len(d.b)-d.off {
		return nil, errShort
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p, nil
}

func (d *decoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.String:
		n, err := d.length(1)
		if err != nil {
			return err
		}
		p, _ := d.take(n)
		v.SetString(string(p))
	case reflect.Bool:
		p, err := d.take(1)
		if err != nil {
			return err
		}
		v.SetBool(p[0] != 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := d.varint()
		if err != nil {
			return err
		}
		if v.OverflowInt(i) {
			return fmt.Errorf("integer %d overflows %s at byte %d", i, v.Type(), d.off)
		}
		v.SetInt(i)
	case reflect.Float64:
		p, err := d.take(8)
		if err != nil {
			return err
		}
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(p)))
	case reflect.Slice:
		switch v.Type() {
		case lineSliceType:
			ls, err := d.lines()
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf(ls))
			return nil
		case symOpSliceType:
			ops, err := d.symOps()
			if err != nil {
				return err
			}
			v.Set(reflect.ValueOf(ops))
			return nil
		}
		n, err := d.length(1)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			if err := d.value(s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Struct:
		for _, i := range fieldsOf(v.Type()) {
			if err := d.value(v.Field(i)); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("cannot decode a %s", v.Type())
	}
	return nil
}

// symOps decodes a []crystal.SymOp as value would, without reflection
// (symmetry operators were half of the decoding time): per operator the
// nine entries of R as varints, then T as three float64.
func (d *decoder) symOps() ([]crystal.SymOp, error) {
	n, err := d.length(9 + 24)
	if err != nil || n == 0 {
		return nil, err
	}
	ops := make([]crystal.SymOp, n)
	for i := range ops {
		for r := range 3 {
			for c := range 3 {
				x, err := d.varint()
				if err != nil {
					return nil, err
				}
				if x < math.MinInt32 || x > math.MaxInt32 {
					return nil, fmt.Errorf("rotation entry %d at byte %d is not a small integer", x, d.off)
				}
				ops[i].R[r][c] = int(x)
			}
		}
		p, err := d.take(24)
		if err != nil {
			return nil, err
		}
		for c := range 3 {
			ops[i].T[c] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*c:]))
		}
	}
	return ops, nil
}

func (d *decoder) lines() ([]Line, error) {
	n, err := d.length(14) // 4 + 2 + 4×2 bytes per line
	if err != nil || n == 0 {
		return nil, err
	}
	ls := make([]Line, n)
	p, _ := d.take(4 * n)
	for i := range ls {
		ls[i].D = float64(binary.LittleEndian.Uint32(p[4*i:])) / 1e6
	}
	if p, err = d.take(2 * n); err != nil {
		return nil, err
	}
	for i := range ls {
		ls[i].I = float64(binary.LittleEndian.Uint16(p[2*i:])) / 100
	}
	if p, err = d.take(8 * n); err != nil {
		return nil, err
	}
	for i := range ls {
		q := p[8*i:]
		ls[i].H = int(int16(binary.LittleEndian.Uint16(q)))
		ls[i].K = int(int16(binary.LittleEndian.Uint16(q[2:])))
		ls[i].L = int(int16(binary.LittleEndian.Uint16(q[4:])))
		ls[i].Multiplicity = int(int16(binary.LittleEndian.Uint16(q[6:])))
	}
	return ls, nil
}
