package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"gonum.org/v1/plot/vg"

	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/cmdline"
	"github.com/bragg-xrd/bragg/report"
)

// labFlags are the lab's fields of a report: --sample, --description,
// --operator, --project, --comment, over the defaults of --template.
type labFlags struct {
	lab      report.Lab
	template string
}

func (l *labFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&l.lab.Sample, "sample", "", "sample name or ID (default: the one the scan file gives, else the file's name)")
	fs.StringVar(&l.lab.Description, "description", "", "description of the sample")
	fs.StringVar(&l.lab.Operator, "operator", "", "who measured or analysed the sample")
	fs.StringVar(&l.lab.Project, "project", "", "customer, project or order")
	fs.StringVar(&l.lab.Comment, "comment", "", "comment printed on the report")
	fs.StringVar(&l.template, "template", "", "lab template (.json or .toml): the laboratory's name, default fields and sign-off lines (README, \"Lab fields\")")
}

// resolve returns the template's fields overridden by the flags.
func (l *labFlags) resolve() (report.Lab, error) {
	if l.template == "" {
		return l.lab, nil
	}
	t, err := report.LoadLab(l.template)
	if err != nil {
		return report.Lab{}, err
	}
	return t.With(l.lab), nil
}

// interruptible returns a context cancelled by the first Ctrl-C (SIGINT)
// or SIGTERM, after which the signals have their default effect again:
// a second Ctrl-C ends the process at once. stop releases the signals.
func interruptible() (ctx context.Context, stop func()) {
	ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop()
	}()
	return ctx, stop
}

var reportCmd = &command{
	name: "report", args: "FILE -o OUT.xlsx | FILES-or-DIRS... -o OUTDIR", minArgs: 1, maxArgs: -1,
	summary: "Analyse scans and write Excel workbooks: a summary with the verdict, the lab's fields,\n" +
		"every setting and the figure; the phases with their cards, the candidates, the lines\n" +
		"assigned, the peaks, and the data with a chart. One FILE and -o OUT.xlsx writes one\n" +
		"workbook. Several files or folders (searched for scan files) write one workbook each\n" +
		"into OUTDIR, and summary.xlsx with a row per scan, on every core (--jobs); a file that\n" +
		"fails is listed with its reason and the rest go on; an existing workbook is kept\n" +
		"unless --force. Files are written atomically: Ctrl-C leaves no half-written one.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		out := fs.String("o", "", "output: a .xlsx file for one scan, or a folder for a batch (required)")
		jobs := jobsFlag(fs)
		force := fs.Bool("force", false, "batch: overwrite existing workbooks")
		var lab labFlags
		lab.declare(fs)
		opt, instrument := identifyFlags(fs)
		return func(args []string) error {
			if *out == "" {
				return fmt.Errorf("%w: -o OUT.xlsx (or -o OUTDIR for several scans) is required", cmdline.ErrUsage)
			}
			l, err := lab.resolve()
			if err != nil {
				return err
			}
			if err := instrument(e); err != nil {
				return err
			}
			p, err := e.pipeline(*opt)
			if err != nil {
				return err
			}
			if ext := filepath.Ext(*out); len(args) == 1 && ext != "" && !strings.EqualFold(ext, ".xlsx") && !isDir(args[0]) && !isDir(*out) {
				return fmt.Errorf("%w: -o %s: a workbook is written as .xlsx (a batch writes into a folder)", cmdline.ErrUsage, *out)
			}
			if !isBatch(args, *out) {
				a, err := e.open(p, args[0])
				if err != nil {
					return err
				}
				in := report.FromAnalysis(a, "Bragg "+e.cfg.Version)
				in.Lab = l
				return report.WriteFile(*out, in)
			}
			if lab.lab.Sample != "" {
				return fmt.Errorf("%w: --sample names the sample of one scan; in a batch each scan's comes from its file", cmdline.ErrUsage)
			}
			return e.batch(args, report.BatchOptions{Pipeline: p, OutDir: *out, Jobs: *jobs, Force: *force, Lab: l, Generator: "Bragg " + e.cfg.Version})
		}
	},
}

