package match

import "github.com/bragg-xrd/bragg/diffraction/refdb"

// Pair links one observed peak to the reference line it was matched with.
type Pair struct {
	Peak  int     // index into the observed peak list
	Line  int     // index into Phase.Lines
	Delta float64 // observed − reference 2θ, degrees
}

// Candidate is one reference phase scored against the observed peaks.
type Candidate struct {
	Phase *refdb.Phase
	// FOM is the figure of merit, 0–100: 100 when every strong reference
	// line is observed at its exact position with the expected intensity,
	// and the match is too good to be chance (Significance).
	FOM float64
	// Significance is −log10 of the probability that as many of the
	// phase's visible lines fall on observed peaks by chance.
	Significance float64
	// Scale multiplies the phase's relative line intensities (0–100) onto
	// the observed relative integrated intensities (net peak areas, the
	// largest = 100): the least-squares fit over the matched peaks.
	Scale float64
	// Strain is the relative change applied to all the phase's d-spacings
	// to line them up with the data (d_used = d_ref·(1+Strain)).
	Strain float64
	// WeightPercent is the estimated mass fraction in per cent (RIR method),
	// set only for phases concluded to be present.
	WeightPercent float64
	// Parts are the factors FOM is the product of, for reports that show
	// why a candidate ranks where it does.
	Parts FOMParts
	// Pairs are the matched lines (Kα1 positions); Ka2Pairs the observed
	// peaks that are the resolved Kα2 components of matched lines.
	Pairs    []Pair
	Ka2Pairs []Pair
}

// FOMParts are the factors of a figure of merit, each 0–1 (see scoreAt):
//
//	FOM = 100 · Coverage · (0.6 + 0.4·Explained) · (0.7 + 0.3·Position) · (0.7 + 0.3·Intensity) · Strain · Chance
type FOMParts struct {
	// Coverage is the fraction of the phase's reference intensity (lines
	// in range) that is observed.
	Coverage float64
	// Explained is the fraction of the observed integrated intensity the
	// phase accounts for.
	Explained float64
	// Position is the position agreement, 1 − mean |Δ2θ|/window weighted
	// by intensity.
	Position float64
	// Intensity is the intensity agreement, 1 − Σ|Iobs − s·Iref|/ΣIobs
	// over the matched peaks.
	Intensity float64
	// Strain is the penalty for the strain applied, 1 − ½(ε/εmax)².
	Strain float64
	// Chance weighs the match by its significance, min(1, −log10 p /
	// log10(N/α)): below 1 when chance could line up as many lines.
	Chance float64
}

// Result is the outcome of an identification.
type Result struct {
	Phases     []Candidate // what Bragg concludes is in the sample
	Candidates []Candidate // ranked list, best first
	// Searched is the number of phases scored (those the element
	// restraints admit).
	Searched int
}
