// Package peaks finds the background and the diffraction peaks of a powder
// scan.
//
// Find estimates the background by SNIP peak clipping on the LLS-transformed
// intensities (Ryan et al. 1988; Morháč et al. 1997), locates peaks at the
// minima of the Savitzky–Golay second derivative of the background-subtracted
// signal (Savitzky and Golay 1964), keeps those whose net height is
// statistically significant under counting statistics, and measures each
// one's position, height, width and area on the net signal. It is a peak
// search, not a profile fit: positions are good to a fraction of the step,
// widths and areas to a few per cent for isolated peaks.
//
// Kα2 is stripped by Rachinger's method when the scan's wavelength has a
// Kα2 line and Options.StripKa2 is set (the default). Without stripping, an
// unresolved Kα2 component widens its Kα1 peak and a resolved one is a
// peak of its own in the search; a profile fit then models the doublet.
//
// With Options.Profile set (pseudo-Voigt by default) each peak, or group of
// overlapping peaks, is fitted by Levenberg–Marquardt and reports fitted
// position, height, FWHM and area with standard uncertainties (Fit).
// Background alternatives (Background), 2θ axis corrections fitted from an
// internal standard (Axis, FitAxis) and Scherrer / Williamson–Hall size and
// strain (Scherrer, WilliamsonHall) complete the processing.
package peaks
