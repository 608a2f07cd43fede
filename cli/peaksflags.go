package cli

import (
	"flag"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
)

// peaksFlags declares the processing flags of `bragg peaks` (and of every
// command that runs the peak search), filling opt.Peaks and opt.Size.
func peaksFlags(fs *flag.FlagSet, opt *analysis.Options) {
	p := &opt.Peaks
	fs.Float64Var(&p.MinSignificance, "min-sigma", p.MinSignificance, "smallest net height of a peak, in standard deviations of the counts")
	fs.Float64Var(&p.MinRelHeight, "min-rel", p.MinRelHeight, "smallest net height of a peak, in % of the strongest")
	fs.Var(boolSetter{func(b bool) { p.StripKa2 = !b }}, "no-ka2-strip", "do not strip Kα2 (Rachinger); a fitted profile then models the Kα1/Kα2 doublet")
	fs.Func("bg", "background: snip (default), poly (Chebyshev fit to automatically chosen points), manual (needs --bg-points) or none", func(s string) error {
		m, err := peaks.ParseBackgroundMethod(s)
		p.Background.Method = m
		return err
	})
	fs.IntVar(&p.Background.Order, "bg-order", p.Background.Order, "degree of the polynomial background (0: 6)")
	fs.Func("bg-points", "manual background control points: 2θ:I,2θ:I,… (with --bg manual)", func(s string) error {
		var pts []peaks.Point
		for _, f := range strings.Split(s, ",") {
			a, b, ok := strings.Cut(strings.TrimSpace(f), ":")
			if !ok {
				return errBadPoint(f)
			}
			x, err1 := strconv.ParseFloat(a, 64)
			y, err2 := strconv.ParseFloat(b, 64)
			if err1 != nil || err2 != nil {
				return errBadPoint(f)
			}
			pts = append(pts, peaks.Point{TwoTheta: x, Intensity: y})
		}
		p.Background.Points = pts
		return nil
	})
	fs.IntVar(&p.BackgroundIterations, "bg-window", p.BackgroundIterations, "widest SNIP clipping window in points (0: automatic)")
	fs.IntVar(&p.SmoothWindow, "smooth", p.SmoothWindow, "Savitzky–Golay smoothing window in points, odd, ≥ 5 (0: automatic)")
	fs.Func("profile", "profile fitted to the peaks: pv (pseudo-Voigt, default), p7 (Pearson VII) or none (search only)", func(s string) error {
		pr, err := peaks.ParseProfile(s)
		p.Profile = pr
		return err
	})
	fs.Float64Var(&p.Axis.ZeroShift, "zero-shift", p.Axis.ZeroShift, "zero shift of the 2θ axis in degrees, subtracted from the peak positions")
	fs.Float64Var(&p.Axis.Displacement, "displacement", p.Axis.Displacement, "specimen displacement in mm (Δ2θ = −2s·cosθ/R), corrected in the peak positions")
	fs.Float64Var(&p.Axis.Radius, "radius", p.Axis.Radius, "goniometer radius R in mm (0: 240)")
	fs.StringVar(&opt.Standard, "standard", "", "database ID of an internal standard in the sample (e.g. the Si or LaB6 entry): fit zero shift and displacement to its lines and correct the peaks")
	fs.Float64Var(&opt.Size.K, "scherrer-k", opt.Size.K, "Scherrer constant K (0: 0.9)")
}

func errBadPoint(f string) error {
	return &pointError{f}
}

type pointError struct{ f string }

func (e *pointError) Error() string {
	return "bad control point " + strconv.Quote(e.f) + ": want 2θ:intensity"
}

// boolSetter is a flag.Value for a switch (IsBoolFlag), calling set with
// the parsed value.
type boolSetter struct{ set func(bool) }

func (b boolSetter) String() string   { return "false" }
func (b boolSetter) IsBoolFlag() bool { return true }
func (b boolSetter) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	b.set(v)
	return nil
}
