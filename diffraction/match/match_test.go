package match

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// cubic makes a reference phase from a cubic cell: lines at d = a/√(h²+k²+l²)
// for the given hkl and relative intensities. The structures are not needed
// for matching.
func cubic(id, formula string, a, rir float64, hkl [][3]int, inten []float64, els ...string) refdb.Phase {
	p := refdb.Phase{ID: id, Name: id, Formula: formula, Elements: els, RIR: rir}
	for i, h := range hkl {
		s := float64(h[0]*h[0] + h[1]*h[1] + h[2]*h[2])
		p.Lines = append(p.Lines, refdb.Line{D: a / math.Sqrt(s), I: inten[i], H: h[0], K: h[1], L: h[2]})
	}
	return p
}

// Reference phases with the face-centred reflections of rock salt and
// fluorite type structures; intensities are those of the calculated Cu Kα1
// patterns of NaCl, MgO and CaF2 (rounded), lattice parameters from
// their usual values (5.640, 4.212, 5.463 Å).
var (
	fcc    = [][3]int{{1, 1, 1}, {2, 0, 0}, {2, 2, 0}, {3, 1, 1}, {2, 2, 2}, {4, 0, 0}, {3, 3, 1}, {4, 2, 0}}
	halite = cubic("halite", "NaCl", 5.640, 4.4, fcc, []float64{7, 100, 55, 2, 15, 6, 1, 11}, "Na", "Cl")
	mgo    = cubic("periclase", "MgO", 4.212, 3.0, fcc, []float64{10, 100, 52, 5, 12, 6, 2, 15}, "Mg", "O")
	caf2   = cubic("fluorite", "CaF2", 5.463, 3.3, fcc, []float64{100, 0, 55, 30, 0, 7, 10, 0}, "Ca", "F")
	db     = []refdb.Phase{halite, mgo, caf2}
)

// observe makes the peak list a perfect measurement of the phases would
// give with Cu Kα1, each phase's line intensities multiplied by its scale,
// 2θ shifted by shift degrees; lines weaker than 1 are not seen.
func observe(shift float64, phases []refdb.Phase, scales []float64) []diffraction.Peak {
	var out []diffraction.Peak
	for i, p := range phases {
		for _, l := range p.Lines {
			tt, ok := diffraction.TwoTheta(l.D, diffraction.CuKa.Ka1)
			if !ok || tt > 90 || l.I*scales[i] < 1 {
				continue
			}
			out = append(out, diffraction.Peak{TwoTheta: tt + shift, Area: l.I * scales[i], Height: l.I * scales[i], FWHM: 0.1})
		}
	}
	return out
}

func TestIdentifySinglePhase(t *testing.T) {
	w := diffraction.CuKa
	w.Ka2, w.Ratio = 0, 0 // the synthetic peaks are at the Kα1 positions
	// A zero shift of 0.05°, typical of a routine scan.
	r, err := Identify(context.Background(), observe(0.05, []refdb.Phase{halite}, []float64{1}), w, 10, 90, db, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Phases) != 1 || r.Phases[0].Phase.ID != "halite" {
		t.Fatalf("phases %v, want [halite]", ids(r.Phases))
	}
	c := r.Phases[0]
	// Every line is seen at the right intensity: the FOM is near 100, the
	// scale 1 and the weight 100 %.
	if c.FOM < 90 || math.Abs(c.Scale-1) > 0.01 || math.Abs(c.WeightPercent-100) > 1e-9 {
		t.Errorf("halite: FOM %.1f scale %.3f wt %.1f%%, want >90, 1, 100", c.FOM, c.Scale, c.WeightPercent)
	}
	if r.Candidates[0].Phase.ID != "halite" {
		t.Errorf("first candidate %s, want halite", r.Candidates[0].Phase.ID)
	}
}

