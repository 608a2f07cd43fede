// Package cli is Bragg's command line: the subcommands info, convert,
// peaks, identify, simulate, report, plot, db and gui, over the same domain
// API as the window (analysis.Pipeline, refdb.Store, report).
//
// main builds the pieces and passes them in a [Config]: the reference
// database, the version, and the functions that open or render the
// window, so that this package links no GUI toolkit. Data go to standard
// output, messages to standard error; the exit status is 0 on success, 1
// on an error and 2 on a usage error (a bad flag, or settings that
// analysis.Options.Validate rejects: one line naming the bad value). The
// JSON outputs are named types in json.go, each with a golden file in
// testdata/golden.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

// Config is what main passes to the command line: the pieces it built.
type Config struct {
	// Version is the program version, printed by --version and in reports.
	Version string
	// Store is the reference database (bundled and user) that the
	// analysis searches and the db command shows and changes.
	Store *refdb.Store
	// GUI opens the main window on the given scan files (the demo when
	// there are none), with the window of view over it ("" for none:
	// "browser", "teach", "about"), and returns when it is closed; nil in
	// a build without a display driver.
	GUI func(view string, files []string) error
	// Snapshot renders a view ("" or "main" for the main window)
	// offscreen at width × height with the files loaded (the demo when
	// there are none) and writes it to out as a PNG; nil when the window
	// cannot be built.
	Snapshot func(out string, width, height float32, view string, files []string) error
}

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of the positional arguments
	summary string
	// setup declares the flags and returns the function that runs.
	setup func(fs *flag.FlagSet, env *env) func(args []string) error
	// minArgs, maxArgs bound the positional arguments (maxArgs < 0: any).
	minArgs, maxArgs int
}

// env carries the configuration and the streams of one invocation.
type env struct {
	cfg            Config
	stdout, stderr io.Writer
}

// warnf prints a message on standard error.
func (e *env) warnf(format string, a ...any) {
	fmt.Fprintf(e.stderr, "bragg: "+format+"\n", a...)
}

var commands []*command

func init() {
	commands = []*command{infoCmd, convertCmd, peaksCmd, identifyCmd, refineCmd, simulateCmd, reportCmd, plotCmd, dbCmd, guiCmd}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// Run runs the command line args (without the program name) with the
// pieces of cfg and returns the exit status.
func Run(cfg Config, args []string, stdout, stderr io.Writer) int {
	e := &env{cfg: cfg, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		return e.gui(nil)
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 {
			if c := lookup(args[1]); c != nil {
				fs, _ := c.flags(e)
				fs.SetOutput(stdout)
				fs.Usage()
				return 0
			}
		}
		usage(stdout, cfg.Version)
		return 0
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, "bragg", cfg.Version)
		return 0
	}
	c := lookup(args[0])
	if c == nil {
		// `bragg FILE...` opens the files in the GUI; a word that is
		// neither a command nor a file is a mistyped command.
		if _, err := os.Stat(args[0]); err == nil {
			return e.gui(args)
		}
		e.warnf("unknown command %q and no such file (see bragg --help)", args[0])
		return 2
	}
	fs, run := c.flags(e)
	if cmdline.AsksHelp(args[1:]) {
		// Asked-for help is data: standard output, status 0.
		fs.SetOutput(e.stdout)
		fs.Usage()
		return 0
	}
	pos, err := cmdline.ParseInterspersed(fs, args[1:])
	if err != nil {
		return 2 // the flag package has printed the problem and the usage
	}
	if len(pos) < c.minArgs || (c.maxArgs >= 0 && len(pos) > c.maxArgs) {
		e.warnf("%s: wrong number of arguments\nusage: bragg %s %s", c.name, c.name, c.args)
		return 2
	}
	if err := run(pos); err != nil {
		if errors.Is(err, cmdline.ErrUsage) {
			e.warnf("%s: %s", c.name, strings.TrimPrefix(err.Error(), cmdline.ErrUsage.Error()+": "))
			return 2
		}
		e.warnf("%v", err)
		return 1
	}
	return 0
}

// gui opens the window, or says why it cannot.
func (e *env) gui(files []string) int {
	if err := e.openGUI("", files); err != nil {
		e.warnf("%v", err)
		return 1
	}
	return 0
}

func (e *env) openGUI(view string, files []string) error {
	if e.cfg.GUI == nil {
		return errors.New("this build has no GUI; see bragg --help for the commands")
	}
	return e.cfg.GUI(view, files)
}

func (c *command) flags(e *env) (*flag.FlagSet, func([]string) error) {
	fs := flag.NewFlagSet("bragg "+c.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	run := c.setup(fs, e)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: bragg %s %s\n\n%s\n", c.name, c.args, c.summary)
		if hasFlags(fs) {
			fmt.Fprintln(w, "\nflags:")
			fs.PrintDefaults()
		}
	}
	return fs, run
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

func usage(w io.Writer, version string) {
	fmt.Fprintf(w, `Bragg %s — powder X-ray diffraction: read scans, find peaks, identify phases.

usage:
  bragg                     open the GUI on a built-in demo pattern
  bragg FILE...             open scan files in the GUI
  bragg COMMAND [flags] ARGS

commands:
`, version)
	cs := append([]*command(nil), commands...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, firstLine(c.summary))
	}
	fmt.Fprint(w, "\n'bragg COMMAND --help' describes a command's flags.\n")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
