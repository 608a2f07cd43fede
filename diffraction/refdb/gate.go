package refdb

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// The physical sanity gate: a structure whose expanded cell is not the
// substance its file describes is refused, so that its pattern (noise
// that can only produce false matches) never reaches the search. The
// reasons, one per test of Check:
const (
	ReasonFormula = "formula"         // the cell contents are not the stated formula × Z
	ReasonContact = "close contact"   // two fully occupied atoms closer than a bond allows
	ReasonDensity = "density"         // the calculated density is not the stated one, or impossible
	ReasonVolume  = "volume per atom" // the cell volume per non-H atom is outside what solids have
	ReasonErratum = "known error"     // a structure of a public database known to be wrong (errata)
)

// Reasons lists the gate's reasons in the order Check tests them.
var Reasons = []string{ReasonErratum, ReasonFormula, ReasonContact, ReasonDensity, ReasonVolume}

// errata are structures of the public databases that pass every test of
// the gate but are known to be wrong, by database ID, with the evidence: a
// file whose cell is another compound's is self-consistent (its stated
// density, if any, is computed from the same cell) and can only be caught
// by knowing the compound.
var errata = map[string]string{
	// AMCSD 0010999, from Wyckoff (1963), vol. 1, p. 85.
	"cod:9008668": "LiH with a = 4.0271 Å, the cell of LiF (4.027 Å); LiH's is about 4.08 Å (NCrystal's LiH entry 4.0735 Å): in a LiF sample it takes LiF's place",
	// The AFLOW Library's skutterudite as pymatgen distributes it
	// (aflow_prototypes.json) has the lattice of Al12W, the prototype
	// of the same space group before it.
	"aflow:coas3-a3b-ci32-204-g-c": "CoAs3 (skutterudite) with a = 7.58 Å, the cell of Al12W; skutterudite's, in the refinement the entry cites (Mandel & Donohue 1971), is about 8.20 Å",
}

// Erratum returns why the entry id is known to be wrong (errata), or ok
// false.
func Erratum(id string) (why string, ok bool) {
	why, ok = errata[id]
	return why, ok
}

// GateError is a structure refused by the sanity gate.
type GateError struct {
	Reason string // one of Reasons
	Detail string // the numbers, for a person
}

func (e *GateError) Error() string { return "refused (" + e.Reason + "): " + e.Detail }

// Refusal records an entry that the generator left out, and why.
type Refusal struct {
	ID     string `json:"id"`     // the ID it would have had
	Source string `json:"source"` // the file
	Reason string `json:"reason"` // one of Reasons
	Detail string `json:"detail"`
}

// Thresholds of the gate. Each was set from the distribution over the
// 1,661 structures of ../shared/data/cif that the generator reads, listed
// with the evidence.
const (
	// formulaTol is the relative tolerance on each element's count
	// against the stated formula × Z. Formula sums of partly occupied
	// structures are rounded: the largest deviation of a sound file is
	// 2.1 % (COD 1000023, Cu refined to 0.979, stated Cu3); a cell
	// expanded twice is off by a factor of 2 or more, and files whose
	// sites contradict their formula by 6 % or more (COD 1552546, K 3.76
	// for 4; the PZT file with Ti and Zr swapped) are refused.
	formulaTol = 0.03
	// contactMin is the smallest distance between two fully occupied
	// atoms as a fraction of the sum of their covalent radii (Cordero et
	// al. 2008). The shortest contacts of sound structures are the
	// actinide metals (α-Pu 0.674, α-Np 0.684, β-U 0.661) and O–H bonds
	// located by X-rays (above 0.73); the files below 0.65 all place
	// atoms impossibly close: Nb–O 1.25 Å (NbO2), Sb–Sb 1.66 Å, S–S
	// 1.27 Å, Ca–O 1.52 Å, Fe–B 1.47 Å, Ti–Ni 1.29–1.49 Å, and sites
	// expanded twice at 0.00 Å.
	contactMin = 0.65
	// densityDiffrnTol is the relative tolerance against the authors'
	// own calculated density (_exptl_crystal_density_diffrn), computed
	// from the same cell and contents: 95 % of the 696 files that state
	// it agree within 0.6 %, all sound ones within 2.8 % (hydroxides
	// whose H sites are missing, before their mass is added); the next,
	// at 6.7 % and beyond, are broken (brucite with 3 H for 1, ice VI
	// with coincident sites, cells missing atoms).
	densityDiffrnTol = 0.03
	// densityMeasTol is the tolerance against a measured density
	// (_exptl_crystal_density_meas: flotation, pycnometry), which real
	// samples put a few per cent off the X-ray density (TiN 5.4 %, of 45
	// files); at 12–13 % the structure is the wrong one (AlPO4 of 1934
	// with half the cell contents its measured 2.31 g/cm³ implies).
	densityMeasTol = 0.10
	// densityMin and densityMax bound any crystalline solid at ordinary
	// pressure: the lightest is lithium, 0.534 g/cm³ (solid hydrides
	// such as LiH, 0.78, are denser), the densest osmium, 22.59 g/cm³
	// (CRC Handbook of Chemistry and Physics, "Density of the elements");
	// 10 % margin either side. Solid helium (0.21, only under pressure)
	// is refused with them.
	densityMin = 0.48
	densityMax = 24.9
	// volumePerAtomMin and volumePerAtomMax bound the cell volume per
	// non-hydrogen atom: diamond, the densest packing of atoms at ambient
	// pressure, has 5.67 Å³ (the lowest of the sound files, with a
	// computed Li2O2 at 5.19); caesium, the most open solid, 112 Å³ (bcc,
	// a = 6.07 Å at 78 K), the highest. Hydrogen is not counted, as X-ray
	// structures often lack it. Only phases above ~100 GPa pack atoms
	// more densely; the two in the shared data, the AMCSD Mg- and
	// Al-post-perovskite files (3.55 and 4.70 Å³, no citation or
	// pressure; the Mg one has a = 2.10 Å where Oganov & Ono 2004, Nature
	// 430, 445, measured 2.456 Å at 120 GPa), are refused: no laboratory
	// powder scan holds them.
	volumePerAtomMin = 5.0
	volumePerAtomMax = 130.0
)

