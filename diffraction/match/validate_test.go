package match

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParseElements(t *testing.T) {
	for in, want := range map[string][]string{
		"":            nil,
		"Ti, O":       {"Ti", "O"},
		"Ti O;Mn,,Ti": {"Ti", "O", "Mn"},
		"si":          {"si"}, // as written: Validate says what is wrong
	} {
		if got := ParseElements(in); !slices.Equal(got, want) {
			t.Errorf("ParseElements(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	d := DefaultOptions()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"unknown element", func(o *Options) { o.Elements.AllOf = []string{"Xx"} }, `required elements: "Xx" is not an element symbol`},
		{"lower case", func(o *Options) { o.Elements.AllOf = []string{"si"} }, `required elements: "si" is not an element symbol: symbols start with a capital letter, "Si"`},
		{"excluded", func(o *Options) { o.Elements.NoneOf = []string{"pb"} }, `excluded elements: "pb"`},
		{"only", func(o *Options) { o.Elements.Only = []string{"Ti", "Mn", "Q"} }, `allowed elements: "Q"`},
		{"contradiction", func(o *Options) { o.Elements = Elements{AllOf: []string{"Ti"}, NoneOf: []string{"Ti"}} }, "Ti is both required and excluded"},
		{"not allowed", func(o *Options) { o.Elements = Elements{AllOf: []string{"Ti"}, Only: []string{"Mn", "O"}} }, "Ti is required but not among the allowed elements Mn,O"},
		{"zero tolerance", func(o *Options) { o.Tolerance = 0 }, "matching tolerance 0°"},
		{"NaN strain", func(o *Options) { o.MaxStrain = math.NaN() }, "largest strain NaN"},
		{"FOM", func(o *Options) { o.MinFOM = 101 }, "figure of merit 101"},
		{"lines", func(o *Options) { o.MinLines = 0 }, "matched lines 0"},
		{"phases", func(o *Options) { o.MaxPhases = -1 }, "number of phases -1"},
		{"top", func(o *Options) { o.Top = -3 }, "candidate list length -3"},
	} {
		o := DefaultOptions()
		c.edit(&o)
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
