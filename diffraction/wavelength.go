package diffraction

import (
	"fmt"
	"strconv"
	"strings"
)

// WavelengthSource says where a scan's wavelength came from. Machine-readable
// output reports it, so that a script can tell an assumed Cu Kα from a
// measured one.
type WavelengthSource string

// The places a wavelength can come from. The zero value means unknown.
const (
	FromFile WavelengthSource = "file"    // stored in the scan file
	FromFlag WavelengthSource = "flag"    // given by the user
	Assumed  WavelengthSource = "assumed" // neither: a stated default
)

// Wavelength describes the radiation of a scan. Lengths are in ångström.
// A monochromatic beam has Ka2 == 0 and Ratio == 0. Ka1 == 0 means the
// wavelength is unknown.
type Wavelength struct {
	Anode  string           `json:"anode,omitempty"` // element symbol of the tube anode, when known
	Ka1    float64          `json:"ka1"`             // Kα1 (or the only) wavelength
	Ka2    float64          `json:"ka2"`             // Kα2, 0 when absent
	Ratio  float64          `json:"ratio"`           // I(Kα2)/I(Kα1), 0 when absent
	Kb     float64          `json:"kb,omitempty"`    // Kβ1, 0 when not known
	Source WavelengthSource `json:"source"`
}

// Known reports whether the wavelength is set.
func (w Wavelength) Known() bool { return w.Ka1 > 0 }

// String gives a short human description such as "Cu Kα1 1.540593 Å + Kα2 (0.5)".
func (w Wavelength) String() string {
	if !w.Known() {
		return "unknown wavelength"
	}
	var b strings.Builder
	if w.Anode != "" {
		b.WriteString(w.Anode + " ")
	}
	fmt.Fprintf(&b, "λ=%.6g Å", w.Ka1)
	if w.Ka2 > 0 {
		fmt.Fprintf(&b, " + Kα2 %.6g Å (ratio %.3g)", w.Ka2, w.Ratio)
	}
	if w.Source != "" {
		fmt.Fprintf(&b, " [%s]", w.Source)
	}
	return b.String()
}

// Mean returns the intensity-weighted mean of Kα1 and Kα2, the wavelength to
// use for a peak that contains the unresolved doublet.
func (w Wavelength) Mean() float64 {
	if w.Ka2 <= 0 || w.Ratio <= 0 {
		return w.Ka1
	}
	return (w.Ka1 + w.Ratio*w.Ka2) / (1 + w.Ratio)
}

// Anode lines in ångström. Kα1 and Kα2 of Cr, Fe, Co and Cu are those of
// Hölzer et al. (1997), Phys. Rev. A 56, 4554–4568, Table II; Kβ1 and the
// Mo and Ag lines, which Hölzer et al. did not measure, are from
// International Tables for Crystallography Vol. C (2004), Table 4.2.2.1
// (Deslattes et al.), as xrayutilities and the project's reference
// scripts use them. The Kα2/Kα1 ratio of 0.5 is the conventional value of
// diffractometer software (the 2p3/2 : 2p1/2 occupancy ratio).
var anodes = map[string]Wavelength{
	"Cu": {Anode: "Cu", Ka1: 1.5405929, Ka2: 1.5444274, Ratio: 0.5, Kb: 1.392246},
	"Co": {Anode: "Co", Ka1: 1.7889960, Ka2: 1.7928500, Ratio: 0.5, Kb: 1.620826},
	"Fe": {Anode: "Fe", Ka1: 1.9360410, Ka2: 1.9399730, Ratio: 0.5, Kb: 1.756604},
	"Cr": {Anode: "Cr", Ka1: 2.2897260, Ka2: 2.2936510, Ratio: 0.5, Kb: 2.084881},
	"Mo": {Anode: "Mo", Ka1: 0.709317, Ka2: 0.713607, Ratio: 0.5, Kb: 0.632303},
	"Ag": {Anode: "Ag", Ka1: 0.5594075, Ka2: 0.563798, Ratio: 0.5, Kb: 0.497069},
}

