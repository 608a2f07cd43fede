package report

import (
	"fmt"
	"sort"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// wavelengthShort is the wavelength as the figure's axis label gives it.
func wavelengthShort(w diffraction.Wavelength) string {
	s := fmt.Sprintf("λ = %.5f Å", w.Ka1)
	if w.Anode != "" {
		s = lineName(w) + ", " + s
	}
	if w.Source == diffraction.Assumed {
		s += " (assumed)"
	}
	return s
}

// lineName is "Cu Kα" for a doublet, "Cu Kα1" for the single line of an
// anode, or "λ = … Å".
func lineName(w diffraction.Wavelength) string {
	switch {
	case w.Anode != "" && w.Ka2 > 0:
		return w.Anode + " Kα"
	case w.Anode != "":
		if a, ok := diffraction.AnodeWavelength(w.Anode); ok && a.Ka1 == w.Ka1 {
			return w.Anode + " Kα1"
		}
		return w.Anode
	}
	return fmt.Sprintf("λ = %.5f Å", w.Ka1)
}

// phaseLabel names a phase in the figure's legend and the verdict: its
// short name and formula, "Calcite (CaCO3)".
func phaseLabel(p *refdb.Phase) string {
	name := p.ShortName()
	if p.Formula != "" && p.Formula != name {
		name += " (" + p.Formula + ")"
	}
	return name
}

// hkl writes Miller indices as "1 0 4".
func hkl(h, k, l int) string { return fmt.Sprintf("%d %d %d", h, k, l) }

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