// TestFOMParts checks that every candidate's figure of merit is the
// product of its parts, as reports show them, on the strained periclase of
// TestIdentifyStrain mixed with halite: parts below 1 for coverage,
// explained intensity (two phases share it) and strain.
func TestFOMParts(t *testing.T) {
	strained := mgo
	strained.Lines = append([]refdb.Line(nil), mgo.Lines...)
	for i := range strained.Lines {
		strained.Lines[i].D *= 1.003
	}
	w := diffraction.Wavelength{Ka1: diffraction.CuKa.Ka1}
	obs := observe(0, []refdb.Phase{strained, halite}, []float64{1, 0.5})
	r, err := Identify(context.Background(), obs, w, 10, 90, db, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Candidates) < 2 {
		t.Fatalf("candidates %v, want periclase and halite", ids(r.Candidates))
	}
	for _, c := range r.Candidates {
		p := c.Parts
		fom := 100 * p.Coverage * (0.6 + 0.4*p.Explained) * (0.7 + 0.3*p.Position) * (0.7 + 0.3*p.Intensity) * p.Strain * p.Chance
		if math.Abs(fom-c.FOM) > 1e-9*c.FOM {
			t.Errorf("%s: FOM %.6f, product of its parts %+v %.6f", c.Phase.ID, c.FOM, p, fom)
		}
		for _, v := range []float64{p.Coverage, p.Explained, p.Position, p.Intensity, p.Strain, p.Chance} {
			if !(v >= 0 && v <= 1) {
				t.Errorf("%s: part outside 0–1 in %+v", c.Phase.ID, p)
			}
		}
		// Each phase explains only its share of the observed intensity.
		if p.Explained > 0.9 {
			t.Errorf("%s: explains %.2f of a two-phase pattern", c.Phase.ID, p.Explained)
		}
	}
	// The strain factor follows from the strain the search applied
	// (periclase is 0.3 % off; the search may stop a grid step short of
	// it, where its lines still match).
	for _, c := range r.Candidates {
		want := 1 - 0.5*math.Pow(c.Strain/DefaultOptions().MaxStrain, 2)
		if math.Abs(c.Parts.Strain-want) > 1e-12 {
			t.Errorf("%s at strain %g: strain factor %v, want %v", c.Phase.ID, c.Strain, c.Parts.Strain, want)
		}
		if c.Phase.ID == "periclase" && !(c.Strain >= 0.002) {
			t.Errorf("periclase: strain %g, want about 0.003", c.Strain)
		}
	}
}

