package identify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Prior is how unlikely a phase is in a laboratory sample before the data
// are seen, as points: 0 for an ordinary phase, more for a rarer one. It
// decides only between refinements that the data cannot tell apart
// (indistinguishable): where the pattern decides, it is not consulted.
// The points and their reasons:
//
//   - 3 for an element with no stable or long-lived isotope (Tc, Pm, Po and
//     everything from At to Ac and beyond U), 3 for a noble gas: solids of
//     these are made in a handful of laboratories;
//   - 1 for thorium or uranium, which occur in minerals (thorianite,
//     uraninite) but rarely in a sample;
//   - 2 for an element alone (a metal or metalloid) when the other phases
//     of the model or of the sample's candidates are oxides: a metal
//     survives in an oxide sample only as a deliberate addition;
//   - 1 for a computed structure (DFT or an idealised model), whose cell
//     and intensities are less certain than a measured one's;
//   - −1 for a phase of the curated list of common laboratory phases
//     (refdb.Phase.Common), which HighScore and Match! prefer through
//     their common-phase subfiles for the same reason.
//
// oxide says whether the sample's other phases are oxides.
func Prior(p *refdb.Phase, oxide bool) (points int, why []string) {
	for _, el := range p.Elements {
		switch {
		case slices.Contains(noStableIsotope, el):
			points += 3
			why = append(why, el+" has no stable isotope")
		case el == "He" || el == "Ne" || el == "Ar" || el == "Kr" || el == "Xe":
			points += 3
			why = append(why, el+" is a noble gas")
		case el == "Th" || el == "U":
			points++
			why = append(why, el+" is rare in samples")
		}
	}
	if oxide && len(p.Elements) == 1 && p.Elements[0] != "O" {
		points += 2
		why = append(why, "an element alone in an oxide sample")
	}
	if p.Computed {
		points++
		why = append(why, "a computed structure")
	}
	if p.Common {
		points--
		why = append(why, "a common laboratory phase")
	}
	return points, why
}

// noStableIsotope lists the elements up to Cf that have no stable or
// primordial isotope, Th and U aside (IUPAC 2021 table of standard atomic
// weights: elements without one).
var noStableIsotope = []string{"Tc", "Pm", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Pa", "Np", "Pu", "Am", "Cm", "Bk", "Cf"}

// isOxide reports whether a phase is an oxide (or a salt of an oxyanion,
// hydroxide …): it contains oxygen and another element.
func isOxide(p *refdb.Phase) bool {
	return len(p.Elements) > 1 && slices.Contains(p.Elements, "O")
}

// priorText is a phase's prior for a decision: "prior 0" or "prior 2: Pu
// has no stable isotope".
func priorText(p *refdb.Phase, oxide bool) string {
	n, why := Prior(p, oxide)
	if len(why) == 0 {
		return fmt.Sprintf("prior %d", n)
	}
	return fmt.Sprintf("prior %d: %s", n, strings.Join(why, ", "))
}