// isBatch reports whether `bragg report args -o out` is a batch: anything
// but one file and an .xlsx that is not a folder.
func isBatch(args []string, out string) bool {
	return len(args) != 1 || !strings.EqualFold(filepath.Ext(out), ".xlsx") || isDir(args[0]) || isDir(out)
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// batch runs report.Batch with a progress bar on a terminal and a line
// per scan otherwise, and reports what failed.
func (e *env) batch(paths []string, opt report.BatchOptions) error {
	ctx, stop := interruptible()
	defer stop()
	bar := newProgress(e.stderr)
	opt.Progress = func(p report.BatchProgress) {
		s := p.Scan
		switch {
		case errors.Is(s.Err, context.Canceled):
			// Stopped by Ctrl-C: said once, at the end.
		case s.Err != nil:
			bar.line(p.Done, p.Total, fmt.Sprintf("failed: %v", s.Err))
		case bar.tty:
			bar.update(p.Done, p.Total, s.File)
		default:
			v := s.Verdict
			msg := fmt.Sprintf("%s: %s", s.File, v.PhasesText())
			if n := len(v.Warnings); n > 0 {
				msg += fmt.Sprintf(" (%d warning%s)", n, plural(n))
			}
			bar.line(p.Done, p.Total, msg)
		}
	}
	res, err := report.Batch(ctx, paths, opt)
	bar.done()
	if res == nil {
		return err
	}
	failed, warned := res.Failed(), 0
	for _, s := range res.Scans {
		if s.Err == nil && len(s.Verdict.Warnings) > 0 {
			warned++
		}
	}
	n := len(res.Scans)
	if errors.Is(err, context.Canceled) {
		return fmt.Errorf("interrupted: %d of %d scans reported, no summary written", n-failed, n)
	}
	if err != nil {
		return err
	}
	e.warnf("%d scan%s: %d reported (%d with warnings), %d failed; summary %s", n, plural(n), n-failed, warned, failed, res.Summary)
	if failed > 0 {
		return fmt.Errorf("%d of %d scans failed", failed, n)
	}
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// progress shows a batch's progress on standard error: on a terminal a
// bar redrawn in place, with messages printed above it; otherwise a line
// per scan.
type progress struct {
	w     io.Writer
	tty   bool
	drawn bool
}

func newProgress(w io.Writer) *progress {
	return &progress{w: w, tty: isTerminal(w)}
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

const barWidth = 30

// update redraws the bar: done of total, and the file just finished.
func (p *progress) update(done, total int, file string) {
	full := barWidth * done / max(total, 1)
	name := ""
	if file != "" {
		name = filepath.Base(file)
	}
	if r := []rune(name); len(r) > 40 {
		name = "…" + string(r[len(r)-39:])
	}
	fmt.Fprintf(p.w, "\r\033[K[%s%s] %d/%d %s", strings.Repeat("█", full), strings.Repeat("·", barWidth-full), done, total, name)
	p.drawn = true
}

// line prints a message for one scan: above the bar on a terminal.
func (p *progress) line(done, total int, msg string) {
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[Kbragg: %s\n", msg)
		p.update(done, total, "")
		return
	}
	fmt.Fprintf(p.w, "bragg: [%d/%d] %s\n", done, total, msg)
}

// done ends the bar's line.
func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

var plotCmd = &command{
	name: "plot", args: "FILE -o FIGURE.png|svg|pdf", minArgs: 1, maxArgs: 1,
	summary: "Analyse a scan and draw its annotated figure (the pattern, background, peaks, hkl labels\n" +
		"of the strongest lines and a stick pane per identified phase) as PNG, SVG or PDF, the\n" +
		"format from -o's extension, 17 × 12 cm unless --size says otherwise.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		out := fs.String("o", "", "output figure: .png, .svg or .pdf (required)")
		sizeText := fs.String("size", "17x12cm", "figure size WxH with a unit: cm, mm, in, pt, or px (pixels at --dpi)")
		dpi := fs.Int("dpi", report.DefaultSize.DPI, "resolution of a PNG, dots per inch")
		title := fs.String("title", "", "title above the plot (default: the sample, else the file's name; \"-\": none)")
		noLabels := fs.Bool("no-labels", false, "leave out the hkl of the strongest lines over each phase's sticks")
		var lab labFlags
		lab.declare(fs)
		opt, instrument := identifyFlags(fs)
		return func(args []string) error {
			if *out == "" {
				return fmt.Errorf("%w: -o FIGURE.png|svg|pdf is required", cmdline.ErrUsage)
			}
			format, err := report.FigureFormat(*out)
			if err != nil {
				return fmt.Errorf("%w: %w", cmdline.ErrUsage, err)
			}
			size, err := parseSize(*sizeText, *dpi)
			if err != nil {
				return fmt.Errorf("%w: --size: %w", cmdline.ErrUsage, err)
			}
			l, err := lab.resolve()
			if err != nil {
				return err
			}
			if err := instrument(e); err != nil {
				return err
			}
			a, err := e.analyse(args[0], *opt)
			if err != nil {
				return err
			}
			in := report.FromAnalysis(a, "Bragg "+e.cfg.Version)
			in.Lab = l
			fig, err := report.NewFigure(in, report.FigureOptions{Title: *title, NoLabels: *noLabels})
			if err != nil {
				return err
			}
			return atomic.WriteFile(*out, func(w io.Writer) error { return fig.Write(w, format, size) })
		}
	},
}

// parseSize reads a figure size "17x10cm", "6.5x4in", "1600x900px" (at
// dpi) or "480x300pt".
func parseSize(s string, dpi int) (report.Size, error) {
	units := []struct {
		name string
		len  vg.Length
	}{{"cm", vg.Centimeter}, {"mm", vg.Millimeter}, {"in", vg.Inch}, {"pt", vg.Points(1)}, {"px", vg.Inch / vg.Length(max(dpi, 1))}}
	for _, u := range units {
		num, ok := strings.CutSuffix(strings.ToLower(strings.TrimSpace(s)), u.name)
		if !ok {
			continue
		}
		ws, hs, ok := strings.Cut(num, "x")
		if !ok {
			break
		}
		w, err1 := strconv.ParseFloat(strings.TrimSpace(ws), 64)
		h, err2 := strconv.ParseFloat(strings.TrimSpace(hs), 64)
		if err1 != nil || err2 != nil || !(w > 0) || !(h > 0) {
			break
		}
		return report.Size{Width: vg.Length(w) * u.len, Height: vg.Length(h) * u.len, DPI: dpi}, nil
	}
	return report.Size{}, fmt.Errorf("%q is not a size such as 17x10cm, 6.5x4in, 1600x900px or 480x300pt", s)
}
