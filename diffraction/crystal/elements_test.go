package crystal

import (
	"strings"
	"testing"
)

func TestCheckSymbol(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Si", ""},
		{"O", ""},
		{"Uuo", `"Uuo" is not an element symbol`}, // not in the table
		{"si", `"si" is not an element symbol: symbols start with a capital letter, "Si"`},
		{"SI", `"SI" is not an element symbol: symbols start with a capital letter, "Si"`},
		{"co", `capital letter, "Co"`},
		{"Xx", `"Xx" is not an element symbol`},
		{"", `"" is not an element symbol`},
		{"Silicon", `"Silicon" is not an element symbol`},
	} {
		err := CheckSymbol(c.in)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%q: error %v, want %q", c.in, err, c.want)
		}
		if c.want != "" && err != nil && !strings.Contains(c.want, "capital") && strings.Contains(err.Error(), "capital") {
			t.Errorf("%q: suggests a symbol: %v", c.in, err)
		}
	}
}
