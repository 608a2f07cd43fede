package peaks

import (
	"math"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// TestBackgroundMethods checks the alternatives to SNIP on 5 seeds of the
// standard synthetic scan (200 peaks). They are not as good as SNIP there,
// and the limits record what they achieve now, not the targets:
// the degree-6 polynomial cannot follow the 12° decay at low angle as
// closely as SNIP (recall ≥ 95 %, false ≤ 3 %: 194/200 and 4/198
// measured); the manual spline through the true background at 9 points
// (10° apart) is close to the truth, but without SNIP's bias correction
// the noise threshold sits lower (recall ≥ 99 %, false ≤ 2 %: 199/200 and
// 3/202 measured).
func TestBackgroundMethods(t *testing.T) {
	t.Parallel()
	var pts []Point
	for x := 10.0; x <= 90; x += 10 {
		pts = append(pts, Point{x, synthBackground(x)})
	}
	cases := []struct {
		name                string
		bg                  Background
		minRecall, maxFalse float64 // per cent
	}{
		{"poly", Background{Method: BackgroundPoly}, 95, 3},
		{"manual", Background{Method: BackgroundManual, Points: pts}, 99, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var total, found, falsePeaks, reported int
			for seed := uint64(1); seed <= 5; seed++ {
				s, tp := synth(standard, seed)
				opt := DefaultOptions()
				opt.Background = tc.bg
				r, err := Find(s, opt)
				if err != nil {
					t.Fatal(err)
				}
				checkFinite(t, r)
				idx, fp := match(tp, r.Peaks)
				for _, i := range idx {
					total++
					if i >= 0 {
						found++
					}
				}
				falsePeaks += fp
				reported += len(r.Peaks)
			}
			t.Logf("recall %d/%d, false %d/%d", found, total, falsePeaks, reported)
			if float64(found*100) < tc.minRecall*float64(total) || float64(falsePeaks*100) > tc.maxFalse*float64(reported) {
				t.Errorf("recall %d/%d, false %d/%d", found, total, falsePeaks, reported)
			}
		})
	}
}

// TestManualBackgroundErrors: too few points give an error, not a panic.
func TestManualBackgroundErrors(t *testing.T) {
	t.Parallel()
	s, _ := synth(standard, 1)
	for _, pts := range [][]Point{nil, {{20, 1}}, {{20, 1}, {20, 2}}, {{20, math.NaN()}, {30, 1}}} {
		opt := DefaultOptions()
		opt.Background = Background{Method: BackgroundManual, Points: pts}
		if _, err := Find(s, opt); err == nil {
			t.Errorf("points %v: no error", pts)
		}
	}
}

// TestAxisRoundTrip shifts the ideal LaB6-like positions by a known zero
// shift (0.05°) and displacement (0.2 mm on 240 mm) and checks that
// FitAxis recovers both (to 1e-6, noise-free) and Correct undoes them.
func TestAxisRoundTrip(t *testing.T) {
	t.Parallel()
	const lambda = 1.5405929
	want := Axis{ZeroShift: 0.05, Displacement: 0.2}
	// d = a/√(h²+k²+l²) for a cubic cell of a = 4.1568 Å (LaB6).
	var ref []float64
	var pk []diffraction.Peak
	for _, m := range []float64{1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14} {
		d := 4.1568 / math.Sqrt(m)
		ref = append(ref, d)
		tt, _ := diffraction.TwoTheta(d, lambda)
		pk = append(pk, diffraction.Peak{TwoTheta: tt + want.shift(tt)})
	}
	fit, err := FitAxis(pk, ref, lambda, 0, 0, true)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(fit.Axis.ZeroShift-want.ZeroShift) > 1e-6 || math.Abs(fit.Axis.Displacement-want.Displacement) > 1e-6 || fit.Matched != len(ref) {
		t.Errorf("got %+v, want %+v", fit, want)
	}
	for i, d := range ref {
		tt, _ := diffraction.TwoTheta(d, lambda)
		if got := want.Correct(pk[i].TwoTheta); math.Abs(got-tt) > 1e-9 {
			t.Errorf("Correct(%g) = %g, want %g", pk[i].TwoTheta, got, tt)
		}
	}
	if _, err := FitAxis(nil, ref, lambda, 0, 0, false); err == nil {
		t.Error("no peaks: no error")
	}
}

// TestScherrerWH checks Scherrer and Williamson–Hall on widths made from
// the Williamson–Hall model itself: 500 Å crystallites (K = 0.9, Cu Kα1)
// and a strain of 1e-3, with no instrumental broadening, so both are
// recovered exactly; Scherrer on a single peak, which ignores strain,
// gives a size below 500 Å.
func TestScherrerWH(t *testing.T) {
	t.Parallel()
	const lambda, size, strain = 1.5405929, 500.0, 1e-3
	var pk []diffraction.Peak
	for _, tt := range []float64{30, 45, 60, 80, 100} {
		th := tt * math.Pi / 360
		beta := (0.9*lambda/size + 4*strain*math.Sin(th)) / math.Cos(th)
		pk = append(pk, diffraction.Peak{TwoTheta: tt, FWHM: beta * 180 / math.Pi})
	}
	wh, err := WilliamsonHall(pk, lambda, SizeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(wh.Size/size-1) > 1e-9 || math.Abs(wh.Strain/strain-1) > 1e-9 {
		t.Errorf("got %+v, want size %g strain %g", wh, size, strain)
	}
	sz, err := Scherrer(pk[0], lambda, SizeOptions{})
	if err != nil || !(sz < size) {
		t.Errorf("Scherrer %g, %v: want below %g", sz, err, size)
	}
	// An instrument as broad as the peak leaves nothing.
	if _, err := Scherrer(pk[0], lambda, SizeOptions{Instrument: Caglioti{W: pk[0].FWHM * pk[0].FWHM}}); err == nil {
		t.Error("instrument-limited peak: no error")
	}
}

// TestPearsonVII fits the standard scan with the Pearson VII: the same
// recall as the pseudo-Voigt, and positions of peaks ≥ 50σ within 0.2
// step (the bound).
func TestPearsonVII(t *testing.T) {
	t.Parallel()
	s, tp := synth(standard, 2)
	opt := DefaultOptions()
	opt.Profile = ProfilePearsonVII
	r, err := Find(s, opt)
	if err != nil {
		t.Fatal(err)
	}
	checkFinite(t, r)
	idx, _ := match(tp, r.Peaks)
	for i, p := range tp {
		if idx[i] < 0 || p.sigmas < 50 {
			continue
		}
		q, f := r.Peaks[idx[i]], r.Fits[idx[i]]
		if dx := math.Abs(q.TwoTheta-p.pos) / standard.step; dx > 0.2 || !f.OK {
			t.Errorf("peak %.4f: fitted %.4f (%.2f step), fit %+v", p.pos, q.TwoTheta, dx, f)
		}
	}
}
