package cli

import (
	"encoding/json"
	"io"
	"math"
	"strconv"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// The JSON every command writes with --json: a contract for scripts
// (README, "Machine-readable output"). Names stay; fields may be added.
// testdata/golden holds one output of each (go test ./cli -run TestGolden
// -update rewrites them). bragg db show --json writes the refdb.Phase as
// the database stores it.

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // "<" in a decision's reason stays "<"
	return enc.Encode(v)
}

// wavelengthJSON is the "wavelength" object of every JSON output.
type wavelengthJSON struct {
	Anode  string  `json:"anode,omitempty"`
	Ka1    float64 `json:"ka1"`
	Ka2    float64 `json:"ka2"`
	Ratio  float64 `json:"ratio"`
	Source string  `json:"source"`
}

func wlJSON(w diffraction.Wavelength) wavelengthJSON {
	return wavelengthJSON{Anode: w.Anode, Ka1: w.Ka1, Ka2: w.Ka2, Ratio: w.Ratio, Source: string(w.Source)}
}

// infoJSON is bragg info --json.
type infoJSON struct {
	File        string            `json:"file"`
	Format      string            `json:"format"`
	Axis        string            `json:"axis"`
	Points      int               `json:"points"`
	TwoThetaMin float64           `json:"two_theta_min"`
	TwoThetaMax float64           `json:"two_theta_max"`
	Step        float64           `json:"step"`
	Wavelength  wavelengthJSON    `json:"wavelength"`
	Metadata    map[string]string `json:"metadata"`
}

// peaksJSON is bragg peaks --json: the peaks as diffraction.Peak writes
// them (two_theta, d, height, area, fwhm, rel_intensity).
type peaksJSON struct {
	File       string             `json:"file"`
	Wavelength wavelengthJSON     `json:"wavelength"`
	Peaks      []diffraction.Peak `json:"peaks"`
	Broad      []diffraction.Peak `json:"broad,omitempty"`
	Size       *sizeJSON          `json:"size,omitempty"`
}

// sizeJSON is the size analysis of bragg peaks --size --json. JSON has no
// infinity: a size too large to measure (no size broadening) is null.
type sizeJSON struct {
	ScherrerNM     []*float64 `json:"scherrer_nm"`
	WilliamsonHall *whJSON    `json:"williamson_hall"`
}

type whJSON struct {
	SizeNM      *float64 `json:"size_nm"`
	SigmaSizeNM *float64 `json:"sigma_size_nm"`
	Strain      float64  `json:"strain"`
	SigmaStrain float64  `json:"sigma_strain"`
	Peaks       int      `json:"peaks"`
}

func whOf(wh peaks.WH) *whJSON {
	w := &whJSON{Strain: wh.Strain, SigmaStrain: wh.SigmaStrain, Peaks: wh.Peaks}
	if !math.IsInf(wh.Size, 0) {
		sz, ss := wh.Size/10, wh.SigmaSize/10
		w.SizeNM, w.SigmaSizeNM = &sz, &ss
	}
	return w
}

// identifyJSON is bragg identify --json (and refine --json). Phases are
// what Bragg concludes: by the whole-pattern fit (method "whole-pattern
// fit", with fit, unexplained and decisions), or with --quick by the peak
// search alone (method "peak search"). QuickEstimate keeps the search's
// own conclusion, weight % by the RIR method, beside a fit.
type identifyJSON struct {
	File          string           `json:"file"`
	Wavelength    wavelengthJSON   `json:"wavelength"`
	Peaks         int              `json:"peaks"`
	Method        string           `json:"method"`
	Phases        []phaseJSON      `json:"phases"`
	Candidates    []candidateJSON  `json:"candidates"`
	Fit           *fitJSON         `json:"fit,omitempty"`
	Unexplained   *unexplainedJSON `json:"unexplained,omitempty"`
	Decisions     []decisionJSON   `json:"decisions,omitempty"`
	QuickEstimate []phaseJSON      `json:"quick_estimate,omitempty"`
	Unresolved    []unresolvedJSON `json:"unresolved,omitempty"`
	Absolute      *absoluteJSON    `json:"absolute,omitempty"`
}

// unresolvedJSON is a refined phase whose structure the data show but
// whose chemistry they do not settle: look_alikes, of other elements, fit
// as well or better (identify.Phase.Unresolved); why says so in words
// (identify.Phase.Open).
type unresolvedJSON struct {
	phaseJSON
	LookAlikes []string `json:"look_alikes"`
	Why        string   `json:"why"`
}

