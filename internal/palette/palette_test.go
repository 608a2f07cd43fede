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
	// Scan colours differ from each other and from every phase colour.
	for i := range len(scans) {
		c := Scan(i)
		k := [4]uint8{c.R, c.G, c.B, c.A}
		if seen[k] || c.A != 0xff {
			t.Errorf("scan colour %d %v repeats or is not opaque", i, c)
		}
		seen[k] = true
	}
	if Scan(len(scans)) != Scan(0) || Scan(-1) != Scan(len(scans)-1) {
		t.Error("the scan colours do not cycle")
	}
}
