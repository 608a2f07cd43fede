package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

// simulateCmd computes the powder pattern of a crystal structure.
var simulateCmd = &command{
	name: "simulate", args: "FILE.cif", minArgs: 1, maxArgs: 1,
	summary: "Compute the powder diffraction pattern (stick lines) of the first structure in a CIF.\n" +
		"Output: '#' comment lines (structure, cell, space group, wavelength, settings), then\n" +
		"two_theta d intensity h k l multiplicity (intensity: strongest line = 100).",
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		wl, _ := diffraction.ParseWavelength("CuKa1")
		fs.Func("wavelength", "radiation: an anode line (CuKa1, CuKa, MoKa1, CoKa, FeKa, CrKa, AgKa, CuKb) or a wavelength in Å (1.5405929); default CuKa1 (Hölzer et al. 1997)", func(s string) error {
			w, err := diffraction.ParseWavelength(s)
			if err != nil {
				return err
			}
			wl = w
			return nil
		})
		rng := fs.String("range", "5:90", "2θ range in degrees, MIN:MAX")
		doublet := fs.Bool("doublet", false, "add the Kα2 line of every reflection (intensity ratio of the anode, 0.5); implied by a doublet wavelength such as CuKa")
		mono := fs.Float64("monochromator", 0, "2θ (degrees) of a monochromator crystal for the polarisation factor; 0 = none (e.g. 26.6 for graphite 002 with Cu Kα)")
		anom := fs.Bool("anomalous", false, "add anomalous dispersion f′, f″ (Sasaki 1989; Cu, Co, Fe, Cr, Mo, Ag Kα lines only)")
		noDW := fs.Bool("no-dw", false, "leave out the Debye–Waller factor (sites without displacements in the file have none anyway: B = 0)")
		neutral := fs.Bool("neutral", false, "neutral-atom form factors even for sites typed as ions (Fe3+), as pymatgen does")
		minI := fs.Float64("min", 0, "leave out lines weaker than this (0–100)")
		asTSV := fs.Bool("tsv", false, "write TSV (the default)")
		asJSON := fs.Bool("json", false, "write JSON: {file, structure{…}, wavelength{…}, settings{…}, lines[{two_theta, d, intensity, h, k, l, multiplicity, ka2}]}")
		return func(args []string) error {
			if *asTSV && *asJSON {
				return fmt.Errorf("%w: --tsv and --json exclude each other", cmdline.ErrUsage)
			}
			lo, hi, err := parseRange(*rng)
			if err != nil {
				return fmt.Errorf("%w: --range %q: %v", cmdline.ErrUsage, *rng, err)
			}
			opt := crystal.Options{Monochromator: *mono, Anomalous: *anom, NoDisplacement: *noDW, NeutralAtoms: *neutral}
			if *doublet || wl.Ka2 > 0 {
				w := wl
				if w.Ka2 == 0 && w.Anode != "" {
					w, _ = diffraction.AnodeWavelength(w.Anode)
					if wl.Ka1 != w.Ka1 { // CuKa2 or CuKb asked for: no doublet partner
						return fmt.Errorf("%w: --doublet needs a Kα1 or Kα wavelength, not %s", cmdline.ErrUsage, wl)
					}
				}
				if w.Ka2 == 0 {
					return fmt.Errorf("%w: --doublet needs an anode line (CuKa1, MoKa1, …), not a bare wavelength", cmdline.ErrUsage)
				}
				wl, opt.Ka2, opt.Ka2Ratio = w, w.Ka2, w.Ratio
			}
			wl.Source = diffraction.FromFlag
			path := args[0]
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			ss, err := crystal.ParseCIF(bufio.NewReader(f), path)
			if err != nil {
				return err
			}
			s := &ss[0]
			refl, err := crystal.Pattern(s, wl.Ka1, lo, hi, opt)
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			kept := refl[:0:0]
			for _, r := range refl {
				if r.Intensity >= *minI {
					kept = append(kept, r)
				}
			}
			if *asJSON {
				return writeJSON(e.stdout, simulateOut(path, s, len(ss), wl, lo, hi, opt, kept))
			}
			return writeSimulateTSV(e, path, s, len(ss), wl, lo, hi, opt, kept)
		}
	},
}

// parseRange reads "MIN:MAX" in degrees.
func parseRange(s string) (float64, float64, error) {
	a, b, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, errors.New("want MIN:MAX, e.g. 5:90")
	}
	lo, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	hi, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil {
		return 0, 0, errors.New("want two numbers MIN:MAX")
	}
	if !(lo >= 0 && lo < hi && hi < 180) {
		return 0, 0, errors.New("want 0 ≤ MIN < MAX < 180")
	}
	return lo, hi, nil
}

