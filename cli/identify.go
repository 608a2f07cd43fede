package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

// fitFlags declares the flags of the whole-pattern identification. The
// instrument file, when given, is read by the returned function once the
// other flags are parsed (it may be a scan, analysed with them).
func fitFlags(fs *flag.FlagSet, opt *analysis.Options) func(e *env) error {
	f := &opt.Fit
	fs.BoolVar(&f.PeaksOnly, "quick", f.PeaksOnly, "decide by the peak search alone (weight % by the RIR method): a quick estimate, without the whole-pattern fit")
	fs.Float64Var(&f.ParticleSize, "particle-size", f.ParticleSize, "grain diameter of the powder in µm, for the microabsorption (Brindley) correction of the weight fractions; 0: none")
	fs.IntVar(&f.MaxPhases, "max-phases", f.MaxPhases, "most phases the fit accepts")
	fs.Float64Var(&f.Alpha, "alpha", f.Alpha, "significance level of the tests that accept a phase (chance of accepting one that explains nothing)")
	fs.Func("accept", "comma-separated database IDs that are in the model whatever the data say", func(s string) error {
		f.Require = splitList(s)
		return nil
	})
	fs.Func("reject", "comma-separated database IDs that are never considered", func(s string) error {
		f.Reject = splitList(s)
		return nil
	})
	fs.Func("orientation", "preferred orientation (March–Dollase) to refine for a phase, as ID=h,k,l (the normal of its platelets, e.g. cod:9012221=0,0,1); repeatable", func(s string) error {
		id, hkl, ok := strings.Cut(s, "=")
		var v [3]int
		if n, err := fmt.Sscanf(hkl, "%d,%d,%d", &v[0], &v[1], &v[2]); !ok || err != nil || n != 3 || id == "" {
			return fmt.Errorf("%q is not ID=h,k,l", s)
		}
		if f.Orientation == nil {
			f.Orientation = map[string][3]int{}
		}
		f.Orientation[id] = v
		return nil
	})
	fs.Float64Var(&f.StandardWeight, "standard-weight", f.StandardWeight, "with --standard: its weight fraction (0–1) in the measured mixture, for absolute fractions and the amorphous content")
	inst := fs.String("instrument", "", "the diffractometer: an instrument file (JSON, --save-instrument) or a scan of a line-profile standard (LaB6, Si …) to fit the line widths and asymmetry to")
	save := fs.String("save-instrument", "", "write the instrument given by --instrument (fitted to a standard's scan) to this JSON file")
	return func(e *env) error {
		if *inst == "" {
			if *save != "" {
				return fmt.Errorf("%w: --save-instrument needs --instrument", cmdline.ErrUsage)
			}
			return nil
		}
		p, err := e.pipeline(*opt)
		if err != nil {
			return err
		}
		in, err := p.Instrument(context.Background(), *inst)
		if err != nil {
			return err
		}
		f.Instrument, f.Calibrated = in, true
		e.warnf("%s: instrument U=%.4g V=%.4g W=%.4g deg², X=%.4g Y=%.4g°, S/L=%.3g H/L=%.3g, zero %+.4f° (%s)",
			*inst, in.U, in.V, in.W, in.X, in.Y, in.SL, in.HL, in.Zero, in.Source)
		if *save != "" {
			return refine.SaveInstrument(*save, in)
		}
		return nil
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

// identifyOf is the identify --json object of an analysis.
func identifyOf(a *analysis.Analysis) identifyJSON {
	out := identifyJSON{File: a.File, Wavelength: wlJSON(a.Scan.Wavelength), Peaks: len(a.Peaks), Phases: []phaseJSON{}, Candidates: []candidateJSON{}}
	m := a.Match
	for _, c := range m.Candidates {
		out.Candidates = append(out.Candidates, candidateOf(c))
	}
	id := a.Identification
	if id == nil {
		out.Method = methodPeaks
		for _, c := range m.Phases {
			out.Phases = append(out.Phases, phaseOf(c))
		}
		return out
	}
	out.Method = methodFit
	out.QuickEstimate = []phaseJSON{}
	for _, c := range m.Phases {
		out.QuickEstimate = append(out.QuickEstimate, phaseOf(c))
	}
	for _, p := range id.Phases {
		if !p.Concluded() {
			u := unresolvedJSON{fittedPhaseOf(p, m), []string{}, p.Open()}
			for _, o := range p.LookAlikes {
				u.LookAlikes = append(u.LookAlikes, o.ID)
			}
			out.Unresolved = append(out.Unresolved, u)
			continue
		}
		out.Phases = append(out.Phases, fittedPhaseOf(p, m))
	}
	out.Fit = fitOf(id)
	out.Unexplained = unexplainedOf(a)
	out.Decisions = []decisionJSON{}
	for _, d := range id.Decisions {
		out.Decisions = append(out.Decisions, decisionJSON(d))
	}
	if ab := id.Absolute; ab != nil {
		out.Absolute = &absoluteJSON{Amorphous: round(100*ab.Amorphous, 2), AmorphousESD: round(100*ab.AmorphousESD, 2)}
		for _, p := range ab.Phases {
			out.Absolute.Phases = append(out.Absolute.Phases, absolutePhaseJSON{p.ID, round(100*p.WeightFraction, 2), round(100*p.WeightFractionESD, 2)})
		}
	}
	return out
}

// fittedPhaseOf describes a phase the fit accepted; its FOM and matched
// lines are the search's, when the search ranked it.
func fittedPhaseOf(p identify.Phase, m match.Result) phaseJSON {
	e, f := p.Entry, p.Fit
	out := phaseJSON{namedJSON: namedJSON{ID: e.ID, Name: e.Name, Mineral: e.Mineral, Formula: e.Formula}, Scale: significant(f.Scale, 6),
		WeightPercent: round(100*f.WeightFraction, 2)}
	for _, c := range m.Candidates {
		if c.Phase.ID == e.ID {
			out.FOM, out.MatchedLines = round(c.FOM, 2), len(c.Pairs)
		}
	}
	if v0 := e.Structure.Cell.Volume(); v0 > 0 && f.Volume > 0 {
		out.Strain = round(math.Cbrt(f.Volume/v0)-1, 6)
	}
	esd := round(100*f.WeightFractionESD, 2)
	out.WeightPercentESD = &esd
	out.Cell, out.CellESD = cellOf(f.Cell), cellOf(f.CellESD)
	if f.SizeMeasured() {
		s, se := round(f.Size, 1), round(f.SizeESD, 1)
		out.SizeNM, out.SizeNMESD = &s, &se
	}
	if f.PO != 0 && f.Orientation != [3]int{} {
		out.PreferredOrientation = &poJSON{f.Orientation, round(f.PO, 4), round(f.POESD, 4)}
	}
	out.Required = p.Required
	return out
}

func fitOf(id *identify.Result) *fitJSON {
	r := id.Fit
	if r == nil {
		return nil
	}
	return &fitJSON{Rwp: round(r.Rwp, 5), Rexp: round(r.Rexp, 5), Rp: round(r.Rp, 5), GoF: round(r.GoF, 3), DurbinWatson: round(r.DurbinWatson, 3),
		ZeroShift: round(r.Zero, 5), ZeroShiftESD: round(r.ZeroESD, 5), Displacement: round(r.Displacement, 4), DisplacementESD: round(r.DisplacementESD, 4),
		Points: r.N, Parameters: r.P, Converged: r.Converged}
}

func unexplainedOf(a *analysis.Analysis) *unexplainedJSON {
	id := a.Identification
	u := &unexplainedJSON{Peaks: id.UnexplainedPeaks, StrongestRelIntensity: round(id.StrongestUnexplained, 1),
		IntensityFraction: round(id.UnexplainedIntensity, 4), UnidentifiedWeightPercent: round(100*id.Unidentified, 2), List: []unexplainedPeakJSON{}}
	for i, e := range id.Peaks {
		if e.Unexplained {
			p := a.Peaks[i]
			u.List = append(u.List, unexplainedPeakJSON{round(p.TwoTheta, 4), round(p.D, 5), round(p.RelIntensity, 1), round(e.Explained, 3)})
		}
	}
	return u
}

// writeUnresolved writes the phases of the identification whose
// chemistry the data leave open, with their share.
func writeUnresolved(w io.Writer, id *identify.Result) {
	for _, p := range id.Phases {
		if p.Concluded() {
			continue
		}
		fmt.Fprintf(w, "\nUnresolved (%s wt %%): %s.\n",
			analysis.PlusMinus(100*p.Fit.WeightFraction, 100*p.Fit.WeightFractionESD, 1), p.Open())
	}
}

// writeIdentifyText writes the identification as a person reads it.
func writeIdentifyText(w io.Writer, a *analysis.Analysis) error {
	fmt.Fprintf(w, "%s: %d peaks, %s\n\n", a.File, len(a.Peaks), a.Scan.Wavelength)
	m := a.Match
	id := a.Identification
	switch {
	case id == nil && len(m.Phases) == 0:
		fmt.Fprintln(w, "No phase identified with confidence (peak search only).")
	case id == nil:
		fmt.Fprintln(w, "Identified phases (peak search only; weight % by the RIR method, a quick estimate):")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  phase\tformula\tFOM\twt %\tlines\tid")
		for _, c := range m.Phases {
			fmt.Fprintf(tw, "  %s\t%s\t%.1f\t%.1f\t%d\t%s\n", c.Phase.DisplayName(), c.Phase.Formula, c.FOM, c.WeightPercent, len(c.Pairs), c.Phase.ID)
		}
		tw.Flush()
	case len(id.Phases) == 0:
		fmt.Fprintln(w, "No phase identified: no candidate lowers the whole-pattern fit significantly.")
	case !slices.ContainsFunc(id.Phases, identify.Phase.Concluded):
		fmt.Fprintln(w, "No phase concluded: the fit needs the phases below, whose chemistry the data leave open.")
		writeUnresolved(w, id)
	default:
		r := id.Fit
		fmt.Fprintf(w, "Identified phases (whole-pattern fit: Rwp %.2f %%, Rexp %.2f %%, GoF %.2f):\n", 100*r.Rwp, 100*r.Rexp, r.GoF)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  phase\tformula\twt %\ta, b, c (Å)\tsize (nm)\tid")
		for _, p := range id.Phases {
			if !p.Concluded() {
				continue
			}
			f := p.Fit
			size := "–"
			if f.SizeMeasured() {
				size = fmt.Sprintf("%.0f", f.Size)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%.4f %.4f %.4f\t%s\t%s\n", p.Entry.DisplayName(), p.Entry.Formula,
				analysis.PlusMinus(100*f.WeightFraction, 100*f.WeightFractionESD, 1), f.Cell.A, f.Cell.B, f.Cell.C, size, p.Entry.ID)
		}
		tw.Flush()
		if ab := id.Absolute; ab != nil {
			fmt.Fprintf(w, "\nAmorphous or unidentified (internal standard): %s wt %%\n", analysis.PlusMinus(100*ab.Amorphous, 100*ab.AmorphousESD, 1))
		}
		if id.Unidentified > 0 {
			fmt.Fprintf(w, "\nUnidentified (estimate): %.1f wt %% — the unexplained peaks, weighed as matter that scatters as much per unit mass as the identified phases.\n", 100*id.Unidentified)
		}
		writeUnresolved(w, id)
	}
	if id != nil {
		if id.UnexplainedPeaks > 0 {
			fmt.Fprintf(w, "\nWARNING: %d of %d peaks unexplained (the strongest %.0f %% of the strongest peak); %.1f %% of the peak intensity is not explained:\n",
				id.UnexplainedPeaks, len(a.Peaks), id.StrongestUnexplained, 100*id.UnexplainedIntensity)
			for i, e := range id.Peaks {
				if e.Unexplained {
					p := a.Peaks[i]
					fmt.Fprintf(w, "  2θ %.3f°  d %.4f Å  I %.0f %%\n", p.TwoTheta, p.D, p.RelIntensity)
				}
			}
			switch {
			case id.Absolute != nil || !slices.ContainsFunc(id.Phases, identify.Phase.Concluded):
			case id.Unidentified > 0:
				fmt.Fprintln(w, "The weight fractions are estimates: they count the unexplained peaks as unidentified matter (--standard with --standard-weight gives absolute ones).")
			default:
				fmt.Fprintln(w, "The weight fractions are of the identified phases alone: each unexplained peak lies on a line of theirs that the model makes too weak (--standard with --standard-weight gives absolute ones).")
			}
		} else {
			fmt.Fprintf(w, "\nEvery peak is explained (%.1f %% of the peak intensity left over).\n", 100*id.UnexplainedIntensity)
		}
		if len(id.Decisions) > 0 {
			fmt.Fprintln(w, "\nDecisions:")
			for _, d := range id.Decisions {
				fmt.Fprintf(w, "  %s (%s): %s — %s\n", d.Name, d.ID, d.Verdict, d.Reason)
			}
		}
	}
	fmt.Fprintln(w, "\nCandidates (peak search):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  rank\tphase\tformula\tFOM\tlines\tid")
	for i, c := range m.Candidates {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%.1f\t%d\t%s\n", i+1, c.Phase.DisplayName(), c.Phase.Formula, c.FOM, len(c.Pairs), c.Phase.ID)
	}
	return tw.Flush()
}

var refineCmd = &command{
	name: "refine", args: "FILE --phases ID,ID…", minArgs: 1, maxArgs: 1,
	summary: "Refine the phases you name (database IDs, see bragg db search) against the whole pattern:\nweight % ± esd (Hill–Howard), refined cells, crystallite sizes, Rwp, and the peaks\nthe model leaves unexplained. No phase is added or removed.",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		asJSON := fs.Bool("json", false, "write JSON, as identify --json")
		opt := analysis.DefaultOptions()
		wavelengthFlag(fs, &opt)
		peaksFlags(fs, &opt)
		fs.Func("phases", "comma-separated database IDs of the phases to refine (required)", func(s string) error {
			opt.Fit.Phases = splitList(s)
			return nil
		})
		instrument := fitFlags(fs, &opt)
		return func(args []string) error {
			if len(opt.Fit.Phases) == 0 {
				return fmt.Errorf("%w: --phases ID,ID… is required", cmdline.ErrUsage)
			}
			if opt.Fit.PeaksOnly {
				return fmt.Errorf("%w: --quick makes no refinement", cmdline.ErrUsage)
			}
			if err := instrument(e); err != nil {
				return err
			}
			a, err := e.analyse(args[0], opt)
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(e.stdout, identifyOf(a))
			}
			return writeIdentifyText(e.stdout, a)
		}
	},
}

// cellOf writes a cell to a millionth of an ångström or degree.
func cellOf(c crystal.Cell) *cellJSON {
	return &cellJSON{round(c.A, 6), round(c.B, 6), round(c.C, 6), round(c.Alpha, 6), round(c.Beta, 6), round(c.Gamma, 6)}
}
