package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// wavelengthLong describes a wavelength for the Summary sheet, e.g.
// "Cu Kα1 1.540593 Å, Kα2 1.544427 Å, I(Kα2)/I(Kα1) = 0.5".
func wavelengthLong(w diffraction.Wavelength) string {
	if !w.Known() {
		return "unknown"
	}
	var b strings.Builder
	if w.Anode != "" {
		b.WriteString(w.Anode + " ")
	}
	if w.Ka2 > 0 {
		fmt.Fprintf(&b, "Kα1 %.6f Å, Kα2 %.6f Å, I(Kα2)/I(Kα1) = %.3g", w.Ka1, w.Ka2, w.Ratio)
	} else {
		fmt.Fprintf(&b, "λ = %.6f Å", w.Ka1)
	}
	return b.String()
}

// wavelengthSource says in words where a wavelength came from. An assumed
// wavelength reads "assumed Cu Kα …", which the Summary sheet highlights.
func wavelengthSource(w diffraction.Wavelength) string {
	switch {
	case !w.Known():
		return "not given by the file; reference lines placed for Cu Kα1"
	case w.Source == diffraction.Assumed:
		return "assumed " + lineName(w) + ": the scan file gives no wavelength"
	case w.Source == diffraction.FromFile:
		return "read from the scan file"
	case w.Source == diffraction.FromFlag:
		return "given by the user"
	case w.Source == "":
		return "not stated"
	}
	return string(w.Source)
}

// wavelengthShort is the wavelength as the plot's axis label gives it.
func wavelengthShort(w diffraction.Wavelength) string {
	if !w.Known() {
		return "wavelength unknown (reference lines for Cu Kα1)"
	}
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

// phaseLabel names a phase in the figure's legend and above its matched
// lines: its short name and formula, "Calcite (CaCO3)".
func phaseLabel(p *refdb.Phase) string {
	name := p.ShortName()
	if p.Formula != "" && p.Formula != name {
		name += " (" + p.Formula + ")"
	}
	return name
}

// hkl writes Miller indices as "1 0 4".
func hkl(l refdb.Line) string { return fmt.Sprintf("%d %d %d", l.H, l.K, l.L) }

// metaOrder lists the well-known Scan.Meta keys first, in this order, with
// their labels; other keys follow sorted.
var metaOrder = []struct{ key, label string }{
	{"sample", "Sample"},
	{"date", "Measured"},
	{"instrument", "Instrument"},
	{"axis", "Scan axis"},
	{"units", "Intensity units"},
	{"counting_time", "Counting time"},
	{"comment", "Comment"},
}

// metaRows returns the metadata as label, value pairs in display order,
// skipping empty values.
func metaRows(meta map[string]string) [][2]string {
	var rows [][2]string
	known := make(map[string]bool, len(metaOrder))
	for _, m := range metaOrder {
		known[m.key] = true
		if v := meta[m.key]; v != "" {
			rows = append(rows, [2]string{m.label, v})
		}
	}
	rest := make([]string, 0, len(meta))
	for k := range meta {
		if !known[k] && meta[k] != "" {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		rows = append(rows, [2]string{k, meta[k]})
	}
	return rows
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
