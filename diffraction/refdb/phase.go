package refdb

import (
	"cmp"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// Line is one reference reflection, computed for Cu Kα1.
type Line struct {
	D            float64 `json:"d"` // d-spacing, Å
	I            float64 `json:"i"` // relative intensity, strongest = 100
	H, K, L      int
	Multiplicity int `json:"m"`
}

// Phase is one entry of the reference database.
type Phase struct {
	ID      string `json:"id"` // stable: "cod:9008460", "bragg:goethite"
	Name    string `json:"name"`
	Mineral string `json:"mineral,omitempty"`
	Formula string `json:"formula"` // reduced, element-count form: "CaCO3", "Al2O3", "Al2Si2H4O9"
	// ChemicalFormula is the formula as a chemist writes it, with groups
	// and hydrate water where known: "CaSO4·2H2O", "Al2Si2O5(OH)4";
	// otherwise Formula.
	ChemicalFormula string   `json:"chemical_formula"`
	Elements        []string `json:"elements"`
	System          string   `json:"crystal_system"`
	Z               float64  `json:"z"`
	Volume          float64  `json:"volume"`  // Å³
	Density         float64  `json:"density"` // calculated, g/cm³
	RIR             float64  `json:"rir"`     // calculated I/Ic against corundum
	Source          string   `json:"source"`  // where the structure came from (folder and file, or publication)
	License         string   `json:"license"`
	Citation        string   `json:"citation,omitempty"`
	Computed        bool     `json:"computed,omitempty"` // structure from a calculation (DFT) or an idealised model, not a measurement
	// Common marks the phases met every day in laboratories (the curated
	// list of the database): among candidates the data cannot tell apart,
	// search-match ranks them first.
	Common bool `json:"common,omitempty"`
	// PartialOccupancy flags a structure with sites not fully occupied
	// (disorder, solid solution).
	PartialOccupancy bool `json:"partial_occupancy,omitempty"`
	// MissingH flags a structure whose source gives hydrogen in the formula
	// but not all of its sites: its pattern lacks those H's (small)
	// contribution; Formula includes the H.
	MissingH bool `json:"missing_h,omitempty"`
	// Repairs says how the structure in the file was repaired to pass the
	// sanity gate (see Vet); empty when it was used as given.
	Repairs string `json:"repairs,omitempty"`
	// Duplicates are the IDs of other entries of the same phase that were
	// merged into this one (the best structure is kept), or, for a user
	// entry, that it replaces (see Replace).
	Duplicates []string          `json:"duplicates,omitempty"`
	Structure  crystal.Structure `json:"structure"`
	Lines      []Line            `json:"lines"` // Cu Kα1 stick pattern, by decreasing d
}

// DisplayName is how Bragg names a phase in lists, tables and reports:
// "Name (Mineral)" when the mineral name says something the name does not
// ("Iron(III) oxide (alpha) (Hematite)", but "Calcium carbonate
// (calcite)"), else whichever of the two there is, else the ID.
func (p *Phase) DisplayName() string {
	switch {
	case p.Name != "" && p.Mineral != "" && !strings.Contains(strings.ToLower(p.Name), strings.ToLower(p.Mineral)):
		return p.Name + " (" + p.Mineral + ")"
	case p.Name != "":
		return p.Name
	case p.Mineral != "":
		return p.Mineral
	}
	return p.ID
}

// ShortName is the name for narrow places (a legend, a table cell that
// names the phases of a peak): the mineral name, which is what a user
// knows most phases by, else the name, else the ID.
func (p *Phase) ShortName() string {
	switch {
	case p.Mineral != "":
		return p.Mineral
	case p.Name != "":
		return p.Name
	}
	return p.ID
}

// Stick is one line of a stick pattern.
type Stick struct {
	TwoTheta float64 // degrees
	I        float64 // relative intensity, on the scale of Line.I
	D        float64 // d-spacing, Å, strain included
	// H, K, L index the strongest reflection at this angle (the first
	// listed of equally strong ones).
	H, K, L int
}

// Sticks returns the phase's stick pattern at wavelength lambda (Å), with
// every d-spacing scaled by 1 + strain (the strain search-match fitted, 0
// for the reference as computed): 2θ by Bragg's law, ascending, lines past
// 2θ = 180° left out. Reflections at the same angle (symmetry-distinct hkl
// of equal d, such as quartz 101 and 011) add into one stick, as a
// measurement sees them; the stick keeps the indices of the strongest.
func (p *Phase) Sticks(lambda, strain float64) []Stick {
	out := make([]Stick, 0, len(p.Lines))
	for _, l := range p.Lines {
		d := l.D * (1 + strain)
		if tt, ok := diffraction.TwoTheta(d, lambda); ok {
			out = append(out, Stick{TwoTheta: tt, I: l.I, D: d, H: l.H, K: l.K, L: l.L})
		}
	}
	slices.SortStableFunc(out, func(a, b Stick) int { return cmp.Compare(a.TwoTheta, b.TwoTheta) })
	merged := out[:0]
	for _, s := range out {
		// 0.001° is far below any measured peak width.
		if n := len(merged); n > 0 && s.TwoTheta-merged[n-1].TwoTheta < 1e-3 {
			m := &merged[n-1]
			if s.I > m.I {
				m.H, m.K, m.L = s.H, s.K, s.L
			}
			m.I += s.I
			continue
		}
		merged = append(merged, s)
	}
	return merged
}
