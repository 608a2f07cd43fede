package match

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// sharedScans is the measured-scan collection beside the repository.
const sharedScans = "../../../shared/data/scans"

// pruneScan is a peak list to score phases against.
type pruneScan struct {
	name   string
	obs    []diffraction.Peak
	w      diffraction.Wavelength
	lo, hi float64
}

// pruneScans are the scans of the collection benchmarks (refdb's
// BenchmarkCollection: a single phase, a three-phase mixture and a RRUFF
// mineral in no database, measured with Cu Kα, when ../shared is present)
// and synthetic ones from the bundled phases: a mixture, and a phase
// strained beyond every strain allowed, so that it matches nothing well.
func pruneScans(t *testing.T, db *refdb.DB) []pruneScan {
	w := diffraction.CuKa
	w.Ka2, w.Ratio = 0, 0
	strained := db.Phases[7]
	strained.Lines = append([]refdb.Line(nil), strained.Lines...)
	for i := range strained.Lines {
		strained.Lines[i].D *= 1.04
	}
	out := []pruneScan{
		{"synthetic mixture", observe(0.02, db.Phases[100:103], []float64{1, 0.5, 0.2}), w, 10, 90},
		{"synthetic strained", observe(0, []refdb.Phase{strained}, []float64{1}), w, 10, 90},
	}
	if _, err := os.Stat(sharedScans); err != nil {
		t.Logf("%s is absent: synthetic scans only", sharedScans)
		return out
	}
	for _, f := range []string{
		"xy/xrd_autoanalyzer/LiF.xy",
		"xy/xrd_autoanalyzer/LiMn2O4+LiF+Li2MnO3.xy",
		"csv/wpem_xred/monophase/RRUFF90/RRUFFdata90/R070730.csv",
	} {
		s, _, err := scan.ReadFile(filepath.Join(sharedScans, f))
		if err != nil {
			t.Fatal(err)
		}
		s.Wavelength = diffraction.CuKa
		r, err := peaks.Find(s, peaks.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pruneScan{filepath.Base(f), r.Peaks, s.Wavelength, s.TwoTheta[0], s.TwoTheta[s.Len()-1]})
	}
	return out
}

// unpruned scores the loaded lines as score does with nothing left out:
// every line is taken to come near every peak at every strain step, so
// that scoreAt looks at every line of every step, and every step is
// scored in full.
func (m *matcher) unpruned(computed bool) (scored, bool) {
	n, maxStrain := m.startStrains(computed)
	m.near = m.near[:0]
	for li := range m.lines {
		l := &m.lines[li]
		l.lo, l.hi, l.j0, l.j1 = -n, n, 0, len(m.sinObs)
		m.near = append(m.near, li)
	}
	for k := range m.stepI {
		m.stepI[k] = math.Inf(1)
	}
	m.eBound = 1
	bestFOM, bestEps := -1.0, 0.0
	for k := 0; k <= 2*n; k++ {
		step := (k + 1) / 2
		if k%2 == 1 {
			step = -step
		}
		eps := float64(step) * strainStep
		if st, ok := m.scoreAt(step, eps, maxStrain, math.Inf(-1)); ok && st.fom > bestFOM+1e-9 {
			bestFOM, bestEps = st.fom, eps
		}
	}
	if bestFOM <= 0 {
		return scored{}, false
	}
	best := m.candidate(bestEps, maxStrain)
	claimKa2(&best, m.o, m.w, m.opt)
	return best, true
}

// TestScoreIsUnpruned: every bound by which score leaves out strain steps
// and whole phases (reach, reachBound, weightBound, visibleBound, the
// steps' bounds in scoreAt) is an upper bound. For every bundled phase, as
// measured and as computed, against each scan: score with no floor gives
// the unpruned result to the last bit, and with a floor it gives that
// result or leaves out a phase whose weighed figure of merit is below the
// floor — for the numbers of phases searched of the bundled database and
// of a collection of 500,000. With -short, every tenth phase.
func TestScoreIsUnpruned(t *testing.T) {
	db, err := assets.RefDB()
	if err != nil {
		t.Fatal(err)
	}
	opt := DefaultOptions()
	stride := 1
	if testing.Short() {
		stride = 10
	}
	for _, sc := range pruneScans(t, db) {
		o, m, err := prepare(sc.obs, sc.w, sc.lo, sc.hi, opt)
		if err != nil {
			t.Fatal(err)
		}
		var kept, left int
		for _, searched := range []int{len(db.Phases), 500_000} {
			m.norm = SignificanceThreshold(searched)
			for i := 0; i < len(db.Phases); i += stride {
				p := &db.Phases[i]
				for _, computed := range []bool{false, true} {
					m.loadPhase(p)
					want, wantOK := m.unpruned(computed)
					m.loadPhase(p)
					got, ok := m.score(computed, math.Inf(-1))
					if ok != wantOK || ok && !sameScore(got, want) {
						t.Fatalf("%s: %s (computed %v): score %v %+v, unpruned %v %+v", sc.name, p.ID, computed, ok, got.Candidate, wantOK, want.Candidate)
					}
					if !ok {
						continue
					}
					weighed := want
					weigh(&weighed, o, m.norm)
					for _, floor := range []float64{weighed.FOM, weighed.FOM + 1e-6, 5, 15, 25, 35, 45, 60} {
						m.loadPhase(p)
						got, ok := m.score(computed, floor)
						switch {
						case ok && !sameScore(got, want):
							t.Fatalf("%s: %s (computed %v) floor %g: score %+v, unpruned %+v", sc.name, p.ID, computed, floor, got.Candidate, want.Candidate)
						case !ok && weighed.FOM >= floor:
							t.Fatalf("%s: %s (computed %v): left out at floor %g, figure of merit %g", sc.name, p.ID, computed, floor, weighed.FOM)
						case ok:
							kept++
						default:
							left++
						}
					}
				}
			}
		}
		t.Logf("%s: %d peaks; at the floors %d scored, %d left out", sc.name, len(sc.obs), kept, left)
	}
}

// sameScore reports whether two unweighed results of score are the same
// to the last bit.
func sameScore(a, b scored) bool {
	return a.FOM == b.FOM && a.Scale == b.Scale && a.Strain == b.Strain && a.Parts == b.Parts &&
		reflect.DeepEqual(a.Pairs, b.Pairs) && reflect.DeepEqual(a.Ka2Pairs, b.Ka2Pairs) &&
		a.nVisible == b.nVisible && a.mVisible == b.mVisible && a.nLines == b.nLines && a.refTotal == b.refTotal
}
