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
//	y_c,i = b_i + Σ_p S_p Σ_hkl Σ_λ w_λ·m·|F|²·LP·PO·exp(−B/(2d²))·Φ(2θ_i − 2θ_hkl,λ − Δ)
//
// with
//
//   - b, a Chebyshev polynomial (6 terms by default), or a background
//     given by the caller and held fixed, optionally with a refined
//     Chebyshev correction;
//   - S_p, the scale of phase p (|F|² in electrons² per cell);
//   - m and |F|², the multiplicity and structure factor of each Laue
//     orbit from crystal.Pattern at the structure's cell, with anomalous
//     dispersion for the usual anode lines. When the cell is refined, d
//     follows the refined cell and |F|² is kept: the change of the form
//     factors with d (under 1e-3 for a 1 % cell change) is neglected;
//   - w_λ, 1 for Kα1 and the Wavelength's ratio for Kα2 (Kβ is taken as
//     filtered out);
//   - LP, the Lorentz–polarisation factor of crystal (Options.LP) with the
//     instrument's monochromator, times sinθ for a variable divergence slit
//     (Instrument.VariableSlit);
//   - PO, March–Dollase preferred orientation along one direction per
//     phase (W. A. Dollase 1986, J. Appl. Cryst. 19, 267), averaged over
//     the Laue orbit of each reflection;
//   - B, an optional overall displacement factor added to the structure's;
//   - Φ, the Thompson–Cox–Hastings pseudo-Voigt (P. Thompson, D. E. Cox &
//     J. B. Hastings 1987, J. Appl. Cryst. 20, 79) with Gaussian width
//     Γ_G² = U tan²θ + V tanθ + W + P/cos²θ from the instrument and
//     Lorentzian width Γ_L = X tanθ + Y/cosθ from the instrument plus, per
//     phase, crystallite size (Scherrer, K = 0.9, in the 1/cosθ term) and
//     microstrain (4ε·tanθ), convolved with the axial-divergence
//     asymmetry of L. W. Finger, D. E. Cox & A. P. Jephcoat (1994), J.
//     Appl. Cryst. 27, 892, by Gauss–Legendre quadrature in √(2θ − 2φ)
//     (see fcj for its accuracy);
//   - Δ = Z − 2s·cosθ/R·(180/π), zero shift and specimen displacement, as
//     in peaks.Axis.
//
// A line is evaluated within 20·√η FWHM of its centre and at least the
// reach of its Gaussian part (see window for the error). Cells are
// refined as the coefficients of the reciprocal metric tensor in the
// subspace the symmetry allows, which handles every crystal system and
// setting without case analysis; they stay within Options.CellBound of
// the structure's.
//
// # Refinement
//
// Fit minimises χ² = Σ w_i (y_i − y_c,i)², w = 1/σ² from counting
// statistics, by Levenberg–Marquardt with analytic derivatives (scales
// and background linear; positions and widths through the profile's
// derivatives with respect to its centre, Γ_G and Γ_L; the asymmetry by
// differences), in stages (DefaultStages), with bounds on every parameter
// and physical Gaussian widths. Parameters without effect or linearly
// dependent on others are detected by pivoted Cholesky factorisation of
// the normal matrix, fixed and reported; a stage that cannot improve
// stops with the best state reached. The first stage that refines cells
// runs first on broadened lines (Options.CoarseWidth), with the line
// profile held, so that cells 2 % off still converge. Standard
// uncertainties come from the inverse normal matrix scaled by GoF =
// χ²/(N−P).
//
// The zero shift is held by default: it is nearly collinear with the
// specimen displacement (see DefaultStages); FitInstrument determines it
// from a standard, or Phase.KnownCell marks an internal standard.
//
// Weight fractions follow R. J. Hill & C. J. Howard (1987), J. Appl.
// Cryst. 20, 467: W_p = S_p(ZMV)_p/Σ S(ZMV). Result.InternalStandard gives
// absolute fractions and the amorphous content with an internal standard.
//
// # Identification
//
// Phase.Profile is a phase's unit-scale pattern and Screen a
// non-negative linear fit of many candidates at once, to choose which to
// refine; Options.From starts a refinement from an earlier result (a
// phase added or removed, the same phases on new data).
//
// # Limits
//
// Not modelled: microabsorption (Brindley 1945), which biases the
// fractions of phases of very different absorption and particle size;
// anisotropic size or strain broadening; surface roughness (an overall B
// absorbs part of it); the absorption of thin specimens; more than one
// orientation direction per phase; atomic positions and occupancies,
// which stay those of the structure.
package refine
