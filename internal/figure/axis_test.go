package figure

import (
	"math"
	"strconv"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

const cuKa1 = 1.5405929 // Å, Hölzer et al. (1997)

func TestXUnitCoords(t *testing.T) {
	// Quartz 101, d = 3.3435 Å: Cu Kα1 sees it at 26.64°, Co Kα1
	// (1.788996 Å) at 31.03°; both at Q = 2π/d = 1.8792 Å⁻¹.
	const d = 3.3435
	for _, lambda := range []float64{cuKa1, 1.788996} {
		tt, _ := diffraction.TwoTheta(d, lambda)
		if c := TwoTheta.Coord(tt, lambda); c != tt {
			t.Errorf("2θ axis: coordinate %g, want the angle %g", c, tt)
		}
		for _, u := range []XUnit{D, Q} {
			c := u.Coord(tt, lambda)
			if math.Abs(c-2*math.Pi/d) > 1e-12 {
				t.Errorf("%v axis at λ %g: coordinate %g, want Q = 2π/d = %g", u, lambda, c, 2*math.Pi/d)
			}
			if back := u.TwoThetaAt(c, lambda); math.Abs(back-tt) > 1e-9 {
				t.Errorf("%v axis: TwoThetaAt(Coord(%g°)) = %g°", u, tt, back)
			}
		}
		if v := D.Value(D.Coord(tt, lambda)); math.Abs(v-d) > 1e-12 {
			t.Errorf("d axis shows %g at quartz 101, want %g Å", v, d)
		}
	}
	if tt := Q.TwoThetaAt(9, cuKa1); !math.IsNaN(tt) {
		t.Errorf("Q = 9 Å⁻¹ is beyond 4π/λ = 8.16 Å⁻¹ for Cu, got 2θ %g", tt)
	}
}

func TestYScales(t *testing.T) {
	for _, s := range YScales {
		for _, y := range []float64{-400, 0.5, 1, 2500, 1e6} {
			if s == Log && y <= 0 {
				continue
			}
			if back := s.Value(s.Coord(y, 0.1)); math.Abs(back-y) > 1e-9*math.Abs(y) {
				t.Errorf("%v: Value(Coord(%g)) = %g", s, y, back)
			}
		}
	}
	if c := Log.Coord(-5, 2); c != math.Log10(2) {
		t.Errorf("log of a negative count = %g, want the floor's log10(2)", c)
	}
	if c := Sqrt.Coord(-400, 0); c != -20 {
		t.Errorf("√ of -400 = %g, want -20 (signed)", c)
	}
	// The floor is the smallest positive count, but never more than six
	// decades below the top; 1 when there is nothing positive.
	if f := LogFloor([]float64{0, -3, 7, 1200}, []float64{2.5}); f != 2.5 {
		t.Errorf("LogFloor = %g, want 2.5", f)
	}
	if f := LogFloor([]float64{1e-12, 1e3}); f != 1e-3 {
		t.Errorf("LogFloor = %g, want 1e-3 (six decades under 1e3)", f)
	}
	if f := LogFloor([]float64{0, -1}); f != 1 {
		t.Errorf("LogFloor of no positive value = %g, want 1", f)
	}
}

// checkTicks checks that the labelled ticks are at least gap apart on an
// axis of the given length, in order, and that each label is the value at
// its coordinate (value).
func checkTicks(t *testing.T, name string, tk []Tick, lo, hi, length, gap float64, value func(float64) float64) (labels []string) {
	t.Helper()
	prev := math.Inf(-1)
	for i, k := range tk {
		if i > 0 && k.Coord <= tk[i-1].Coord {
			t.Errorf("%s: ticks out of order at %d: %v", name, i, tk)
		}
		if k.Coord < lo-1e-9*(hi-lo) || k.Coord > hi+1e-9*(hi-lo) {
			t.Errorf("%s: tick %+v outside %g–%g", name, k, lo, hi)
		}
		if k.Label == "" {
			continue
		}
		p := (k.Coord - lo) / (hi - lo) * length
		if p-prev < gap-1e-9 {
			t.Errorf("%s: label %q only %.1f from the previous one (gap %g)", name, k.Label, p-prev, gap)
		}
		prev = p
		v, err := strconv.ParseFloat(k.Label, 64)
		if err != nil {
			t.Errorf("%s: label %q: %v", name, k.Label, err)
			continue
		}
		if want := value(k.Coord); math.Abs(v-want) > 1e-9*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: label %q at the coordinate of %g", name, k.Label, want)
		}
		labels = append(labels, k.Label)
	}
	return labels
}

