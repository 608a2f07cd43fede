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
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/palette"
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
	return Input{
		File:       "limestone.xy",
		Format:     "xy",
		Scan:       s,
		Background: bg,
		Peaks:      peaks,
		Result:     match.Result{Phases: []match.Candidate{found}, Candidates: []match.Candidate{found, weak}},
		Generator:  "Bragg test",
		Settings:   map[string]string{"background": "SNIP, 40 iterations", "smoothing": "Savitzky–Golay, 7 points", "peak threshold": "3σ"},
		Date:       time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC),
	}
}

func TestWrite(t *testing.T) {
	const n = 2001
	in := testInput(n)
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, "report.xlsx"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got, want := strings.Join(f.GetSheetList(), ","), "Summary,Phases,Peaks,Data"; got != want {
		t.Errorf("unexpected sheets got: %s want: %s", got, want)
	}
	cells := []struct{ sheet, cell, want string }{
		{"Summary", "A1", "Powder diffraction report: limestone.xy"},
		{"Phases", "A1", "Rank"},
		{"Phases", "C2", "Calcium carbonate"},
		{"Phases", "J2", "yes"},
		{"Phases", "B3", "test:quartz"},
		{"Peaks", "A1", "No."},
		{"Peaks", "B1", "2θ (°)"},
		{"Peaks", "C1", "d (Å)"},
		{"Peaks", "H1", "Phase"},
		{"Peaks", "H2", "Calcite (0 1 2)"},
		{"Peaks", "H3", "unexplained"},
		{"Peaks", "H4", "Calcite (1 0 4)"},
		{"Data", "A1", "2θ (°)"},
		{"Data", "B1", "Intensity (counts)"},
		{"Data", "C1", "Background (counts)"},
		{"Data", "D1", "Net (counts)"},
		{"Data", "A2", "10.000"},                              // number format 0.000
		{"Data", "A" + itoa(n+1), "80.000"},                   // last point
		{"Peaks", "B4", fmtNum(in.Peaks[2].TwoTheta, "%.3f")}, // 104 peak
		{"Peaks", "C4", fmtNum(in.Peaks[2].D, "%.4f")},
	}
	for _, c := range cells {
		got, err := f.GetCellValue(c.sheet, c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("unexpected %s!%s got: %q want: %q", c.sheet, c.cell, got, c.want)
		}
	}

	rowCounts := map[string]int{"Data": n + 1, "Peaks": len(in.Peaks) + 1}
	for sheet, want := range rowCounts {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != want {
			t.Errorf("unexpected row count of %s got: %d want: %d", sheet, len(rows), want)
		}
	}

	// Summary: the assumed wavelength is spelled out, and the identified
	// phase is in the table.
	rows, err := f.GetRows("Summary")
	if err != nil {
		t.Fatal(err)
	}
	summary := make(map[string]string)
	var phaseRow []string
	for _, r := range rows {
		if len(r) >= 2 {
			summary[r[0]] = r[1]
		}
		if len(r) > 0 && r[0] == "Calcium carbonate (Calcite)" {
			phaseRow = r
		}
	}
	for label, want := range map[string]string{
		"Wavelength source": "assumed Cu Kα",
		"Wavelength":        "Cu Kα1 1.540593 Å",
		"Points":            itoa(n),
		"2θ start (°)":      "10.000",
		"2θ step (°)":       "0.0350",
		"Sample":            "limestone, ground",
		"anode_current":     "40 mA",
		"background":        "SNIP",
		"Date of report":    "2025-03-14 09:26",
	} {
		if !strings.Contains(summary[label], want) {
			t.Errorf("unexpected Summary %q got: %q want it to contain: %q", label, summary[label], want)
		}
	}
	if want := []string{"Calcium carbonate (Calcite)", "CaCO3", "92.5", "50.000", "100.0", "7", "test:calcite"}; strings.Join(phaseRow, "|") != strings.Join(want, "|") {
		t.Errorf("unexpected identified phase row got: %q want: %q", phaseRow, want)
	}

	// Phases: the matched line list of calcite, ordered by decreasing d.
	prow, err := f.GetRows("Phases")
	if err != nil {
		t.Fatal(err)
	}
	var lines [][]string
	for i, r := range prow {
		if len(r) > 0 && r[0] == "hkl" {
			for _, l := range prow[i+1:] {
				if len(l) == 0 {
					break
				}
				lines = append(lines, l)
			}
		}
	}
	if len(lines) != 7 {
		t.Fatalf("unexpected matched line count got: %d want: 7 (%q)", len(lines), lines)
	}
	if got, want := strings.Join(lines[1], "|"), "1 0 4|3.0350|29.406|29.416|0.010|100.0|100.0|3"; got != want {
		t.Errorf("unexpected 104 line got: %s want: %s", got, want)
	}

	// Frozen header and landscape, one-page-wide printing on every table.
	for _, sheet := range []string{"Phases", "Peaks", "Data"} {
		p, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Freeze || p.YSplit != 1 {
			t.Errorf("%s: header row not frozen: %+v", sheet, p)
		}
	}
	for _, sheet := range f.GetSheetList() {
		pl, err := f.GetPageLayout(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if pl.Orientation == nil || *pl.Orientation != "landscape" || pl.FitToWidth == nil || *pl.FitToWidth != 1 {
			t.Errorf("%s: unexpected page layout %+v", sheet, pl)
		}
	}

	// The figure on Summary.
	cellsWithPics, err := f.GetPictureCells("Summary")
	if err != nil {
		t.Fatal(err)
	}
	if len(cellsWithPics) != 1 {
		t.Fatalf("unexpected pictures on Summary got: %v want: one", cellsWithPics)
	}
	pics, err := f.GetPictures("Summary", cellsWithPics[0])
	if err != nil || len(pics) != 1 {
		t.Fatalf("GetPictures: %d pictures, %v", len(pics), err)
	}
	img, err := png.Decode(bytes.NewReader(pics[0].File))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != figureWidthPx || got.Y != figureHeightPx {
		t.Errorf("unexpected figure size got: %v", got)
	}

	// The native chart on Data: excelize cannot read charts back, so look
	// in the package.
	chart := zipFile(t, buf.Bytes(), "xl/charts/chart1.xml")
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
	drawing := zipFile(t, buf.Bytes(), "xl/worksheets/_rels/sheet4.xml.rels")
	if !strings.Contains(drawing, "drawing") {
		t.Errorf("Data sheet has no drawing: %s", drawing)
	}
}

func TestWriteNoResult(t *testing.T) {
	in := testInput(200)
	in.Background = nil
	in.Peaks = nil
	in.Result = match.Result{}
	in.Settings = nil
	in.Scan.Wavelength = diffraction.Wavelength{Ka1: 0.7093171, Source: diffraction.FromFile}
	in.Scan.Meta["units"] = "cps"
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cells := []struct{ sheet, cell, want string }{
		{"Phases", "A2", "No candidates."},
		{"Peaks", "A2", "No peaks."},
		{"Data", "B1", "Intensity (cps)"},
		{"Data", "C1", ""},
	}
	for _, c := range cells {
		got, _ := f.GetCellValue(c.sheet, c.cell)
		if got != c.want {
			t.Errorf("unexpected %s!%s got: %q want: %q", c.sheet, c.cell, got, c.want)
		}
	}
	rows, _ := f.GetRows("Summary")
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(strings.Join(r, " ") + "\n")
	}
	for _, want := range []string{"No phase identified.", "read from the scan file", "λ = 0.709317 Å"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("Summary does not contain %q:\n%s", want, text.String())
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
		{"short background", func(in *Input) { in.Background = in.Background[:5] }, "background has 5 points"},
		{"NaN background", func(in *Input) { in.Background[3] = math.NaN() }, "background point 4"},
		{"NaN peak", func(in *Input) { in.Peaks[1].Height = math.NaN() }, "peak 2"},
		{"nil phase", func(in *Input) { in.Result.Candidates[1].Phase = nil }, "candidate 2 has no phase"},
		{"peak out of range", func(in *Input) { in.Result.Phases[0].Pairs[0].Peak = 99 }, "peak 100 of 8"},
		{"line out of range", func(in *Input) { in.Result.Candidates[1].Pairs[0].Line = -1 }, "line 0 of 2"},
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
			if _, err := Plot(in, 400, 300); err == nil {
				t.Errorf("Plot accepted an invalid input")
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

func TestPlot(t *testing.T) {
	in := testInput(7001)
	b, err := Plot(in, 900, 500)
	if err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, "plot.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 900 || got.Y != 500 {
		t.Errorf("unexpected size got: %v want: 900×500", got)
	}
	// The calcite sticks are drawn in the first phase colour, the peak
	// markers in theirs.
	for name, want := range map[string][3]uint8{
		"phase 1": {palette.Phase(0).R, palette.Phase(0).G, palette.Phase(0).B},
		"peaks":   {peakColor.R, peakColor.G, peakColor.B},
	} {
		count := 0
		bounds := img.Bounds()
		for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
			for x := bounds.Min.X; x < bounds.Max.X; x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if near(r, want[0]) && near(g, want[1]) && near(b, want[2]) {
					count++
				}
			}
		}
		if count < 20 {
			t.Errorf("%s: only %d pixels of its colour", name, count)
		}
	}
	for _, size := range [][2]int{{10, 10}, {20000, 300}} {
		if _, err := Plot(in, size[0], size[1]); err == nil {
			t.Errorf("no error for a %d×%d plot", size[0], size[1])
		}
	}
}

