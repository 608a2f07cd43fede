package analysis

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// Instrument returns the diffractometer described by the file at path:
// either an instrument file (refine.SaveInstrument's JSON), or a scan of
// a line-profile standard (LaB6, Si, CeO2 …) measured on it, which is
// identified by the pipeline with opts and to whose strongest phase the
// instrument's line widths, asymmetry and zero shift are fitted
// (refine.FitInstrument). The second is what HighScore and TOPAS users do
// once per instrument; the first keeps the result.
func (p *Pipeline) Instrument(ctx context.Context, path string) (refine.Instrument, error) {
	f, err := os.Open(path)
	if err != nil {
		return refine.Instrument{}, err
	}
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	f.Close()
	if bytes.HasPrefix(bytes.TrimSpace(head[:n]), []byte("{")) {
		return refine.LoadInstrument(path)
	}
	std := *p
	std.Options.Fit.Phases, std.Options.Fit.Require = nil, nil
	std.Options.Fit.Instrument, std.Options.Fit.Calibrated = refine.Instrument{}, false
	a, err := std.Open(ctx, path, nil)
	if err != nil {
		return refine.Instrument{}, err
	}
	id := a.Identification
	if id == nil || len(id.Phases) == 0 {
		return refine.Instrument{}, fmt.Errorf("%s: no standard identified in the scan, so no instrument can be fitted to it", path)
	}
	best := 0
	for i, ph := range id.Phases {
		if ph.Fit.WeightFraction > id.Phases[best].Fit.WeightFraction {
			best = i
		}
	}
	entry := id.Phases[best].Entry
	s := a.Scan
	inst := id.Fit.Instrument
	ph, err := refine.NewPhase(entry.ID, &entry.Structure, inst, s.TwoTheta[0], s.TwoTheta[s.Len()-1])
	if err != nil {
		return refine.Instrument{}, fmt.Errorf("%s: %w", path, err)
	}
	in, _, err := refine.FitInstrument(ctx, s, ph, refine.Options{Instrument: inst})
	if err != nil {
		return refine.Instrument{}, fmt.Errorf("%s: instrument fitted to %s: %w", path, entry.DisplayName(), err)
	}
	return in, nil
}