func TestDTicks(t *testing.T) {
	// A Cu scan from 5° to 80° 2θ: d from 17.66 Å down to 1.199 Å on an
	// axis 1000 px long, labels 60 px apart. Q runs from 0.356 to 5.24
	// Å⁻¹; d = 10 Å is at 1000·(0.628 − 0.356)/(5.24 − 0.356) = 56 px.
	lo, hi := D.Coord(5, cuKa1), D.Coord(80, cuKa1)
	tk := D.Ticks(lo, hi, 1000, 60)
	labels := checkTicks(t, "d 5–80°", tk, lo, hi, 1000, 60, D.Value)
	if len(labels) < 8 {
		t.Errorf("only %d labels on a 1000 px d axis: %v", len(labels), labels)
	}
	// Labels run from large d on the left to small d on the right, and
	// the stretched right end gets finer steps than the left.
	if labels[0] != "10" {
		t.Errorf("first d label %q, want 10", labels[0])
	}
	first, _ := strconv.ParseFloat(labels[0], 64)
	second, _ := strconv.ParseFloat(labels[1], 64)
	last, _ := strconv.ParseFloat(labels[len(labels)-1], 64)
	penult, _ := strconv.ParseFloat(labels[len(labels)-2], 64)
	if !(first-second > penult-last) {
		t.Errorf("d labels %v: steps do not shrink towards small d", labels)
	}
	// 2–150° on 400 px: d from 44 Å to 0.8 Å, most of it squeezed into
	// the left end; the labels jump from there to where there is room.
	lo, hi = D.Coord(2, cuKa1), D.Coord(150, cuKa1)
	if l := checkTicks(t, "d 2–150°", D.Ticks(lo, hi, 400, 60), lo, hi, 400, 60, D.Value); len(l) < 4 {
		t.Errorf("d 2–150° on 400 px: labels %v", l)
	}
	// A zoom on quartz 101 (26–27.5°): a narrow range of d.
	lo, hi = D.Coord(26, cuKa1), D.Coord(27.5, cuKa1)
	if n := len(checkTicks(t, "d zoom", D.Ticks(lo, hi, 800, 60), lo, hi, 800, 60, D.Value)); n < 3 {
		t.Errorf("zoomed d axis has %d labels", n)
	}
}

func TestSqrtAndLogTicks(t *testing.T) {
	lo, hi := Sqrt.Coord(0, 0), Sqrt.Coord(40000, 0)
	labels := checkTicks(t, "sqrt", Sqrt.Ticks(lo, hi, 500, 40), lo, hi, 500, 40, func(c float64) float64 { return Sqrt.Value(c) })
	if len(labels) < 5 || labels[0] != "0" {
		t.Errorf("sqrt labels %v", labels)
	}
	// 1 to 10⁵ counts over 500 px: 100 px per decade, labels 1, 2, 5, 10, …
	lo, hi = 0, 5
	tk := Log.Ticks(lo, hi, 500, 25)
	labels = checkTicks(t, "log", tk, lo, hi, 500, 25, func(c float64) float64 { return Log.Value(c) })
	want := []string{"1", "2", "5", "10", "20", "50", "100", "200", "500", "1000", "2000", "5000", "10000", "20000", "50000", "100000"}
	if len(labels) != len(want) {
		t.Fatalf("log labels %v, want %v", labels, want)
	}
	for i := range want {
		if labels[i] != want[i] {
			t.Errorf("log label %d = %q, want %q", i, labels[i], want[i])
		}
	}
	if len(tk) != 5*9+1 {
		t.Errorf("%d log ticks, want 46 (9 a decade and the last)", len(tk))
	}
	// Ten decades in 200 px: every second decade.
	labels = checkTicks(t, "log tight", Log.Ticks(-2, 8, 200, 30), -2, 8, 200, 30, func(c float64) float64 { return Log.Value(c) })
	if len(labels) != 6 || labels[0] != "0.01" || labels[5] != "1e8" {
		t.Errorf("tight log labels %v", labels)
	}
}

func TestNiceTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		step   float64
		first  string
	}{
		{5, 80, 8, 10, "10"},
		{0, 6600, 8, 1000, "0"},
		{26.1, 27.3, 6, 0.2, "26.2"},
		{0, 1, 5, 0.2, "0.0"},
		{0, 0.013, 5, 0.002, "0.000"},
	}
	for _, tc := range cases {
		s := niceStep(tc.hi-tc.lo, tc.n)
		if math.Abs(s-tc.step) > 1e-12 {
			t.Errorf("niceStep(%g, %d) = %g want %g", tc.hi-tc.lo, tc.n, s, tc.step)
			continue
		}
		tk := ticks(tc.lo, tc.hi, s)
		if got := tickLabel(tk[0], s); got != tc.first {
			t.Errorf("first tick of %g–%g = %q want %q", tc.lo, tc.hi, got, tc.first)
		}
	}
	// A linear axis: labels every step, four or five minor ticks between.
	tk := TwoTheta.Ticks(5, 80, 800, 100)
	labels := checkTicks(t, "2θ", tk, 5, 80, 800, 100, TwoTheta.Value)
	if len(labels) != 8 || labels[0] != "10" || labels[7] != "80" {
		t.Errorf("2θ labels %v, want 10–80 by 10", labels)
	}
	if len(tk) != 38 {
		t.Errorf("%d ticks on 6–80 by 2, want 38", len(tk))
	}
}
