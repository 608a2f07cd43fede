package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/bragg-xrd/bragg/internal/cmdline"
)

var guiCmd = &command{
	name: "gui", args: "[--view VIEW] [--snapshot OUT.png] [FILE...]", minArgs: 0, maxArgs: -1,
	summary: "Open the GUI on the files (the built-in demo when none), with the files overlaid in the plot, or\nthe database browser, the teaching mode or About open over it (--view). With --snapshot, render the window of the view\n(the main window by default) offscreen instead (software renderer, no display needed) once\nthe files are loaded and identified, and write it to a PNG file.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		out := fs.String("snapshot", "", "write the rendered window to this PNG file instead of opening it")
		size := fs.String("size", "1280x800", "window size of the snapshot, WIDTHxHEIGHT in pixels")
		view := fs.String("view", "", "the window to open or render: main, overlay (the main window, the files overlaid), candidates (the main window's candidate list), decisions (the fit and why each phase was accepted or not), elements (the periodic-table picker), advanced (every setting), browser (the database), teach (the teaching mode) or about")
		return func(files []string) error {
			if *out == "" {
				return e.openGUI(*view, files)
			}
			var w, h float32
			if _, err := fmt.Sscanf(*size, "%gx%g", &w, &h); err != nil || w < 320 || h < 240 || w > 8000 || h > 8000 {
				return fmt.Errorf("%w: --size %q: want WIDTHxHEIGHT between 320x240 and 8000x8000", cmdline.ErrUsage, *size)
			}
			if e.cfg.Snapshot == nil {
				return errors.New("this build cannot render the window")
			}
			return e.cfg.Snapshot(*out, w, h, *view, files)
		}
	},
}