// AnodeWavelength returns the Kα doublet of a tube anode ("Cu", "Mo", …).
func AnodeWavelength(anode string) (Wavelength, bool) {
	w, ok := anodes[normAnode(anode)]
	return w, ok
}

// CuKa is the Cu Kα doublet, the default Bragg assumes (and says so) when a
// scan carries no wavelength.
var CuKa = anodes["Cu"]

func normAnode(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToLower(s)
	return strings.ToUpper(s[:1]) + s[1:]
}

// MinWavelength and MaxWavelength bound a wavelength in Å. Laboratory and
// synchrotron X-rays lie between about 0.1 and 3 Å (International Tables
// for Crystallography Vol. C, Table 4.2.2.1: Ag Kβ 0.497 Å to Cr Kα 2.29 Å
// for the anodes; hard synchrotron beams to 0.1 Å); a value outside
// 0.01–10 Å is a typo (nm, keV) or not X-ray diffraction.
const (
	MinWavelength = 0.01
	MaxWavelength = 10.0
)

func checkLambda(v float64) error {
	if !(v >= MinWavelength && v <= MaxWavelength) {
		return fmt.Errorf("%g Å is outside %g–%g Å", v, MinWavelength, MaxWavelength)
	}
	return nil
}

// Check reports a wavelength that no diffractometer has: Kα1 (and Kα2 and
// Kβ when set) outside MinWavelength–MaxWavelength or not a number, or a
// Kα2/Kα1 ratio outside 0–1. The unknown wavelength (Ka1 == 0) passes.
func (w Wavelength) Check() error {
	if w.Ka1 == 0 {
		return nil
	}
	for _, l := range []struct {
		name string
		v    float64
		set  bool
	}{{"Kα1", w.Ka1, true}, {"Kα2", w.Ka2, w.Ka2 != 0}, {"Kβ", w.Kb, w.Kb != 0}} {
		if l.set {
			if err := checkLambda(l.v); err != nil {
				return fmt.Errorf("wavelength %s: %w", l.name, err)
			}
		}
	}
	if !(w.Ratio >= 0 && w.Ratio <= 1) {
		return fmt.Errorf("wavelength: I(Kα2)/I(Kα1) = %g is outside 0–1", w.Ratio)
	}
	if w.Ratio > 0 && w.Ka2 == 0 {
		return fmt.Errorf("wavelength: I(Kα2)/I(Kα1) = %g without a Kα2 line", w.Ratio)
	}
	return nil
}

// ParseWavelength reads a wavelength the way a user types it: an anode line
// ("CuKa" for the doublet, "CuKa1", "CuKa2", "CuKb", case-insensitive, "α"
// and "β" accepted) or a number in ångström ("1.5406"), which is taken as
// monochromatic. The Source field is left empty for the caller to set.
func ParseWavelength(s string) (Wavelength, error) {
	t := strings.TrimSpace(s)
	if v, err := strconv.ParseFloat(t, 64); err == nil {
		if err := checkLambda(v); err != nil {
			return Wavelength{}, fmt.Errorf("wavelength %q: %w", s, err)
		}
		return Wavelength{Ka1: v}, nil
	}
	u := strings.NewReplacer("α", "a", "β", "b", " ", "", "-", "").Replace(t)
	u = strings.ToLower(u)
	for _, line := range []string{"ka1", "ka2", "ka", "kb1", "kb"} {
		if !strings.HasSuffix(u, line) {
			continue
		}
		w, ok := AnodeWavelength(strings.TrimSuffix(u, line))
		if !ok {
			break
		}
		switch line {
		case "ka1":
			return Wavelength{Anode: w.Anode, Ka1: w.Ka1, Kb: w.Kb}, nil
		case "ka2":
			return Wavelength{Anode: w.Anode, Ka1: w.Ka2, Kb: w.Kb}, nil
		case "kb", "kb1":
			return Wavelength{Anode: w.Anode, Ka1: w.Kb}, nil
		}
		return w, nil
	}
	return Wavelength{}, fmt.Errorf("wavelength %q: not a number in Å nor an anode line such as CuKa, CuKa1, MoKa, CoKa", s)
}
