package report

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
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
	// Identification is the whole-pattern identification (package
	// identify): when set, its phases are the accepted ones, with the
	// fit's weight fractions, curves and refined values, and its
	// explanation of each peak; nil when it did not run (the quick
	// estimate), and search-match's conclusion is the answer.
	Identification *identify.Result
	// Options are the settings of the analysis, recorded on the Summary
	// sheet; AxisFit the axis correction fitted to an internal standard.
	Options analysis.Options
	AxisFit *peaks.AxisFit
	// Database names the reference database searched ("Bragg 2026.1,
	// 1189 phases").
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

// validateFit checks that the identification's fit is of this scan and
// names its phases, and that it explains these peaks.
func (in *Input) validateFit() error {
	id := in.Identification
	if id == nil {
		return nil
	}
	if id.Peaks != nil && len(id.Peaks) != len(in.Peaks) {
		return fmt.Errorf("report: the identification explains %d peaks, there are %d", len(id.Peaks), len(in.Peaks))
	}
	for i, p := range id.Phases {
		if p.Entry == nil || p.Fit == nil {
			return fmt.Errorf("report: identified phase %d has no database entry or no refined values", i+1)
		}
	}
	f := id.Fit
	if f == nil {
		if len(id.Phases) > 0 {
			return errors.New("report: identified phases without a fit")
		}
		return nil
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
	for _, e := range id.Peaks {
		for _, k := range e.Phases {
			if k < 0 || k >= len(id.Phases) {
				return fmt.Errorf("report: a peak is explained by phase %d of %d", k+1, len(id.Phases))
			}
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// lambda returns the wavelength that places reference lines: the scan's
// Kα1.
func (in *Input) lambda() float64 { return in.Scan.Wavelength.Ka1 }
