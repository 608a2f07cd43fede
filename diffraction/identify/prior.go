package identify

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Prior is how unlikely a phase is in a laboratory sample before the data
// are seen, as points: 0 for an ordinary phase, more for a rarer one. It
// decides between refinements that the data cannot tell apart
// (indistinguishable) — and a phase of Unlikely points or more is not
// accepted on the data alone, because the data cannot tell it apart from
// a phase that is not in the database at all: its lines fit, but so would
// those of the sample's own unknown phase, which is far likelier. Such a
// phase is reported (Decision) for the user to accept. The points and
// their reasons:
//
//   - 3 for an element with no stable or long-lived isotope (Tc, Pm, Po and
//     everything from At to Ac and beyond U), 3 for a noble gas: solids of
//     these are made in a handful of laboratories;
//   - 3 for a substance that is a gas or a liquid at room temperature
//     (solid CO, N2, CO2, Hg …: low-temperature phases of a prototype
//     catalogue);
//   - 1 for thorium or uranium, which occur in minerals (thorianite,
//     uraninite) but rarely in a sample;
//   - 2 for an element alone, or an alloy of metals, when the sample's
//     other phases are oxides: a metal survives heating in air, or a
//     reaction of oxides, only as a deliberate addition;
//   - 1 for a computed structure (DFT or an idealised model), whose cell
//     and intensities are less certain than a measured one's;
//   - 1 for a formula no oxidation states balance (chargeShort): its
//     oxygen and fluorine need more positive charge than its other
//     elements hold even at their highest known oxidation states — a
//     composition that only a calculation has made (TiOF5 would need
//     Ti(VII));
//   - 1 for an empty open framework (emptyFramework): a zeolite's
//     topology without the cations, template or water that a zeolite as
//     measured holds and that change its intensities, whose lines the
//     pattern of many a real zeolite, aluminophosphate or metal-organic
//     framework shares — an idealised one, computed too, is Unlikely;
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
	if notSolid(p) {
		points += 3
		why = append(why, "not a solid at room temperature")
	}
	switch {
	case oxide && len(p.Elements) == 1 && p.Elements[0] != "O":
		points += 2
		why = append(why, "an element alone in an oxide sample")
	case oxide && metallic(p):
		points += 2
		why = append(why, "an alloy in an oxide sample")
	}
	if p.Computed {
		points++
		why = append(why, "a computed structure")
	}
	if chargeShort(p) {
		points++
		why = append(why, "no oxidation states balance its formula")
	}
	if emptyFramework(p) {
		points++
		why = append(why, "an empty open framework (no cations, template or water)")
	}
	if p.Common {
		points--
		why = append(why, "a common laboratory phase")
	}
	return points, why
}

// emptyFramework reports whether a phase is an open framework of
// corner-sharing tetrahedra and nothing else: its elements are
// tetrahedral atoms (Si, Al, P, Ge, Ga, B) and oxygen (and the hydrogen of
// silanol groups), two oxygens per tetrahedral atom within the range of
// interrupted frameworks (1.9–2.2), and fewer than openFD tetrahedral
// atoms per 1000 Å³.
func emptyFramework(p *refdb.Phase) bool {
	c, ok := refdb.ParseFormula(p.Formula)
	if !ok || !(p.Volume > 0) || !(p.Z > 0) {
		return false
	}
	var t float64
	for el, n := range c {
		switch el {
		case "Si", "Al", "P", "Ge", "Ga", "B":
			t += n
		case "O", "H":
		default:
			return false
		}
	}
	if !(t > 0) {
		return false
	}
	ot := c["O"] / t
	return ot >= 1.9 && ot <= 2.2 && t*p.Z/p.Volume*1000 < openFD
}

// chargeShort reports whether a phase's oxygen and fluorine need more
// positive charge than its other elements can give: with oxygen at its
// least negative (−1/3, in an ozonide) and fluorine at −1, the sum of the
// other elements' highest known oxidation states (maxOxidation) falls
// short. The test is as lenient as chemistry allows — peroxides,
// superoxides, perchlorates, ferrates and mixed valence all pass — so
// that it flags only formulas that cannot be charge balanced at all.
func chargeShort(p *refdb.Phase) bool {
	c, ok := refdb.ParseFormula(p.Formula)
	if !ok || len(c) < 2 || c["O"]+c["F"] == 0 {
		return false // an element alone is neutral
	}
	need := c["O"]/3 + c["F"]
	var have float64
	for el, n := range c {
		if el == "O" || el == "F" {
			continue
		}
		m, ok := maxOxidation[el]
		if !ok {
			return false // an element the table does not know: no claim
		}
		have += n * float64(m)
	}
	return have < need*(1-1e-6)
}

