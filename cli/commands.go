package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/bragg-xrd/bragg/cli/convert"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/scan"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

// wavelengthFlag declares --wavelength on fs, filling opt.Wavelength, and
// --format, filling opt.Format: every command that reads a scan has both.
func wavelengthFlag(fs *flag.FlagSet, opt *analysis.Options) {
	cmdline.FormatFlag(fs, &opt.Format)
	fs.Func("wavelength", "radiation, overriding the file's: an anode line (CuKa, CuKa1, MoKa, CoKa, FeKa, CrKa, AgKa) or a wavelength in Å (1.5406); without it and without one in the file, Cu Kα is assumed and the output says so", func(s string) error {
		w, err := diffraction.ParseWavelength(s)
		if err != nil {
			return err
		}
		opt.Wavelength = w
		return nil
	})
}

// pipeline returns the analysis pipeline with opt. Settings that
// analysis.Options.Validate rejects are a usage error (exit 2).
func (e *env) pipeline(opt analysis.Options) (*analysis.Pipeline, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", cmdline.ErrUsage, err)
	}
	return &analysis.Pipeline{Store: e.cfg.Store, Options: opt}, nil
}

// open runs p on one file, saying on stderr when the wavelength is
// assumed and which axis correction the internal standard gave.
func (e *env) open(p *analysis.Pipeline, path string) (*analysis.Analysis, error) {
	a, err := p.Open(context.Background(), path, nil)
	if err != nil {
		return nil, err
	}
	e.warnAssumed(path, a.Scan)
	if a.AxisFit != nil {
		e.warnf("%s: axis fitted to the internal standard %s: %s", path, a.Options.Standard, a.AxisFit)
	}
	return a, nil
}

// warnAssumed says on stderr when a scan's wavelength is assumed.
func (e *env) warnAssumed(path string, s *diffraction.Scan) {
	if s.Wavelength.Source == diffraction.Assumed {
		e.warnf("%s: the file gives no wavelength; assuming Cu Kα (λ = %.7g Å); set it with --wavelength", path, s.Wavelength.Ka1)
	}
}

var infoCmd = &command{
	name: "info", args: "FILE", minArgs: 1, maxArgs: 1,
	summary: "Describe a scan file: format, points, 2θ range and step, wavelength and header metadata.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		asJSON := fs.Bool("json", false, "write JSON: {file, format, points, two_theta_min, two_theta_max, step, wavelength{ka1, ka2, ratio, source}, metadata}")
		opt := analysis.DefaultOptions()
		wavelengthFlag(fs, &opt)
		return func(args []string) error {
			path := args[0]
			s, format, err := scan.ReadFileAs(path, opt.Format)
			if err != nil {
				return err
			}
			// A scan on another axis (d, q, energy, time of flight) is
			// described as it is; only a 2θ scan needs a wavelength.
			if s.Axis == diffraction.AxisTwoTheta {
				analysis.ResolveWavelength(s, opt.Wavelength)
				e.warnAssumed(path, s)
			}
			axis, unit := "2θ", "°"
			if s.Axis != diffraction.AxisTwoTheta {
				axis, unit = string(s.Axis), ""
			}
			meta := s.Meta
			if meta == nil {
				meta = map[string]string{}
			}
			if *asJSON {
				return writeJSON(e.stdout, infoJSON{path, format, axisJSON(s.Axis), s.Len(), s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Step(), wlJSON(s.Wavelength), meta})
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "file\t%s\n", path)
			fmt.Fprintf(tw, "format\t%s\n", format)
			fmt.Fprintf(tw, "points\t%d\n", s.Len())
			fmt.Fprintf(tw, "%s range\t%.6g–%.6g%s\n", axis, s.TwoTheta[0], s.TwoTheta[s.Len()-1], unit)
			fmt.Fprintf(tw, "step\t%.5g%s\n", s.Step(), unit)
			fmt.Fprintf(tw, "wavelength\t%s\n", s.Wavelength)
			for _, k := range slices.Sorted(maps.Keys(meta)) {
				fmt.Fprintf(tw, "%s\t%s\n", k, oneLine(meta[k]))
			}
			return tw.Flush()
		}
	},
}

// axisJSON names a scan's abscissa in JSON: "two_theta", "d", "q",
// "energy" or "tof".
func axisJSON(a diffraction.Axis) string {
	if a == diffraction.AxisTwoTheta {
		return "two_theta"
	}
	return string(a)
}

var convertCmd = &command{
	name: "convert", args: "FILE [--to FORMAT] [-o OUT] | -m DIR FILE...", minArgs: 1, maxArgs: -1,
	summary: "Convert scans to xy ('two_theta intensity' lines), xye (with standard uncertainties),\ncsv or xrdml. One file: to standard output, or to -o (the format taken from its\nextension unless --to says otherwise). Several files (a batch): -m DIR writes each to\nDIR/<name>.<format>; a file that cannot be read is reported and the others converted.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		var o convert.Options
		convert.Flags(fs, &o)
		return func(args []string) error { return convert.Run(o, args, e.stdout, e.warnf) }
	},
}

