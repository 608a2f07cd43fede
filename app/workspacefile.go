package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refine"
	"github.com/bragg-xrd/bragg/internal/atomic"
)

// WorkspaceExt is the extension of Bragg workspace files.
const WorkspaceExt = ".bragg"

// Workspace files: a small JSON document that names itself and carries a
// version, so that a later Bragg can read an older file and an older one
// refuses a newer file clearly. Version 2 gives the settings snake_case
// keys of their own (settingsV2); version 1 wrote analysis.Options as the
// Go types of the time serialised them (settingsV1), and is still read.
const (
	workspaceFormat  = "bragg-workspace"
	workspaceVersion = 2
)

// workspace is the saved state of the window: the open scans with their
// settings and the candidates each overlays, and the settings scans opened
// next start with.
type workspace struct {
	Settings analysis.Options
	Scans    []workspaceScan
	// Current is the index in Scans of the scan on display, -1 for none.
	Current int
	// ScanSettings are the settings of each scan (in the order of Scans),
	// Settings for a scan whose file has none (version 1, or written by
	// hand).
	ScanSettings []analysis.Options
}

// workspaceFile is a workspace as the file holds it; S is the settings
// type of its version.
type workspaceFile[S any] struct {
	Format   string          `json:"format"`  // workspaceFormat
	Version  int             `json:"version"` // workspaceVersion when written
	Settings S               `json:"settings"`
	Scans    []workspaceScan `json:"scans"`
	Current  int             `json:"current"`
}

// workspaceScan is one open scan.
type workspaceScan struct {
	// Path is the scan file, absolute when saved; a relative path (written
	// by hand) is taken relative to the workspace file.
	Path string `json:"path,omitempty"`
	// Demo marks the built-in demo pattern, which has no file.
	Demo bool `json:"demo,omitempty"`
	// Overlays are the IDs of the candidate phases whose reference lines
	// are shown; null (or absent) shows the identified phases.
	Overlays []string `json:"overlays"`
	// Ranges are the 1-based scans of a file of several that the scan
	// shows: one is that scan, several are merged; absent: the first.
	Ranges []int `json:"ranges,omitempty"`
	// Settings are the scan's own (settingsV2: its manual background,
	// its accepted and rejected phases); a key left out takes the
	// workspace's value, and no settings at all (version 1) the
	// workspace's settings.
	Settings json.RawMessage `json:"settings,omitempty"`
}

// settingsV2 are the analysis settings in a version-2 workspace. A key
// that is absent takes its default (analysis.DefaultOptions).
type settingsV2 struct {
	// Wavelength overrides the scans' own; absent: each scan's.
	Wavelength *wavelengthV2 `json:"wavelength,omitempty"`
	Format     string        `json:"format,omitempty"`
	Standard   string        `json:"internal_standard,omitempty"`
	Peaks      peaksV2       `json:"peaks"`
	Match      matchV2       `json:"match"`
	Size       sizeV2        `json:"size"`
	// Fit is the whole-pattern identification; absent (files written
	// before it existed): identify.DefaultOptions.
	Fit *fitV2 `json:"fit,omitempty"`
}

type fitV2 struct {
	PeaksOnly      bool     `json:"peaks_only,omitempty"`
	Pool           int      `json:"pool"`
	MaxPhases      int      `json:"max_phases"`
	Alpha          float64  `json:"alpha"`
	MinScaleSigma  float64  `json:"min_scale_sigma"`
	ParticleSize   float64  `json:"particle_size_um"`
	StandardWeight float64  `json:"standard_weight,omitempty"`
	Require        []string `json:"require,omitempty"`
	Reject         []string `json:"reject,omitempty"`
	// Phases is the user's own list, refined with no decision.
	Phases []string `json:"phases,omitempty"`
	// Instrument is the diffractometer fitted to a standard (the JSON of
	// refine.SaveInstrument), held in the fit when Calibrated.
	Instrument *refine.Instrument `json:"instrument,omitempty"`
	Calibrated bool               `json:"calibrated,omitempty"`
}

type wavelengthV2 struct {
	Anode string  `json:"anode,omitempty"`
	Ka1   float64 `json:"ka1"`
	Ka2   float64 `json:"ka2,omitempty"`
	Ratio float64 `json:"ratio,omitempty"`
	Kb    float64 `json:"kb,omitempty"`
}

type peaksV2 struct {
	Background       string        `json:"background"` // snip, poly, manual or none
	BackgroundOrder  int           `json:"background_order,omitempty"`
	BackgroundPoints []peaks.Point `json:"background_points,omitempty"`
	BackgroundWindow int           `json:"background_window"` // 0: automatic
	SmoothWindow     int           `json:"smooth_window"`     // 0: automatic
	MinSignificance  float64       `json:"min_significance"`
	MinRelHeight     float64       `json:"min_rel_height"`
	StripKa2         bool          `json:"strip_ka2"`
	Profile          string        `json:"profile"` // pseudo-voigt, pearson-vii or none
	ZeroShift        float64       `json:"zero_shift"`
	Displacement     float64       `json:"displacement"`
	Radius           float64       `json:"radius"` // 0: the default
}

