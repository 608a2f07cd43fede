package analysis

import (
	"context"
	"fmt"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// Progress is told, as a pipeline runs, the stage it starts (one of the
// Stage names) and the share of the whole run done before it, 0–1; at the
// end it is told StageDone and 1. It is called on the pipeline's
// goroutine; a nil Progress is not called.
type Progress func(stage string, done float64)

// The stages of the pipeline, as Progress reports them and Pipeline.Until
// names them.
const (
	StageRead     = "reading"
	StagePeaks    = "finding peaks"
	StageIdentify = "identifying phases"
	StageFit      = "fitting the whole pattern"
	StageDone     = "done"
)

// Pipeline runs Bragg's analysis of a scan: settle the wavelength, find the
// peaks (twice with an internal standard: as measured, then on the axis
// fitted to the standard's lines), identify the phases. The command line,
// the window, the reports and the demo all run this one sequence, so that
// they give the same answers for the same settings.
type Pipeline struct {
	// Store is the reference database searched, and where the internal
	// standard (Options.Standard) is looked up. Only the stages that need
	// it read it.
	Store *refdb.Store
	// Options are the settings of every stage; Open and Analyse refuse
	// settings that Options.Validate rejects.
	Options Options
	// Until, when set, names the last stage to run: StagePeaks gives the
	// peaks without identifying phases (bragg peaks).
	Until string
}

// stage is one step of the pipeline after reading. They run in the order
// of stages; a new step (such as a whole-pattern fit) is one more entry.
type stage struct {
	name string
	// cost is the stage's share of a typical run's time, for Progress.
	cost float64
	run  func(ctx context.Context, r *run) error
}

// costRead is the share of reading the file, which only Open does.
const costRead = 0.1

var stages = []stage{
	{StagePeaks, 0.1, findPeaks},
	{StageIdentify, 0.85, identifyPhases},
}

// run is one pass of a Pipeline over one scan.
type run struct {
	p *Pipeline
	a *Analysis
	// progress tells the share of the current stage done (0–1), for
	// stages that report within themselves; never nil.
	progress func(float64)
	lib      *refdb.Library // read when a stage first needs it
	// searches counts the peak searches, which dominate a run's time.
	searches int
}

// library returns the reference database, read on first use (the Store
// reads it once per process).
func (r *run) library() (*refdb.Library, error) {
	if r.lib == nil {
		if r.p.Store == nil {
			return nil, fmt.Errorf("%s: no reference database to search", r.a.File)
		}
		lib, err := r.p.Store.Library()
		if err != nil {
			return nil, err
		}
		r.lib = lib
	}
	return r.lib, nil
}

// Open reads the scan file at path (in Options.Format, or the format its
// content shows) and runs the pipeline on it. Errors name the file.
func (p *Pipeline) Open(ctx context.Context, path string, progress Progress) (*Analysis, error) {
	if err := p.Options.Validate(); err != nil {
		return nil, err
	}
	total := costRead + p.cost()
	if progress != nil {
		progress(StageRead, 0)
	}
	s, format, err := scan.ReadFileAs(path, p.Options.Format)
	if err != nil {
		return nil, err
	}
	return p.analyse(ctx, &Analysis{File: path, Format: format, Scan: s}, progress, costRead/total)
}

// Analyse runs the pipeline on a scan already in memory, named file in
// messages and in the result (which keeps s, its wavelength settled).
func (p *Pipeline) Analyse(ctx context.Context, file string, s *diffraction.Scan, progress Progress) (*Analysis, error) {
	if err := p.Options.Validate(); err != nil {
		return nil, err
	}
	return p.analyse(ctx, &Analysis{File: file, Scan: s}, progress, 0)
}

// Demo simulates the built-in demonstration scan (DemoScan, from the
// bundled database) and analyses it.
func (p *Pipeline) Demo(ctx context.Context, progress Progress) (*Analysis, error) {
	if err := p.Options.Validate(); err != nil {
		return nil, err
	}
	if p.Store == nil {
		return nil, fmt.Errorf("demo: no reference database")
	}
	db, err := p.Store.Bundled()
	if err != nil {
		return nil, err
	}
	s, err := DemoScan(db)
	if err != nil {
		return nil, err
	}
	return p.analyse(ctx, &Analysis{File: DemoFile, Format: "simulated", Scan: s}, progress, 0)
}

// cost is the summed cost of the stages that run.
func (p *Pipeline) cost() float64 {
	c := 0.0
	for _, st := range stages {
		c += st.cost
		if st.name == p.Until {
			break
		}
	}
	return c
}

// analyse runs the stages on a, whose scan is read; done0 is the share of
// the run already done (reading).
func (p *Pipeline) analyse(ctx context.Context, a *Analysis, progress Progress, done0 float64) (*Analysis, error) {
	if err := checkAxis(a.File, a.Scan); err != nil {
		return nil, err
	}
	ResolveWavelength(a.Scan, p.Options.Wavelength)
	a.Options = p.Options
	if p.Store != nil && p.Until != StagePeaks {
		// The library (in a new process, the bundled database decoded
		// and indexed: some 50 ms) is read on another core while the
		// peaks are found; the search takes it when it is ready
		// (Store.Library reads it once).
		go p.Store.Library()
	}
	r := &run{p: p, a: a}
	scale := (1 - done0) / p.cost()
	done := done0
	for _, st := range stages {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if progress != nil {
			progress(st.name, done)
		}
		r.progress = func(f float64) {
			if progress != nil {
				progress(st.name, done+min(max(f, 0), 1)*st.cost*scale)
			}
		}
		if err := st.run(ctx, r); err != nil {
			return nil, err
		}
		done += st.cost * scale
		if st.name == p.Until {
			break
		}
	}
	if progress != nil {
		progress(StageDone, 1)
	}
	return a, nil
}

// search runs the background and peak search with opt.
func (r *run) search(opt Options) error {
	r.searches++
	res, err := peaks.Find(r.a.Scan, opt.Peaks)
	if err != nil {
		return fmt.Errorf("%s: %w", r.a.File, err)
	}
	r.a.Background, r.a.Peaks, r.a.Broad, r.a.ESD = res.Background, res.Peaks, res.Broad, res.ESD
	return nil
}

// standardMinI is the smallest relative intensity of an internal
// standard's line used for the axis fit: weaker lines are often not
// found, or overlap the sample's own.
const standardMinI = 5

// findPeaks finds the peaks. With an internal standard it finds them on
// the axis as measured, fits the zero shift and specimen displacement to
// the standard's lines (peaks.FitAxis: Δ2θ = Z − 2s·cosθ/R) and finds them
// again with that correction, so that every position, d-spacing and the
// identification use the corrected axis.
func findPeaks(ctx context.Context, r *run) error {
	opt := r.p.Options
	if opt.Standard == "" {
		return r.search(opt)
	}
	lib, err := r.library()
	if err != nil {
		return err
	}
	std, _, err := lib.Get(opt.Standard)
	if err != nil {
		return err
	}
	if std == nil {
		return fmt.Errorf("%s: no internal standard %q in the database (see bragg db search)", r.a.File, opt.Standard)
	}
	var refD []float64
	for _, l := range std.Lines {
		if l.I >= standardMinI {
			refD = append(refD, l.D)
		}
	}
	// The peaks as found, without a correction, are what FitAxis wants.
	raw := opt
	raw.Peaks.Axis = peaks.Axis{Radius: opt.Peaks.Axis.Radius}
	if err := r.search(raw); err != nil {
		return err
	}
	fit, err := peaks.FitAxis(r.a.Peaks, refD, r.a.Scan.Wavelength.Ka1, opt.Peaks.Axis.Radius, 0, true)
	if err != nil {
		return fmt.Errorf("%s: internal standard %s: %w", r.a.File, std.ID, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	corrected := opt
	corrected.Peaks.Axis = fit.Axis
	if err := r.search(corrected); err != nil {
		return err
	}
	r.a.Options.Peaks.Axis = fit.Axis
	r.a.AxisFit = &fit
	return nil
}

// identifyPhases identifies the phases among the entries of the database
// that Options.Subset selects: the peak search-match proposes candidates
// through the database's index (match.Search) and the whole-pattern
// refinement decides (identify.Run), unless Options.Fit.PeaksOnly asks for
// the search alone. With no peaks the result is empty: nothing can be
// identified, which is not an error.
func identifyPhases(ctx context.Context, r *run) error {
	a := r.a
	opt := r.p.Options
	if len(a.Peaks) == 0 && len(opt.Fit.Require) == 0 && opt.Standard == "" {
		a.Match, a.Identification = match.Result{}, nil
		return nil
	}
	lib, err := r.library()
	if err != nil {
		return err
	}
	sel, err := lib.Select(opt.Subset)
	if err != nil {
		return fmt.Errorf("%s: %w", a.File, err)
	}
	a.DatabaseVersion, a.DatabasePhases = sel.Name(), sel.Len()
	fit := opt.Fit
	fit.Standard = opt.Standard
	// The fit weighs the points by the noise model of the peak search:
	// the scan's own ESDs, or counting statistics in the data's units
	// (a normalised RRUFF pattern's "1" is not one count).
	s := a.Scan
	if s.ESD == nil && a.ESD != nil {
		c := *s
		c.ESD = a.ESD
		s = &c
	}
	res, err := identify.Run(ctx, s, a.Peaks, sel, opt.Match, fit, r.progress)
	if err != nil {
		return fmt.Errorf("%s: %w", a.File, err)
	}
	a.Match = res.Search
	if !fit.PeaksOnly {
		a.Identification = res
	}
	return nil
}
