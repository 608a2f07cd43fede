package crystal

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolarization(t *testing.T) {
	t.Parallel()
	c2 := math.Cos(60 * math.Pi / 180) // 2θ = 60°: cos²2θ = 0.25
	cases := []struct {
		name string
		opt  Options
		want float64
	}{
		// Unpolarised, no monochromator: 1 + cos²2θ = 1.25.
		{"tube", Options{}, 1.25},
		// Synchrotron with p = 0.5 is the unpolarised beam.
		{"p=0.5", Options{Synchrotron: true, Polarization: 0.5}, 1.25},
		// Fully σ-polarised (vertical diffraction plane): 2·1 = 2.
		{"p=1", Options{Synchrotron: true, Polarization: 1}, 2},
		// Graphite 002 monochromator for Cu Kα, 2θm = 26.6°: cos²2θm =
		// 0.79951; 2·(1 + 0.79951·0.25)/(1 + 0.79951) = 1.33356.
		{"graphite", Options{Monochromator: 26.6}, 2 * (1 + math.Pow(math.Cos(26.6*math.Pi/180), 2)*0.25) / (1 + math.Pow(math.Cos(26.6*math.Pi/180), 2))},
	}
	for _, tc := range cases {
		if got := tc.opt.polarization(c2); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %.6f, want %.6f", tc.name, got, tc.want)
		}
	}
	if v := (&Options{Monochromator: 26.6}).polarization(c2); math.Abs(v-1.33356) > 1e-5 {
		t.Errorf("graphite monochromator: %.6f, want 1.33356", v)
	}
	for _, bad := range []Options{{Synchrotron: true, Polarization: 1.5}, {Monochromator: -1}, {Ka2: 1.5}, {DefaultB: -1}} {
		s := &parseFile(t, filepath.Join("testdata", "si.cif"))[0]
		if _, err := Pattern(s, cuKa1, 5, 90, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func TestAnomalous(t *testing.T) {
	t.Parallel()
	// Sasaki (1989) at Cu Kα1 via cctbx (anomalous_gen.go): Fe f′ = −1.1794,
	// f″ = 3.1976 (Fe is just above its K edge at 1.74 Å); Si f′ = 0.2437,
	// f″ = 0.3302.
	for _, tc := range []struct {
		el      string
		fp, fdp float64
	}{{"Fe", -1.1794, 3.1976}, {"Si", 0.2437, 0.3302}} {
		fp, fdp, ok := Anomalous(tc.el, cuKa1)
		if !ok || math.Abs(fp-tc.fp) > 1e-4 || math.Abs(fdp-tc.fdp) > 1e-4 {
			t.Errorf("%s: f′ %g f″ %g %v", tc.el, fp, fdp, ok)
		}
	}
	// pymatgen's older Cu Kα1, 1.54056 Å, is within 0.5 % of Hölzer's.
	if _, _, ok := Anomalous("Fe", 1.54056); !ok {
		t.Error("1.54056 Å: no table")
	}
	s := &parseFile(t, filepath.Join("testdata", "si.cif"))[0]
	if _, err := Pattern(s, 1.0, 5, 90, Options{Anomalous: true}); err == nil {
		t.Error("λ = 1 Å: anomalous dispersion without a table gave no error")
	}
	// A centrosymmetric structure keeps Friedel's law: |F|² with f′, f″ is
	// |f0 + f′|² + f″² scaled: check Si 111 against the formula. Si 111:
	// 8 atoms, |Σ e^{iφ}| = 4√2, so |F|² = 32·((f0+f′)² + f″²).
	refl, err := Pattern(s, cuKa1, 20, 30, Options{Anomalous: true, NoDisplacement: true})
	if err != nil || len(refl) != 1 {
		t.Fatalf("%v %v", refl, err)
	}
	f0, _ := FormFactor("Si", 1/(2*refl[0].D))
	fp, fdp, _ := Anomalous("Si", cuKa1)
	want := 32 * ((f0+fp)*(f0+fp) + fdp*fdp)
	if math.Abs(refl[0].F2-want) > 1e-9*want {
		t.Errorf("Si 111 |F|² = %.6f, want %.6f", refl[0].F2, want)
	}
}

func TestIonFormFactors(t *testing.T) {
	t.Parallel()
	// f0(0) of an ion is its electron count, Z − charge, within the
	// Waasmaier–Kirfel fit (≤ 0.01 e at s = 0).
	for _, tc := range []struct {
		el     string
		charge int
		n      float64
	}{{"Fe", 3, 23}, {"O", -2, 10}, {"Al", 3, 10}, {"Cl", -1, 18}} {
		f, ok := IonFormFactor(tc.el, tc.charge, 0)
		if !ok || math.Abs(f-tc.n) > 0.01 {
			t.Errorf("%s%+d: f0(0) = %g, want %g", tc.el, tc.charge, f, tc.n)
		}
	}
	if _, ok := IonFormFactor("S", -2, 0); ok {
		t.Error("S2−: not tabulated by Waasmaier & Kirfel, got a value")
	}
	// Corundum is typed Al3+, O2−: the ionic and neutral patterns differ.
	s := &parseFile(t, filepath.Join("testdata", "corundum.cif"))[0]
	a, _ := Pattern(s, cuKa1, 5, 90, Options{})
	b, _ := Pattern(s, cuKa1, 5, 90, Options{NeutralAtoms: true})
	if len(a) != len(b) || a[0].F2 == b[0].F2 {
		t.Errorf("ionic and neutral corundum: %d/%d lines, first |F|² %g/%g", len(a), len(b), a[0].F2, b[0].F2)
	}
}

func TestDoublet(t *testing.T) {
	t.Parallel()
	s := &parseFile(t, filepath.Join("testdata", "si.cif"))[0]
	one, _ := Pattern(s, cuKa1, 5, 90, Options{})
	two, err := Pattern(s, cuKa1, 5, 90, Options{Ka2: 1.5444274, Ka2Ratio: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 2*len(one) {
		t.Fatalf("%d lines with the doublet, %d without", len(two), len(one))
	}
	// Each Kα2 line follows its Kα1 line at the 2θ of Bragg's law for
	// λ2, with Abs = 0.5·|F|²·m·LP(θ2).
	for i := 0; i < len(two); i += 2 {
		k1, k2 := two[i], two[i+1]
		if k1.Ka2 || !k2.Ka2 || k1.H != k2.H || k1.K != k2.K || k1.L != k2.L {
			t.Fatalf("lines %d, %d: %+v %+v", i, i+1, k1, k2)
		}
		th2 := math.Asin(1.5444274 / (2 * k2.D))
		if math.Abs(k2.TwoTheta-2*th2*180/math.Pi) > 1e-9 {
			t.Errorf("%d%d%d Kα2 at %.6f°", k2.H, k2.K, k2.L, k2.TwoTheta)
		}
		c2 := math.Cos(2 * th2)
		lp := (1 + c2*c2) / (math.Sin(th2) * math.Sin(th2) * math.Cos(th2))
		if want := 0.5 * k2.F2 * float64(k2.Multiplicity) * lp; math.Abs(k2.Abs-want) > 1e-9*want {
			t.Errorf("%d%d%d Kα2 Abs %g, want %g", k2.H, k2.K, k2.L, k2.Abs, want)
		}
	}
}

func ExamplePattern() {
	f := `data_NaCl
_cell_length_a 5.6402
_cell_length_b 5.6402
_cell_length_c 5.6402
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
_symmetry_space_group_name_H-M 'F m -3 m'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na1 Na 0 0 0
Cl1 Cl 0.5 0.5 0.5
`
	ss, err := ParseCIF(strings.NewReader(f), "nacl.cif")
	if err != nil {
		fmt.Println(err)
		return
	}
	refl, _ := Pattern(&ss[0], 1.5405929, 20, 60, Options{})
	fmt.Println(ss[0].SymmetrySource())
	for _, r := range refl {
		fmt.Printf("%d%d%d %.3f° m=%d I=%.1f\n", r.H, r.K, r.L, r.TwoTheta, r.Multiplicity, r.Intensity)
	}
	// Output:
	// Hermann–Mauguin symbol (F m -3 m)
	// 111 27.366° m=8 I=8.1
	// 200 31.703° m=6 I=100.0
	// 220 45.447° m=12 I=65.8
	// 311 53.867° m=24 I=2.0
	// 222 56.472° m=8 I=21.2
}

func ExampleLookupSpaceGroup() {
	g, _ := LookupSpaceGroup("Fd-3m:2")
	fmt.Println(g.Number, g.HM, g.Hall, len(g.Ops()))
	// Output: 227 F d -3 m :2 -F 4vw 2vw 3 192
}

// TestAnomalousTableLabels guards the generated table against label
// mix-ups (cctbx once matched "Po" to "P"): phosphorus has Sasaki's values
// (f′ = 0.2835 at Cu Kα1), polonium has none and a structure with it is
// refused rather than given phosphorus's corrections.
func TestAnomalousTableLabels(t *testing.T) {
	if fp, _, ok := Anomalous("P", 1.5405929); !ok || math.Abs(fp-0.2835) > 1e-4 {
		t.Errorf("P f′ at Cu Kα1 = %g (%v), want 0.2835", fp, ok)
	}
	if fp, _, ok := Anomalous("U", 1.5405929); !ok || math.Abs(fp-(-5.3595)) > 1e-3 {
		t.Errorf("U f′ at Cu Kα1 = %g (%v), want −5.3595", fp, ok)
	}
	if fp, fdp, ok := Anomalous("Po", 1.5405929); ok {
		t.Errorf("Po f′, f″ = %g, %g; want no data", fp, fdp)
	}
	s := &Structure{Cell: Cell{A: 3.359, B: 3.359, C: 3.359, Alpha: 90, Beta: 90, Gamma: 90}, SpaceGroup: "P 1",
		Ops: []SymOp{{R: [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}}, Sites: []Site{{Label: "Po1", Element: "Po", Occupancy: 1}}}
	if _, err := Pattern(s, 1.5405929, 5, 90, Options{Anomalous: true}); err == nil || !strings.Contains(err.Error(), "Po") {
		t.Errorf("α-Po with anomalous dispersion: %v, want an error naming Po", err)
	}
	if _, err := Pattern(s, 1.5405929, 5, 90, Options{}); err != nil {
		t.Errorf("α-Po without anomalous dispersion: %v", err)
	}
}
