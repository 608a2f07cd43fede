package refdb

import (
	"strings"
	"unicode"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// CleanName tidies a name read from a CIF: the CIF 1.1 markup of Greek
// letters and a few signs turned into Unicode, runs of spaces as one, a
// formula written with spaces ("W O3") without them, "?" or "." (CIF's
// unknown and inapplicable) as "", and a name that starts in lower case
// with a capital, as a list of phases writes it (capitalized).
func CleanName(n string) string {
	n = strings.Join(strings.Fields(cifText.Replace(n)), " ")
	if n == "?" || n == "." {
		return ""
	}
	if f, ok := CompactFormula(n); ok {
		return f
	}
	return capitalized(n)
}

// capitalized returns n with its first letter in upper case when it is a
// lower-case Latin letter ("zinc cyanamide" → "Zinc cyanamide"), after a
// prefix of Greek letters ("ν-dysprosium borate" → "ν-Dysprosium
// borate"). A first word with another prefix ("n-butyl…", "cis-…",
// "o-xylene") is left as it is: the prefix is part of the name in its
// case, and a capital would change it ("N-" names a substituent on
// nitrogen).
func capitalized(n string) string {
	first, _, _ := strings.Cut(n, " ")
	i := 0
	if pre, _, ok := strings.Cut(first, "-"); ok {
		for _, r := range pre {
			if !unicode.Is(unicode.Greek, r) {
				return n
			}
		}
		i = len(pre) + 1
	}
	if i < len(n) && 'a' <= n[i] && n[i] <= 'z' {
		return n[:i] + strings.ToUpper(n[i:i+1]) + n[i+1:]
	}
	return n
}

// DefaultName names a structure that nobody named: the CIF's chemical
// name, else its mineral name (both cleaned, see CleanName), else "".
func DefaultName(s *crystal.Structure) string {
	for _, n := range []string{s.ChemicalName, s.Mineral} {
		if n = CleanName(n); n != "" {
			return n
		}
	}
	return ""
}

// cifText turns the CIF 1.1 markup of Greek letters and a few signs
// (International Tables Vol. G, 2.2.5.2) into Unicode.
var cifText = strings.NewReplacer(
	`\a`, "α", `\b`, "β", `\g`, "γ", `\d`, "δ", `\e`, "ε", `\z`, "ζ", `\h`, "η", `\q`, "θ",
	`\k`, "κ", `\l`, "λ", `\m`, "μ", `\n`, "ν", `\p`, "π", `\r`, "ρ", `\s`, "σ", `\t`, "τ",
	`\f`, "φ", `\c`, "χ", `\y`, "ψ", `\w`, "ω", `\A`, "Α", `\B`, "Β", `\G`, "Γ", `\D`, "Δ",
	`\%a`, "å", `\%A`, "Å", `\"o`, "ö", `\"u`, "ü", `\"a`, "ä", "_", " ",
	// Older COD entries (from the Inorganic Crystal Structure Database's
	// names) spell the letter of a polymorph out after "$-", as in
	// "Silicon nitride - $-beta".
	"$-alpha", "α", "$-beta", "β", "$-gamma", "γ", "$-delta", "δ", "$-epsilon", "ε")
