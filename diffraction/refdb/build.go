package refdb

import (
	"errors"
	"math"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// FromStructure computes the fields of an entry that follow from its
// structure: the Cu Kα1 lines, formulas (see formulas), elements, crystal
// system, Z, volume, calculated density and the partial-occupancy and
// missing-H flags. It does not apply the sanity gate (see Vet). It also
// returns the structure's intensity scale, max(|F|²·m·LP)/(V²·ρ), from
// which RIR follows (see RIR). The caller sets the identity, names,
// provenance and RIR. The bundled database and user imports both go
// through here, so their entries are computed alike. A structure given on
// rhombohedral axes is stored on hexagonal axes
// (crystal.Structure.HexagonalAxes), as the Powder Diffraction File and
// most structures of the database give their rhombohedral phases: cells of
// one structure type then compare axis by axis, and hkl are the ones a
// user reads in the literature. (One whose transformation does not
// reproduce its atoms, which the gate has passed as given, stays as given.)
func FromStructure(s *crystal.Structure) (Phase, float64, error) {
	if h, err := s.HexagonalAxes(); err == nil {
		s = h
	}
	lines, refl, err := ComputeLines(s)
	if err != nil {
		return Phase{}, 0, err
	}
	if len(lines) == 0 {
		return Phase{}, 0, errors.New("refdb: no reflections between 5° and 120° 2θ (Cu Kα1)")
	}
	formula, chemical, els, z, missingH := formulas(s)
	p := Phase{
		Name:            s.Name,
		Mineral:         CleanName(s.Mineral),
		Formula:         formula,
		ChemicalFormula: chemical,
		MissingH:        missingH,
		Elements:        els,
		System:          s.CrystalSystem(),
		Z:               z,
		Volume:          roundTo(s.Volume(), 1e-4),
		Density:         roundTo(s.Density(), 1e-4),
		Citation:        s.Citation,
		Structure:       *s,
		Lines:           lines,
	}
	for _, site := range s.Sites {
		if site.Occupancy < 0.999 {
			p.PartialOccupancy = true
		}
	}
	return p, crystal.IntensityScale(s, refl), nil
}

// CorundumID is the entry of the bundled database that is the RIR
// reference.
const CorundumID = "cod:1000017"

// RIR is the calculated reference intensity ratio I/Ic of a phase with
// intensity scale scale against corundum's (Hubbard & Snyder 1988, Powder
// Diffr. 3, 74): the intensity of a phase in a 50:50 weight mixture is
// proportional to w/(ρV²)·|F|²·m·LP, so I/Ic is the ratio of the scales;
// rounded to 0.001.
func RIR(scale, corundumScale float64) float64 {
	return roundTo(scale/corundumScale, 1e-3)
}

// CorundumScale computes the intensity scale of the database's corundum.
func (db *DB) CorundumScale() (float64, error) {
	c := db.Get(CorundumID)
	if c == nil {
		return 0, errors.New("refdb: corundum (" + CorundumID + "), the RIR reference, is missing")
	}
	_, scale, err := FromStructure(&c.Structure)
	return scale, err
}

func roundTo(x, q float64) float64 { return math.Round(x/q) * q }
