package scan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// pow10 holds the powers of ten that are exact in float64 (10^22 is the
// largest, since 5^22 < 2^53 < 5^23).
var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// parseNum parses a decimal number from b without allocating. With comma,
// a ',' is the decimal separator instead of '.'.
//
// Plain decimals of at most 15 significant digits and at most 22 digits after
// the point take the exact fast path of Clinger (1990), "How to read floating
// point numbers accurately", PLDI '90: the digits form an integer below 2^53
// and the power of ten is exact, so one correctly rounded IEEE division gives
// the correctly rounded result, identical to strconv.ParseFloat. Anything
// else (exponents, long mantissas, inf, nan) goes to strconv.ParseFloat.
func parseNum(b []byte, comma bool) (float64, bool) {
	dot := byte('.')
	if comma {
		dot = ','
	}
	i := 0
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var mant uint64
	nd, frac := 0, 0
	sawDot, sawDigit := false, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case c >= '0' && c <= '9':
			sawDigit = true
			if sawDot {
				frac++
			}
			if mant == 0 && c == '0' {
				continue // leading zeros are not significant
			}
			if nd == 15 {
				return parseSlow(b, comma)
			}
			mant = mant*10 + uint64(c-'0')
			nd++
		case c == dot && !sawDot:
			sawDot = true
		default:
			return parseSlow(b, comma)
		}
	}
	if !sawDigit || frac >= len(pow10) {
		return parseSlow(b, comma)
	}
	f := float64(mant) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}

// parseSlow is strconv.ParseFloat for numbers off the fast path. The
// conversion to string is made in a stack buffer, so it does not allocate
// for numbers of up to 64 bytes.
func parseSlow(b []byte, comma bool) (float64, bool) {
	var buf [64]byte
	var s string
	if len(b) <= len(buf) {
		n := copy(buf[:], b)
		if comma {
			for i, c := range buf[:n] {
				switch c {
				case ',':
					buf[i] = '.'
				case '.':
					return 0, false // a point where a comma is the separator
				}
			}
		}
		s = string(buf[:n])
	} else {
		if comma {
			return 0, false // no sane number is this long
		}
		s = string(b)
	}
	// ParseFloat accepts Go literal syntax, which includes "1_000"; data
	// files do not use digit separators, so one means the field is not a
	// number. (Hexadecimal floats such as "0x1p-2" are let through.)
	if strings.IndexByte(s, '_') >= 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true // ±Inf or 0; the caller rejects non-finite values
		}
		return 0, false
	}
	return f, true
}

// isSpace reports whether c is XML or text white space.
func isSpace(c byte) bool { return spaces[c] }

var spaces = [256]bool{' ': true, '\t': true, '\n': true, '\r': true, '\f': true, '\v': true}

// numList parses a white-space separated list of numbers that may arrive in
// several pieces (XML character data split by comments, CDATA sections or
// entity references), appending to vals without per-number allocation.
type numList struct {
	vals  []float64
	carry []byte // an unfinished number from the end of the last piece
	err   error
	max   int // cap on len(vals)
}

func (l *numList) reset(max int) {
	l.vals = l.vals[:0]
	l.carry = l.carry[:0]
	l.err = nil
	l.max = max
}

// feed parses one piece of the list.
func (l *numList) feed(b []byte) {
	if l.err != nil {
		return
	}
	i := 0
	if len(l.carry) > 0 {
		// Finish the number left over from the previous piece.
		j := 0
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		l.carry = append(l.carry, b[:j]...)
		if j == len(b) {
			return
		}
		l.add(l.carry)
		l.carry = l.carry[:0]
		i = j
	}
	for i < len(b) {
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		j := i
		for j < len(b) && !isSpace(b[j]) {
			j++
		}
		if j == i {
			break
		}
		if j == len(b) {
			l.carry = append(l.carry, b[i:j]...)
			return
		}
		l.add(b[i:j])
		i = j
	}
}

func (l *numList) add(f []byte) {
	if l.err != nil {
		return
	}
	if len(l.vals) >= l.max {
		l.err = fmt.Errorf("more than %d values", l.max)
		return
	}
	v, ok := parseNum(f, false)
	if !ok {
		l.err = fmt.Errorf("value %d: %q is not a number", len(l.vals)+1, clip(f))
		return
	}
	l.vals = append(l.vals, v)
}

// finish parses any number left over and returns the values.
func (l *numList) finish() ([]float64, error) {
	if len(l.carry) > 0 {
		l.add(l.carry)
		l.carry = l.carry[:0]
	}
	return l.vals, l.err
}

// clip shortens b for an error message.
func clip(b []byte) string {
	const n = 40
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
