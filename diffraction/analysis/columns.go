package analysis

import (
	"math"
	"strconv"

	"github.com/bragg-xrd/bragg/diffraction"
)

// PeakColumn is one column of a peak table: what it is called, its unit,
// how many decimals a value is shown with and the value itself. The window,
// the command line's text output and the workbook all lay out PeakColumns,
// so that a peak reads the same everywhere.
type PeakColumn struct {
	Title string
	// Unit is the unit after the title; with Intensity it follows the
	// scan's intensity unit ("counts·°").
	Unit      string
	Intensity bool
	Decimals  int
	Value     func(p diffraction.Peak) float64
}

// PeakColumns are the columns of a peak list, in order: 2θ, d, net height,
// net area, FWHM and height relative to the strongest peak. Decimals follow
// what the measurement resolves: 0.001° in 2θ and width, 0.0001 Å in d.
var PeakColumns = []PeakColumn{
	{Title: "2θ", Unit: "°", Decimals: 3, Value: func(p diffraction.Peak) float64 { return p.TwoTheta }},
	{Title: "d", Unit: "Å", Decimals: 4, Value: func(p diffraction.Peak) float64 { return p.D }},
	{Title: "Height", Intensity: true, Decimals: 0, Value: func(p diffraction.Peak) float64 { return p.Height }},
	{Title: "Area", Intensity: true, Unit: "·°", Decimals: 1, Value: func(p diffraction.Peak) float64 { return p.Area }},
	{Title: "FWHM", Unit: "°", Decimals: 3, Value: func(p diffraction.Peak) float64 { return p.FWHM }},
	{Title: "I rel", Unit: "%", Decimals: 1, Value: func(p diffraction.Peak) float64 { return p.RelIntensity }},
}

// Header is the column's title with its unit, "2θ (°)" or, for a scan in
// counts, "Area (counts·°)". A view that states the intensity unit
// elsewhere (the window's axis) passes "": the intensity columns then have
// none ("Area").
func (c PeakColumn) Header(intensityUnit string) string {
	u := c.Unit
	if c.Intensity {
		if intensityUnit == "" {
			return c.Title
		}
		u = intensityUnit + u
	}
	if u == "" {
		return c.Title
	}
	return c.Title + " (" + u + ")"
}

// Format writes the column's value for p with the column's decimals.
func (c PeakColumn) Format(p diffraction.Peak) string {
	return strconv.FormatFloat(c.Value(p), 'f', c.Decimals, 64)
}

// esdDecimals is the number of decimals (0–8) that writes a standard
// uncertainty as 2 to 19 units of its last digit, the "rule of 19" of the
// IUCr's Notes for Authors: its first significant digit, or its second
// when the first is 1 ("0.3", "0.15", "6", "15").
func esdDecimals(esd float64) int {
	d := 0
	for e := esd; e < 1.95 && d < 8; e *= 10 {
		d++
	}
	return d
}

// hasESD reports whether esd is an uncertainty to write: positive and
// finite.
func hasESD(esd float64) bool { return esd > 0 && !math.IsInf(esd, 0) }

// WithESD writes a value with its standard uncertainty in parentheses, in
// units of its last digit (esdDecimals): "9.5140(14)", "3.7852(2)", as
// crystallographers write cells. Without an uncertainty (0, or not
// finite) the value alone, with digits decimals.
func WithESD(v, esd float64, digits int) string {
	if !hasESD(esd) {
		return strconv.FormatFloat(v, 'f', digits, 64)
	}
	d := esdDecimals(esd)
	return strconv.FormatFloat(v, 'f', d, 64) + "(" + strconv.FormatFloat(esd*math.Pow(10, float64(d)), 'f', 0, 64) + ")"
}

// PlusMinus writes a value with its standard uncertainty, "36.3 ± 0.1",
// both to esdDecimals's decimal, so that a small uncertainty is never
// rounded to "± 0"; at least minDecimals decimals (a weight per cent
// keeps its tenth: "88.8 ± 2.0"). Without an uncertainty (0, or not
// finite) the value alone, to minDecimals.
func PlusMinus(v, esd float64, minDecimals int) string {
	if !hasESD(esd) {
		return strconv.FormatFloat(v, 'f', minDecimals, 64)
	}
	d := max(esdDecimals(esd), minDecimals)
	return strconv.FormatFloat(v, 'f', d, 64) + " ± " + strconv.FormatFloat(esd, 'f', d, 64)
}
