package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/refine"
)

// sharedScans is the measured-scan collection beside the repository; tests
// that need it skip when it is absent.
const sharedScans = "../../shared/data/scans"

// testStore is the bundled database alone: the tests must not depend on a
// developer's own entries.
var testStore = refdb.NewStore(assets.RefDB, "")

// analyse runs the pipeline with the default settings on a shared scan.
func analyse(t testing.TB, rel string) *analysis.Analysis {
	t.Helper()
	path := filepath.Join(sharedScans, rel)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (../shared is not part of the repository): %v", path, err)
	}
	a, err := (&analysis.Pipeline{Store: testStore, Options: analysis.DefaultOptions()}).Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestMixtureReport reports a weighed mixture of the dara set (NiO 20.3,
// Li2CO3 30.0, TiO2 50.3 wt %, 8-minute scan on an Aeris, Cu Kα).
// Search-match finds anatase and bunsenite but not the weakly scattering
// Li2CO3 (zabuyelite, 5th candidate), whose peaks (the strongest 14 % of
// the strongest peak, at 31.8°) stay unexplained: the Summary must say so
// in its verdict, not only list two phases.
func TestMixtureReport(t *testing.T) {
	a := analyse(t, "xrdml/dara_mixtures/NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml")
	in := FromAnalysis(a, "Bragg test")
	f, _ := open(t, in, "mixture.xlsx")
	sum := summaryOf(t, f)
	if !strings.Contains(sum["Phases"], "Anatase (TiO2)") || !strings.Contains(sum["Phases"], "Bunsenite (NiO)") {
		t.Errorf("phases %q, want anatase and bunsenite", sum["Phases"])
	}
	if p := sum["Peaks"]; !strings.Contains(p, "peaks unexplained, the strongest 14 %") || !strings.HasSuffix(p, "a phase may be missing.") {
		t.Errorf("peaks %q, want the unexplained Li2CO3 peaks as a warning", p)
	}
	for label, want := range map[string]string{
		"Radiation":          "Cu Kα1 1.540598 Å, Kα2 1.544426 Å, I(Kα2)/I(Kα1) = 0.5; read from the scan file",
		"Instrument":         "AERIS",
		"Reference database": "Bragg reference database " + a.DatabaseVersion + ", " + itoa(a.DatabasePhases) + " phases",
		"Element restraints": "none (every phase of the database searched)",
	} {
		if sum[label] != want {
			t.Errorf("Summary %q got: %q want: %q", label, sum[label], want)
		}
	}
	cand := rowsOf(t, f, SheetCandidates)
	if len(cand) < 11 || !strings.Contains(strings.Join(cand, "\n"), "|cod:9008283|Zabuyelite|Li2CO3|") {
		t.Errorf("candidates lack zabuyelite:\n%s", strings.Join(cand, "\n"))
	}
}

// TestMixtureWithFit reports the TiO2 + ZnO mixture of the dara set with a
// whole-pattern fit of the phases search-match accepted, made as the
// refine package's test makes it: the Summary gives Rwp and the Hill–Howard
// fractions with their uncertainties, the Phases sheet the refined cells,
// the Data sheet the calculated and difference curves, and the figure
// the difference curve.
func TestMixtureWithFit(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole-pattern fit takes a second")
	}
	a := analyse(t, "xrdml/dara_mixtures/TiO2_0p4009-ZnO_0p6010--8min.xrdml")
	in := FromAnalysis(a, "Bragg test")
	s := a.Scan
	inst := refine.DefaultInstrument(s.Wavelength)
	inst.Radius = 145 // the Aeris's, as its file states
	var phases []*refine.Phase
	for _, c := range a.Match.Phases {
		p, err := refine.NewPhase(c.Phase.ID, &c.Phase.Structure, inst, s.TwoTheta[0], s.TwoTheta[s.Len()-1])
		if err != nil {
			t.Fatal(err)
		}
		phases = append(phases, p)
		in.FitPhases = append(in.FitPhases, c.Phase)
	}
	stages := refine.DefaultStages()
	for i := 2; i < len(stages); i++ {
		stages[i] |= refine.Widths | refine.Asymmetry
	}
	fit, err := refine.Fit(context.Background(), s, phases, refine.Options{Instrument: inst, BackgroundTerms: 12, Stages: stages})
	if err != nil {
		t.Fatal(err)
	}
	in.Fit = fit
	f, _ := open(t, in, "mixture-fit.xlsx")
	sum := summaryOf(t, f)
	// Zincite ~66 wt %, anatase ~34 (the refine package's test).
	for label, want := range map[string]string{
		"Phases":         "Zincite (ZnO) 6",
		"Quantification": "whole-pattern (Rietveld) fit, Hill & Howard (1987)",
		"Fit":            fmt.Sprintf("Rwp %.2f %%, Rexp %.2f %%, GoF %.2f", 100*fit.Rwp, 100*fit.Rexp, fit.GoF),
	} {
		if !strings.Contains(sum[label], want) {
			t.Errorf("Summary %q got: %q want it to contain %q", label, sum[label], want)
		}
	}
	if !strings.Contains(sum["Phases"], " ± ") {
		t.Errorf("phases without uncertainties: %q", sum["Phases"])
	}
	ph := rowsOf(t, f, SheetPhases)
	if !strings.Contains(ph[0], "|Refined cell (Å, °)|Size (nm)|± nm|Space group|") {
		t.Errorf("Phases header %q", ph[0])
	}
	if !strings.Contains(strings.Join(ph, "\n"), "|a = 3.78") || !strings.Contains(strings.Join(ph, "\n"), "), c = 9.5") {
		t.Errorf("no refined anatase cell with uncertainties:\n%s", strings.Join(ph, "\n"))
	}
	if got, want := rowsOf(t, f, SheetData)[0], "2θ (°)|Observed (counts)|Background (counts)|Calculated (counts)|Difference (counts)"; got != want {
		t.Errorf("Data header got: %s want: %s", got, want)
	}
	// Assignments at the refined cell and axis: the lines sit closer to
	// the peaks than the database's.
	as := rowsOf(t, f, SheetAssignments)
	if len(as) < 20 {
		t.Fatalf("only %d assignment rows", len(as))
	}
	fig, err := NewFigure(in, FigureOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var svg bytes.Buffer
	if err := fig.Write(&svg, SVG, DefaultSize); err != nil {
		t.Fatal(err)
	}
	if *outDir != "" {
		if err := os.WriteFile(filepath.Join(*outDir, "mixture-fit.svg"), svg.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{">Calculated</text>", ">Obs − calc</text>", ">Zincite (ZnO)</text>"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("figure lacks %q", want)
		}
	}
}

// BenchmarkMixture is the work of `bragg report` on one scan, a weighed
// mixture of the dara set (8282 points): the analysis (read, peaks,
// search-match over the bundled database) and the workbook.
func BenchmarkMixture(b *testing.B) {
	const rel = "xrdml/dara_mixtures/NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml"
	analyse(b, rel) // reads the database once
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		a := analyse(b, rel)
		buf.Reset()
		if err := Write(&buf, FromAnalysis(a, "Bragg test")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMixtureWrite is the workbook alone of BenchmarkMixture.
func BenchmarkMixtureWrite(b *testing.B) {
	benchmarkWrite(b, FromAnalysis(analyse(b, "xrdml/dara_mixtures/NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml"), "Bragg test"))
}

var printed = flag.Bool("libreoffice", false, "print the mixture report through LibreOffice and count its pages (needs libreoffice and pdfinfo; -out keeps the PDF)")

// TestPrintedPages prints the report of the dara NiO–Li2CO3–TiO2 mixture
// through LibreOffice, as a lab prints it, and requires at most six
// pages: the summary with its figure, phases, candidates, assignments,
// peaks, and the data as its chart (it was 143, 139 of them data). Opt-in
// (-libreoffice): the conversion takes 10–40 s.
func TestPrintedPages(t *testing.T) {
	if !*printed {
		t.Skip("-libreoffice not given")
	}
	for _, tool := range []string{"libreoffice", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	a := analyse(t, "xrdml/dara_mixtures/NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml")
	dir := t.TempDir()
	if *outDir != "" {
		dir = *outDir
	}
	xlsx := filepath.Join(dir, "printed.xlsx")
	if err := WriteFile(xlsx, FromAnalysis(a, "Bragg test")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("libreoffice", "--headless", "--convert-to", "pdf", "--outdir", dir, xlsx)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // a profile of its own
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	info, err := exec.Command("pdfinfo", filepath.Join(dir, "printed.pdf")).Output()
	if err != nil {
		t.Fatal(err)
	}
	var pages int
	for _, l := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			pages, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	t.Logf("%d pages", pages)
	if pages != 6 {
		t.Errorf("printed report of %d pages, want 6 (a page per sheet)", pages)
	}
}

// BenchmarkFigureMixture is the Summary's figure of BenchmarkMixture's
// scan: a noisy measured pattern, unlike the synthetic one of
// BenchmarkFigure10k.
func BenchmarkFigureMixture(b *testing.B) {
	in := FromAnalysis(analyse(b, "xrdml/dara_mixtures/NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml"), "Bragg test")
	b.ReportAllocs()
	for b.Loop() {
		png, err := sheetFigure(&in)
		if err != nil {
			b.Fatal(err)
		}
		sink = png
	}
}