// maxOxidation is each element's highest oxidation state known in a
// compound (N. N. Greenwood & A. Earnshaw 1997, Chemistry of the
// Elements, 2nd ed., the oxidation-state tables of each group chapter;
// Ir(VIII) and Ir(IX) of IrO4 and IrO4⁺ left out, being gas-phase species
// only).
var maxOxidation = map[string]int{
	"H": 1, "He": 0, "Li": 1, "Be": 2, "B": 3, "C": 4, "N": 5, "Ne": 0,
	"Na": 1, "Mg": 2, "Al": 3, "Si": 4, "P": 5, "S": 6, "Cl": 7, "Ar": 0,
	"K": 1, "Ca": 2, "Sc": 3, "Ti": 4, "V": 5, "Cr": 6, "Mn": 7, "Fe": 6, "Co": 5, "Ni": 4, "Cu": 4, "Zn": 2,
	"Ga": 3, "Ge": 4, "As": 5, "Se": 6, "Br": 7, "Kr": 2,
	"Rb": 1, "Sr": 2, "Y": 3, "Zr": 4, "Nb": 5, "Mo": 6, "Tc": 7, "Ru": 8, "Rh": 6, "Pd": 6, "Ag": 3, "Cd": 2,
	"In": 3, "Sn": 4, "Sb": 5, "Te": 6, "I": 7, "Xe": 8,
	"Cs": 1, "Ba": 2, "La": 3, "Ce": 4, "Pr": 4, "Nd": 4, "Pm": 3, "Sm": 3, "Eu": 3, "Gd": 3, "Tb": 4, "Dy": 4,
	"Ho": 3, "Er": 3, "Tm": 3, "Yb": 3, "Lu": 3, "Hf": 4, "Ta": 5, "W": 6, "Re": 7, "Os": 8, "Ir": 6, "Pt": 6,
	"Au": 5, "Hg": 2, "Tl": 3, "Pb": 4, "Bi": 5, "Po": 6, "At": 7, "Rn": 6,
	"Fr": 1, "Ra": 2, "Ac": 3, "Th": 4, "Pa": 5, "U": 6, "Np": 7, "Pu": 7, "Am": 7, "Cm": 6, "Bk": 4, "Cf": 4,
}

// openFD is the framework density (tetrahedral atoms per 1000 Å³) below
// which a framework is open, a zeolite's: the zeolites of the Atlas of
// Zeolite Framework Types range from about 10 to 20–21, the dense
// tectosilicates start at 20–21 (Ch. Baerlocher, L. B. McCusker & D. H.
// Olson 2007, Atlas of Zeolite Framework Types, 6th ed., p. 3); silica's
// dense polymorphs have 22 (tridymite) to 29 (coesite).
const openFD = 21

// Unlikely is the prior from which a phase is not accepted on the data
// alone (Prior).
const Unlikely = 2

// gasesAndLiquids are the formulas (refdb element-count form, elements in
// alphabetical order) of substances that are gases or liquids at 25 °C and
// 1 atm (CRC Handbook of Chemistry and Physics, physical constants of
// inorganic compounds): their crystal structures are low-temperature or
// high-pressure phases.
var gasesAndLiquids = []string{"H2", "N2", "O2", "O3", "F2", "Cl2", "Br2", "Hg", "CO", "CO2", "NO", "N2O", "NO2", "H2O", "H3N", "CH4", "ClH", "BrH", "FH", "H2S", "O2S", "Cs", "Ga"}

// notSolid reports whether a phase is of a substance that is not a solid
// at room temperature (gasesAndLiquids; Cs and Ga melt at 28 and 30 °C and
// count as such for a sample at hand).
func notSolid(p *refdb.Phase) bool {
	for _, f := range gasesAndLiquids {
		if refdb.SameFormula(p.Formula, f) {
			return true
		}
	}
	return false
}

// metallic reports whether a phase is made of metals only (an alloy or
// intermetallic compound of two or more elements).
func metallic(p *refdb.Phase) bool {
	if len(p.Elements) < 2 {
		return false
	}
	for _, el := range p.Elements {
		if slices.Contains(nonMetals, el) {
			return false
		}
	}
	return true
}

// nonMetals are the elements that are not metals, the metalloids B, Si,
// Ge, As, Sb and Te among them (IUPAC Red Book 2005, IR-3.5, with the
// metalloids set apart).
var nonMetals = []string{"H", "He", "B", "C", "N", "O", "F", "Ne", "Si", "P", "S", "Cl", "Ar", "Ge", "As", "Se", "Br", "Kr", "Sb", "Te", "I", "Xe", "At", "Rn"}

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