func TestIdentifyMixtureWeights(t *testing.T) {
	w := diffraction.Wavelength{Ka1: diffraction.CuKa.Ka1}
	// A 70:30 halite:fluorite mixture by weight: by Chung's RIR relation
	// the strongest-line intensities are in the ratio 0.7·4.4 : 0.3·3.3.
	sh, sf := 0.7*4.4, 0.3*3.3
	obs := observe(0, []refdb.Phase{halite, caf2}, []float64{sh, sf})
	r, err := Identify(context.Background(), obs, w, 10, 90, db, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, c := range r.Phases {
		got[c.Phase.ID] = c.WeightPercent
	}
	if len(got) != 2 || math.Abs(got["halite"]-70) > 2 || math.Abs(got["fluorite"]-30) > 2 {
		t.Errorf("weights %v, want halite 70 %% and fluorite 30 %% (±2)", got)
	}
}

func TestIdentifyStrain(t *testing.T) {
	// Periclase measured with a cell 0.8 % larger than the reference, as
	// against a computed (DFT-relaxed) reference 0.8 % too small; within
	// the 1.5 % allowed for computed entries.
	strained := mgo
	db := append([]refdb.Phase(nil), db...)
	db[1].Computed = true
	strained.Lines = append([]refdb.Line(nil), mgo.Lines...)
	for i := range strained.Lines {
		strained.Lines[i].D *= 1.008
	}
	w := diffraction.Wavelength{Ka1: diffraction.CuKa.Ka1}
	r, err := Identify(context.Background(), observe(0, []refdb.Phase{strained}, []float64{1}), w, 10, 90, db, DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Phases) == 0 || r.Phases[0].Phase.ID != "periclase" || math.Abs(r.Phases[0].Strain-0.008) > 0.0005 {
		t.Fatalf("phases %v (strain %v), want periclase at strain 0.008", ids(r.Phases), strains(r.Phases))
	}
}

func TestIdentifyElements(t *testing.T) {
	w := diffraction.Wavelength{Ka1: diffraction.CuKa.Ka1}
	obs := observe(0, []refdb.Phase{halite}, []float64{1})
	opt := DefaultOptions()
	opt.Elements.NoneOf = []string{"Cl"}
	r, err := Identify(context.Background(), obs, w, 10, 90, db, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Candidates {
		if c.Phase.ID == "halite" {
			t.Error("halite listed although Cl is excluded")
		}
	}
	// Both restraints at once, on a fluorite + periclase mixture: only
	// the oxide passes.
	opt = DefaultOptions()
	opt.Elements.Only = []string{"Ca", "F", "Mg", "O"}
	opt.Elements.AllOf = []string{"O"}
	obs = observe(0, []refdb.Phase{caf2, mgo}, []float64{1, 1})
	r, _ = Identify(context.Background(), obs, w, 10, 90, db, opt)
	if len(r.Candidates) != 1 || r.Candidates[0].Phase.ID != "periclase" {
		t.Errorf("candidates %v, want only periclase", ids(r.Candidates))
	}
}

func TestIdentifyErrors(t *testing.T) {
	obs := observe(0, []refdb.Phase{halite}, []float64{1})
	if _, err := Identify(context.Background(), obs, diffraction.Wavelength{}, 10, 90, db, DefaultOptions()); err == nil {
		t.Error("unknown wavelength accepted")
	}
	if _, err := Identify(context.Background(), nil, diffraction.CuKa, 10, 90, db, DefaultOptions()); err == nil {
		t.Error("empty peak list accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Identify(ctx, obs, diffraction.CuKa, 10, 90, db, DefaultOptions()); err == nil {
		t.Error("cancelled context ignored")
	}
}

func ids(cs []Candidate) []string {
	var s []string
	for _, c := range cs {
		s = append(s, c.Phase.ID)
	}
	return s
}

func strains(cs []Candidate) []float64 {
	var s []float64
	for _, c := range cs {
		s = append(s, c.Strain)
	}
	return s
}

func TestBinomialTail(t *testing.T) {
	for _, c := range []struct {
		n, m    int
		f, want float64
	}{
		{5, 3, 0.5, 16.0 / 32},              // (C(5,3)+C(5,4)+C(5,5))/2⁵
		{3, 3, 0.1, 0.001},                  // all three lines by chance: f³
		{10, 1, 0.1, 1 - math.Pow(0.9, 10)}, // at least one of ten
		{4, 0, 0.3, 1},                      // nothing asked
		{2, 3, 0.3, 0},                      // more matches than lines
		{400, 200, 0.1, 0},                  // far below float64: clipped, never NaN
	} {
		got := binomialTail(c.n, c.m, c.f)
		if math.IsNaN(got) || math.Abs(got-c.want) > 1e-12+1e-9*c.want && !(c.want == 0 && got < 1e-250) {
			t.Errorf("binomialTail(%d, %d, %g) = %g, want %g", c.n, c.m, c.f, got, c.want)
		}
	}
}

// TestSignificance: in a dense pattern (40 peaks 1.5° apart from 20° to
// 80°, whose ±0.15° windows cover a fifth of the range) a phase with two
// lines that both fall on peaks is what chance gives 4 % of the time, and
// is weighted down; a phase with 20 lines on the peaks is not.
func TestSignificance(t *testing.T) {
	w := diffraction.CuKa
	w.Ka2, w.Ratio = 0, 0
	var obs []diffraction.Peak
	var many refdb.Phase
	many.ID, many.Formula = "many", "X"
	for i := range 40 {
		tt := 20 + 1.5*float64(i)
		obs = append(obs, diffraction.Peak{TwoTheta: tt, Area: 50, Height: 50, FWHM: 0.1})
		if i%2 == 0 {
			d := diffraction.D(tt, w.Ka1)
			many.Lines = append(many.Lines, refdb.Line{D: d, I: 50})
		}
	}
	few := refdb.Phase{ID: "few", Formula: "Y"}
	for _, i := range []int{5, 17} {
		d := diffraction.D(obs[i].TwoTheta, w.Ka1)
		few.Lines = append(few.Lines, refdb.Line{D: d, I: 100})
	}
	opt := DefaultOptions()
	opt.MaxStrain = 0
	r, err := Identify(context.Background(), obs, w, 19, 81, []refdb.Phase{few, many}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Candidates) != 2 || r.Candidates[0].Phase.ID != "many" {
		t.Fatalf("candidates %v, want many before few", ids(r.Candidates))
	}
	fewC := r.Candidates[1]
	if fewC.Significance > 2 || fewC.FOM > 50 {
		t.Errorf("two lines on a dense pattern: significance %.2f, FOM %.1f; want < 2 and weighted down", fewC.Significance, fewC.FOM)
	}
	if r.Candidates[0].Significance < 10 {
		t.Errorf("20 lines: significance %.1f, want ≥ 10", r.Candidates[0].Significance)
	}
}

// TestPreferCommon: a common phase (LiF) trailing a rare look-alike (LiH,
// the same peaks) by less than commonMargin moves ahead of it even when an
// unrelated candidate ranks between them; a look-alike further ahead than
// the margin, or an unrelated phase, is not passed.
func TestPreferCommon(t *testing.T) {
	on := func(peaks ...int) []Pair {
		var ps []Pair
		for _, k := range peaks {
			ps = append(ps, Pair{Peak: k})
		}
		return ps
	}
	cand := func(id string, common bool, fom float64, pairs []Pair) scored {
		return scored{Candidate: Candidate{Phase: &refdb.Phase{ID: id, Common: common}, FOM: fom, Pairs: pairs}, common: common}
	}
	all := []scored{
		cand("LiH", false, 60, on(1, 2, 3, 4, 5)),
		cand("CdO", false, 58, on(7, 8, 9)),
		cand("LiF", true, 48, on(1, 2, 3, 4, 5)),
		cand("Fe", false, 47, on(2, 3)),
	}
	preferCommon(all)
	var got []string
	for _, c := range all {
		got = append(got, c.Phase.ID)
	}
	if want := "LiF LiH CdO Fe"; strings.Join(got, " ") != want {
		t.Errorf("order %v, want LiF first, ahead of its look-alike LiH", got)
	}
	far := []scored{cand("LiH", false, 70, on(1, 2, 3)), cand("LiF", true, 50, on(1, 2, 3))}
	preferCommon(far)
	if far[0].Phase.ID != "LiH" {
		t.Error("a look-alike 20 points ahead was passed")
	}
}

// TestSamePeaks: samePeaks counts as the definition does — the pairs of b
// whose peak is among a's, against 0.8 of the larger number of pairs —
// for random pairs, repeated peaks among them, and candidates with none.
func TestSamePeaks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	pairs := func() []Pair {
		ps := make([]Pair, rng.IntN(8))
		for i := range ps {
			ps[i].Peak = rng.IntN(10)
		}
		return ps
	}
	var same samePeaks
	for range 2000 {
		a, b := &scored{Candidate: Candidate{Pairs: pairs()}}, &scored{Candidate: Candidate{Pairs: pairs()}}
		in := map[int]bool{}
		for _, p := range a.Pairs {
			in[p.Peak] = true
		}
		n := 0
		for _, p := range b.Pairs {
			if in[p.Peak] {
				n++
			}
		}
		want := float64(n) >= 0.8*float64(max(len(a.Pairs), len(b.Pairs)))
		same.of(b)
		if got := same.as(a); got != want {
			t.Fatalf("a %v, b %v: samePeaks %v, want %v", a.Pairs, b.Pairs, got, want)
		}
		same.clear()
	}
}
