// Package app is Bragg's desktop window: a thin Fyne front end over the
// diffraction packages.
//
// It turns events into calls and results into widgets and holds no science
// of its own. The domain work (reading a scan, finding peaks, identifying
// phases, writing a report) comes in through a [Backend], which main wires
// to the real packages and tests replace with a fake. [PatternView] is the
// interactive plot: a custom widget whose data trace is rasterised by hand
// into a reused image (per-pixel-column min/max decimation), with axes,
// ticks and legend as a few Fyne canvas objects.
//
// The settings in force (analysis.Options: background, Kα2 stripping,
// profile, significance, wavelength override, element restraints) are
// edited in a side panel and passed to every Backend call; applying them
// re-runs the scan on display, and other scans when they are shown next. A
// workspace (.bragg, versioned JSON) saves the open scans, the settings and
// the overlays shown.
//
// The package does not import fyne.io/fyne/v2/app, so it builds and tests
// with CGO_ENABLED=0 and renders offscreen through fyne.io/fyne/v2/test;
// [Snapshot] uses that to write a PNG of the window without a display.
package app
