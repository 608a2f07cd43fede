package analysis

import (
	"fmt"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Options are the settings of the pipeline.
type Options struct {
	// Wavelength, when known, overrides the scan's (Source "flag").
	Wavelength diffraction.Wavelength
	// Format, when set, names the scan format (scan.Formats) instead of
	// detecting it from the content.
	Format string
	// Standard, when set, is the database ID of an internal standard in
	// the sample (Si, LaB6, corundum …): the zero shift and specimen
	// displacement are fitted to its lines and corrected before
	// identification (Peaks.Axis is then replaced by the fit).
	Standard string
	// Peaks are the processing settings: background, smoothing, Kα2
	// stripping, peak search, profile fitting and the 2θ correction.
	Peaks peaks.Options
	// Match is the peak search-match that proposes the candidates (and,
	// with Fit.PeaksOnly, decides alone).
	Match match.Options
	// Subset narrows the reference database searched (kinds of entry,
	// collections); the zero Subset is the bundled database and the
	// enabled collections.
	Subset refdb.Subset
	// Fit is the whole-pattern identification and quantification that
	// decides among the candidates (package identify). Its Standard is
	// set from Standard above.
	Fit identify.Options
	// Size sets the crystallite size and strain analysis (Scherrer K,
	// instrumental Caglioti U, V, W).
	Size peaks.SizeOptions
}

// DefaultOptions returns the settings the CLI and GUI start from.
func DefaultOptions() Options {
	return Options{Peaks: peaks.DefaultOptions(), Match: match.DefaultOptions(), Fit: identify.DefaultOptions()}
}

// Analysis is a scan with its peaks and its identification.
type Analysis struct {
	File       string // path as given
	Format     string // scan format name
	Scan       *diffraction.Scan
	Background []float64
	Peaks      []diffraction.Peak
	// Broad are maxima far broader than the peaks (amorphous scattering),
	// left out of Peaks and of the identification (peaks.Result.Broad).
	Broad []diffraction.Peak
	// ESD is the standard uncertainty of each point of Scan under the
	// noise model of the peak search (peaks.Result.ESD): the weights of
	// the whole-pattern fit.
	ESD []float64
	// Match is the peak search-match: the ranked candidates, and its own
	// conclusion with weight fractions by the RIR method (a quick
	// estimate).
	Match match.Result
	// Identification is the whole-pattern identification: the phases
	// Bragg concludes are present, their weight fractions and refined
	// values, the fit's curves, every decision and what is left
	// unexplained; nil when it did not run (Options.Fit.PeaksOnly, or no
	// peaks).
	Identification *identify.Result
	// AxisFit is the axis correction fitted to the internal standard,
	// when Options.Standard is set.
	AxisFit *peaks.AxisFit
	// Options are the settings the analysis ran with, for reports that
	// record them (with an internal standard, Peaks.Axis is the fitted
	// correction).
	Options Options
	// DatabaseVersion and DatabasePhases name the reference database the
	// identification searched (empty and 0 when none was searched).
	DatabaseVersion string
	DatabasePhases  int
}

// ResolveWavelength settles the wavelength of s in place: the override when
// it is known (Source "flag"), else the file's ("file"), else Cu Kα with
// Source "assumed", which every output reports.
func ResolveWavelength(s *diffraction.Scan, override diffraction.Wavelength) {
	switch {
	case override.Known():
		s.Wavelength = override
		s.Wavelength.Source = diffraction.FromFlag
	case s.Wavelength.Known():
		if s.Wavelength.Source == "" {
			s.Wavelength.Source = diffraction.FromFile
		}
	default:
		s.Wavelength = diffraction.CuKa
		s.Wavelength.Source = diffraction.Assumed
	}
}

// checkAxis refuses a scan whose abscissa is not 2θ: every stage works on
// 2θ.
func checkAxis(file string, s *diffraction.Scan) error {
	if s.Axis != diffraction.AxisTwoTheta {
		return fmt.Errorf("%s: the scan's axis is %s, not 2θ, and the file gives nothing to convert it with", file, s.Axis)
	}
	return nil
}
