package palette

import "testing"

func TestPhase(t *testing.T) {
	seen := map[[4]uint8]bool{}
	for i := range Len {
		c := Phase(i)
		k := [4]uint8{c.R, c.G, c.B, c.A}
		if seen[k] || c.A != 0xff {
			t.Errorf("colour %d %v repeats or is not opaque", i, c)
		}
		seen[k] = true
	}
	if Phase(Len) != Phase(0) || Phase(-1) != Phase(Len-1) {
		t.Error("the palette does not cycle")
	}
}