var peaksCmd = &command{
	name: "peaks", args: "FILE...", minArgs: 1, maxArgs: -1,
	summary: "Subtract the background and list the peaks: 2θ, d, net height, net area, FWHM, relative intensity.\n" +
		"Several files, or folders (searched for scan files), are analysed on every core (--jobs);\n" +
		"with --json they give JSON Lines, one object a file.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		asJSON := fs.Bool("json", false, "write JSON: {file, wavelength{…}, peaks[{two_theta, d, height, area, fwhm, rel_intensity}], broad[…] (maxima far broader than the peaks: amorphous scattering)} (with --size also size{scherrer_nm[], williamson_hall{…}}); one line per file for several")
		size := fs.Bool("size", false, "crystallite size per peak (Scherrer) and size and microstrain from a Williamson–Hall fit over all peaks (meaningful for one phase), after removing the instrumental width (--caglioti)")
		jobs := jobsFlag(fs)
		opt := analysis.DefaultOptions()
		wavelengthFlag(fs, &opt)
		peaksFlags(fs, &opt)
		fs.Func("caglioti", "instrumental FWHM² = U tan²θ + V tanθ + W (deg²), as U,V,W — from a standard such as LaB6", func(v string) error {
			f := strings.Split(v, ",")
			if len(f) != 3 {
				return fmt.Errorf("%q is not U,V,W", v)
			}
			var uvw [3]float64
			for i, x := range f {
				var err error
				if uvw[i], err = strconv.ParseFloat(strings.TrimSpace(x), 64); err != nil {
					return fmt.Errorf("%q is not U,V,W", v)
				}
			}
			opt.Size.Instrument = peaks.Caglioti{U: uvw[0], V: uvw[1], W: uvw[2]}
			return nil
		})
		instrument := fs.String("instrument", "", "with --size: fit the instrumental U, V, W to the peaks of this scan of a standard (LaB6, Si) instead of --caglioti")
		return func(args []string) error {
			p, err := e.pipeline(opt)
			if err != nil {
				return err
			}
			p.Until = analysis.StagePeaks
			if *instrument != "" {
				std, err := e.open(p, *instrument)
				if err != nil {
					return err
				}
				// Lines below 2 % have widths too noisy to weigh in.
				c, err := peaks.FitCaglioti(std.Peaks, 2)
				if err != nil {
					return fmt.Errorf("%s: %w", *instrument, err)
				}
				p.Options.Size.Instrument = c
				e.warnf("%s: instrumental width U=%.5g V=%.5g W=%.5g deg²", *instrument, c.U, c.V, c.W)
			}
			return e.eachScan(p, args, *jobs, *asJSON, func(a *analysis.Analysis, lines bool) error {
				return e.writePeaks(a, p.Options.Size, *size, *asJSON, lines)
			})
		}
	},
}

// writePeaks writes the peaks of a: as JSON (one line when lines), or as
// a table, with the sizes when withSize.
func (e *env) writePeaks(a *analysis.Analysis, so peaks.SizeOptions, withSize, asJSON, lines bool) error {
	lam := a.Scan.Wavelength.Ka1
	// Sizes per peak in nm (null where the peak is no broader than
	// the instrument), and the Williamson–Hall fit when it can be
	// made (three broadened peaks at least).
	var sizes []*float64
	var wh *peaks.WH
	if withSize {
		for _, pk := range a.Peaks {
			if t, err := peaks.Scherrer(pk, lam, so); err == nil {
				nm := t / 10
				sizes = append(sizes, &nm)
			} else {
				sizes = append(sizes, nil)
			}
		}
		if w, err := peaks.WilliamsonHall(a.Peaks, lam, so); err == nil {
			wh = &w
		} else {
			e.warnf("%s: no Williamson–Hall fit: %v", a.File, err)
		}
	}
	if asJSON {
		out := peaksJSON{File: a.File, Wavelength: wlJSON(a.Scan.Wavelength), Peaks: a.Peaks, Broad: a.Broad}
		if out.Peaks == nil {
			out.Peaks = []diffraction.Peak{}
		}
		if withSize {
			out.Size = &sizeJSON{ScherrerNM: sizes}
			if wh != nil {
				out.Size.WilliamsonHall = whOf(*wh)
			}
		}
		return writeJSONAs(e.stdout, out, lines)
	}
	if lines {
		fmt.Fprintf(e.stdout, "%s:\n", a.File)
	}
	if err := writePeaksText(e.stdout, a, sizes, withSize); err != nil {
		return err
	}
	for _, b := range a.Broad {
		fmt.Fprintf(e.stdout, "\nbroad feature, not a peak (amorphous scattering?): 2θ %.2f°, FWHM %.1f°, area %.1f\n", b.TwoTheta, b.FWHM, b.Area)
	}
	if wh != nil {
		sz := "no size broadening"
		if !math.IsInf(wh.Size, 0) {
			sz = fmt.Sprintf("size %.1f ± %.1f nm", wh.Size/10, wh.SigmaSize/10)
		}
		fmt.Fprintf(e.stdout, "\nWilliamson–Hall (%d peaks): %s, microstrain %.2e ± %.1e\n", wh.Peaks, sz, wh.Strain, wh.SigmaStrain)
	}
	return nil
}

