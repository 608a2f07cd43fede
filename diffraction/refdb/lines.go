package refdb

import (
	"math"
	"sort"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// The reference lines of every phase are computed for these conditions.
const (
	// Lambda is Cu Kα1 (Hölzer et al. 1997, Phys. Rev. A 56, 4554), Å.
	Lambda = 1.5405929
	// TwoThetaMin and TwoThetaMax bound the computed lines (degrees): the
	// range of common laboratory scans.
	TwoThetaMin = 5.0
	TwoThetaMax = 120.0
	// MinIntensity drops lines weaker than 0.1 % of the strongest, as the
	// ICDD's calculated patterns do (intensities 1–999, strongest 999):
	// below the detection limit of laboratory scans, they were half of
	// the stored lines and a third of the time to load the database.
	// Patterns computed from the stored structure (any wavelength, the
	// GUI's simulation) keep every line.
	MinIntensity = 0.1
)

// ComputeLines simulates the reference stick pattern of a structure
// (crystal.Pattern at Lambda over TwoThetaMin–TwoThetaMax, with the
// structure's displacement parameters) and returns the lines by decreasing
// d, rounded as stored (d to 1e-6 Å, I to 0.01), and the unrounded
// reflections.
func ComputeLines(s *crystal.Structure) ([]Line, []crystal.Reflection, error) {
	refl, err := crystal.Pattern(s, Lambda, TwoThetaMin, TwoThetaMax, crystal.Options{})
	if err != nil {
		return nil, nil, err
	}
	var lines []Line
	for _, r := range refl {
		if r.Intensity < MinIntensity {
			continue
		}
		lines = append(lines, Line{
			D: math.Round(r.D*1e6) / 1e6, I: math.Round(r.Intensity*100) / 100,
			H: r.H, K: r.K, L: r.L, Multiplicity: r.Multiplicity,
		})
	}
	// By decreasing d; reflections at the same d (not equivalent, so
	// with their own intensities) by h, k, l, so that the order does not
	// depend on how the simulation enumerated them.
	sort.Slice(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.D != b.D {
			return a.D > b.D
		}
		if a.H != b.H {
			return a.H < b.H
		}
		if a.K != b.K {
			return a.K < b.K
		}
		return a.L < b.L
	})
	return lines, refl, nil
}
