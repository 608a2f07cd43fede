// Package identify decides which crystalline phases are in a sample, and
// how much of each, by fitting the whole measured pattern: the fast peak
// search of package match proposes candidates, and a Rietveld refinement
// (package refine) of the candidates against every point of the scan
// decides.
//
// # Decision
//
// Starting from the background alone (or from the phases the user
// requires), Run adds phases one at a time, as a forward stepwise
// regression does (N. R. Draper & H. Smith 1998, Applied Regression
// Analysis, 3rd ed., ch. 15):
//
//  1. Each candidate's calculated pattern at unit scale is compared with
//     what the current model leaves unexplained (obs − calc): the
//     decrease of the weighted sum of squares its best non-negative scale
//     would give, (Σ w·r·p)²/Σ w·p², ranks the candidates.
//  2. The best few are refined with the accepted phases (scales,
//     background, cells, specimen displacement, sizes, warm-started from
//     the current refinement), and the one that lowers χ² most is tested.
//  3. It is accepted only when the decrease of χ² is significant by an F
//     test of the nested models (W. C. Hamilton 1965, Acta Cryst. 18, 502:
//     the R-factor ratio test is this F test) at the level Alpha, with the
//     points counted as independent only as far as the residuals are:
//     the Durbin–Watson statistic d of the refinement gives the lag-one
//     correlation ρ = 1 − d/2 and, for residuals correlated as a first
//     order autoregressive series, the effective number of points
//     N·(1 − ρ)/(1 + ρ) (J.-F. Bérar & P. Lelann 1991, J. Appl. Cryst.
//     24, 1, who correct Rietveld standard uncertainties the same way) —
//     and when its scale is more than MinScaleSigma standard uncertainties
//     from zero, the uncertainty enlarged by the same correction.
//  4. A phase accepted earlier whose removal no longer worsens the fit
//     significantly is dropped (backward elimination).
//  5. Look-alikes of the accepted phase — other candidates with the same
//     space group, or matching the same peaks — are refined in its place:
//     one that fits significantly better replaces it; between fits the
//     data cannot tell apart by χ², the one whose database cell is the
//     lattice the data measured when the other's cell was held at its
//     bound, else the phase a laboratory sample is likelier to hold
//     (Prior), and the decision says so.
//  6. The peaks the model leaves unexplained are searched again (match),
//     so that minor phases whose lines were hidden under the major ones
//     become candidates, and the cycle repeats until no candidate passes.
//
// A final refinement of the accepted phases gives the weight fractions
// (Hill & Howard 1987, in refine) and the curves. Every candidate tried,
// accepted, rejected, dropped or replaced is recorded with the numbers
// that decided it (Result.Decisions), and every observed peak with the
// share of its intensity the model explains (Result.Peaks): what the
// answer does not explain is reported, never forced onto a phase.
package identify