type matchV2 struct {
	Tolerance         float64  `json:"tolerance"`
	MaxStrain         float64  `json:"max_strain"`
	MaxStrainComputed float64  `json:"max_strain_computed"`
	MinFOM            float64  `json:"min_fom"`
	MinNew            float64  `json:"min_new"`
	MinUnique         float64  `json:"min_unique"`
	MinLines          int      `json:"min_lines"`
	MaxPhases         int      `json:"max_phases"`
	Top               int      `json:"top"`
	Require           []string `json:"require,omitempty"`
	Exclude           []string `json:"exclude,omitempty"`
	Only              []string `json:"only,omitempty"`
}

type sizeV2 struct {
	ScherrerK float64 `json:"scherrer_k"` // 0: the default
	CagliotiU float64 `json:"caglioti_u"`
	CagliotiV float64 `json:"caglioti_v"`
	CagliotiW float64 `json:"caglioti_w"`
}

// profileNone names "no profile fit" in the file.
const profileNone = "none"

func toV2(o analysis.Options) settingsV2 {
	s := settingsV2{Format: o.Format, Standard: o.Standard}
	if w := o.Wavelength; w.Known() {
		s.Wavelength = &wavelengthV2{w.Anode, w.Ka1, w.Ka2, w.Ratio, w.Kb}
	}
	p := o.Peaks
	s.Peaks = peaksV2{
		Background: string(backgroundMethod(o)), BackgroundOrder: p.Background.Order, BackgroundPoints: p.Background.Points,
		BackgroundWindow: p.BackgroundIterations, SmoothWindow: p.SmoothWindow,
		MinSignificance: p.MinSignificance, MinRelHeight: p.MinRelHeight, StripKa2: p.StripKa2, Profile: string(p.Profile),
		ZeroShift: p.Axis.ZeroShift, Displacement: p.Axis.Displacement, Radius: p.Axis.Radius,
	}
	if p.Profile == peaks.ProfileNone {
		s.Peaks.Profile = profileNone
	}
	m := o.Match
	s.Match = matchV2{m.Tolerance, m.MaxStrain, m.MaxStrainComputed, m.MinFOM, m.MinNew, m.MinUnique, m.MinLines, m.MaxPhases, m.Top,
		m.Elements.AllOf, m.Elements.NoneOf, m.Elements.Only}
	s.Size = sizeV2{o.Size.K, o.Size.Instrument.U, o.Size.Instrument.V, o.Size.Instrument.W}
	f := o.Fit
	s.Fit = &fitV2{f.PeaksOnly, f.Pool, f.MaxPhases, f.Alpha, f.MinScaleSigma, f.ParticleSize, f.StandardWeight, f.Require, f.Reject,
		f.Phases, nil, f.Calibrated}
	if f.Instrument != (refine.Instrument{}) {
		in := f.Instrument
		s.Fit.Instrument = &in
	}
	return s
}

func (s settingsV2) options() analysis.Options {
	o := analysis.Options{Format: s.Format, Standard: s.Standard}
	if w := s.Wavelength; w != nil {
		o.Wavelength = diffraction.Wavelength{Anode: w.Anode, Ka1: w.Ka1, Ka2: w.Ka2, Ratio: w.Ratio, Kb: w.Kb, Source: diffraction.FromFlag}
	}
	p := s.Peaks
	o.Peaks = peaks.Options{
		BackgroundIterations: p.BackgroundWindow, SmoothWindow: p.SmoothWindow,
		MinSignificance: p.MinSignificance, MinRelHeight: p.MinRelHeight,
		Background: peaks.Background{Method: peaks.BackgroundMethod(p.Background), Order: p.BackgroundOrder, Points: p.BackgroundPoints},
		StripKa2:   p.StripKa2, Profile: peaks.Profile(p.Profile),
		Axis: peaks.Axis{ZeroShift: p.ZeroShift, Displacement: p.Displacement, Radius: p.Radius},
	}
	if p.Profile == profileNone {
		o.Peaks.Profile = peaks.ProfileNone
	}
	if o.Peaks.Background.Method == peaks.BackgroundSNIP {
		o.Peaks.Background.Method = "" // the zero value is SNIP, as in DefaultOptions
	}
	m := s.Match
	o.Match = match.Options{Tolerance: m.Tolerance, MaxStrain: m.MaxStrain, MaxStrainComputed: m.MaxStrainComputed,
		MinFOM: m.MinFOM, MinNew: m.MinNew, MinUnique: m.MinUnique, MinLines: m.MinLines, MaxPhases: m.MaxPhases, Top: m.Top,
		Elements: match.Elements{AllOf: m.Require, NoneOf: m.Exclude, Only: m.Only}}
	o.Size = peaks.SizeOptions{K: s.Size.ScherrerK, Instrument: peaks.Caglioti{U: s.Size.CagliotiU, V: s.Size.CagliotiV, W: s.Size.CagliotiW}}
	o.Fit = identify.DefaultOptions()
	if f := s.Fit; f != nil {
		o.Fit = identify.Options{PeaksOnly: f.PeaksOnly, Pool: f.Pool, MaxPhases: f.MaxPhases, Alpha: f.Alpha, MinScaleSigma: f.MinScaleSigma,
			ParticleSize: f.ParticleSize, StandardWeight: f.StandardWeight, Require: f.Require, Reject: f.Reject, Phases: f.Phases,
			Calibrated: f.Calibrated}
		if f.Instrument != nil {
			o.Fit.Instrument = *f.Instrument
		}
	}
	return o
}

