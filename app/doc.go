// Package app is Bragg's desktop window: widgets and event wiring over the
// diffraction packages, and nothing else.
//
// It turns events into calls and results into widgets and holds no science
// and no rules of its own. The domain work comes in through [Services],
// plain functions that main wires to analysis.Pipeline (over a
// refdb.Store), report.WriteFile and the Store's Import, and that tests
// replace with fakes. A load runs off the UI goroutine with a context that
// a newer load of the same scan cancels; the scan list shows the stage it
// is at (analysis.Progress). Every UI change goes through fyne.Do.
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
// The settings in force (analysis.Options: background, Kα2 stripping,
// profile, significance, wavelength override, element restraints) are
// edited in a side panel; analysis.Options.Validate judges them, and its
// message is the one a dialog shows. Applying them re-runs the scan on
// display, and other scans when they are shown next. A workspace (.bragg,
// versioned JSON, workspacefile.go) saves the open scans, the settings and
// the overlays shown; version 2 gives the settings snake_case keys of
// their own, and version-1 files still open.
//
// Three more windows open over the main one. The database browser
// (dbbrowser.go) searches, shows, imports into, removes from and exports
// the refdb.Store of the services, as `bragg db` does, asking the user what
// to do with a structure already in the database (Store.ImportResolving).
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
