package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/internal/atomic"
)

// Input is everything a report shows: the scan, what was done to it and
// what was found in it, and the lab's fields. FromAnalysis fills all but
// Lab (and Date) from an analysis.
type Input struct {
	File       string             // the scan's file name, as shown to the user
	Format     string             // detected format name
	Scan       *diffraction.Scan  // required; Wavelength.Source tells file/flag/assumed
	Background []float64          // same length as Scan, may be nil
	Peaks      []diffraction.Peak // observed peaks; match.Pair.Peak indexes this slice
	Broad      []diffraction.Peak // maxima far broader than the peaks (amorphous scattering)
	Result     match.Result       // identified phases and ranked candidates
	// Fit is the whole-pattern fit of the accepted phases, nil when there
	// is none; FitPhases[i] is the database entry of Fit.Phases[i]. With
	// a fit, its phases are the accepted ones, with its weight fractions.
	Fit       *refine.Result
	FitPhases []*refdb.Phase
	// Options are the settings of the analysis, recorded on the Summary
	// sheet; AxisFit the axis correction fitted to an internal standard.
	Options analysis.Options
	AxisFit *peaks.AxisFit
	// Database names the reference database searched ("Bragg 2026.1,
	// 1193 phases").
	Database  string
	Generator string // program and version, e.g. "Bragg 0.1.0"
	Lab       Lab
	// Date is the date of the report; the zero value means time.Now().
	Date time.Time
}

// Write writes the report for in as an .xlsx workbook to w. It returns an
// error, and writes nothing, when in is not consistent (no scan, an invalid
// scan, a background of the wrong length, a candidate without a phase or a
// pair that points outside the peak or line lists).
func Write(w io.Writer, in Input) error {
	if err := in.validate(); err != nil {
		return err
	}
	f, err := build(&in)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Write(w); err != nil {
		return fmt.Errorf("report: writing workbook: %w", err)
	}
	return nil
}

// WriteFile writes the report for in to the file path, atomically: the
// workbook goes to a temporary file in the same directory, which is renamed
// to path only once it is complete. On error no file is left behind and an
// existing file at path is untouched.
func WriteFile(path string, in Input) error {
	if err := in.validate(); err != nil {
		return err
	}
	return atomic.WriteFile(path, func(w io.Writer) error { return Write(w, in) })
}

// validate checks what the sheets rely on, so that building the workbook
// cannot index out of range or write a non-finite number.
func (in *Input) validate() error {
	if in.Scan == nil {
		return errors.New("report: no scan")
	}
	if err := in.Scan.Validate(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if !in.Scan.Wavelength.Known() {
		return errors.New("report: the scan's wavelength is not settled (analysis.ResolveWavelength)")
	}
	n := in.Scan.Len()
	if in.Background != nil {
		if len(in.Background) != n {
			return fmt.Errorf("report: background has %d points, the scan %d", len(in.Background), n)
		}
		for i, v := range in.Background {
			if !finite(v) {
				return fmt.Errorf("report: background point %d is not a finite number", i+1)
			}
		}
	}
	for i, p := range in.Peaks {
		if !finite(p.TwoTheta) || !finite(p.Height) || !finite(p.Area) || !finite(p.FWHM) || !finite(p.RelIntensity) {
			return fmt.Errorf("report: peak %d has a value that is not a finite number", i+1)
		}
	}
	check := func(list string, cs []match.Candidate) error {
		for i, c := range cs {
			if c.Phase == nil {
				return fmt.Errorf("report: %s %d has no phase", list, i+1)
			}
			for _, p := range c.Pairs {
				if p.Peak < 0 || p.Peak >= len(in.Peaks) {
					return fmt.Errorf("report: %s %d (%s): pair refers to peak %d of %d", list, i+1, c.Phase.ID, p.Peak+1, len(in.Peaks))
				}
				if p.Line < 0 || p.Line >= len(c.Phase.Lines) {
					return fmt.Errorf("report: %s %d (%s): pair refers to line %d of %d", list, i+1, c.Phase.ID, p.Line+1, len(c.Phase.Lines))
				}
			}
		}
		return nil
	}
	if err := check("identified phase", in.Result.Phases); err != nil {
		return err
	}
	if err := check("candidate", in.Result.Candidates); err != nil {
		return err
	}
	return in.validateFit()
}

// validateFit checks that the fit is of this scan and names its phases.
func (in *Input) validateFit() error {
	f := in.Fit
	if f == nil {
		if len(in.FitPhases) > 0 {
			return errors.New("report: phases of a fit but no fit")
		}
		return nil
	}
	if len(in.FitPhases) != len(f.Phases) {
		return fmt.Errorf("report: the fit has %d phases, %d are named", len(f.Phases), len(in.FitPhases))
	}
	for i, p := range in.FitPhases {
		if p == nil || p.ID != f.Phases[i].ID {
			return fmt.Errorf("report: fitted phase %d (%s) is not the database entry named for it", i+1, f.Phases[i].ID)
		}
	}
	n := in.Scan.Len()
	for _, c := range []struct {
		name string
		v    []float64
	}{{"angles", f.TwoTheta}, {"observed", f.Observed}, {"background", f.Background}, {"calculated", f.Calculated}, {"difference", f.Difference}} {
		if len(c.v) != n {
			return fmt.Errorf("report: the fit's %s curve has %d points, the scan %d", c.name, len(c.v), n)
		}
		for i, v := range c.v {
			if !finite(v) {
				return fmt.Errorf("report: point %d of the fit's %s curve is not a finite number", i+1, c.name)
			}
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// lambda returns the wavelength that places reference lines: the scan's
// Kα1.
func (in *Input) lambda() float64 { return in.Scan.Wavelength.Ka1 }
