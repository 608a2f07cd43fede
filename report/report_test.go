package report

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/identify"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

var outDir = flag.String("out", "", "also write the test workbook and figure to this directory, to look at")

// calcite is a hand-made reference phase: the seven strongest lines of
// calcite (d in Å, I relative to 100), as in PDF 05-0586.
func calcite() *refdb.Phase {
	return &refdb.Phase{
		ID: "test:calcite", Name: "Calcium carbonate", Mineral: "Calcite", Formula: "CaCO3",
		Lines: []refdb.Line{
			{D: 3.8550, I: 12, H: 0, K: 1, L: 2},
			{D: 3.0350, I: 100, H: 1, K: 0, L: 4},
			{D: 2.4950, I: 14, H: 1, K: 1, L: 0},
			{D: 2.2850, I: 18, H: 1, K: 1, L: 3},
			{D: 2.0950, I: 18, H: 2, K: 0, L: 2},
			{D: 1.9130, I: 17, H: 0, K: 1, L: 8},
			{D: 1.8750, I: 17, H: 1, K: 1, L: 6},
		},
	}
}

// quartz is a second, weaker candidate that is not identified.
func quartz() *refdb.Phase {
	return &refdb.Phase{
		ID: "test:quartz", Name: "Quartz", Mineral: "Quartz", Formula: "SiO2",
		Lines: []refdb.Line{
			{D: 4.2550, I: 22, H: 1, K: 0, L: 0},
			{D: 3.3430, I: 100, H: 1, K: 0, L: 1},
		},
	}
}

// testInput builds a scan of n points over 10–80° 2θ (Cu Kα, assumed): a
// decaying background plus a Gaussian peak (FWHM 0.15°) for every calcite
// line, 0.01° off its reference position, 50 counts per unit of reference
// intensity, and one unexplained peak at 26.64°. The peak list, the
// background and the match result are the ones a perfect analysis would
// give.
func testInput(n int) Input {
	const (
		lo, hi = 10.0, 80.0
		fwhm   = 0.15
		scale  = 50.0
		offset = 0.01
	)
	cal, qz := calcite(), quartz()
	lambda := diffraction.CuKa.Ka1
	type peak struct{ tt, h float64 }
	var truth []peak
	for _, l := range cal.Lines {
		tt, _ := diffraction.TwoTheta(l.D, lambda)
		truth = append(truth, peak{tt + offset, scale * l.I})
	}
	truth = append(truth, peak{26.64, 900})

	s := &diffraction.Scan{
		TwoTheta:   make([]float64, n),
		Intensity:  make([]float64, n),
		Wavelength: diffraction.CuKa,
		Meta:       map[string]string{"sample": "limestone, ground", "instrument": "Test diffractometer", "anode_current": "40 mA"},
	}
	s.Wavelength.Source = diffraction.Assumed
	bg := make([]float64, n)
	sigma := fwhm / (2 * math.Sqrt(2*math.Ln2))
	for i := range n {
		x := lo + (hi-lo)*float64(i)/float64(n-1)
		s.TwoTheta[i] = x
		bg[i] = 120 + 400*math.Exp(-x/12)
		y := bg[i]
		for _, p := range truth {
			y += p.h * math.Exp(-(x-p.tt)*(x-p.tt)/(2*sigma*sigma))
		}
		s.Intensity[i] = math.Round(y)
	}

	// Peaks in 2θ order; the unexplained one (26.64°) falls between the
	// first (23.07°) and second (29.42°) calcite lines.
	var peaks []diffraction.Peak
	var strongest float64
	for _, p := range truth {
		strongest = math.Max(strongest, p.h)
	}
	order := []int{0, 7, 1, 2, 3, 4, 5, 6} // truth indices by 2θ
	for _, k := range order {
		p := truth[k]
		peaks = append(peaks, diffraction.Peak{
			TwoTheta: p.tt, D: diffraction.D(p.tt, lambda), Height: p.h,
			Area: p.h * sigma * math.Sqrt(2*math.Pi), FWHM: fwhm, RelIntensity: 100 * p.h / strongest,
		})
	}
	var pairs []match.Pair
	for pi, k := range order {
		if k < len(cal.Lines) {
			pairs = append(pairs, match.Pair{Peak: pi, Line: k, Delta: offset})
		}
	}
	found := match.Candidate{Phase: cal, FOM: 92.5, Scale: scale, WeightPercent: 100, Pairs: pairs}
	weak := match.Candidate{Phase: qz, FOM: 21.3, Scale: 9, Pairs: []match.Pair{{Peak: 1, Line: 1, Delta: -0.03}}}
	long := match.Candidate{Phase: &refdb.Phase{ID: longID, Name: "Guidottiite", Lines: qz.Lines}, FOM: 5}
	return Input{
		File:       "limestone.xy",
		Format:     "xy",
		Scan:       s,
		Background: bg,
		Peaks:      peaks,
		Result:     match.Result{Phases: []match.Candidate{found}, Candidates: []match.Candidate{found, weak, long}},
		Generator:  "Bragg test",
		Options:    testOptions(),
		Database:   "test database, 2 phases",
		Date:       time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC),
	}
}

