// Package report writes the result of a Bragg analysis as an Excel workbook
// (.xlsx) a laboratory can hand out and audit, draws its figure, and runs
// the batch that reports a folder of scans.
//
// # Workbook
//
// Write and WriteFile take an Input (FromAnalysis fills it from an
// analysis; the caller adds the lab's fields, Lab, from flags, a template
// file read by LoadLab, or a dialog). The sheets, in the order a reader
// reads them:
//
//   - Summary: the verdict (phases and amounts, the fit's agreement, and
//     a warning when peaks or intensity are left unexplained or the
//     wavelength is assumed), the sample and lab fields, the measurement
//     (the radiation stated once, with where it came from), every
//     processing and search-match setting in words with the element
//     restraints, the database and program, sign-off lines and the figure.
//   - Phases: the accepted phases with their database card (space group,
//     cell, source, citation, licence) and, with a whole-pattern fit, the
//     refined cell, size and orientation with their uncertainties.
//   - Candidates: the ranked search-match list with the parts of each
//     figure of merit (match.FOMParts), and what the whole-pattern
//     identification did with each candidate it tried, and why.
//   - Assignments: each accepted phase's lines matched to observed peaks,
//     with d and 2θ at the phase's fitted cell, and Δ2θ.
//   - Peaks: the peak list (analysis.PeakColumns), the Scherrer size, and
//     the phases and hkl that explain each peak, strong unexplained ones
//     marked.
//   - Data: the pattern point by point (with a fit: observed, background,
//     calculated, difference) and a native chart.
//
// Every table sheet holds one table with a frozen, filtered header that
// repeats on printed pages. Printed, the report is the Summary on one
// portrait page, the tables one page wide (the Candidates and the
// Assignments, an audit trail, one page each; the Peaks one page up to 100
// rows), and the Data sheet as its chart (its print area): six pages for a
// scan of a mixture.
//
// With the whole-pattern identification (Input.Identification, package
// identify: the pipeline's answer unless it ran --quick) its phases are the
// accepted ones, quantified by Hill and Howard's method; its explanation of
// each peak says what is unexplained; its reflections at the refined cells
// are the lines assigned to peaks; its decisions stand beside the
// candidates. Without it, search-match's phases are, by the RIR method.
//
// # Figure
//
// NewFigure builds the annotated pattern (the observed scan with its
// background, or with the whole-pattern fit the calculated pattern and the
// difference curve in a strip under it, the peaks, and a stick pane with a
// row per phase, the hkl of its strongest lines over it); Figure.Write
// writes it as PNG, SVG or PDF at a physical Size, and Figure.Image draws
// it for a window. internal/figure draws it, as it draws the window's
// exported plot; the Summary sheet shows the same figure.
//
// # Batch
//
// Batch analyses many scans (files, or folders searched for scan files)
// on every core, writes a workbook for each and a summary workbook with a
// row per scan, reports progress to a function and stops cleanly when its
// context is cancelled: every file it leaves is complete.
//
// What the window also shows comes from one place: phase names from
// refdb.Phase.DisplayName and ShortName, stick patterns from
// refdb.Phase.Sticks, phase colours from internal/palette (the i-th
// accepted phase has the window's colour), and the Peaks sheet's columns
// and decimals from analysis.PeakColumns.
package report
