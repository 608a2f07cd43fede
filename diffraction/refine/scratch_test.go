package refine

import (
	"context"
	"fmt"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

func TestScratchStats(t *testing.T) {
	inst := DefaultInstrument(diffraction.CuKa)
	scan := grid(10, 110, 100/4999.0)
	var phases []*Phase
	for _, f := range benchFiles[:3] {
		p, _ := NewPhase(f, loadCIF(t, f), inst, 10, 110)
		phases = append(phases, p)
		fmt.Println(f, len(p.refl))
	}
	f, _ := newFitter(context.Background(), scan, phases, Options{Instrument: inst, Stages: []Group{Scale | Size}}, nil)
	m := f.m
	for p := range phases {
		m.par[m.iScale[p]].v = 1
		m.par[m.iSize[p]].v = 1 / 150.0
	}
	m.computePeaks(false)
	var pts, evals int
	hist := map[int]int{}
	for _, pk := range m.peaks {
		pts += pk.i1 - pk.i0
		evals += (pk.i1 - pk.i0) * pk.a.n
		hist[pk.a.n]++
	}
	fmt.Println("peaks", len(m.peaks), "points", pts, "evals", evals, hist)
}
