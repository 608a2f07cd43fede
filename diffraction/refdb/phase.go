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
	ID        string            `json:"id"` // stable: "cod:9008460", "bragg:goethite"
	Name      string            `json:"name"`
	Mineral   string            `json:"mineral,omitempty"`
	Formula   string            `json:"formula"` // reduced, element-count form: "CaCO3", "Al2O3"
	Elements  []string          `json:"elements"`
	System    string            `json:"crystal_system"`
	Z         float64           `json:"z"`
	Volume    float64           `json:"volume"`  // Å³
	Density   float64           `json:"density"` // calculated, g/cm³
	RIR       float64           `json:"rir"`     // calculated I/Ic against corundum
	Source    string            `json:"source"`  // where the structure came from (folder and file, or publication)
	License   string            `json:"license"`
	Citation  string            `json:"citation,omitempty"`
	Computed  bool              `json:"computed,omitempty"` // structure from a calculation (DFT), not a measurement
	Structure crystal.Structure `json:"structure"`
	Lines     []Line            `json:"lines"` // Cu Kα1 stick pattern, by decreasing d
}
