// Package app is Bragg's desktop window: widgets and event wiring over the
// diffraction packages, and nothing else.
//
// It turns events into calls and results into widgets and holds no science
// and no rules of its own. The domain work comes in through [Services],
// plain functions that main wires to the scan readers (every scan of a
// multi-scan file), analysis.Pipeline (over a refdb.Store),
// report.WriteFile and the Store's Import, and that tests replace with
// fakes. A scan is read once and analysed in steps off the UI goroutine
// (jobs.go): the peaks (the pipeline up to analysis.StagePeaks, shown at
// once), then the identification, which takes seconds; a change of a
// processing setting runs both, a phase decision the identification
// alone. The scan on display goes first, the others share the background
// lanes (one core fewer than the machine has); a step whose settings
// change is cancelled through its context, and the status bar shows the
// progress of the scan on display with Cancel. Every UI change goes
// through fyne.Do.
//
// [PatternView] is the interactive plot: a custom widget whose traces are
// rasterised by hand into a reused image (per-pixel-column min/max
// decimation), with axes, ticks and legend as a few Fyne canvas objects.
// It draws the scan on display with other open scans overlaid or in a
// waterfall (overlay.go), a whole-pattern fit with its difference strip
// (fitcurves.go) and the reference sticks in a pane under the pattern
// (stickpane.go), on a 2θ, d or Q axis and a linear, √ or log intensity
// scale whose ticks come from internal/figure, as do the exported plot
// (plotexport.go: the view becomes a figure.Figure, which the report's
// figure is too) and the plot's bar and View menu (plotmodes.go). The
// peak table lays out analysis.PeakColumns, the candidate table names
// phases with refdb.Phase.ShortName, the stick rows are
// refdb.Phase.Sticks, and phases and scans take their colours from
// internal/palette, as the exported report does. A table switching to
// another scan is laid out once (tables.go).
//
// The phase and candidate tables (phases.go) show the whole-pattern
// identification (identify.Result): the phases accepted with weight
// fraction ± esd, refined cell and size, the fit's Rwp and GoF, every
// candidate with what became of it and why, the peaks each phase explains
// and an always-visible count of the peaks and intensity left unexplained
// (a warning from an unexplained peak of 10 % of the strongest). The
// user's decisions are settings: accepting a candidate requires it
// (identify.Options.Require), rejecting it keeps it out (Reject), "refine
// only these" makes the phases the user's list (Phases), and "identify in
// the residual" requires the phases found and searches again.
//
// Each scan has its own settings (analysis.Options: processing,
// search-match, fit, element restraints from the side panel, the
// periodic-table picker in periodic.go and the advanced dialog in
// advanced.go, its manual background and its phase decisions), which
// analysis.Options.Validate judges; its message is the one a dialog
// shows. Every change goes through the scan's history (history.go), which
// Edit ▸ Undo and Redo walk back and forth, showing the analysis a state
// had without running it again. A workspace (.bragg, versioned JSON,
// workspacefile.go) saves the open scans with their settings, ranges and
// overlays; version 2 gives the settings snake_case keys of their own,
// and version-1 files still open. Files (files.go) open by drag and drop,
// from the recent list, from the desktop's file chooser or Bragg's own
// (several at once, a typed path or pattern); a file of several scans asks
// which to open, each on its own or merged (diffraction.Merge).
//
// Three more windows open over the main one. The database browser
// (dbbrowser.go) searches, shows, imports into, removes from and exports
// the refdb.Store of the services, as `bragg db` does, asking the user what
// to do with a structure already in the database (Store.ImportResolving),
// and overlays or accepts an entry in the scan on display.
// The teaching mode (teach.go, ewald.go) recomputes a phase's pattern with
// crystal.Pattern as the wavelength or the cell changes, writes Bragg's law
// out for the line selected and draws its Ewald construction. Both draw
// patterns with linePlot (simulate.go: lines at one angle merged and named
// by hkl) and compute through a worker that runs the latest request off
// the UI goroutine. About (about.go) gives the versions, the database's
// counts and the licences. [UI.ShowView] opens them by name.
//
// The package does not import fyne.io/fyne/v2/app, so it builds and tests
// with CGO_ENABLED=0 and renders offscreen through fyne.io/fyne/v2/test;
// [Snapshot] uses that to write a PNG of a window without a display.
// The application icon is assets.IconPNG, which main wraps as a Fyne
// resource.
package app