// TestPlotTwoPhases draws two identified phases, each in its own colour
// and stick row.
func TestPlotTwoPhases(t *testing.T) {
	in := testInput(3001)
	qz := in.Result.Candidates[1]
	qz.Pairs = []match.Pair{{Peak: 1, Line: 1, Delta: 0}}
	qz.WeightPercent = 8
	in.Result.Phases = append(in.Result.Phases, qz)
	b, err := Plot(in, 1000, 520)
	if err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, "plot2.png"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		want := palette.Phase(i)
		count := 0
		for y := range img.Bounds().Max.Y {
			for x := range img.Bounds().Max.X {
				r, g, b, _ := img.At(x, y).RGBA()
				if near(r, want.R) && near(g, want.G) && near(b, want.B) {
					count++
				}
			}
		}
		if count < 20 {
			t.Errorf("phase %d: only %d pixels of its colour", i+1, count)
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

func benchmarkWrite(b *testing.B, n int) {
	in := testInput(n)
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

func BenchmarkWrite1k(b *testing.B)   { benchmarkWrite(b, 1000) }
func BenchmarkWrite10k(b *testing.B)  { benchmarkWrite(b, 10000) }
func BenchmarkWrite100k(b *testing.B) { benchmarkWrite(b, 100000) }

func BenchmarkPlot10k(b *testing.B) {
	in := testInput(10000)
	b.ReportAllocs()
	for b.Loop() {
		png, err := Plot(in, figureWidth, figureHeight)
		if err != nil {
			b.Fatal(err)
		}
		sink = png
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func fmtNum(v float64, format string) string { return fmt.Sprintf(format, v) }