// longID is the longest ID of the bundled database.
const longID = "avogadro-crystals:mn1-854fe1-656mg0-537si0-953o9h4-guidottiite"

// testOptions are the defaults with element restraints, which the report
// must record, and search-match deciding alone (the quick estimate), as
// the test's result is search-match's.
func testOptions() analysis.Options {
	o := analysis.DefaultOptions()
	o.Fit.PeaksOnly = true
	o.Match.Elements.AllOf = []string{"Ca", "O"}
	o.Match.Elements.NoneOf = []string{"Pb"}
	return o
}

// open writes in as a workbook (also to -out, to look at) and opens it.
func open(t *testing.T, in Input, name string) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// summaryOf returns the Summary sheet's labels and values; a label that
// repeats (Warning) has its values joined by " | ".
func summaryOf(t *testing.T, f *excelize.File) map[string]string {
	t.Helper()
	rows, err := f.GetRows(SheetSummary)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		if m[r[0]] != "" {
			m[r[0]] += " | "
		}
		m[r[0]] += r[1]
	}
	return m
}

// rowsOf returns a sheet's rows, each joined by "|".
func rowsOf(t *testing.T, f *excelize.File, sheet string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.Join(r, "|")
	}
	return out
}

// TestCoincidentReflections: reflections of a phase at one d (4 1 1 and
// 3 3 0 of a cubic cell) are one line of the assignments, with their
// intensities summed, as a powder diffraction file lists them; the
// relative intensities are of the lines so made.
func TestCoincidentReflections(t *testing.T) {
	in := testInput(1000)
	pk := in.Peaks[2]
	a := accepted{phase: calcite(), fit: &refine.PhaseResult{Reflections: []refine.Line{
		{H: 4, K: 1, L: 1, D: 2.1, TwoTheta: pk.TwoTheta, Intensity: 30},
		{H: 2, K: 2, L: 2, D: 2.5, TwoTheta: pk.TwoTheta + 0.01, Intensity: 50},
		{H: 3, K: 3, L: 0, D: 2.1, TwoTheta: pk.TwoTheta, Intensity: 30},
	}}}
	as := in.fitAssignments(0, a)
	var got []string
	for _, x := range as {
		got = append(got, fmt.Sprintf("%s %.0f", x.hkl, x.iRef))
	}
	if want := []string{"2 2 2 83", "4 1 1 / 3 3 0 100"}; !slices.Equal(got, want) {
		t.Errorf("assignments %q, want %q", got, want)
	}
}

// twoPhaseFit is a fit of in's scan that matches it exactly, with two
// phases of weight fractions w0 and w1.
func twoPhaseFit(in Input, w0, w1 float64) *refine.Result {
	n := in.Scan.Len()
	fit := &refine.Result{TwoTheta: in.Scan.TwoTheta, Observed: in.Scan.Intensity, Background: make([]float64, n),
		Calculated: in.Scan.Intensity, Difference: make([]float64, n), Phases: make([]refine.PhaseResult, 2)}
	fit.Phases[0].WeightFraction, fit.Phases[1].WeightFraction = w0, w1
	return fit
}