// Check applies the sanity gate to a structure and returns a *GateError
// naming the first test it fails, or nil:
//
//   - known error: the structure is one of the errata.
//   - formula: when the file states its formula (_chemical_formula_sum,
//     or COD's copy of the authors' one), each element of the expanded
//     cell (occupancies summed) must be the stated count × Z within
//     formulaTol, with Z the stated _cell_formula_units_Z; or × 1
//     (pymatgen writes the cell contents as the sum), or × 3 for an R
//     lattice on hexagonal axes (such a sum of the primitive rhombohedral
//     cell, stored on hexagonal axes by crystal.Structure.HexagonalAxes);
//     or, with no stated Z, one common multiple. H the structure lacks is
//     set aside (the entry is flagged MissingH), H in excess is not.
//   - close contact: no two fully occupied atoms closer than contactMin ×
//     the sum of their covalent radii.
//   - density: the calculated density (with the mass of missing H) within
//     densityDiffrnTol of the authors' calculated density, within
//     densityMeasTol of a measured one, and between densityMin and
//     densityMax.
//   - volume per atom: V / (non-H atoms in the cell) within
//     volumePerAtomMin–volumePerAtomMax.
func Check(s *crystal.Structure) error {
	if why, ok := Erratum("cod:" + s.CODID); ok && s.CODID != "" {
		return &GateError{ReasonErratum, why}
	}
	comp := s.Composition()
	stated, hasSum := statedFormula(s)
	missingH := 0.0
	if hasSum {
		if k, ok := unitsOf(comp, stated); ok && comp["H"] < k*stated["H"] {
			missingH = k*stated["H"] - comp["H"]
		}
		if err := checkFormula(comp, stated, s.FormulaUnits, s.LatticePoints() == 3); err != nil {
			return err
		}
	}
	if c, ok := s.ShortestContact(); ok && c.Ratio < contactMin {
		return &GateError{ReasonContact, fmt.Sprintf("%s and %s %.2f Å apart, %.2f of their covalent bond length", c.A, c.B, c.D, c.Ratio)}
	}
	v := s.Volume()
	h, _ := crystal.AtomicMass("H")
	rho := s.Density() + missingH*h/(avogadro*v*1e-24)
	for _, d := range []struct {
		stated, tol float64
		what        string
	}{{s.DensityDiffrn, densityDiffrnTol, "the file's calculated density"}, {s.DensityMeasured, densityMeasTol, "the measured density"}} {
		if d.stated > 0 && math.Abs(rho/d.stated-1) > d.tol {
			return &GateError{ReasonDensity, fmt.Sprintf("%.3g g/cm³, %s is %.3g", rho, d.what, d.stated)}
		}
	}
	if rho < densityMin || rho > densityMax {
		return &GateError{ReasonDensity, fmt.Sprintf("%.3g g/cm³ is outside %g–%g", rho, densityMin, densityMax)}
	}
	n := 0.0
	for el, c := range comp {
		if el != "H" {
			n += c
		}
	}
	if n == 0 {
		return &GateError{ReasonVolume, "no atoms other than H"}
	}
	if vpa := v / n; vpa < volumePerAtomMin || vpa > volumePerAtomMax {
		return &GateError{ReasonVolume, fmt.Sprintf("%.3g Å³ per non-H atom is outside %g–%g", vpa, volumePerAtomMin, volumePerAtomMax)}
	}
	return nil
}

