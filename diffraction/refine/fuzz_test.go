package refine

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// within maps any float onto [lo, hi] (NaN and ±Inf to lo), so that the
// fuzzer explores the whole range the refinement allows.
func within(v, lo, hi float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return lo
	}
	f := math.Abs(v) - math.Floor(math.Abs(v))
	return lo + f*(hi-lo)
}

// FuzzModel evaluates the model and its Jacobian at random parameters
// anywhere within the bounds the refinement keeps (cells within 5 %,
// widths down to the smallest, sizes 1 nm–10 µm, r 0.3–3, …): every value
// and derivative must be finite.
func FuzzModel(f *testing.F) {
	f.Add(0.5, 0.5, 0.1, 0.0, 0.5, 0.3, 0.5, 0.5, 0.1, 0.5, 0.5, 0.2, 0.1, 0.4)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999, 0.999)
	inst := DefaultInstrument(diffraction.CuKa)
	phases := testPhases(f, inst, 5, 150, "calcite.cif", "quartz.cif")
	phases[0].Orientation = [3]int{1, 0, 4}
	scan := grid(5, 150, 0.05)
	for i := range scan.Intensity {
		scan.Intensity[i] = 50
	}
	all := Scale | Background | Cell | Zero | Displacement | Size | Strain | Orientation | Thermal | Widths | Lorentz | Asymmetry
	f.Fuzz(func(t *testing.T, scale, cell, size, strain, po, b, zero, disp, u, v, w, x, y, asym float64) {
		ft, err := newFitter(context.Background(), scan, phases, Options{Instrument: inst, Stages: []Group{all}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := ft.m
		for p, ph := range phases {
			m.par[m.iScale[p]].v = within(scale, 0, 1)
			g := ph.g0
			k := 1 + within(cell, -0.05, 0.05)
			for j := range g {
				m.par[m.iCell[p]+j].v = g[j] / (k * k)
			}
			m.par[m.iSize[p]].v = within(size, 1/maxSize, 1/minSize)
			m.par[m.iStrain[p]].v = within(strain, 0, maxStrain)
			m.par[m.iB[p]].v = within(b, minB, maxB)
		}
		m.par[m.iPO[0]].v = within(po, minPO, maxPO)
		m.par[m.iZero].v = within(zero, -maxZero, maxZero)
		md := maxDisp(m.inst.radius())
		m.par[m.iDisp].v = within(disp, -md, md)
		m.par[m.iU].v = within(u, 0, maxInstrument)
		m.par[m.iV].v = within(v, -maxInstrument, maxInstrument)
		m.par[m.iW].v = within(w, 0, maxInstrument)
		m.par[m.iX].v = within(x, 0, maxInstrument)
		m.par[m.iY].v = within(y, 0, maxInstrument)
		m.par[m.iAsym].v = within(asym, 0, 2*maxAsym)
		ft.setColumns(all, nil)
		chi := ft.jacobian()
		if math.IsNaN(chi) || math.IsInf(chi, 0) {
			t.Fatalf("χ² = %g", chi)
		}
		for i, v := range m.jac {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("Jacobian element %d (column %s) = %g", i, m.par[ft.free[i/len(m.x)]].name, v)
			}
		}
	})
}

// FuzzFit refines two phases against random counts on a short scan (any
// data at all, from flat noise to spikes): Fit must return a result whose
// every number is finite (and so encodes as JSON), never panic nor fail on
// valid input.
func FuzzFit(f *testing.F) {
	f.Add([]byte{0, 255, 3, 7, 100, 200, 50, 1}, uint8(0))
	f.Add([]byte{}, uint8(3))
	f.Add([]byte{255, 255, 255, 255}, uint8(1))
	inst := DefaultInstrument(diffraction.CuKa)
	phases := testPhases(f, inst, 25, 60, "nacl.cif", "si.cif")
	phases[0].Orientation = [3]int{1, 1, 1}
	f.Fuzz(func(t *testing.T, counts []byte, mode uint8) {
		scan := grid(25, 60, 0.1)
		for i := range scan.Intensity {
			if len(counts) > 0 {
				c := float64(counts[i%len(counts)])
				scan.Intensity[i] = c * c
			}
		}
		opt := Options{Instrument: inst, MaxIterations: 8}
		switch mode % 4 {
		case 1:
			opt.Stages = []Group{Scale | Background | Cell | Zero | Displacement | Size | Strain | Orientation | Thermal}
		case 2:
			opt.FixedBackground = scan.Intensity
		case 3:
			opt.Stages = InstrumentStages()
		}
		res, err := Fit(context.Background(), scan, phases, opt)
		if err != nil {
			t.Fatal(err)
		}
		if err := finite(res); err != nil {
			t.Fatal(err)
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatal(err)
		}
	})
}

// finite reports the first number of the result that is NaN or infinite.
func finite(r *Result) error {
	check := func(name string, vs ...float64) error {
		for i, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s[%d] = %g", name, i, v)
			}
		}
		return nil
	}
	errs := []error{
		check("R", r.Rp, r.Rwp, r.Rexp, r.GoF, r.Zero, r.ZeroESD, r.Displacement, r.DisplacementESD),
		check("background", r.BackgroundCoeffs...),
		check("calculated", r.Calculated...),
		check("background curve", r.Background...),
		check("difference", r.Difference...),
	}
	for _, p := range r.Phases {
		c, e := p.Cell, p.CellESD
		errs = append(errs, check(p.ID, p.Scale, p.ScaleESD, p.WeightFraction, p.WeightFractionESD,
			c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, e.A, e.B, e.C, e.Alpha, e.Beta, e.Gamma,
			p.Volume, p.VolumeESD, p.Size, p.SizeESD, p.Strain, p.StrainESD, p.PO, p.POESD, p.B, p.BESD),
			check(p.ID+" contribution", p.Contribution...))
		for _, l := range p.Reflections {
			errs = append(errs, check(p.ID+" line", l.D, l.TwoTheta, l.Intensity, l.F2))
		}
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
