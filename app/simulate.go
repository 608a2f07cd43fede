package app

import (
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// simLine is one line of a simulated pattern as the database browser and
// the teaching window show it: the reflections at one angle taken
// together (within 0.001° 2θ, as refdb.Phase.Sticks merges them: far
// below any measured peak width), named by the strongest of them, ties
// by the largest hkl (200 rather than 020 or 002).
type simLine struct {
	H, K, L  int
	D        float64 // Å
	TwoTheta float64 // degrees
	I        float64 // relative, the strongest line 100
	Mult     int     // multiplicities of the merged reflections, summed
}

// hkl returns the indices as a crystallographer writes them: "111",
// "10-4" with an overbar on negative indices ("10\u03054"), separated by
// spaces when an index has two digits.
func (l simLine) hkl() string { return hklText(l.H, l.K, l.L) }

func hklText(h, k, l int) string {
	idx := []int{h, k, l}
	wide := false
	for _, v := range idx {
		if v <= -10 || v >= 10 {
			wide = true
		}
	}
	var b strings.Builder
	for i, v := range idx {
		if wide && i > 0 {
			b.WriteByte(' ')
		}
		if v < 0 {
			// The digits with a combining overline (U+0305) each.
			for _, c := range strconv.Itoa(-v) {
				b.WriteRune(c)
				b.WriteRune('\u0305')
			}
			continue
		}
		b.WriteString(strconv.Itoa(v))
	}
	return b.String()
}

// simulation is the powder pattern of a structure at one wavelength: its
// lines and their profile over lo–hi (2θ, degrees).
type simulation struct {
	Lambda float64 // Å
	Lo, Hi float64
	Lines  []simLine // by increasing 2θ
	// X, Y is the profile, Y scaled so that its highest point is 100.
	X, Y []float64
}

// profileStep is the 2θ step of a simulated profile: at least seven
// points over the narrowest line of crystal.DefaultProfile (FWHM ≈ 0.07°).
const profileStep = 0.01

// simulate computes the pattern of s at lambda between lo and hi (2θ):
// crystal.Pattern with its defaults (Bragg–Brentano, no monochromator,
// one wavelength), every line kept, and the profile of a typical
// laboratory instrument (crystal.DefaultProfile).
func simulate(s *crystal.Structure, lambda, lo, hi float64) (*simulation, error) {
	refl, err := crystal.Pattern(s, lambda, lo, hi, crystal.Options{})
	if err != nil {
		return nil, err
	}
	sim := &simulation{Lambda: lambda, Lo: lo, Hi: hi}
	// nameI is the intensity of the reflection the last line is named by.
	nameI := 0.0
	for _, r := range refl { // by increasing 2θ
		l := simLine{H: r.H, K: r.K, L: r.L, D: r.D, TwoTheta: r.TwoTheta, I: r.Intensity, Mult: r.Multiplicity}
		n := len(sim.Lines)
		if n == 0 || r.TwoTheta-sim.Lines[n-1].TwoTheta >= 1e-3 {
			sim.Lines = append(sim.Lines, l)
			nameI = l.I
			continue
		}
		m := &sim.Lines[n-1]
		if l.I > nameI*(1+1e-9) || (l.I >= nameI*(1-1e-9) && hklLess(*m, l)) {
			m.H, m.K, m.L, m.D = l.H, l.K, l.L, l.D
			nameI = l.I
		}
		m.I += l.I
		m.Mult += l.Mult
	}
	top := 0.0
	for _, l := range sim.Lines {
		top = max(top, l.I)
	}
	for i := range sim.Lines {
		sim.Lines[i].I *= 100 / top
	}
	n := int(math.Round((hi-lo)/profileStep)) + 1
	sim.X = make([]float64, n)
	for i := range sim.X {
		sim.X[i] = lo + float64(i)*profileStep
	}
	sim.Y = crystal.Profile(refl, sim.X, crystal.DefaultProfile)
	ymax := 0.0
	for _, y := range sim.Y {
		ymax = max(ymax, y)
	}
	if ymax > 0 {
		for i := range sim.Y {
			sim.Y[i] *= 100 / ymax
		}
	}
	return sim, nil
}

// hklLess orders indices for naming a line: a before b when b is the
// larger (h, then k, then l).
func hklLess(a, b simLine) bool {
	if a.H != b.H {
		return a.H < b.H
	}
	if a.K != b.K {
		return a.K < b.K
	}
	return a.L < b.L
}

// find returns the index of the line named h k l, or -1.
func (s *simulation) find(h, k, l int) int {
	for i, x := range s.Lines {
		if x.H == h && x.K == k && x.L == l {
			return i
		}
	}
	return -1
}

// worker runs computations off the UI goroutine one at a time: a job
// submitted while one runs waits, and replaces any job already waiting,
// so that a slider dragged through a hundred values computes a few and
// always ends with the last. A job returns the update to apply, which
// runs on the UI goroutine through do. inline runs both on the caller
// (tests, snapshots).
type worker struct {
	do     func(func())
	inline bool

	mu      sync.Mutex
	busy    bool
	waiting func() func()
	wg      sync.WaitGroup
}

func (w *worker) submit(job func() func()) {
	if w.inline {
		job()()
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.busy {
		w.waiting = job
		return
	}
	w.busy = true
	w.wg.Add(1)
	go w.loop(job)
}

func (w *worker) loop(job func() func()) {
	defer w.wg.Done()
	for job != nil {
		w.do(job())
		w.mu.Lock()
		job, w.waiting = w.waiting, nil
		w.busy = job != nil
		w.mu.Unlock()
	}
}
