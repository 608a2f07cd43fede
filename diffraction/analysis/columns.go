package analysis

import (
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
