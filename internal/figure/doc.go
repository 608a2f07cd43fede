// Package figure draws powder patterns as the window shows them, for
// export to PNG, SVG and PDF and for the report, and holds what the
// window's interactive plot shares with it: the units of the horizontal
// axis (2θ, d, Q), the intensity scales (linear, square root, log) and
// their ticks.
package figure
