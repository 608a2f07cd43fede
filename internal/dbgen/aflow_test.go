package main

import (
	"errors"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// refusedAFLOW are the transcribed AFLOW prototypes that the sanity gate
// refuses, each checked by hand: atoms closer than any bond, which the
// Library's structures as pymatgen distributes them put there (BC8 Si with
// a = 4.12 Å, where Crain et al. 1995 give 6.636 Å: 10.7 g/cm³), or an
// erratum.
var refusedAFLOW = map[string]string{
	"cif/aflow/CoAs3_A3B_cI32_204_g_c.cif":    "an erratum (refdb.Erratum): Al12W's cell, 7.58 Å for 8.20 Å",
	"cif/aflow/GeS2_AB2_oF72_43_ab_3b.cif":    "S–S 1.28 Å (the S–S bond is 2.05 Å)",
	"cif/aflow/MgNi2_AB2_hP24_194_ef_fgh.cif": "Mg–Mg 1.46 Å (about 3 Å in the Laves phase)",
	"cif/aflow/NiSbS_ABC_cP12_198_a_a_a.cif":  "Ni–Sb 1.03 Å",
	"cif/aflow/Si_A_cI16_206_c.cif":           "Si–Si 1.43 Å, 4.4 Å³ per atom",
	"cif/aflow/TiNi_AB_mP4_11_e_e.cif":        "Ti–Ni 1.45 Å (about 2.5 Å in martensitic NiTi)",
}

// TestAFLOWFiles checks every transcribed AFLOW prototype: it compiles into
// a database entry, its space-group number is the one of its AFLOW label
// (<stoichiometry>_<Pearson>_<number>_<Wyckoff letters>, so spglib found the
// Library's symmetry again), and it cites the original determination
// (authors, journal and year); or the sanity gate refuses it and it is one
// of refusedAFLOW.
func TestAFLOWFiles(t *testing.T) {
	files, err := fs.Glob(localCIFs, "cif/aflow/*.cif")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 200 {
		t.Fatalf("%d AFLOW files, want the ≈ 250 of tables/gen_aflow.py", len(files))
	}
	for _, f := range files {
		e := entry{File: strings.TrimPrefix(f, "cif/"), auto: true}
		p, _, err := compile("", nil, e)
		var g *refdb.GateError
		if _, known := refusedAFLOW[f]; known != errors.As(err, &g) {
			t.Errorf("%s: %v, refused by hand: %v", f, err, known)
			continue
		}
		if err != nil {
			if g == nil {
				t.Errorf("%s: %v", f, err)
			}
			continue
		}
		label := strings.SplitN(strings.TrimSuffix(path.Base(f), ".cif"), "_", 2)[1]
		fields := strings.Split(label, "_")
		want, err := strconv.Atoi(fields[2])
		if err != nil {
			t.Errorf("%s: label %q has no space-group number", f, label)
			continue
		}
		if p.Structure.SpaceGroupNumber != want {
			t.Errorf("%s: space group %d, label says %d", f, p.Structure.SpaceGroupNumber, want)
		}
		if c := p.Structure.Citation; c == "" || !strings.Contains(c, "(") {
			t.Errorf("%s: citation %q lacks authors or year", f, c)
		}
		if !strings.HasPrefix(p.ID, "aflow:") || p.Computed {
			t.Errorf("%s: ID %s, computed %v", f, p.ID, p.Computed)
		}
	}
}

// TestSamePhase: two determinations of one phase merge; polytypes of one
// formula and symmetry (4H and 6H SiC, P 63 m c both) and polymorphs of
// one space group (α and β rhombohedral boron, R -3 m both, 7.3 and
// 7.2 Å³ per atom) do not: their volumes per formula unit agree within 3 %
// but their lines differ.
func TestSamePhase(t *testing.T) {
	get := func(file string) *refdb.Phase {
		t.Helper()
		p, _, err := compile("", nil, entry{File: file, auto: true})
		if err != nil {
			t.Fatal(err)
		}
		return &p
	}
	sic4H, sic6H := get("aflow/SiC_AB_hP8_186_ab_ab.cif"), get("aflow/SiC_AB_hP12_186_a2b_a2b.cif")
	alphaB, betaB := get("aflow/B_A_hR12_166_2h.cif"), get("aflow/B_A_hR105_166_bc9h4i.cif")
	for _, c := range []struct {
		name string
		a, b *refdb.Phase
		want bool
	}{
		{"4H and 6H SiC", sic4H, sic6H, false},
		{"α and β boron", alphaB, betaB, false},
		{"4H SiC and itself", sic4H, sic4H, true},
	} {
		if got := refdb.SamePhase(c.a, c.b); got != c.want {
			t.Errorf("%s: samePhase = %v, want %v", c.name, got, c.want)
		}
	}
	// One phase, two refinements: the cell of the second scaled by 1 %
	// (a few hundred kelvin of thermal expansion) is still the same phase.
	grown := *sic4H
	grown.Volume *= 1.0303
	grown.Lines = nil
	for _, l := range sic4H.Lines {
		l.D *= 1.01
		grown.Lines = append(grown.Lines, l)
	}
	if !refdb.SamePhase(sic4H, &grown) {
		t.Error("4H SiC and its cell grown 1 %: not the same phase")
	}
}
