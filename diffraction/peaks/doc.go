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
// Kα2 is not stripped. A Kα2 component that is not resolved from its Kα1
// peak (a shoulder without a dip between them, the usual case below about
// 2θ = 60–80° for Cu) is not reported as a peak of its own; it widens the
// reported Kα1 peak instead. A Kα2 component that is resolved at high angle
// shows as a separate, weaker peak and is reported as such.
package peaks
