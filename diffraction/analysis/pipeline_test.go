package analysis

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// testStore is the bundled database alone: the tests must not depend on a
// developer's own entries.
var testStore = refdb.NewStore(assets.RefDB, "")

func testPipeline(opt Options) *Pipeline { return &Pipeline{Store: testStore, Options: opt} }

// demoScan is a fresh copy of the demo scan.
func demoScan(t *testing.T) *diffraction.Scan {
	t.Helper()
	db, err := testStore.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	s, err := DemoScan(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestValidate(t *testing.T) {
	if err := DefaultOptions().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	for _, c := range []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"unknown element", func(o *Options) { o.Match.Elements.AllOf = []string{"Xx"} }, `required elements: "Xx" is not an element symbol`},
		{"lower-case element", func(o *Options) { o.Match.Elements.Only = []string{"Si", "o"} }, `allowed elements: "o" is not an element symbol: symbols start with a capital letter, "O"`},
		{"wavelength in nm", func(o *Options) { o.Wavelength = diffraction.Wavelength{Ka1: 0.154 * 1000} }, "154 Å is outside 0.01–10 Å"},
		{"negative wavelength", func(o *Options) { o.Wavelength = diffraction.Wavelength{Ka1: -1} }, "-1 Å is outside"},
		{"NaN wavelength", func(o *Options) { o.Wavelength = diffraction.Wavelength{Ka1: math.NaN()} }, "NaN Å"},
		{"format", func(o *Options) { o.Format = "jpeg" }, `scan format "jpeg"`},
		{"sigma", func(o *Options) { o.Peaks.MinSignificance = -1 }, "minimum significance -1"},
		{"window", func(o *Options) { o.Peaks.SmoothWindow = -5 }, "negative smoothing window -5"},
		{"manual background", func(o *Options) { o.Peaks.Background.Method = "manual" }, "at least 2 control points"},
		{"Scherrer", func(o *Options) { o.Size.K = 9 }, "Scherrer constant 9"},
		{"tolerance", func(o *Options) { o.Match.Tolerance = -0.1 }, "matching tolerance -0.1°"},
		{"top", func(o *Options) { o.Match.Top = -1 }, "candidate list length -1"},
	} {
		o := DefaultOptions()
		c.edit(&o)
		err := o.Validate()
		var oe *OptionsError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an OptionsError saying %q", c.name, err, c.want)
		}
	}
}

// TestPipelineRefusesBadOptions: Open, Analyse and Demo check the settings
// before doing anything, so no caller can skip the check.
func TestPipelineRefusesBadOptions(t *testing.T) {
	o := DefaultOptions()
	o.Match.Elements.AllOf = []string{"si"}
	p := testPipeline(o)
	var oe *OptionsError
	if _, err := p.Open(context.Background(), "no such file.xy", nil); !errors.As(err, &oe) {
		t.Errorf("Open: %v", err)
	}
	if _, err := p.Analyse(context.Background(), "x", demoScan(t), nil); !errors.As(err, &oe) {
		t.Errorf("Analyse: %v", err)
	}
	if _, err := p.Demo(context.Background(), nil); !errors.As(err, &oe) {
		t.Errorf("Demo: %v", err)
	}
}

// TestProgressAndUntil: the stages are reported in order with a growing
// share done (a stage may report several times); Until stops after the
// peaks.
func TestProgressAndUntil(t *testing.T) {
	var got []string
	var done []float64
	progress := func(stage string, f float64) { got = append(got, stage); done = append(done, f) }
	p := testPipeline(DefaultOptions())
	a, err := p.Analyse(context.Background(), "demo", demoScan(t), progress)
	if err != nil {
		t.Fatal(err)
	}
	// The identification reports its own progress within its stage.
	if !slices.Equal(slices.Compact(slices.Clone(got)), []string{StagePeaks, StageIdentify, StageDone}) || !slices.IsSorted(done) || done[0] != 0 || done[len(done)-1] != 1 {
		t.Errorf("progress %q at %v", got, done)
	}
	if a.Identification == nil || len(a.Identification.Phases) == 0 {
		t.Error("nothing identified")
	}
	// The analysis records what it ran with, for reports.
	db, _ := testStore.Bundled()
	if a.Options.Match.MinFOM != DefaultOptions().Match.MinFOM || a.DatabaseVersion != db.Version || a.DatabasePhases != len(db.Phases) {
		t.Errorf("recorded options %+v, database %q with %d phases; want the defaults and %q with %d", a.Options.Match, a.DatabaseVersion, a.DatabasePhases, db.Version, len(db.Phases))
	}
	got, done = nil, nil
	p.Until = StagePeaks
	a, err = p.Analyse(context.Background(), "demo", demoScan(t), progress)
	if err != nil || len(a.Peaks) == 0 || len(a.Match.Candidates) != 0 {
		t.Fatalf("until peaks: %v, %d peaks, %d candidates", err, len(a.Peaks), len(a.Match.Candidates))
	}
	if !slices.Equal(got, []string{StagePeaks, StageDone}) || done[1] != 1 {
		t.Errorf("until peaks: progress %q at %v", got, done)
	}
}

// TestCancel: a cancelled context stops the run with its error.
func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := testPipeline(DefaultOptions()).Analyse(ctx, "demo", demoScan(t), nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled run: %v", err)
	}
	// Cancelled during the run (here as the identification starts).
	ctx, cancel = context.WithCancel(context.Background())
	progress := func(stage string, _ float64) {
		if stage == StageIdentify {
			cancel()
		}
	}
	if _, err := testPipeline(DefaultOptions()).Analyse(ctx, "demo", demoScan(t), progress); !errors.Is(err, context.Canceled) {
		t.Errorf("run cancelled before identification: %v", err)
	}
}

// TestStandardSearchesTwice: with an internal standard (the demo's own
// corundum) the peaks are searched twice, as measured and corrected; the
// correction of a scan simulated without axis errors is near zero.
func TestStandardSearchesTwice(t *testing.T) {
	opt := DefaultOptions()
	opt.Standard = "cod:1000017" // corundum
	r := &run{p: testPipeline(opt), a: &Analysis{File: "demo", Scan: demoScan(t)}}
	ResolveWavelength(r.a.Scan, opt.Wavelength)
	if err := findPeaks(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if r.searches != 2 {
		t.Errorf("%d peak searches with an internal standard, want 2", r.searches)
	}
	if f := r.a.AxisFit; f == nil || math.Abs(f.Axis.ZeroShift) > 0.01 {
		t.Errorf("axis fit %+v, want a zero shift within 0.01° of none", f)
	} else if r.a.Options.Peaks.Axis != f.Axis {
		t.Errorf("recorded axis correction %+v, want the fitted %+v", r.a.Options.Peaks.Axis, f.Axis)
	}
	r = &run{p: testPipeline(DefaultOptions()), a: &Analysis{File: "demo", Scan: demoScan(t)}}
	if err := findPeaks(context.Background(), r); err != nil || r.searches != 1 {
		t.Errorf("without a standard: %v, %d searches, want 1", err, r.searches)
	}
}
