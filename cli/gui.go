package cli

import (
	"errors"
	"flag"
	"fmt"

	"github.com/bragg-xrd/bragg/internal/cmdline"
)

var guiCmd = &command{
	name: "gui", args: "[--snapshot OUT.png] [FILE...]", minArgs: 0, maxArgs: -1,
	summary: "Open the GUI on the files (the built-in demo when none). With --snapshot, render the main\nwindow offscreen instead (software renderer, no display needed) once the files are loaded\nand identified, and write it to a PNG file.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		out := fs.String("snapshot", "", "write the rendered main window to this PNG file instead of opening it")
		size := fs.String("size", "1280x800", "window size of the snapshot, WIDTHxHEIGHT in pixels")
		return func(files []string) error {
			if *out == "" {
				return e.openGUI(files)
			}
			var w, h float32
			if _, err := fmt.Sscanf(*size, "%gx%g", &w, &h); err != nil || w < 320 || h < 240 || w > 8000 || h > 8000 {
				return fmt.Errorf("%w: --size %q: want WIDTHxHEIGHT between 320x240 and 8000x8000", cmdline.ErrUsage, *size)
			}
			if e.cfg.Snapshot == nil {
				return errors.New("this build cannot render the window")
			}
			return e.cfg.Snapshot(*out, w, h, files)
		}
	},
}
