package analysis

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// sharedScans is the measured-scan collection beside the repository; tests
// that need it skip when it is absent.
const sharedScans = "../../../shared/data/scans"

func needShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(sharedScans); err != nil {
		t.Skipf("%s is absent: skipping the tests on measured scans", sharedScans)
	}
}

// TestAutoAnalyzerSinglePhase runs the pipeline on the single-phase
// XRD-AutoAnalyzer scans (measured, Cu Kα, labelled with these phases by
// their authors; shared/data/README.md) and requires the labelled phase
// as the only one concluded present.
func TestAutoAnalyzerSinglePhase(t *testing.T) {
	needShared(t)
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa // the files carry none; their authors used Cu Kα
	for _, c := range []struct{ file, formula string }{
		{"TiO2.xy", "TiO2"}, {"MnO.xy", "MnO"}, {"LiF.xy", "LiF"}, {"Li2TiO3.xy", "Li2TiO3"},
		{"LiMn2O4.xy", "LiMn2O4"}, {"Mn2O3.xy", "Mn2O3"}, {"MnF2.xy", "MnF2"}, {"MnO2.xy", "MnO2"},
		{"LiMnO2.xy", "LiMnO2"},
	} {
		a, err := testPipeline(opt).Open(context.Background(), filepath.Join(sharedScans, "xy/xrd_autoanalyzer", c.file), nil)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		var got []string
		for _, p := range a.Match.Phases {
			got = append(got, p.Phase.Formula)
		}
		if len(got) != 1 || got[0] != c.formula || a.Match.Candidates[0].Phase.Formula != c.formula {
			t.Errorf("%s: identified %v (first candidate %s), want [%s]", c.file, got, a.Match.Candidates[0].Phase.Formula, c.formula)
		}
	}
}

// TestRRUFFSinglePhase runs the pipeline on measured RRUFF powder patterns
// (Cu Kα, re-exported as angle,intensity CSV by WPEM/XRED; the phase is
// the RRUFF label, shared/data/README.md) whose phase is in the database,
// halite among them: the labelled phase must be the only one concluded.
func TestRRUFFSinglePhase(t *testing.T) {
	needShared(t)
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa // RRUFF measures with Cu Kα; the CSV does not say
	dir := filepath.Join(sharedScans, "csv/wpem_xred/monophase/RRUFF90/RRUFFdata90")
	for _, c := range []struct{ file, formula string }{
		{"R070534.csv", "NaCl"}, {"R040036.csv", "BaSO4"}, {"R050262.csv", "FeCO3"}, {"R050676.csv", "MgCO3"},
		{"R070279.csv", "Au"}, {"R100131.csv", "Al2O3"}, {"R040012.csv", "CaSO4"}, {"R050298.csv", "PbCO3"},
	} {
		a, err := testPipeline(opt).Open(context.Background(), filepath.Join(dir, c.file), nil)
		if err != nil {
			t.Errorf("%s: %v", c.file, err)
			continue
		}
		var got []string
		for _, p := range a.Match.Phases {
			got = append(got, p.Phase.Formula)
		}
		if len(got) != 1 || got[0] != c.formula {
			t.Errorf("%s: identified %v, want [%s]", c.file, got, c.formula)
		}
	}
}

// TestNoFalseIdentification: fityk's nacl01.dat is labelled NaCl but its
// axis is not 2θ at any laboratory wavelength — its peak positions x obey
// x·d = 69.7 to 0.1 % for the halite d-spacings, an energy-dispersive scan
// in keV (2θ ≈ 10.2°) without a header saying so. Read as Cu Kα 2θ it must
// not produce a confident identification (it once gave periclase on one
// coinciding line).
func TestNoFalseIdentification(t *testing.T) {
	needShared(t)
	a, err := testPipeline(DefaultOptions()).Open(context.Background(), filepath.Join(sharedScans, "xy/fityk_samples/nacl01.dat"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range a.Match.Phases {
		t.Errorf("nacl01.dat: %s concluded present from %d lines", p.Phase.Formula, len(p.Pairs))
	}
}

// TestInternalStandard fits the axis of the NIST SRM 660c LaB6 scan (GSAS
// format, Cu Kα) to the database's LaB6 lines: after the zero-shift and
// displacement correction the matched lines sit within 0.01° rms (the
// issue's accuracy for calibrant positions), from at least 10 lines (the
// scan holds about 20 LaB6 reflections of ≥ 5 % intensity).
func TestInternalStandard(t *testing.T) {
	needShared(t)
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa
	opt.Standard = "cod:1000055" // LaB6
	a, err := testPipeline(opt).Open(context.Background(), filepath.Join(sharedScans, "gsas/gsas2_tutorials/NIST660CBI.gsas"), nil)
	if err != nil {
		t.Fatal(err)
	}
	f := a.AxisFit
	if f == nil || f.Matched < 10 || f.RMS > 0.01 {
		t.Fatalf("axis fit %+v, want ≥ 10 lines within 0.01° rms", f)
	}
	if len(a.Match.Phases) == 0 || a.Match.Phases[0].Phase.Formula != "LaB6" {
		t.Errorf("identified %v after the correction, want LaB6 first", a.Match.Phases)
	}
}

// TestAmorphousHump: the XRD-AutoAnalyzer TiO2 (anatase) scan has a broad
// hump at 2θ ≈ 15° (FWHM about 10°, amorphous scattering of the sample or
// holder) under anatase peaks of 0.5–1.9°. It is reported as a broad
// feature, not as a peak: as a peak it had the largest area of the scan
// and set the scale of every other peak's intensity.
func TestAmorphousHump(t *testing.T) {
	needShared(t)
	opt := DefaultOptions()
	opt.Wavelength = diffraction.CuKa
	p := testPipeline(opt)
	p.Until = StagePeaks
	a, err := p.Open(context.Background(), filepath.Join(sharedScans, "xy/xrd_autoanalyzer/TiO2.xy"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Broad) != 1 || a.Broad[0].TwoTheta < 12 || a.Broad[0].TwoTheta > 18 || a.Broad[0].FWHM < 5 {
		t.Errorf("broad features %+v, want the hump at 15°", a.Broad)
	}
	for _, p := range a.Peaks {
		if p.FWHM > 2 {
			t.Errorf("peak at %.2f° with FWHM %.1f° is not a Bragg peak of anatase", p.TwoTheta, p.FWHM)
		}
	}
}
