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
	Match      match.Result
	// Settings are the processing settings the peaks were found with
	// (Options.Settings), printed in reports.
	Settings map[string]string
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

// ReadScan reads a scan file as the named format, or detecting its format
// when format is empty.
func ReadScan(path, format string) (*diffraction.Scan, string, error) {
	if format != "" {
		return scan.ReadFileAs(path, format)
	}
	return scan.ReadFile(path)
}

// Read reads a scan file and settles its wavelength.
func Read(path string, opt Options) (*Analysis, error) {
	s, format, err := ReadScan(path, opt.Format)
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
	a.Background, a.Peaks = r.Background, r.Peaks
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
	if err := a.Identify(ctx, db, opt); err != nil {
		return nil, err
	}
	return a, nil
}