// TestOpenChemistry reports an identification that leaves one phase's
// chemistry open (identify.Phase.Unresolved: a look-alike of other
// elements fits as well): the verdict marks it and warns, and the Phases
// sheet says why, in the identification's words.
func TestOpenChemistry(t *testing.T) {
	in := testInput(1000)
	fit := twoPhaseFit(in, 0.7, 0.3)
	cal, qz := calcite(), quartz()
	cal.Structure.SpaceGroup = "R -3 c"
	in.Identification = &identify.Result{Fit: fit, Phases: []identify.Phase{
		{Entry: cal, Fit: &fit.Phases[0], Unresolved: true, LookAlikes: []*refdb.Phase{qz}},
		{Entry: qz, Fit: &fit.Phases[1]},
	}}
	why := in.Identification.Phases[0].Open()
	if !strings.Contains(why, "a phase of space group R -3 c refined as CaCO3 (test:calcite)") || !strings.Contains(why, "Quartz SiO2") {
		t.Fatalf("Open() = %q", why)
	}
	v := in.Verdict()
	if got := v.PhasesText(); !strings.HasPrefix(got, "Calcite (CaCO3) 70.0 wt % (chemistry open), Quartz (SiO2) 30.0 wt %") {
		t.Errorf("phases %q", got)
	}
	if !slices.Contains(v.Warnings, "Not concluded: "+why+".") || !strings.HasSuffix(why, "; the data do not tell its chemistry: restrain the elements, or accept one") {
		t.Errorf("warnings %q lack the open chemistry", v.Warnings)
	}
	f, _ := open(t, in, "open-chemistry.xlsx")
	rows := rowsOf(t, f, SheetPhases)
	if !strings.Contains(rows[1], "|chemistry open: "+why+"|") || !strings.Contains(rows[2], "|test:quartz|present|") {
		t.Errorf("Phases rows:\n%s", strings.Join(rows[:3], "\n"))
	}
}

