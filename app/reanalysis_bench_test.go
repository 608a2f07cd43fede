package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// pipelineServices analyse with the real analysis.Pipeline over store.
func pipelineServices(store *refdb.Store) Services {
	return Services{
		Analyse: func(ctx context.Context, file string, s *diffraction.Scan, opt analysis.Options, until string, progress analysis.Progress) (*Analysis, error) {
			p := &analysis.Pipeline{Store: store, Options: opt, Until: until}
			return p.Analyse(ctx, file, s, progress)
		},
	}
}

// BenchmarkReanalysisFirstView times what the user sees first after a
// processing setting changes on a 10,000-point scan in a 1280×800 window:
// the background and peak search of the pipeline (analysis.StagePeaks)
// and the plot, peak table and status bar showing them. The
// identification follows in the background (BenchmarkReanalysisIdentify).
// Issue 13 asks for 150 ms at most.
func BenchmarkReanalysisFirstView(b *testing.B) {
	u := newTestUI(b, newFake())
	u.services = pipelineServices(nil) // the peak search needs no database
	u.win.Resize(fyne.NewSize(1280, 800))
	src := synthetic(10_000, diffraction.CuKa).Scan
	e := u.addEntry("/data/synthetic.xy", nil)
	e.src, e.format, e.nscans = src, "xy", 1
	opt := e.opt
	first := func(o analysis.Options) {
		s := *src
		a, err := u.services.analyse(context.Background(), e.path, &s, o, analysis.StagePeaks, nil)
		if err != nil {
			b.Fatal(err)
		}
		u.analysed(e, stepPeaks, o, a)
	}
	first(opt)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		o := opt
		o.Peaks.MinSignificance = 3 + 0.5*float64(i%2) // a change each time
		i++
		first(o)
	}
}

// BenchmarkReanalysisIdentify times the whole pipeline after a change on a
// real 8282-point laboratory scan (a weighed NiO + Li2CO3 + TiO2 mixture):
// the identification by whole-pattern refinement that follows the first
// view, off the UI goroutine.
func BenchmarkReanalysisIdentify(b *testing.B) {
	path := filepath.Join("..", "..", "shared", "data", "scans", "xrdml", "dara_mixtures", "NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml")
	if _, err := os.Stat(path); err != nil {
		b.Skipf("no shared data (%v): the benchmark analyses a scan from ../shared", err)
	}
	src, _, err := scan.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	s := pipelineServices(refdb.NewStore(assets.RefDB, ""))
	opt := guiDefaults()
	for b.Loop() {
		c := *src
		if _, err := s.Analyse(context.Background(), path, &c, opt, "", nil); err != nil {
			b.Fatal(err)
		}
	}
}