// settingsV1 are the settings as version 1 wrote them: analysis.Options
// and the types it held, serialised with their Go field names and the
// tags they had (frozen here, so that those types may change).
type settingsV1 struct {
	Wavelength struct {
		Anode  string  `json:"anode"`
		Ka1    float64 `json:"ka1"`
		Ka2    float64 `json:"ka2"`
		Ratio  float64 `json:"ratio"`
		Kb     float64 `json:"kb"`
		Source string  `json:"source"`
	}
	Format, Standard string
	Peaks            struct {
		BackgroundIterations, SmoothWindow int
		MinSignificance, MinRelHeight      float64
		Background                         struct {
			Method string        `json:"method"`
			Order  int           `json:"order"`
			Points []peaks.Point `json:"points"`
		}
		StripKa2 bool
		Profile  string
		Axis     struct {
			ZeroShift    float64 `json:"zero_shift"`
			Displacement float64 `json:"displacement"`
			Radius       float64 `json:"radius"`
		}
	}
	Match struct {
		Tolerance, MaxStrain, MaxStrainComputed, MinFOM, MinNew, MinUnique float64
		MinLines, MaxPhases, Top                                           int
		Elements                                                           struct{ AllOf, NoneOf, Only []string }
	}
	Size struct {
		K          float64 `json:"k"`
		Instrument struct {
			U float64 `json:"u"`
			V float64 `json:"v"`
			W float64 `json:"w"`
		} `json:"instrument"`
	}
}

// toV1 fills a version-1 settings value with o, the values of the keys a
// file leaves out.
func toV1(o analysis.Options) settingsV1 {
	var s settingsV1
	w := o.Wavelength
	s.Wavelength.Anode, s.Wavelength.Ka1, s.Wavelength.Ka2, s.Wavelength.Ratio, s.Wavelength.Kb, s.Wavelength.Source =
		w.Anode, w.Ka1, w.Ka2, w.Ratio, w.Kb, string(w.Source)
	s.Format, s.Standard = o.Format, o.Standard
	p := &s.Peaks
	p.BackgroundIterations, p.SmoothWindow = o.Peaks.BackgroundIterations, o.Peaks.SmoothWindow
	p.MinSignificance, p.MinRelHeight = o.Peaks.MinSignificance, o.Peaks.MinRelHeight
	p.Background.Method, p.Background.Order, p.Background.Points = string(o.Peaks.Background.Method), o.Peaks.Background.Order, o.Peaks.Background.Points
	p.StripKa2, p.Profile = o.Peaks.StripKa2, string(o.Peaks.Profile)
	p.Axis.ZeroShift, p.Axis.Displacement, p.Axis.Radius = o.Peaks.Axis.ZeroShift, o.Peaks.Axis.Displacement, o.Peaks.Axis.Radius
	m, om := &s.Match, o.Match
	m.Tolerance, m.MaxStrain, m.MaxStrainComputed, m.MinFOM, m.MinNew, m.MinUnique = om.Tolerance, om.MaxStrain, om.MaxStrainComputed, om.MinFOM, om.MinNew, om.MinUnique
	m.MinLines, m.MaxPhases, m.Top = om.MinLines, om.MaxPhases, om.Top
	m.Elements.AllOf, m.Elements.NoneOf, m.Elements.Only = om.Elements.AllOf, om.Elements.NoneOf, om.Elements.Only
	s.Size.K, s.Size.Instrument.U, s.Size.Instrument.V, s.Size.Instrument.W = o.Size.K, o.Size.Instrument.U, o.Size.Instrument.V, o.Size.Instrument.W
	return s
}

