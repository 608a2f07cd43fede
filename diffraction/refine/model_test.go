package refine

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// loadCIF reads a structure of crystal's test data.
func loadCIF(t testing.TB, name string) *crystal.Structure {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "crystal", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ss, err := crystal.ParseCIF(f, name)
	if err != nil {
		t.Fatal(err)
	}
	return &ss[0]
}

// testPhases returns phases of crystal's test structures for lo–hi.
func testPhases(t testing.TB, inst Instrument, lo, hi float64, files ...string) []*Phase {
	t.Helper()
	var out []*Phase
	for _, f := range files {
		p, err := NewPhase(f, loadCIF(t, f), inst, lo, hi)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// grid returns a Cu Kα scan lo…hi with the given step and zero counts.
func grid(lo, hi, step float64) *diffraction.Scan {
	n := int(math.Round((hi-lo)/step)) + 1
	s := &diffraction.Scan{TwoTheta: make([]float64, n), Intensity: make([]float64, n), Wavelength: diffraction.CuKa}
	for i := range n {
		s.TwoTheta[i] = lo + float64(i)*step
	}
	return s
}

// The metric basis has the dimension of the crystal system's cell, in
// any setting: cubic 1, hexagonal/trigonal (rhombohedral in hexagonal
// axes too) 2, orthorhombic 3 and a monoclinic cell 4; and the starting
// cell is reproduced from its coefficients.
func TestMetricBasis(t *testing.T) {
	for _, c := range []struct {
		file string
		dim  int
	}{{"si.cif", 1}, {"nacl.cif", 1}, {"quartz.cif", 2}, {"calcite.cif", 2}, {"rutile.cif", 2}} {
		s := loadCIF(t, c.file)
		p, err := NewPhase(c.file, s, DefaultInstrument(diffraction.CuKa), 10, 100)
		if err != nil {
			t.Fatal(err)
		}
		if p.CellParameters() != c.dim {
			t.Errorf("%s: %d cell parameters, want %d", c.file, p.CellParameters(), c.dim)
		}
		cell, err := cellOf(metric(p.g0, p.basis))
		if err != nil {
			t.Fatal(err)
		}
		want := s.Cell
		for _, v := range [][2]float64{{cell.A, want.A}, {cell.B, want.B}, {cell.C, want.C}, {cell.Alpha, want.Alpha}, {cell.Beta, want.Beta}, {cell.Gamma, want.Gamma}} {
			if math.Abs(v[0]-v[1]) > 1e-9*v[1] {
				t.Errorf("%s: cell %+v, want %+v", c.file, cell, want)
				break
			}
		}
	}
	// Monoclinic, b unique (P 1 21/c 1) and c unique (P 1 1 21/b): 4.
	for _, ops := range [][]string{{"x,y,z", "-x,y+1/2,-z+1/2", "-x,-y,-z", "x,-y+1/2,z+1/2"},
		{"x,y,z", "-x,-y,z+1/2", "-x,-y,-z", "x,y,-z+1/2"}} {
		var rs []crystal.SymOp
		for _, o := range ops {
			op, err := crystal.ParseSymOp(o)
			if err != nil {
				t.Fatal(err)
			}
			rs = append(rs, op)
		}
		if n := len(metricBasis(crystal.Rotations(rs))); n != 4 {
			t.Errorf("monoclinic %v: %d cell parameters, want 4", ops, n)
		}
	}
}

// The analytic Jacobian against central differences of the model, for
// every parameter group at once on a three-phase pattern with preferred
// orientation, zero shift and displacement. Exact columns (scale,
// background, zero, displacement, widths, size, strain, orientation, B)
// agree to 1e-5 of the column's norm, the limit of the differences; the
// cell columns neglect the change of LP, widths and asymmetry with the
// line's angle (a few 1e-3 of a line's own change) and agree to 2e-2.
func TestJacobian(t *testing.T) {
	scan := grid(15, 75, 0.02)
	for i := range scan.Intensity {
		scan.Intensity[i] = 100
	}
	inst := DefaultInstrument(diffraction.CuKa)
	inst.Monochromator = 26.6
	phases := testPhases(t, inst, 15, 75, "quartz.cif", "calcite.cif", "corundum.cif")
	phases[1].Orientation = [3]int{1, 0, 4}
	all := Scale | Background | Cell | Zero | Displacement | Size | Strain | Orientation | Thermal | Widths | Lorentz
	f, err := newFitter(context.Background(), scan, phases, Options{Instrument: inst, Stages: []Group{all}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := f.m
	for p := range phases {
		m.par[m.iScale[p]].v = 1e-4 * float64(p+1)
		m.par[m.iSize[p]].v = 0.01
		m.par[m.iStrain[p]].v = 5e-4
		m.par[m.iB[p]].v = 0.3
	}
	m.par[m.iPO[1]].v = 0.8
	m.par[m.iZero].v, m.par[m.iDisp].v = 0.02, 0.1
	m.par[m.iX].v = 0.01
	nf := f.setColumns(all, nil)
	m.eval(true)
	n := len(m.x)
	yp, ym := make([]float64, n), make([]float64, n)
	for c, p := range f.free {
		pr := &m.par[p]
		h := 1e-6 * math.Max(math.Abs(pr.v), 1e-3)
		if pr.group == Background {
			h = 1 // linear: any step is exact, a small one only adds rounding
		}
		v := pr.v
		pr.v = v + h
		m.computePeaks(false)
		m.setBackground()
		m.evalPoints(0, n, false, nil, &m.work[0])
		copy(yp, m.yc)
		pr.v = v - h
		m.computePeaks(false)
		m.setBackground()
		m.evalPoints(0, n, false, nil, &m.work[0])
		copy(ym, m.yc)
		pr.v = v
		var diff, norm float64
		for i := range n {
			num := (yp[i] - ym[i]) / (2 * h) * m.sw[i]
			d := m.jac[c*n+i] - num
			diff += d * d
			norm += num * num
		}
		tol := 1e-5
		if pr.group == Cell {
			tol = 2e-2
		}
		if !(math.Sqrt(diff) <= tol*math.Sqrt(norm)) {
			t.Errorf("%s: Jacobian column differs by %.3g of its norm %.3g", pr.name, math.Sqrt(diff/norm), math.Sqrt(norm))
		}
	}
	if nf != len(f.free) || nf < 30 {
		t.Errorf("%d free parameters", nf)
	}
}

// The model's evaluation (asymmetry nodes collapsed into one Lorentzian
// beyond coreWidths, Gaussian by recurrence) against the plain sum over
// every node of every line within its window: within 1e-4 of the
// strongest point, what coreWidths promises, with the default instrument's
// asymmetry on a 10–110° scan.
func TestModelTails(t *testing.T) {
	scan := grid(10, 110, 0.02)
	inst := DefaultInstrument(diffraction.CuKa)
	p, err := NewPhase("calcite", loadCIF(t, "calcite.cif"), inst, 10, 110)
	if err != nil {
		t.Fatal(err)
	}
	f, err := newFitter(context.Background(), scan, []*Phase{p}, Options{Instrument: inst, BackgroundTerms: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m := f.m
	m.par[m.iScale[0]].v = 1
	m.eval(false)
	want := make([]float64, len(m.x))
	var top float64
	for _, pk := range m.peaks {
		for i := pk.i0; i < pk.i1; i++ {
			for k := range pk.a.n {
				want[i] += pk.area * pk.a.w[k] * pvAt(m.x[i]-pk.c-pk.a.off[k], pk.t.fwhm, pk.t.eta)
			}
			top = math.Max(top, want[i])
		}
	}
	for i := range want {
		if d := math.Abs(m.yc[i] - want[i]); d > 1e-4*top {
			t.Fatalf("2θ=%g: model %g, sum over nodes %g (%.2g of the top)", m.x[i], m.yc[i], want[i], d/top)
		}
	}
}
