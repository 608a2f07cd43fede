package crystal

import "fmt"

// classicalElectronRadius r_e in cm (CODATA 2018).
const classicalElectronRadius = 2.8179403262e-13

// LinearAbsorption returns the linear attenuation coefficient μ (cm⁻¹) of
// the structure for X-rays of wavelength lambda (Å), one of the anode lines
// of the anomalous-dispersion table (AnomalousLines). It is the
// photoelectric absorption, from the imaginary part of the dispersion
// correction by the optical theorem, σ_a = 2·r_e·λ·f″ per atom (R. W.
// James 1948, The Optical Principles of the Diffraction of X-rays, ch. IV;
// ITC Vol. C §4.2.6), summed over the atoms of the cell and divided by its
// volume. Coherent and incoherent scattering, which add a few per cent for
// light elements at Cu Kα (ITC Vol. C Table 4.2.4.3), are left out: at
// these energies photoabsorption dominates.
func LinearAbsorption(s *Structure, lambda float64) (float64, error) {
	v := s.Volume()
	if !(v > 0) {
		return 0, fmt.Errorf("crystal: cell volume %g Å³", v)
	}
	var sum float64
	for el, n := range s.Composition() {
		_, fdp, ok := Anomalous(el, lambda)
		if !ok {
			return 0, fmt.Errorf("crystal: no f″ of %s at λ = %g Å (tabulated lines: %v)", el, lambda, AnomalousLines())
		}
		sum += n * 2 * classicalElectronRadius * lambda * 1e-8 * fdp
	}
	return sum / (v * 1e-24), nil
}
