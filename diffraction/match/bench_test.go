package match

import (
	"context"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// benchScan is the peaks of a two-phase pattern (the quartz and corundum
// lines of 10–80°, corundum at half scale) with the Kα1 wavelength that
// made them.
func benchScan(b *testing.B) ([]diffraction.Peak, diffraction.Wavelength) {
	db, err := assets.RefDB()
	if err != nil {
		b.Fatal(err)
	}
	var mix []refdb.Phase
	for _, id := range []string{"cod:5000035", "cod:1000017"} {
		if p := db.Get(id); p != nil {
			mix = append(mix, *p)
		}
	}
	if len(mix) != 2 {
		b.Fatal("quartz or corundum missing")
	}
	w := diffraction.CuKa
	w.Ka2, w.Ratio = 0, 0
	var obs []diffraction.Peak
	for i, p := range mix {
		for _, l := range p.Lines {
			tt, ok := diffraction.TwoTheta(l.D, w.Ka1)
			if !ok || tt < 10 || tt > 80 || l.I < 1 {
				continue
			}
			s := []float64{1, 0.5}[i]
			obs = append(obs, diffraction.Peak{TwoTheta: tt, Area: l.I * s, Height: l.I * s, FWHM: 0.1})
		}
	}
	return obs, w
}

// BenchmarkIdentify scans the whole bundled database (1,193 phases) for
// the peaks of benchScan: the full scan's cost for one scan.
func BenchmarkIdentify(b *testing.B) {
	obs, w := benchScan(b)
	db, _ := assets.RefDB()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Identify(context.Background(), obs, w, 10, 80, db.Phases, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSearch is BenchmarkIdentify through the bundled database's
// index (Search, what the pipeline runs): the same result.
func BenchmarkSearch(b *testing.B) {
	obs, w := benchScan(b)
	lib, err := refdb.NewStore(assets.RefDB, "").Library()
	if err != nil {
		b.Fatal(err)
	}
	sel, err := lib.Select(refdb.Subset{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Search(context.Background(), obs, w, 10, 80, sel, DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}