func TestWrite(t *testing.T) {
	const n = 2001
	in := testInput(n)
	in.Lab = Lab{Laboratory: "Test laboratory", Operator: "A. Technician", Project: "P-17", Comment: "routine check",
		Approval: []string{"Analysed by", "Approved by"}}
	f, raw := open(t, in, "report.xlsx")

	if got, want := strings.Join(f.GetSheetList(), ","), "Summary,Phases,Candidates,Assignments,Peaks,Data"; got != want {
		t.Errorf("unexpected sheets got: %s want: %s", got, want)
	}
	// Every table sheet: its header, frozen, filtered, repeated on each
	// printed page.
	headers := map[string]string{
		SheetPhases:      "No.|Phase|Formula|ID|Conclusion|Weight %|± wt %|FOM|Matched lines|Δ cell (%)|Space group|Reference cell (Å, °)|Source|Citation|Licence",
		SheetCandidates:  "Rank|ID|Phase|Formula|FOM|Coverage C|Explained E|Position P|Intensity A|Strain S|Chance G|Significance|Matched lines|Strain (%)|Accepted",
		SheetAssignments: "Phase|hkl|Line|d ref (Å)|d fitted (Å)|2θ calc (°)|2θ obs (°)|Δ2θ (°)|I calc (%)|I obs (%)|Peak no.",
		SheetPeaks:       "No.|2θ (°)|d (Å)|Height (counts)|Area (counts·°)|FWHM (°)|I rel (%)|Size (nm)|Phase|hkl",
		SheetData:        "2θ (°)|Intensity (counts)|Background (counts)",
	}
	for sheet, want := range headers {
		if got := rowsOf(t, f, sheet)[0]; got != want {
			t.Errorf("%s header got: %s want: %s", sheet, got, want)
		}
		p, err := f.GetPanes(sheet)
		if err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: header row not frozen: %+v %v", sheet, p, err)
		}
		sheetXML := zipFile(t, raw, "xl/worksheets/sheet"+itoa(slices.Index(Sheets, sheet)+1)+".xml")
		if !strings.Contains(sheetXML, `<autoFilter ref="$A$1:$`) {
			t.Errorf("%s has no autofilter", sheet)
		}
	}

	// The Summary: lab fields, the verdict with its warning, the
	// measurement with the wavelength stated once, every setting in words
	// with the element restraints, the provenance and sign-off lines.
	sum := summaryOf(t, f)
	for label, want := range map[string]string{
		"Phases":             "Calcite (CaCO3) 100.0 wt %",
		"Quantification":     "RIR method",
		"Peaks":              "1 of 8 peaks unexplained, the strongest 18 % (2θ 26.64°)",
		"Warning":            "The wavelength is assumed (Cu Kα): the scan file gives none.",
		"Sample":             "limestone, ground (as the scan file names it)",
		"Project / customer": "P-17",
		"Operator":           "A. Technician",
		"Comment":            "routine check",
		"Radiation":          "Cu Kα1 1.540593 Å, Kα2 1.544427 Å, I(Kα2)/I(Kα1) = 0.5; assumed: the scan file gives no wavelength",
		"Range":              "2θ 10.000–80.000° in steps of 0.0350°, 2001 points",
		"Instrument":         "Test diffractometer",
		"Anode current":      "40 mA",
		"Background":         "SNIP (Ryan et al. 1988), automatic clipping window",
		"Kα2":                "stripped (Rachinger)",
		"Peak search":        "net height at least 3 σ of the counts and 0.1 % of the strongest peak",
		"Element restraints": "required Ca, O; excluded Pb",
		"Matching":           "within ±0.15° 2θ",
		"Acceptance":         "FOM at least 45 and 3 matched lines",
		"Reference database": "test database, 2 phases",
		"Program":            "Bragg test",
		"Date":               "2025-03-14 09:26",
		"Analysed by":        "Name:",
		"Approved by":        "Signature:",
	} {
		if !strings.Contains(sum[label], want) {
			t.Errorf("Summary %q got: %q want it to contain: %q", label, sum[label], want)
		}
	}
	if a1, _ := f.GetCellValue(SheetSummary, "A1"); a1 != "Test laboratory" {
		t.Errorf("Summary A1 %q, want the laboratory", a1)
	}
	// Stated once: no second wavelength anywhere on the page, and no
	// setting as a program's key.
	all := strings.Join(rowsOf(t, f, SheetSummary), "\n")
	if c := strings.Count(all, "1.540593"); c != 1 {
		t.Errorf("the wavelength appears %d times on the Summary", c)
	}
	for _, key := range []string{"_", "from file", "true", "snip"} {
		if strings.Contains(all, key) {
			t.Errorf("the Summary contains %q:\n%s", key, all)
		}
	}

	// Phases: calcite's card.
	if got, want := rowsOf(t, f, SheetPhases)[1], "1|Calcium carbonate (Calcite)|CaCO3|test:calcite|present|100.0||92.5|7|0.00|"; !strings.HasPrefix(got, want) {
		t.Errorf("Phases row got: %s want it to start: %s", got, want)
	}
	// Candidates, ranked, with the parts of the FOM; the ID column is as
	// wide as the longest ID.
	cand := rowsOf(t, f, SheetCandidates)
	if !strings.HasPrefix(cand[1], "1|test:calcite|") || !strings.HasSuffix(cand[1], "|yes") || !strings.HasPrefix(cand[2], "2|test:quartz|") {
		t.Errorf("Candidates rows %q", cand[1:3])
	}
	// The longest ID of the database has 62 characters: never clipped.
	if w, _ := f.GetColWidth(SheetCandidates, "B"); w < float64(len(longID)) {
		t.Errorf("ID column %g characters wide, clips %q", w, longID)
	}
	// Assignments: the 104 line, reference and observed.
	as := rowsOf(t, f, SheetAssignments)
	if got, want := as[2], "Calcite|1 0 4|Kα1|3.0350|3.0350|29.406|29.416|0.010|100.0|100.0|3"; got != want {
		t.Errorf("104 assignment got: %s want: %s", got, want)
	}
	// Peaks: the phase and hkl of each peak; the strong one no phase
	// explains is marked.
	pk := rowsOf(t, f, SheetPeaks)
	if !strings.HasSuffix(pk[1], "|Calcite|0 1 2") || !strings.HasSuffix(pk[2], "|unexplained") || !strings.HasSuffix(pk[3], "|Calcite|1 0 4") {
		t.Errorf("Peaks rows %q", pk[1:4])
	}
	if rows := len(rowsOf(t, f, SheetData)); rows != n+1 {
		t.Errorf("Data has %d rows, want %d", rows, n+1)
	}
	if got := rowsOf(t, f, SheetData)[1]; got != "10|294|293.839" {
		t.Errorf("Data row 2 %q", got)
	}

	// The figure on Summary.
	pics, err := f.GetPictureCells(SheetSummary)
	if err != nil || len(pics) != 1 {
		t.Fatalf("pictures on Summary: %v, %v", pics, err)
	}
	pp, err := f.GetPictures(SheetSummary, pics[0])
	if err != nil || len(pp) != 1 {
		t.Fatalf("GetPictures: %d pictures, %v", len(pp), err)
	}
	img, err := png.Decode(bytes.NewReader(pp[0].File))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != figureWidth*figureDPI/ScreenDPI || got.Y != figureHeight*figureDPI/ScreenDPI {
		t.Errorf("unexpected figure size got: %v", got)
	}
	// The native chart on Data, which prints as its chart: excelize cannot
	// read charts back, so look in the package.
	chart := zipFile(t, raw, "xl/charts/chart1.xml")
	for _, want := range []string{
		"<scatterChart>",
		"<xVal><numRef><f>&#39;Data&#39;!$A$2:$A$" + itoa(n+1) + "</f>",
		"&#39;Data&#39;!$B$2:$B$" + itoa(n+1),
		"&#39;Data&#39;!$C$2:$C$" + itoa(n+1),
		`<a:srgbClr val="202020">`,
	} {
		if !strings.Contains(chart, want) {
			t.Errorf("chart1.xml does not contain %q", want)
		}
	}
	// A scatter series needs an explicit line, or it draws nothing.
	if strings.Count(chart, `<a:ln cap="rnd" w="9525">`) < 2 {
		t.Errorf("chart series have no 0.75 pt line")
	}
	workbook := zipFile(t, raw, "xl/workbook.xml")
	if !strings.Contains(workbook, `localSheetId="5" name="_xlnm.Print_Area">&#39;Data&#39;!$G$2:$V$29<`) {
		t.Errorf("the Data sheet has no print area on its chart: %s", workbook)
	}

	// Printing: the Summary on one portrait page; the tables one page wide.
	for _, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if pl.FitToWidth == nil || *pl.FitToWidth != 1 {
			t.Errorf("%s: not one page wide: %+v", sheet, pl)
		}
	}
	if pl, _ := f.GetPageLayout(SheetSummary); *pl.Orientation != "portrait" || *pl.FitToHeight != 1 {
		t.Errorf("Summary prints %s, %d pages high", *pl.Orientation, *pl.FitToHeight)
	}
	// The audit tables print as one page each, the short peak list too.
	for _, sheet := range []string{SheetCandidates, SheetAssignments, SheetPeaks} {
		if pl, _ := f.GetPageLayout(sheet); pl.FitToHeight == nil || *pl.FitToHeight != 1 {
			t.Errorf("%s prints %v pages high, want one", sheet, pl.FitToHeight)
		}
	}
}