func (s settingsV1) options() analysis.Options {
	// Version 1 and 2 hold the same settings: go through version 2.
	v2 := settingsV2{Format: s.Format, Standard: s.Standard}
	if w := s.Wavelength; w.Ka1 != 0 {
		v2.Wavelength = &wavelengthV2{w.Anode, w.Ka1, w.Ka2, w.Ratio, w.Kb}
	}
	p := s.Peaks
	v2.Peaks = peaksV2{p.Background.Method, p.Background.Order, p.Background.Points, p.BackgroundIterations, p.SmoothWindow,
		p.MinSignificance, p.MinRelHeight, p.StripKa2, p.Profile, p.Axis.ZeroShift, p.Axis.Displacement, p.Axis.Radius}
	m := s.Match
	v2.Match = matchV2{m.Tolerance, m.MaxStrain, m.MaxStrainComputed, m.MinFOM, m.MinNew, m.MinUnique, m.MinLines, m.MaxPhases, m.Top,
		m.Elements.AllOf, m.Elements.NoneOf, m.Elements.Only}
	v2.Size = sizeV2{s.Size.K, s.Size.Instrument.U, s.Size.Instrument.V, s.Size.Instrument.W}
	return v2.options()
}

func writeWorkspace(path string, ws workspace) error {
	scans := slices.Clone(ws.Scans)
	for i := range scans {
		if i < len(ws.ScanSettings) {
			b, err := json.Marshal(toV2(ws.ScanSettings[i]))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			scans[i].Settings = b
		}
	}
	f := workspaceFile[settingsV2]{workspaceFormat, workspaceVersion, toV2(ws.Settings), scans, ws.Current}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b = append(b, '\n')
	return atomic.WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// readWorkspace reads and checks a workspace file of any version this
// Bragg knows; the settings must pass analysis.Options.Validate. Errors
// name the file.
func readWorkspace(path string) (*workspace, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a valid Bragg workspace: %s", path, fmt.Sprintf(format, args...))
	}
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := decodeJSON(b, &head); err != nil {
		return nil, bad("%v", err)
	}
	switch {
	case head.Format != workspaceFormat:
		return nil, bad(`"format" is %q, want %q`, head.Format, workspaceFormat)
	case head.Version < 1:
		return nil, bad(`no "version"`)
	case head.Version > workspaceVersion:
		return nil, fmt.Errorf("%s: workspace version %d is newer than this Bragg reads (%d): update Bragg",
			path, head.Version, workspaceVersion)
	}
	// Settings a file leaves out keep their defaults.
	ws := &workspace{}
	if head.Version == 1 {
		f := workspaceFile[settingsV1]{Settings: toV1(analysis.DefaultOptions())}
		err = decodeJSON(b, &f)
		ws.Settings, ws.Scans, ws.Current = f.Settings.options(), f.Scans, f.Current
	} else {
		f := workspaceFile[settingsV2]{Settings: toV2(analysis.DefaultOptions())}
		err = decodeJSON(b, &f)
		ws.Settings, ws.Scans, ws.Current = f.Settings.options(), f.Scans, f.Current
	}
	if err != nil {
		return nil, bad("%v", err)
	}
	if err := ws.Settings.Validate(); err != nil {
		return nil, bad("settings: %v", err)
	}
	dir := filepath.Dir(path)
	for i := range ws.Scans {
		s := &ws.Scans[i]
		o := ws.Settings
		if s.Settings != nil {
			v := toV2(cloneOptions(ws.Settings))
			if err := decodeJSON(s.Settings, &v); err != nil {
				return nil, bad("scan %d: settings: %v", i+1, err)
			}
			o = v.options()
			if err := o.Validate(); err != nil {
				return nil, bad("scan %d: settings: %v", i+1, err)
			}
			s.Settings = nil
		}
		ws.ScanSettings = append(ws.ScanSettings, o)
		for _, r := range s.Ranges {
			if r < 1 {
				return nil, bad("scan %d: range %d: ranges count from 1", i+1, r)
			}
		}
		switch {
		case s.Demo:
			s.Path = ""
		case s.Path == "":
			return nil, bad("scan %d has no path", i+1)
		case !filepath.IsAbs(s.Path):
			s.Path = filepath.Join(dir, s.Path)
		}
	}
	if ws.Current < -1 || ws.Current >= len(ws.Scans) {
		ws.Current = len(ws.Scans) - 1
	}
	return ws, nil
}

// decodeJSON unmarshals b into v; a syntax or type error says on which
// line.
func decodeJSON(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("line %d: %v", lineOf(b, se.Offset), se)
	case errors.As(err, &te):
		return fmt.Errorf("line %d: %q should be %s, not %s", lineOf(b, te.Offset), te.Field, te.Type, te.Value)
	}
	return err
}

// lineOf returns the 1-based line of byte offset off in b.
func lineOf(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return 1 + bytes.Count(b[:off], []byte{'\n'})
}