// writePeaksText writes the peak table (analysis.PeakColumns), numbered,
// with the crystallite size per peak when withSize.
func writePeaksText(w io.Writer, a *analysis.Analysis, sizes []*float64, withSize bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "no\t")
	for _, c := range analysis.PeakColumns {
		fmt.Fprint(tw, c.Header(a.Scan.Units()), "\t")
	}
	if withSize {
		fmt.Fprint(tw, "size (nm)\t")
	}
	fmt.Fprintln(tw)
	for i, p := range a.Peaks {
		fmt.Fprintf(tw, "%d\t", i+1)
		for _, c := range analysis.PeakColumns {
			fmt.Fprint(tw, c.Format(p), "\t")
		}
		if withSize {
			if sizes[i] != nil {
				fmt.Fprintf(tw, "%.1f\t", *sizes[i])
			} else {
				fmt.Fprint(tw, "–\t")
			}
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

// matchFlags declares the identification flags. The element lists are
// split here and judged by analysis.Options.Validate.
func matchFlags(fs *flag.FlagSet, opt *analysis.Options) {
	fs.IntVar(&opt.Match.Top, "top", opt.Match.Top, "length of the ranked candidate list")
	elems := func(dst *[]string) func(string) error {
		return func(s string) error {
			*dst = match.ParseElements(s)
			return nil
		}
	}
	fs.Func("require", "comma-separated elements every candidate must contain (e.g. Ti,O)", elems(&opt.Match.Elements.AllOf))
	fs.Func("exclude", "comma-separated elements no candidate may contain", elems(&opt.Match.Elements.NoneOf))
	fs.Func("only", "comma-separated elements: candidates may contain no others", elems(&opt.Match.Elements.Only))
	subsetFlags(fs, opt)
}

// identifyFlags declares the flags of every command that identifies
// phases (wavelength and format, processing, search-match, the
// whole-pattern fit) and returns the options they fill, and the function
// that reads --instrument once they are parsed (fitFlags).
func identifyFlags(fs *flag.FlagSet) (*analysis.Options, func(*env) error) {
	opt := analysis.DefaultOptions()
	wavelengthFlag(fs, &opt)
	peaksFlags(fs, &opt)
	matchFlags(fs, &opt)
	return &opt, fitFlags(fs, &opt)
}

// analyse runs the whole pipeline on one file.
func (e *env) analyse(path string, opt analysis.Options) (*analysis.Analysis, error) {
	p, err := e.pipeline(opt)
	if err != nil {
		return nil, err
	}
	return e.open(p, path)
}

var identifyCmd = &command{
	name: "identify", args: "FILE...", minArgs: 1, maxArgs: -1,
	summary: "Find the peaks, propose candidates from the reference database by search-match (the bundled\nphases and the enabled collections, or --subset, --collection), and decide which phases are\npresent, and how much of each (weight % ± esd), by fitting the whole pattern; the peaks left\nunexplained are listed. --quick decides by the peak search alone. Several files, or folders\n(searched for scan files), are analysed on every core (--jobs); with --json they give JSON\nLines, one object a file.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		asJSON := fs.Bool("json", false, "write JSON: {file, wavelength{…}, method, phases[{id, name, formula, fom, scale, weight_percent, weight_percent_esd, cell, size_nm …}], candidates[{id, name, formula, fom, matched_lines, significance}], fit{rwp …}, unexplained{…}, decisions[…], quick_estimate[…]}; one line per file for several")
		jobs := jobsFlag(fs)
		opt, instrument := identifyFlags(fs)
		return func(args []string) error {
			if err := instrument(e); err != nil {
				return err
			}
			p, err := e.pipeline(*opt)
			if err != nil {
				return err
			}
			return e.eachScan(p, args, *jobs, *asJSON, func(a *analysis.Analysis, lines bool) error {
				if *asJSON {
					return writeJSONAs(e.stdout, identifyOf(a), lines)
				}
				return writeIdentifyText(e.stdout, a)
			})
		}
	},
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
