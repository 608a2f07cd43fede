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
	// Pairs are the matched lines (Kα1 positions); Ka2Pairs the observed
	// peaks that are the resolved Kα2 components of matched lines.
	Pairs    []Pair
	Ka2Pairs []Pair
}

// Result is the outcome of an identification.
type Result struct {
	Phases     []Candidate // what Bragg concludes is in the sample
	Candidates []Candidate // ranked list, best first
	// Searched is the number of phases scored (those the element
	// restraints admit).
	Searched int
}