// TestWarnings: the Summary warns when a strong peak is unexplained, and
// not for a weak one below unexplainedWarn, as long as the unexplained
// area stays below it too.
func TestWarnings(t *testing.T) {
	in := testInput(1001)
	// The unexplained peak at 26.64° made 18 % of the strongest.
	v := in.Verdict()
	if v.Unexplained != 1 || math.Abs(v.Strongest-18) > 1e-9 || len(v.Warnings) != 2 || !strings.Contains(v.Warnings[0], "a phase may be missing") {
		t.Errorf("verdict %+v", v)
	}
	// Made 1 % of the strongest, with a tenth of the area: no warning.
	in.Peaks[1].RelIntensity, in.Peaks[1].Area = 1, in.Peaks[1].Area/20
	in.Scan.Wavelength.Source = diffraction.FromFile
	v = in.Verdict()
	if len(v.Warnings) != 0 || v.Unexplained != 1 || 100*v.UnexplainedArea >= unexplainedWarn {
		t.Errorf("weak unexplained peak: verdict %+v", v)
	}
	f, _ := open(t, in, "weak.xlsx")
	if sum := summaryOf(t, f); sum["Warning"] != "" || !strings.HasPrefix(sum["Peaks"], "1 of 8 peaks unexplained, the strongest 1.0 %") {
		t.Errorf("Summary warning %q, peaks %q", sum["Warning"], sum["Peaks"])
	}
	// Nothing identified: every peak is unexplained.
	in.Result = match.Result{}
	v = in.Verdict()
	if len(v.Warnings) != 1 || v.Warnings[0] != "No phase identified: all 8 peaks are unexplained." || v.PhasesText() != "none identified" {
		t.Errorf("no phase: verdict %+v", v)
	}
}

