// Package analysis runs Bragg's standard pipeline on a scan: settle the
// wavelength, find the peaks, identify the phases. The command line and the
// GUI both call it, so that they give the same answers.
package analysis

import (
	"context"
	"fmt"
	"strconv"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/scan"
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
	Standard string `json:",omitempty"`
	// Peaks are the processing settings: background, smoothing, Kα2
	// stripping, peak search, profile fitting and the 2θ correction.
	Peaks peaks.Options
	Match match.Options
	// Size sets the crystallite size and strain analysis (Scherrer K,
	// instrumental Caglioti U, V, W).
	Size peaks.SizeOptions
}

// Settings returns the processing settings as name → value text, for
// reports and the workspace: those of Peaks plus the wavelength override
// and the size analysis.
func (o Options) Settings() map[string]string {
	m := o.Peaks.Settings()
	if o.Wavelength.Known() {
		m["wavelength"] = o.Wavelength.String()
	} else {
		m["wavelength"] = "from file"
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	k := o.Size.K
	if k == 0 {
		k = peaks.DefaultScherrerK
	}
	m["scherrer_k"] = g(k)
	m["caglioti_uvw"] = g(o.Size.Instrument.U) + " " + g(o.Size.Instrument.V) + " " + g(o.Size.Instrument.W)
	return m
}

// DefaultOptions returns the settings the CLI and GUI start from.
func DefaultOptions() Options {
	return Options{Peaks: peaks.DefaultOptions(), Match: match.DefaultOptions()}
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
	Match match.Result
	// Settings are the processing settings the peaks were found with
	// (Options.Settings), printed in reports.
	Settings map[string]string
	// AxisFit is the axis correction fitted to the internal standard,
	// when Options.Standard is set.
	AxisFit *peaks.AxisFit
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

// Read reads a scan file and settles its wavelength.
func Read(path string, opt Options) (*Analysis, error) {
	s, format, err := scan.ReadFileAs(path, opt.Format)
	if err != nil {
		return nil, err
	}
	if s.Axis != diffraction.AxisTwoTheta {
		return nil, fmt.Errorf("%s: the scan's axis is %s, not 2θ, and the file gives nothing to convert it with", path, s.Axis)
	}
	ResolveWavelength(s, opt.Wavelength)
	return &Analysis{File: path, Format: format, Scan: s}, nil
}

// FindPeaks runs the background and peak search.
func (a *Analysis) FindPeaks(opt Options) error {
	r, err := peaks.Find(a.Scan, opt.Peaks)
	if err != nil {
		return fmt.Errorf("%s: %w", a.File, err)
	}
	a.Background, a.Peaks, a.Broad = r.Background, r.Peaks, r.Broad
	a.Settings = opt.Settings()
	return nil
}

// Identify matches the peaks against the database. With no peaks the result
// is empty: nothing can be identified, which is not an error.
func (a *Analysis) Identify(ctx context.Context, db *refdb.DB, opt Options) error {
	if len(a.Peaks) == 0 {
		a.Match = match.Result{}
		return nil
	}
	s := a.Scan
	r, err := match.Identify(ctx, a.Peaks, s.Wavelength, s.TwoTheta[0], s.TwoTheta[s.Len()-1], db.Phases, opt.Match)
	if err != nil {
		return fmt.Errorf("%s: %w", a.File, err)
	}
	a.Match = r
	return nil
}

// Open reads a scan file and runs the whole pipeline on it.
func Open(ctx context.Context, path string, db *refdb.DB, opt Options) (*Analysis, error) {
	a, err := Read(path, opt)
	if err != nil {
		return nil, err
	}
	if err := a.FindPeaks(opt); err != nil {
		return nil, err
	}
	if opt.Standard != "" {
		if err := a.CalibrateAxis(db, opt); err != nil {
			return nil, err
		}
	}
	if err := a.Identify(ctx, db, opt); err != nil {
		return nil, err
	}
	return a, nil
}

// standardMinI is the smallest relative intensity of an internal
// standard's line used for the axis fit: weaker lines are often not
// found, or overlap the sample's own.
const standardMinI = 5

// CalibrateAxis fits the zero shift and specimen displacement to the lines
// of the internal standard opt.Standard (peaks.FitAxis: Δ2θ = Z −
// 2s·cosθ/R) and finds the peaks again with that correction, so that every
// position, d-spacing and the identification use the corrected axis.
func (a *Analysis) CalibrateAxis(db *refdb.DB, opt Options) error {
	std := db.Get(opt.Standard)
	if std == nil {
		return fmt.Errorf("%s: no internal standard %q in the database (see bragg db search)", a.File, opt.Standard)
	}
	var refD []float64
	for _, l := range std.Lines {
		if l.I >= standardMinI {
			refD = append(refD, l.D)
		}
	}
	// The peaks as found, without a correction, are what FitAxis wants.
	raw := opt
	raw.Peaks.Axis = peaks.Axis{Radius: opt.Peaks.Axis.Radius}
	if err := a.FindPeaks(raw); err != nil {
		return err
	}
	fit, err := peaks.FitAxis(a.Peaks, refD, a.Scan.Wavelength.Ka1, opt.Peaks.Axis.Radius, 0, true)
	if err != nil {
		return fmt.Errorf("%s: internal standard %s: %w", a.File, std.ID, err)
	}
	corrected := opt
	corrected.Peaks.Axis = fit.Axis
	if err := a.FindPeaks(corrected); err != nil {
		return err
	}
	a.Settings["internal_standard"] = fmt.Sprintf("%s (%s): zero shift %+.4f ± %.4f°, displacement %+.3f ± %.3f mm, %d lines, rms %.4f°",
		std.ID, std.Name, fit.Axis.ZeroShift, fit.SigmaZeroShift, fit.Axis.Displacement, fit.SigmaDisplacement, fit.Matched, fit.RMS)
	a.AxisFit = &fit
	return nil
}
