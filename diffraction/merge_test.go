package diffraction

import (
	"slices"
	"strings"
	"testing"
)

func rangeScan(x0, step float64, y []float64, time string) *Scan {
	s := &Scan{Wavelength: CuKa, Meta: map[string]string{"units": "counts", "counting_time": time, "range": "1"}}
	for i, v := range y {
		s.TwoTheta = append(s.TwoTheta, x0+step*float64(i))
		s.Intensity = append(s.Intensity, v)
	}
	return s
}

// TestMerge: two ranges that overlap by one point, given in the wrong
// order; the lower range keeps the shared angle (20°), and the angles
// come out increasing.
func TestMerge(t *testing.T) {
	hi := rangeScan(20, 1, []float64{7, 8, 9}, "2") // 20, 21, 22°
	lo := rangeScan(18, 1, []float64{4, 5, 6}, "2") // 18, 19, 20°
	m, err := Merge(hi, lo)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{18, 19, 20, 21, 22}; !slices.Equal(m.TwoTheta, want) {
		t.Errorf("angles %v, want %v", m.TwoTheta, want)
	}
	if want := []float64{4, 5, 6, 8, 9}; !slices.Equal(m.Intensity, want) {
		t.Errorf("intensities %v, want %v (the lower range keeps 20°)", m.Intensity, want)
	}
	if m.Units() != "counts" || m.Meta["range"] != "" || m.Meta["merged"] != "2" {
		t.Errorf("meta %v: want counts (equal counting times), no range, 2 merged", m.Meta)
	}
}

// TestMergeCountingTimes: ranges counted 1 s and 4 s per step are put in
// counts per second: 100 counts in 1 s and 400 counts in 4 s are both
// 100 cps.
func TestMergeCountingTimes(t *testing.T) {
	a := rangeScan(10, 1, []float64{100, 100}, "1")
	b := rangeScan(12, 1, []float64{400, 400}, "4")
	a.ESD, b.ESD = []float64{10, 10}, []float64{20, 20}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Intensity, []float64{100, 100, 100, 100}) || !slices.Equal(m.ESD, []float64{10, 10, 5, 5}) || m.Units() != "cps" {
		t.Errorf("intensities %v ± %v in %s, want 100 cps each (esd 10/1 and 20/4)", m.Intensity, m.ESD, m.Units())
	}
}

func TestMergeRefuses(t *testing.T) {
	mo, _ := AnodeWavelength("Mo")
	other := rangeScan(30, 1, []float64{1, 2}, "1")
	other.Wavelength = mo
	d := rangeScan(1, 0.5, []float64{1, 2}, "1")
	d.Axis = AxisD
	cps := rangeScan(30, 1, []float64{1, 2}, "1")
	cps.Meta["units"] = "cps"
	for _, c := range []struct {
		name string
		s    *Scan
		want string
	}{{"wavelength", other, "measured at"}, {"axis", d, "not 2θ"}, {"units", cps, "in cps"}} {
		if _, err := Merge(rangeScan(10, 1, []float64{1, 2}, "1"), c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	if _, err := Merge(); err == nil {
		t.Error("no scans merged without an error")
	}
}