func TestWriteNoResult(t *testing.T) {
	in := testInput(200)
	in.Background = nil
	in.Peaks = nil
	in.Result = match.Result{}
	in.Scan.Wavelength = diffraction.Wavelength{Ka1: 0.7093171, Source: diffraction.FromFile}
	in.Scan.Meta["units"] = "cps"
	f, _ := open(t, in, "empty.xlsx")
	cells := []struct{ sheet, cell, want string }{
		{SheetPhases, "A2", "No phase identified."},
		{SheetCandidates, "A2", "No candidates."},
		{SheetAssignments, "A2", "No lines assigned."},
		{SheetPeaks, "A2", "No peaks."},
		{SheetData, "B1", "Intensity (cps)"},
		{SheetData, "C1", ""},
	}
	for _, c := range cells {
		got, _ := f.GetCellValue(c.sheet, c.cell)
		if got != c.want {
			t.Errorf("unexpected %s!%s got: %q want: %q", c.sheet, c.cell, got, c.want)
		}
	}
	sum := summaryOf(t, f)
	for label, want := range map[string]string{
		"Phases":    "none identified",
		"Warning":   "No peaks were found",
		"Radiation": "λ = 0.709317 Å; read from the scan file",
	} {
		if !strings.Contains(sum[label], want) {
			t.Errorf("Summary %q got: %q want it to contain %q", label, sum[label], want)
		}
	}
}

func TestInvalidInput(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Input)
		err    string
	}{
		{"nil scan", func(in *Input) { in.Scan = nil }, "no scan"},
		{"invalid scan", func(in *Input) { in.Scan.Intensity = in.Scan.Intensity[:5] }, "intensities"},
		{"no wavelength", func(in *Input) { in.Scan.Wavelength = diffraction.Wavelength{} }, "wavelength is not settled"},
		{"short background", func(in *Input) { in.Background = in.Background[:5] }, "background has 5 points"},
		{"NaN background", func(in *Input) { in.Background[3] = math.NaN() }, "background point 4"},
		{"NaN peak", func(in *Input) { in.Peaks[1].Height = math.NaN() }, "peak 2"},
		{"nil phase", func(in *Input) { in.Result.Candidates[1].Phase = nil }, "candidate 2 has no phase"},
		{"peak out of range", func(in *Input) { in.Result.Phases[0].Pairs[0].Peak = 99 }, "peak 100 of 8"},
		{"line out of range", func(in *Input) { in.Result.Candidates[1].Pairs[0].Line = -1 }, "line 0 of 2"},
		{"fit of another scan", func(in *Input) {
			in.Identification = &identify.Result{Fit: &refine.Result{TwoTheta: []float64{1}}}
		}, "the fit's angles curve has 1 points"},
		{"phase without refined values", func(in *Input) {
			in.Identification = &identify.Result{Phases: []identify.Phase{{Entry: calcite()}}}
		}, "identified phase 1 has no database entry or no refined values"},
		{"other peaks explained", func(in *Input) {
			in.Identification = &identify.Result{Peaks: make([]identify.PeakExplanation, 3)}
		}, "the identification explains 3 peaks, there are 8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := testInput(100)
			tc.modify(&in)
			var buf bytes.Buffer
			err := Write(&buf, in)
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "report: ") {
				t.Errorf("unexpected error got: %v want: report: …%s…", err, tc.err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes for an invalid input", buf.Len())
			}
			if _, err := NewFigure(in, FigureOptions{}); err == nil {
				t.Errorf("NewFigure accepted an invalid input")
			}
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.xlsx")
	in := testInput(300)
	if err := WriteFile(path, in); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o644 {
		t.Errorf("unexpected mode got: %v want: 0644", fi.Mode().Perm())
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	assertDir(t, dir, "out.xlsx")
}

func TestWriteFileFails(t *testing.T) {
	t.Run("missing directory", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "missing", "out.xlsx")
		if err := WriteFile(path, testInput(100)); err == nil {
			t.Fatal("no error writing into a missing directory")
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("unexpected file at %s: %v", path, err)
		}
		assertDir(t, dir)
	})
	t.Run("nil scan", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.xlsx")
		in := testInput(100)
		in.Scan = nil
		if err := WriteFile(path, in); err == nil {
			t.Fatal("no error for a nil scan")
		}
		assertDir(t, dir)
	})
	t.Run("existing file kept", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "out.xlsx")
		if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
		in := testInput(100)
		in.Background = in.Background[:1]
		if err := WriteFile(path, in); err == nil {
			t.Fatal("no error for a short background")
		}
		if b, _ := os.ReadFile(path); string(b) != "old" {
			t.Errorf("existing file changed to %d bytes", len(b))
		}
		assertDir(t, dir, "out.xlsx")
	})
	t.Run("rename fails", func(t *testing.T) {
		// The target is a directory: the workbook is written to the
		// temporary file, and the rename then fails; the temporary file
		// must go.
		dir := t.TempDir()
		path := filepath.Join(dir, "out.xlsx")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := WriteFile(path, testInput(100)); err == nil {
			t.Fatal("no error renaming over a directory")
		}
		assertDir(t, dir, "out.xlsx")
	})
}

