// Package palette holds the colours that tell phases apart, in one order
// for every view: the i-th phase has the same colour in the window, in the
// exported figure and in anything else that draws phases.
//
// The identified phases take the colours in the order of
// match.Result.Phases; other candidates the GUI overlays continue after
// them. The hues are the "tab10" qualitative palette of matplotlib and
// Vega (after Tableau 10) without its blue, red and grey, which the views
// use for the measured trace, the peak markers and the background.
//
// Scans drawn together (overlay, waterfall) take the colours of Scan, in
// the order of the window's scan list: darker hues, apart from the
// phases' and readable on a light and a dark background.
package palette

import "image/color"

var phases = [...]color.NRGBA{
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
	{0xbc, 0xbd, 0x22, 0xff}, // olive
}

// Phase returns the colour of the i-th phase (0-based), cycling through
// the palette; a negative i counts as its remainder.
func Phase(i int) color.NRGBA {
	n := len(phases)
	return phases[(i%n+n)%n]
}

// Len is the number of distinct phase colours.
const Len = len(phases)

var scans = [...]color.NRGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0x00, 0x89, 0x7b, 0xff}, // teal
	{0xc7, 0x91, 0x00, 0xff}, // goldenrod
	{0xc2, 0x18, 0x5b, 0xff}, // crimson, after two others: the peak markers are red
	{0x39, 0x49, 0xab, 0xff}, // indigo
	{0x54, 0x6e, 0x7a, 0xff}, // blue-grey
}

// Scan returns the colour of the i-th of several scans drawn together
// (0-based), cycling; a negative i counts as its remainder.
func Scan(i int) color.NRGBA {
	n := len(scans)
	return scans[(i%n+n)%n]
}
