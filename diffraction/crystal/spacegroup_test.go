package crystal

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// opsSignature is the signature of gen_spacegroups.py: SHA-1 of the sorted
// lines "r11,…,r33,t1,t2,t3" with t in 24ths reduced to 0–23.
func opsSignature(ops []SymOp) string {
	var lines []string
	for _, op := range ops {
		var f []string
		for i := range 3 {
			for j := range 3 {
				f = append(f, fmt.Sprint(op.R[i][j]))
			}
		}
		for i := range 3 {
			f = append(f, fmt.Sprint(mod24(int(math.Round(op.T[i]*24)))))
		}
		lines = append(lines, strings.Join(f, ","))
	}
	slices.Sort(lines)
	h := sha1.Sum([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(h[:])[:16]
}

// TestHallTable rebuilds all 530 settings from their Hall symbols and
// compares the operator sets with cctbx's (signatures in the table).
func TestHallTable(t *testing.T) {
	t.Parallel()
	if len(spaceGroupTable) != 530 {
		t.Fatalf("%d settings, want 530 (ITC Vol. B, Table A1.4.2.7)", len(spaceGroupTable))
	}
	numbers := map[int]bool{}
	for _, g := range spaceGroupTable {
		numbers[g.Number] = true
		ops, err := HallOps(g.Hall)
		if err != nil {
			t.Errorf("%s: %v", g.HM, err)
			continue
		}
		if sig := opsSignature(ops); sig != g.sig {
			t.Errorf("%s (%s): %d operators, signature %s, cctbx %s", g.HM, g.Hall, len(ops), sig, g.sig)
		}
	}
	if len(numbers) != 230 {
		t.Errorf("%d space-group numbers, want 230", len(numbers))
	}
}

func TestLookupSpaceGroup(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		hm   string
		nops int // operators with centring: order of the point group × centring vectors
	}{
		{"P 21/c", "P 1 21/c 1", 4},
		{"P21/n", "P 1 21/n 1", 4},
		{"P 1 1 21/b", "P 1 1 21/b", 4},
		{"C2/c", "C 1 2/c 1", 8},
		{"Fd-3m", "F d -3 m :1", 192},
		{"F d -3 m :2", "F d -3 m :2", 192},
		{"Fd3mZ", "F d -3 m :2", 192},
		{"Pm3m", "P m -3 m", 48},
		{"Pm-3m", "P m -3 m", 48},
		{"R -3 c", "R -3 c :H", 36},
		{"R-3cR", "R -3 c :R", 12},
		{"R 3 m :R", "R 3 m :R", 6},
		// The older COD notation of the setting.
		{"R 3 c {rhombohedral axes}", "R 3 c :R", 6},
		{"R 3 c {hexagonal axes}", "R 3 c :H", 18},
		{"P 63/m m c", "P 63/m m c", 24},
		{"P 31 2 1", "P 31 2 1", 6},
		{"I 41/a m d :2", "I 41/a m d :2", 32},
		{"227", "F d -3 m :1", 192},
		{"P n m a", "P n m a", 8},
		{"P b n m", "P b n m", 8},
	}
	for _, tc := range cases {
		g, err := LookupSpaceGroup(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if g.HM != tc.hm || len(g.Ops()) != tc.nops {
			t.Errorf("%q: got %s with %d ops, want %s with %d", tc.in, g.HM, len(g.Ops()), tc.hm, tc.nops)
		}
	}
	for _, bad := range []string{"", "X 1", "P 7", "231"} {
		if _, err := LookupSpaceGroup(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestHallOpsErrors(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"", "Q 2", "P 5", "P 2 2 2 2q", "P 2 (0 0", "P 32x'", "-P 2 (x+y,y,z)"} {
		if _, err := HallOps(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	// An origin shift in both notations gives the same operators.
	a, err1 := HallOps("P 31 2 (0 0 4)")
	b, err2 := HallOps("P 31 2 (x,y,z+1/3)")
	if err1 != nil || err2 != nil || opsSignature(a) != opsSignature(b) {
		t.Errorf("origin shift notations differ: %v %v", err1, err2)
	}
}

// FuzzSymbols: the Hall parser and the symbol lookup never panic, and
// whatever HallOps accepts is a group of at most 192 operators.
func FuzzSymbols(f *testing.F) {
	for i := 0; i < len(spaceGroupTable); i += 7 {
		f.Add(spaceGroupTable[i].Hall)
		f.Add(spaceGroupTable[i].HM)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ops, err := HallOps(s); err == nil && (len(ops) == 0 || len(ops) > 192) {
			t.Errorf("%q: %d operators", s, len(ops))
		}
		if g, err := LookupSpaceGroup(s); err == nil {
			if _, err := HallOps(g.Hall); err != nil {
				t.Errorf("%q → %q: %v", s, g.Hall, err)
			}
		}
	})
}