func TestCellText(t *testing.T) {
	for _, c := range []struct {
		cell, esd crystal.Cell
		system    string
		want      string
	}{
		{crystal.Cell{A: 5.6402, B: 5.6402, C: 5.6402, Alpha: 90, Beta: 90, Gamma: 90}, crystal.Cell{}, "cubic", "a = 5.6402"},
		{crystal.Cell{A: 3.78521, B: 3.78521, C: 9.51402, Alpha: 90, Beta: 90, Gamma: 90}, crystal.Cell{A: 0.00009, C: 0.00014}, "tetragonal", "a = 3.78521(9), c = 9.51402(14)"},
		{crystal.Cell{A: 4.9898, B: 4.9898, C: 17.0618, Alpha: 90, Beta: 90, Gamma: 120}, crystal.Cell{A: 0.0002, C: 0.0026}, "trigonal", "a = 4.9898(2), c = 17.062(3)"},
		{crystal.Cell{A: 5.41, B: 5.41, C: 5.41, Alpha: 46.1, Beta: 46.1, Gamma: 46.1}, crystal.Cell{}, "trigonal", "a = 5.4100, α = 46.10"},
		{crystal.Cell{A: 8.1, B: 12.9, C: 7.1, Alpha: 90, Beta: 116.2, Gamma: 90}, crystal.Cell{}, "monoclinic", "a = 8.1000, b = 12.9000, c = 7.1000, β = 116.20"},
	} {
		if got := cellText(c.cell, &c.esd, c.system); got != c.want {
			t.Errorf("%s cell got: %q want: %q", c.system, got, c.want)
		}
	}
}

func TestWrappedLines(t *testing.T) {
	// A column w wide holds 1.1·w − 1 characters of text a line.
	for _, c := range []struct {
		text  string
		width float64
		want  int
	}{
		{"", 10, 1},
		{"short", 10, 1},
		{"three words here", 9, 3},       // 8.9 characters a line: "three" | "words" | "here"
		{"three words here", 11, 2},      // 11.1: "three words" | "here"
		{"aaaa bbbb cccc dddd", 10, 2},   // 10: "aaaa bbbb" | "cccc dddd"
		{"line one\nline two", 40, 2},    // two paragraphs
		{strings.Repeat("x", 30), 10, 1}, // a word longer than the column stays on its line
	} {
		if got := wrappedLines(c.text, c.width); got != c.want {
			t.Errorf("wrappedLines(%q, %g) got: %d want: %d", c.text, c.width, got, c.want)
		}
	}
}