// The methods of identifyJSON.
const (
	methodFit   = "whole-pattern fit"
	methodPeaks = "peak search"
)

// fitJSON is the agreement of the final refinement and its axis.
type fitJSON struct {
	Rwp             float64 `json:"rwp"`
	Rexp            float64 `json:"rexp"`
	Rp              float64 `json:"rp"`
	GoF             float64 `json:"gof"`
	DurbinWatson    float64 `json:"durbin_watson"`
	ZeroShift       float64 `json:"zero_shift"`
	ZeroShiftESD    float64 `json:"zero_shift_esd"`
	Displacement    float64 `json:"displacement_mm"`
	DisplacementESD float64 `json:"displacement_mm_esd"`
	Points          int     `json:"points"`
	Parameters      int     `json:"parameters"`
	Converged       bool    `json:"converged"`
}

// unexplainedJSON is what the model leaves unexplained. Unidentified is
// the estimated weight per cent of the matter behind it
// (identify.Result.Unidentified), which the phases' weight_percent leave
// out.
type unexplainedJSON struct {
	Peaks                     int                   `json:"peaks"`
	StrongestRelIntensity     float64               `json:"strongest_rel_intensity"`
	IntensityFraction         float64               `json:"intensity_fraction"`
	UnidentifiedWeightPercent float64               `json:"unidentified_weight_percent"`
	List                      []unexplainedPeakJSON `json:"list"`
}

type unexplainedPeakJSON struct {
	TwoTheta     float64 `json:"two_theta"`
	D            float64 `json:"d"`
	RelIntensity float64 `json:"rel_intensity"`
	Explained    float64 `json:"explained"`
}

// decisionJSON is one decision of the fit (identify.Decision).
type decisionJSON struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason"`
}

// absoluteJSON gives the fractions in the original sample with an
// internal standard of known weight.
type absoluteJSON struct {
	Phases       []absolutePhaseJSON `json:"phases"`
	Amorphous    float64             `json:"amorphous_percent"`
	AmorphousESD float64             `json:"amorphous_percent_esd"`
}

type absolutePhaseJSON struct {
	ID               string  `json:"id"`
	WeightPercent    float64 `json:"weight_percent"`
	WeightPercentESD float64 `json:"weight_percent_esd"`
}

type cellJSON struct {
	A     float64 `json:"a"`
	B     float64 `json:"b"`
	C     float64 `json:"c"`
	Alpha float64 `json:"alpha"`
	Beta  float64 `json:"beta"`
	Gamma float64 `json:"gamma"`
}

type poJSON struct {
	HKL [3]int  `json:"hkl"`
	R   float64 `json:"r"`
	ESD float64 `json:"r_esd"`
}

// namedJSON is how a phase is named in identify's phases and candidates.
type namedJSON struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Mineral string  `json:"mineral,omitempty"`
	Formula string  `json:"formula"`
	FOM     float64 `json:"fom"`
}

func namedOf(c match.Candidate) namedJSON {
	p := c.Phase
	return namedJSON{p.ID, p.Name, p.Mineral, p.Formula, round(c.FOM, 2)}
}

// phaseJSON is a phase concluded present. The fields after matched_lines
// come with the whole-pattern fit: weight_percent is then Hill–Howard's
// with its standard uncertainty, scale the refined scale, and strain the
// relative change of the d-spacings from the database's cell to the
// refined one.
type phaseJSON struct {
	namedJSON
	Scale                float64   `json:"scale"`
	WeightPercent        float64   `json:"weight_percent"`
	Strain               float64   `json:"strain"`
	MatchedLines         int       `json:"matched_lines"`
	WeightPercentESD     *float64  `json:"weight_percent_esd,omitempty"`
	Cell                 *cellJSON `json:"cell,omitempty"`
	CellESD              *cellJSON `json:"cell_esd,omitempty"`
	SizeNM               *float64  `json:"size_nm"` // null when the data do not measure it
	SizeNMESD            *float64  `json:"size_nm_esd"`
	PreferredOrientation *poJSON   `json:"preferred_orientation,omitempty"`
	Required             bool      `json:"required,omitempty"`
}

