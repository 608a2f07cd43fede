// Package refine is Bragg's whole-pattern model and Rietveld refinement
// engine for phases of known structure: it fits scales, cells, line
// profiles, preferred orientation and the 2θ axis of several phases to a
// measured scan, and turns the scales into weight fractions.
//
// # Model
//
// The calculated intensity at 2θ_i is (H. M. Rietveld 1969, J. Appl.
// Cryst. 2, 65–71; R. A. Young, ed., 1993, The Rietveld Method, IUCr/OUP,
// ch. 1; ITC Vol. C, 2004, §8.6)
//
//		y_c,i = b_i + Σ_p S_p Σ_hkl Σ_λ w_λ·m·|F|²·LP·PO·exp(−B/(2d²))·Φ(2θ_i − 2θ_hkl,λ − Δ)
//
//	  - b: a Chebyshev polynomial (6 terms by default), or a background
//	    given by the caller and held fixed, optionally with a refined
//	    Chebyshev correction.
//	  - S_p: the scale of phase p; |F|² in electrons² per cell.
//	  - m, |F|²: multiplicity and structure factor of each Laue orbit from
//	    crystal.Pattern at the structure's cell, with anomalous dispersion
//	    for the usual anode lines. When the cell is refined, d follows the
//	    refined cell and |F|² is kept (the change of the form factors with
//	    d, under 1e-3 for a 1 % cell change, is neglected).
//	  - w_λ: 1 for Kα1 and the Wavelength's ratio for Kα2.
//	  - LP: the Lorentz–polarisation factor of crystal (Options.LP), with the
//	    instrument's monochromator.
//	  - PO: March–Dollase preferred orientation along one direction per
//	    phase (W. A. Dollase 1986, J. Appl. Cryst. 19, 267), averaged over
//	    the Laue orbit of each reflection.
//	  - B: an optional overall displacement factor added to the
//	    structure's.
//	  - Φ: the Thompson–Cox–Hastings pseudo-Voigt (P. Thompson, D. E. Cox &
//	    J. B. Hastings 1987, J. Appl. Cryst. 20, 79) with Gaussian width
//	    Γ_G² = U tan²θ + V tanθ + W + P/cos²θ from the instrument and
//	    Lorentzian width Γ_L = X tanθ + Y/cosθ from the instrument plus, per
//	    phase, crystallite size (Scherrer, K = 0.9, in the 1/cosθ term) and
//	    microstrain (4ε·tanθ), convolved with the axial-divergence
//	    asymmetry of L. W. Finger, D. E. Cox & A. P. Jephcoat (1994), J.
//	    Appl. Cryst. 27, 892, by Gauss–Legendre quadrature.
//	  - Δ = Z − 2s·cosθ/R·(180/π): zero shift and specimen displacement, as
//	    in peaks.Axis.
//
// Each line is evaluated within ±20 FWHM (plus its asymmetry); see
// window for the error. Cells are refined as the coefficients of the
// reciprocal metric tensor in the subspace the symmetry allows, which
// handles every crystal system and setting.
//
// # Refinement
//
// Fit minimises Σ w_i (y_i − y_c,i)², w = 1/σ² from counting statistics,
// by Levenberg–Marquardt with analytic derivatives, in stages
// (DefaultStages), with bounds on every parameter, detection of
// parameters without effect or linearly dependent on others (fixed and
// reported), and divergence reported in the result's log with the best
// state reached. Standard uncertainties come from the inverse normal
// matrix scaled by χ²/(N−P).
//
// Weight fractions follow Hill & Howard (1987), J. Appl. Cryst. 20, 467:
// W_p = S_p(ZMV)_p/Σ S(ZMV). Result.InternalStandard gives absolute
// fractions and the amorphous content with an internal standard.
//
// FitInstrument fits the instrumental profile to a scan of a standard;
// Instrument values are saved and loaded as JSON.
package refine