func TestSignificant(t *testing.T) {
	for _, c := range []struct{ v, want float64 }{
		{1234.56789, 1234.57}, {0.0123456789, 0.0123457}, {-98765432, -98765400}, {0, 0}, {100, 100},
	} {
		if got := significant(c.v); got != c.want {
			t.Errorf("significant(%v) got: %v want: %v", c.v, got, c.want)
		}
	}
}

func near(v uint32, want uint8) bool {
	d := int(v>>8) - int(want)
	return d >= -8 && d <= 8
}

// assertDir checks that dir holds exactly the named entries.
func assertDir(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("unexpected files in %s got: %q want: %q", dir, got, names)
	}
}

func zipFile(t *testing.T, b []byte, name string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := zr.Open(name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

var sink []byte

// benchmarkWrite writes the workbook of in.
func benchmarkWrite(b *testing.B, in Input) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		if err := Write(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
	sink = buf.Bytes()
	b.ReportMetric(float64(buf.Len())/1e3, "kB/op")
}

func BenchmarkWrite1k(b *testing.B)   { benchmarkWrite(b, testInput(1000)) }
func BenchmarkWrite10k(b *testing.B)  { benchmarkWrite(b, testInput(10000)) }
func BenchmarkWrite100k(b *testing.B) { benchmarkWrite(b, testInput(100000)) }

func BenchmarkFigure10k(b *testing.B) { benchmarkFigure(b, testInput(10000)) }

// benchmarkFigure draws the Summary's figure of in.
func benchmarkFigure(b *testing.B, in Input) {
	b.ReportAllocs()
	for b.Loop() {
		png, err := sheetFigure(&in)
		if err != nil {
			b.Fatal(err)
		}
		sink = png
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestUnidentified: an identification that weighs its unexplained peaks
// as 20 % unidentified matter (identify.Result.Unidentified; the phases
// then 56 and 24 %) says so in the verdict, the quantification and the
// peaks warning, and gives it a row of the Phases sheet, so that the
// weight column sums to 100; the figure marks the unexplained peak apart.
func TestUnidentified(t *testing.T) {
	in := testInput(1000)
	fit := twoPhaseFit(in, 0.56, 0.24)
	expl := make([]identify.PeakExplanation, len(in.Peaks))
	for i := range expl {
		expl[i] = identify.PeakExplanation{Explained: 1, Phases: []int{0}}
	}
	expl[0] = identify.PeakExplanation{Unexplained: true}
	in.Identification = &identify.Result{Fit: fit, Phases: []identify.Phase{
		{Entry: calcite(), Fit: &fit.Phases[0]}, {Entry: quartz(), Fit: &fit.Phases[1]},
	}, Peaks: expl, UnexplainedPeaks: 1, StrongestUnexplained: 100, UnexplainedIntensity: 0.2, Unidentified: 0.2}
	v := in.Verdict()
	if got := v.PhasesText(); got != "Calcite (CaCO3) 56.0 wt %, Quartz (SiO2) 24.0 wt %, unidentified ≈ 20 wt %" {
		t.Errorf("phases %q", got)
	}
	if !strings.Contains(v.Quantification, "unexplained peaks weighed as unidentified matter") ||
		!strings.Contains(v.Warnings[v.peaksWarning], "a phase may be missing, of about 20 wt % by its intensity") {
		t.Errorf("quantification %q, warnings %q", v.Quantification, v.Warnings)
	}
	// The figure marks the unexplained peak apart.
	var marked []float64
	for _, m := range figureOf(&in, FigureOptions{}).Markers {
		if m.Unexplained {
			marked = append(marked, m.TwoTheta)
		}
	}
	if len(marked) != 1 || marked[0] != in.Peaks[0].TwoTheta {
		t.Errorf("unexplained markers at %v, want the first peak's %g", marked, in.Peaks[0].TwoTheta)
	}
	f, _ := open(t, in, "unidentified.xlsx")
	rows := rowsOf(t, f, SheetPhases)
	if len(rows) < 4 || !strings.HasPrefix(rows[3], "3|Unidentified (estimate)|||the unexplained peaks, weighed by their intensity|20.0") {
		t.Errorf("Phases rows:\n%s", strings.Join(rows, "\n"))
	}
}