// settingsText describes the physics settings in one line.
func settingsText(opt crystal.Options) string {
	var p []string
	if opt.Monochromator > 0 {
		p = append(p, fmt.Sprintf("Bragg–Brentano LP with a monochromator at 2θm = %g°", opt.Monochromator))
	} else {
		p = append(p, "Bragg–Brentano LP (1+cos²2θ)/(sin²θ cosθ), no monochromator")
	}
	if opt.NoDisplacement {
		p = append(p, "no Debye–Waller factor")
	} else {
		p = append(p, "Debye–Waller from the file (B = 0 where it gives none)")
	}
	if opt.NeutralAtoms {
		p = append(p, "neutral-atom form factors")
	} else {
		p = append(p, "Waasmaier–Kirfel form factors (ions where typed)")
	}
	if opt.Anomalous {
		p = append(p, "anomalous dispersion f′, f″ (Sasaki 1989)")
	} else {
		p = append(p, "no anomalous dispersion")
	}
	if opt.Ka2 > 0 {
		p = append(p, fmt.Sprintf("Kα2 %.7g Å at ratio %g", opt.Ka2, opt.Ka2Ratio))
	}
	return strings.Join(p, "; ")
}

func writeSimulateTSV(e *env, path string, s *crystal.Structure, nBlocks int, wl diffraction.Wavelength, lo, hi float64, opt crystal.Options, refl []crystal.Reflection) error {
	w := bufio.NewWriter(e.stdout)
	name := (&refdb.Phase{Name: s.Name, Mineral: s.Mineral}).DisplayName()
	fmt.Fprintf(w, "# file: %s\n", path)
	fmt.Fprintf(w, "# structure: %s, %s, Z = %g", oneLine(name), s.Formula(), s.Z())
	if nBlocks > 1 {
		fmt.Fprintf(w, " (first of %d structures in the file)", nBlocks)
	}
	fmt.Fprintln(w)
	c := s.Cell
	fmt.Fprintf(w, "# cell: a=%g b=%g c=%g Å, α=%g β=%g γ=%g°, V=%.4f Å³, density %.4f g/cm³\n",
		c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, s.Volume(), s.Density())
	fmt.Fprintf(w, "# space group: %s; %d operators from %s\n", s.SpaceGroupName(), len(s.Ops), s.SymmetrySource())
	fmt.Fprintf(w, "# wavelength: %s\n", wl)
	fmt.Fprintf(w, "# range: 2θ %g–%g°\n", lo, hi)
	fmt.Fprintf(w, "# settings: %s\n", settingsText(opt))
	cols := "two_theta\td\tintensity\th\tk\tl\tmultiplicity"
	if opt.Ka2 > 0 {
		cols += "\tline"
	}
	fmt.Fprintln(w, cols)
	for _, r := range refl {
		fmt.Fprintf(w, "%.4f\t%.5f\t%.3f\t%d\t%d\t%d\t%d", r.TwoTheta, r.D, r.Intensity, r.H, r.K, r.L, r.Multiplicity)
		if opt.Ka2 > 0 {
			if r.Ka2 {
				fmt.Fprint(w, "\tKa2")
			} else {
				fmt.Fprint(w, "\tKa1")
			}
		}
		fmt.Fprintln(w)
	}
	return w.Flush()
}

// simulateOut is the JSON of a simulated pattern.
func simulateOut(path string, s *crystal.Structure, nBlocks int, wl diffraction.Wavelength, lo, hi float64, opt crystal.Options, refl []crystal.Reflection) simulateJSON {
	lines := make([]simLineJSON, len(refl))
	for i, r := range refl {
		lines[i] = simLineJSON{r.TwoTheta, r.D, r.Intensity, r.H, r.K, r.L, r.Multiplicity, r.F2, r.Ka2}
	}
	return simulateJSON{
		File: path,
		Structure: structureJSON{s.Name, s.Mineral, s.Formula(), s.Z(), s.Cell, s.Volume(), s.Density(),
			s.SpaceGroup, s.SpaceGroupNumber, len(s.Ops), s.SymmetrySource(), nBlocks},
		Wavelength: wlJSON(wl),
		Range:      [2]float64{lo, hi},
		Settings:   settingsText(opt),
		Lines:      lines,
	}
}
