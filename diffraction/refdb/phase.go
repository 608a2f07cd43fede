package refdb

import "github.com/bragg-xrd/bragg/diffraction/crystal"

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
	// merged into this one (the best structure is kept).
	Duplicates []string          `json:"duplicates,omitempty"`
	Structure  crystal.Structure `json:"structure"`
	Lines      []Line            `json:"lines"` // Cu Kα1 stick pattern, by decreasing d
}
