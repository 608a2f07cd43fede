package scan

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestParseNum checks the fast path against strconv.ParseFloat, bit for bit.
func TestParseNum(t *testing.T) {
	t.Parallel()
	fixed := []string{
		"0", "-0", "+1", "1.", ".5", "007", "0.000123", "10.015559013114025", // the last is 17 digits: slow path
		"123456789012345", "1234567890123456", "0.1", "0.3", "1e5", "1E-3", "inf", "-Inf", "NaN",
		"9007199254740993", "1.0000000000000000000001", "4.9e-324", "1e400",
	}
	for _, s := range fixed {
		checkParseNum(t, s)
	}
	bad := []string{"", "-", ".", "+.", "1.2.3", "1,5", "abc", "1-2", "--1", "0x", "1e", "1_000"}
	for _, s := range bad {
		if v, ok := parseNum([]byte(s), false); ok {
			t.Errorf("parseNum(%q) = %g, want failure", s, v)
		}
	}
	// Decimal commas: "1,5" is 1.5 and a point is then an error.
	if v, ok := parseNum([]byte("1,5"), true); !ok || v != 1.5 {
		t.Errorf("parseNum(1,5, comma) = %g, %v", v, ok)
	}
	if _, ok := parseNum([]byte("1.5"), true); ok {
		t.Error("parseNum(1.5, comma) succeeded")
	}
	// 100,000 random decimals of 1 to 17 significant digits with 0 to 25
	// decimals (beyond the fast path's limits of 15 and 22), from a fixed
	// seed (1, 2) for repeatability; the 30 zeros padded in front make room
	// for the decimal point.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100_000 {
		digits := 1 + rng.IntN(17)
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteByte('-')
		}
		for range digits {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		s := b.String()
		if k := rng.IntN(26); k > 0 {
			s = strings.Repeat("0", 30) + strings.TrimPrefix(s, "-")
			s = s[:len(s)-k] + "." + s[len(s)-k:]
		}
		checkParseNum(t, s)
	}
}

func checkParseNum(t *testing.T, s string) {
	t.Helper()
	want, err := strconv.ParseFloat(s, 64)
	got, ok := parseNum([]byte(s), false)
	if strings.Contains(s, "_") {
		err = strconv.ErrSyntax // digit separators are not data
	}
	if err != nil && !strings.Contains(err.Error(), "range") {
		if ok {
			t.Errorf("parseNum(%q) = %g, ParseFloat fails", s, got)
		}
		return
	}
	if !ok || math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
		t.Errorf("parseNum(%q) = %g (%v), ParseFloat %g", s, got, ok, want)
	}
}

// TestNumListPieces feeds "12 345 6" in every possible two-piece split: the
// numbers must come out the same.
func TestNumListPieces(t *testing.T) {
	t.Parallel()
	const in = " 12 345 6"
	for i := 0; i <= len(in); i++ {
		var l numList
		l.reset(10) // room for more than the 3 numbers
		l.feed([]byte(in[:i]))
		l.feed([]byte(in[i:]))
		got, err := l.finish()
		if err != nil || len(got) != 3 || got[0] != 12 || got[1] != 345 || got[2] != 6 {
			t.Errorf("split at %d: %v, %v", i, got, err)
		}
	}
	// The cap: 3 numbers into a list of at most 2.
	var l numList
	l.reset(2)
	l.feed([]byte("1 2 3"))
	if _, err := l.finish(); err == nil {
		t.Error("no error past the cap")
	}
}

// FuzzParseNum checks that parseNum agrees with strconv.ParseFloat whenever
// it accepts a number.
func FuzzParseNum(f *testing.F) {
	for _, s := range []string{"1", "-0.5", "123.456", "1e5", "0.000000000000000000000001", "9999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseNum([]byte(s), false)
		if !ok {
			return
		}
		want, err := strconv.ParseFloat(s, 64)
		if strings.Contains(s, "_") {
			t.Fatalf("parseNum(%q) accepted a digit separator", s)
		}
		if err != nil && !strings.Contains(err.Error(), "range") {
			t.Fatalf("parseNum(%q) = %g, ParseFloat: %v", s, got, err)
		}
		if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("parseNum(%q) = %g, ParseFloat %g", s, got, want)
		}
	})
}
