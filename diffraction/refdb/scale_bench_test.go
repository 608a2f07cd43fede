package refdb_test

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// synthetic returns n entries made from the bundled ones, in turn, each
// with its cell scaled by a factor drawn from 0.9–1.1 and every line by a
// further 0.05 % at random (a determination of the same phase at another
// temperature or composition, and the scatter of another refinement),
// under IDs of their own: a collection the size of the COD whose patterns
// are as varied and as dense as the bundled database's.
func synthetic(db *refdb.DB, n int) func() (*refdb.Phase, bool) {
	rng := rand.New(rand.NewPCG(12, 1))
	i := 0
	return func() (*refdb.Phase, bool) {
		if i == n {
			return nil, false
		}
		p := db.Phases[i%len(db.Phases)]
		p.ID = fmt.Sprintf("synthetic:%07d", i)
		i++
		s := 0.9 + 0.2*rng.Float64()
		p.Structure.Cell.A *= s
		p.Structure.Cell.B *= s
		p.Structure.Cell.C *= s
		p.Volume = math.Round(p.Volume*s*s*s*1e4) / 1e4
		p.Lines = slices.Clone(p.Lines)
		for k := range p.Lines {
			p.Lines[k].D = math.Round(p.Lines[k].D*s*(1+5e-4*(2*rng.Float64()-1))*1e6) / 1e6
		}
		slices.SortStableFunc(p.Lines, func(a, b refdb.Line) int { return cmp.Compare(b.D, a.D) })
		return &p, true
	}
}

// sharedScans is the measured-scan collection beside the repository.
const sharedScans = "../../../shared/data/scans"

// benchScans are the peaks of three measured scans of ../shared: a single
// phase of few peaks (LiF), a three-phase mixture of many, and a RRUFF
// mineral (R070730) whose phase is in no database, so that every
// candidate is a chance match and the search must look furthest.
func benchScans(b *testing.B) map[string]*analysis.Analysis {
	if _, err := os.Stat(sharedScans); err != nil {
		b.Skipf("%s is absent: the search benchmarks need its scans", sharedScans)
	}
	p := &analysis.Pipeline{Store: refdb.NewStore(assets.RefDB, ""), Options: benchOptions(), Until: analysis.StagePeaks}
	out := map[string]*analysis.Analysis{}
	for name, f := range map[string]string{
		"single":  "xy/xrd_autoanalyzer/LiF.xy",
		"mixture": "xy/xrd_autoanalyzer/LiMn2O4+LiF+Li2MnO3.xy",
		"unknown": "csv/wpem_xred/monophase/RRUFF90/RRUFFdata90/R070730.csv",
	} {
		a, err := p.Open(context.Background(), filepath.Join(sharedScans, f), nil)
		if err != nil {
			b.Fatal(err)
		}
		out[name] = a
	}
	return out
}

// benchOptions are the pipeline's defaults with the Cu Kα the scans were
// measured with (their files do not say).
func benchOptions() analysis.Options {
	opt := analysis.DefaultOptions()
	opt.Wavelength = diffraction.CuKa
	return opt
}

// measure runs op b.N times (failing on its error), with its allocations
// and the processor time it takes per run (cpuTime).
func measure(b *testing.B, op func() error) {
	b.ReportAllocs()
	cpu := cpuTime()
	defer func() { b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op") }()
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuTime returns the processor time the process has used, user and
// system (Linux: /proc/self/stat, in clock ticks of 10 ms), 0 elsewhere.
// On a machine shared with other work it says more than the time that
// passed.
func cpuTime() time.Duration {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The fields after the command name (in brackets, which may hold
	// spaces): utime and stime are the 12th and 13th.
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// rss returns the resident set of the process (Linux), 0 elsewhere.
func rss() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// largeBench, in the environment, asks the benchmarks for their largest
// sizes too: minutes and gigabytes of temporary disk, which make bench
// (every benchmark of the repository) should not spend unasked.
const largeBench = "BRAGG_BENCH_LARGE"

// sizes returns the sizes of a benchmark's ladder: the last only when
// largeBench is set.
func sizes(n ...int) []int {
	if os.Getenv(largeBench) == "" {
		return n[:len(n)-1]
	}
	return n
}

// BenchmarkCollection measures a user collection of synthetic entries
// (see synthetic) at sizes up to the COD's 500,000: loading it (opening a
// Store and reading its library: mapping the file and checking the index)
// and searching it for the candidates of three measured scans (everything
// Search does, the bundled database included), and identifying the phases
// of the mixture and of the unknown as the product does (the pipeline after reading: its
// first search keeps far more candidates than the ten of the searches
// here, for the residual searches of identify.Run), with the resident
// memory and Go heap after them. Building each collection takes minutes
// and gigabytes of disk in a temporary folder; the 500,000 entries are
// built only with BRAGG_BENCH_LARGE=1 in the environment.
func BenchmarkCollection(b *testing.B) {
	db, err := assets.RefDB()
	if err != nil {
		b.Fatal(err)
	}
	scans := benchScans(b)
	for _, n := range sizes(10_000, 100_000, 500_000) {
		b.Run(fmt.Sprintf("entries=%d", n), func(b *testing.B) {
			dir := b.TempDir()
			if err := refdb.WriteCollectionFile(filepath.Join(dir, "synthetic.refcoll"), synthetic(db, n)); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			debug.FreeOSMemory()
			var store *refdb.Store
			b.Run("load", func(b *testing.B) {
				measure(b, func() error {
					store = refdb.NewStore(assets.RefDB, dir)
					_, err := store.Library()
					return err
				})
			})
			if store == nil { // load not asked for
				store = refdb.NewStore(assets.RefDB, dir)
			}
			lib, err := store.Library()
			if err != nil {
				b.Fatal(err)
			}
			sel, err := lib.Select(refdb.Subset{})
			if err != nil || len(sel.Parts) != 2 || sel.Parts[1].Len() != n {
				b.Fatalf("selection: %v", err)
			}
			for _, name := range []string{"single", "mixture", "unknown"} {
				a := scans[name]
				sc := a.Scan
				b.Run("search="+name, func(b *testing.B) {
					var res match.Result
					measure(b, func() (err error) {
						res, err = match.Search(context.Background(), a.Peaks, sc.Wavelength, sc.TwoTheta[0], sc.TwoTheta[sc.Len()-1], sel, match.DefaultOptions())
						return err
					})
					if len(res.Candidates) == 0 {
						b.Error("no candidates")
					}
				})
			}
			// What the product does: the whole pipeline after reading
			// (peaks, the search, the residual searches and the
			// refinements of identify.Run) with the collection enabled,
			// for the mixture and for the phase in no database.
			for _, name := range []string{"mixture", "unknown"} {
				b.Run("identify="+name, func(b *testing.B) {
					a := scans[name]
					p := &analysis.Pipeline{Store: store, Options: benchOptions()}
					var res *analysis.Analysis
					measure(b, func() (err error) {
						res, err = p.Analyse(context.Background(), a.File, a.Scan, nil)
						return err
					})
					if res.Identification == nil {
						b.Error("no identification")
					}
				})
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(rss())/1e6, "MB-RSS")
			b.ReportMetric(float64(ms.HeapInuse)/1e6, "MB-heap")
			b.Logf("%d entries: index %.0f MB, file %.0f MB, RSS %.0f MB, heap %.0f MB", n,
				float64(lib.Parts[1].Index.Size())/1e6, fileSize(filepath.Join(dir, "synthetic.refcoll"))/1e6, float64(rss())/1e6, float64(ms.HeapInuse)/1e6)
		})
	}
}

func fileSize(path string) float64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(fi.Size())
}
