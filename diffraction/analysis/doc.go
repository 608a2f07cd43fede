// Package analysis is Bragg's analysis of a scan, the one sequence the
// command line, the window, the reports and the demo share.
//
// A [Pipeline] holds the reference database (a refdb.Store) and the
// settings ([Options]). [Pipeline.Open] reads a scan file and
// [Pipeline.Analyse] takes a scan in memory; both settle the wavelength
// (the override, else the file's, else an announced Cu Kα), then run the
// stages in order: find the peaks (twice with an internal standard: as
// measured, then on the axis fitted to the standard's lines) and identify
// the phases. The stages are one table in pipeline.go, so a new step (the
// whole-pattern fit) is one more entry there. A [Progress] function is told
// each stage as it starts, and a cancelled context stops the run between
// stages and during the search-match.
//
// [Options.Validate] is the one check of the settings: every caller, and
// the pipeline itself, runs it; its *[OptionsError] names the setting and
// the bad value. [PeakColumns] are the columns of a peak table, the same in
// the window, the command line's text and the workbook. [DemoScan]
// simulates the built-in demonstration pattern from the database's own
// structures.
package analysis