// avogadro is the Avogadro constant (CODATA 2018, exact), mol⁻¹.
const avogadro = 6.02214076e23

// statedFormula returns the formula the file states: its formula sum, or
// the authors' formula sum that COD keeps (httk's reprocessed COD files
// often keep only that).
func statedFormula(s *crystal.Structure) (map[string]float64, bool) {
	for _, f := range []string{s.FormulaSum, s.AuthorFormula} {
		if m, _, ok := ParseChemical(f); ok {
			return m, true
		}
	}
	return nil, false
}

// checkFormula compares the cell contents with the stated formula. H is
// compared only for excess: X-ray structures often locate some or none of
// their H atoms (flagged MissingH), but a cell with more H than stated
// (a disordered H site entered as fully occupied) is wrong. rHex says
// that the cell is an R lattice on hexagonal axes, three primitive cells.
func checkFormula(comp, stated map[string]float64, z float64, rHex bool) error {
	var els []string
	for el, n := range comp {
		if n > 1e-3 {
			els = append(els, el)
		}
	}
	for el := range stated {
		if !slices.Contains(els, el) {
			els = append(els, el)
		}
	}
	crystal.SortFormulaOrder(els)
	fits := func(k float64) bool {
		for _, el := range els {
			want, got := k*stated[el], comp[el]
			if el == "H" && got < want {
				continue
			}
			if math.Abs(got-want) > formulaTol*want+1e-3*k {
				return false
			}
		}
		return true
	}
	var ks []float64
	if z > 0 {
		ks = append(ks, z, 1)
		if rHex {
			ks = append(ks, 3)
		}
	} else if k, ok := unitsOf(comp, stated); ok {
		ks = append(ks, k)
	}
	if slices.ContainsFunc(ks, fits) {
		return nil
	}
	cell, _ := crystal.ReducedFormula(comp, slices.DeleteFunc(slices.Clone(els), func(el string) bool { return comp[el] <= 1e-3 }))
	var b strings.Builder
	for _, el := range els {
		if n := stated[el]; n == 1 {
			b.WriteString(el)
		} else if n > 0 {
			fmt.Fprintf(&b, "%s%g", el, n)
		}
	}
	detail := fmt.Sprintf("the cell holds %s, the file states %s", cell, b.String())
	if z > 0 {
		detail += fmt.Sprintf(" with Z = %g", z)
	}
	return &GateError{ReasonFormula, detail}
}

// Vet passes a structure through the gate, repairing it when the repair
// is certain: it returns the structure to use (s itself when it passes),
// a note of the repair ("" if none), or the *GateError of s. The repairs:
//
//   - a file that lists every atom of the cell together with the
//     operators of its space group (each atom expanded onto the others):
//     the sites that are images of earlier ones are dropped
//     (crystal.FoldEquivalentSites). Two atoms cannot share a position,
//     so the dropped sites are duplicates whatever else holds.
//   - coordinates given for the other origin choice of the space group
//     than its operators (crystal.OtherOrigins): taken when exactly one
//     other origin passes the gate, the file states its formula (which
//     the repaired cell then has) and the structure as given does not.
//
// A repaired structure must pass the whole gate.
func Vet(s *crystal.Structure) (*crystal.Structure, string, error) {
	err := Check(s)
	if err == nil {
		return s, "", nil
	}
	if t, n := s.FoldEquivalentSites(); n > 0 && Check(t) == nil {
		return t, fmt.Sprintf("%d of the file's %d sites are symmetry images of others (a whole-cell atom list with the operators of %s): folded to the %d sites of the asymmetric unit", n, len(s.Sites), s.SpaceGroup, len(t.Sites)), nil
	}
	if _, stated := statedFormula(s); stated {
		var ok []*crystal.Structure
		for _, t := range s.OtherOrigins() {
			if Check(t) == nil {
				ok = append(ok, t)
			}
		}
		if len(ok) == 1 {
			return ok[0], fmt.Sprintf("the coordinates are for another origin than the operators of %s: operators of %s used", s.SpaceGroup, ok[0].SpaceGroup), nil
		}
	}
	return nil, "", err
}