func phaseOf(c match.Candidate) phaseJSON {
	return phaseJSON{namedJSON: namedOf(c), Scale: significant(c.Scale, 6), WeightPercent: round(c.WeightPercent, 2), Strain: c.Strain, MatchedLines: len(c.Pairs)}
}

type candidateJSON struct {
	namedJSON
	MatchedLines int     `json:"matched_lines"`
	Significance float64 `json:"significance"`
}

func candidateOf(c match.Candidate) candidateJSON {
	return candidateJSON{namedOf(c), len(c.Pairs), round(c.Significance, 1)}
}

// significant rounds x to n significant digits: a refined scale is known
// to a few parts in a thousand, and more digits would only carry the
// rounding of the arithmetic into the output.
func significant(x float64, n int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', n, 64), 64)
	return v + 0
}

// round rounds x to digits decimals; −0 becomes 0.
func round(x float64, digits int) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'f', digits, 64), 64)
	return v + 0
}

// dbSearchJSON is bragg db search --json.
type dbSearchJSON struct {
	Count   int         `json:"count"`
	Entries []entryJSON `json:"entries"`
}

type entryJSON struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Mineral         string   `json:"mineral,omitempty"`
	Formula         string   `json:"formula"`
	ChemicalFormula string   `json:"chemical_formula"`
	Elements        []string `json:"elements"`
	System          string   `json:"crystal_system"`
	SpaceGroup      string   `json:"space_group"`
	SGNumber        int      `json:"space_group_number,omitempty"`
	Source          string   `json:"source"`
}

func entryOf(p *refdb.Phase) entryJSON {
	return entryJSON{p.ID, p.Name, p.Mineral, p.Formula, p.ChemicalFormula, p.Elements, p.System, p.Structure.SpaceGroup, p.Structure.SpaceGroupNumber, p.Source}
}

// dbStatsJSON is bragg db stats --json.
type dbStatsJSON struct {
	Version     string             `json:"version"`
	Entries     int                `json:"entries"`
	BySource    map[string]int     `json:"by_source"`
	ByLicense   map[string]int     `json:"by_license"`
	BySystem    map[string]int     `json:"by_crystal_system"`
	Common      coverageJSON       `json:"common_phases"`
	Collections []refdb.Collection `json:"collections"`
	Refused     refusedJSON        `json:"refused"`
	// IndexBytes is the size of the indexes of every collection, the
	// data a search reads.
	IndexBytes int64 `json:"index_bytes"`
}

// refusedJSON lists the structures the bundled database's generator left
// out by the sanity gate.
type refusedJSON struct {
	ByReason map[string]int  `json:"by_reason"`
	Entries  []refdb.Refusal `json:"entries"`
}

// collectionsJSON is bragg db collections --json.
type collectionsJSON struct {
	Collections []refdb.Collection `json:"collections"`
}

type coverageJSON struct {
	Listed  int      `json:"listed"`
	Present int      `json:"present"`
	Missing []string `json:"missing"`
}

// simulateJSON is bragg simulate --json.
type simulateJSON struct {
	File       string         `json:"file"`
	Structure  structureJSON  `json:"structure"`
	Wavelength wavelengthJSON `json:"wavelength"`
	Range      [2]float64     `json:"two_theta_range"`
	Settings   string         `json:"settings"`
	Lines      []simLineJSON  `json:"lines"`
}

type structureJSON struct {
	Name             string       `json:"name"`
	Mineral          string       `json:"mineral,omitempty"`
	Formula          string       `json:"formula"`
	Z                float64      `json:"z"`
	Cell             crystal.Cell `json:"cell"`
	Volume           float64      `json:"volume"`
	Density          float64      `json:"density"`
	SpaceGroup       string       `json:"space_group"`
	SpaceGroupNumber int          `json:"space_group_number,omitempty"`
	Operators        int          `json:"operators"`
	SymmetryFrom     string       `json:"symmetry_from"`
	Blocks           int          `json:"blocks"`
}

type simLineJSON struct {
	TwoTheta     float64 `json:"two_theta"`
	D            float64 `json:"d"`
	Intensity    float64 `json:"intensity"`
	H            int     `json:"h"`
	K            int     `json:"k"`
	L            int     `json:"l"`
	Multiplicity int     `json:"multiplicity"`
	F2           float64 `json:"f2"`
	Ka2          bool    `json:"ka2,omitempty"`
}
