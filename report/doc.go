// Package report writes the result of a Bragg analysis as an Excel workbook
// (.xlsx) and draws the figure that goes with it.
//
// The workbook has four sheets, in the order a user reads them:
//
//   - Summary: the scan (file, format, wavelength and where it came from,
//     range, step, header metadata), the processing settings, the table of
//     identified phases and the figure.
//   - Phases: the ranked search-match candidates, then for each identified
//     phase the list of reference lines matched to observed peaks.
//   - Peaks: the observed peak list and the phases that explain each peak.
//   - Data: the pattern point by point (2θ, intensity, and background and
//     net intensity when there is a background) with a native scatter chart.
//
// The table sheets have bold, frozen header rows that repeat on every
// printed page; every sheet prints landscape, one page wide, with the scan's
// name and page numbers in the footer. The figure is drawn with gonum/plot
// by Plot.
//
// What the window also shows comes from one place: phase names from
// refdb.Phase.DisplayName and ShortName, stick patterns from
// refdb.Phase.Sticks (at the fitted strain), phase colours from
// internal/palette (the i-th identified phase has the window's colour),
// and the Peaks sheet's columns and decimals from analysis.PeakColumns.
package report
