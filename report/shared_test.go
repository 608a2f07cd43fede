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
)

// sharedScans is the measured-scan collection beside the repository; tests
// that need it skip when it is absent.
const sharedScans = "../../shared/data/scans"

// testStore is the bundled database alone: the tests must not depend on a
// developer's own entries.
var testStore = refdb.NewStore(assets.RefDB, "")

// quick are the default settings with search-match deciding alone, the
// quick estimate: a second where the whole-pattern identification takes
// several.
func quick() analysis.Options {
	o := analysis.DefaultOptions()
	o.Fit.PeaksOnly = true
	return o
}

// analyse runs the pipeline with opt on a shared scan.
func analyse(t testing.TB, rel string, opt analysis.Options) *analysis.Analysis {
	t.Helper()
	path := filepath.Join(sharedScans, rel)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (../shared is not part of the repository): %v", path, err)
	}
	a, err := (&analysis.Pipeline{Store: testStore, Options: opt}).Open(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// mixture is a weighed mixture of the dara set (NiO 20.3, Li2CO3 30.0,
// TiO2 50.3 wt %, 8-minute scan on an Aeris, Cu Kα).
const mixture = "xrdml/dara_mixtures/NiO_0p2030-Li2CO3_0p2999-TiO2_0p5025--8min.xrdml"

// TestMixtureQuick reports the mixture with search-match deciding alone.
// It finds anatase and bunsenite but not the weakly scattering Li2CO3
// (zabuyelite, 5th candidate), whose peaks (the strongest 14 % of the
// strongest peak, at 31.8°) stay unexplained: the Summary must say so in
// its verdict, not only list two phases, and that the two phases' weight
// fractions leave the missing one out.
func TestMixtureQuick(t *testing.T) {
	a := analyse(t, mixture, quick())
	in := FromAnalysis(a, "Bragg test")
	f, _ := open(t, in, "mixture-quick.xlsx")
	sum := summaryOf(t, f)
	if !strings.Contains(sum["Phases"], "Anatase (TiO2)") || !strings.Contains(sum["Phases"], "Bunsenite (NiO)") {
		t.Errorf("phases %q, want anatase and bunsenite", sum["Phases"])
	}
	if p := sum["Peaks"]; !strings.Contains(p, "peaks unexplained, the strongest 14 %") || !strings.HasSuffix(p, "a phase may be missing, and the weight fractions are of the identified phases alone (an internal standard gives absolute ones).") {
		t.Errorf("peaks %q, want the unexplained Li2CO3 peaks as a warning", p)
	}
	for label, want := range map[string]string{
		"Radiation":          "Cu Kα1 1.540598 Å, Kα2 1.544426 Å, I(Kα2)/I(Kα1) = 0.5; read from the scan file",
		"Instrument":         "AERIS",
		"Reference database": "Bragg reference database " + a.DatabaseVersion + ", " + itoa(a.DatabasePhases) + " phases",
		"Element restraints": "none (every phase of the database searched)",
		"Decision":           "by the peak search alone (a quick estimate): no whole-pattern fit",
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

// TestMixtureIdentified reports the mixture as the pipeline identifies it
// by default, by whole-pattern refinement: all three phases, with
// Hill–Howard fractions and their uncertainties, Rwp, the refined cells,
// the fit's curves in the Data sheet and the figure, its explanation of
// each peak, and its decisions beside the candidates.
func TestMixtureIdentified(t *testing.T) {
	if testing.Short() {
		t.Skip("the whole-pattern identification takes seconds")
	}
	a := analyse(t, mixture, analysis.DefaultOptions())
	id := a.Identification
	if id == nil || len(id.Phases) != 3 {
		t.Fatalf("identification %+v, want three phases", id)
	}
	in := FromAnalysis(a, "Bragg test")
	f, _ := open(t, in, "mixture-identified.xlsx")
	sum := summaryOf(t, f)
	fit := id.Fit
	for label, want := range map[string]string{
		"Phases":          "Zabuyelite (Li2CO3) ",
		"Quantification":  "whole-pattern (Rietveld) fit, Hill & Howard (1987), Brindley's microabsorption correction for grains of 5 µm",
		"Fit":             fmt.Sprintf("Rwp %.2f %%, Rexp %.2f %%, GoF %.2f", 100*fit.Rwp, 100*fit.Rexp, fit.GoF),
		"Decision":        "the search's 24 best candidates refined against every point of the scan",
		"Quick estimate":  "FOM at least 45",
		"2θ axis refined": "specimen displacement",
	} {
		if !strings.Contains(sum[label], want) {
			t.Errorf("Summary %q got: %q want it to contain %q", label, sum[label], want)
		}
	}
	if strings.Count(sum["Phases"], " ± ") != 3 {
		t.Errorf("phases without uncertainties: %q", sum["Phases"])
	}
	// The verdict is the identification's: its unexplained peaks.
	if v := in.Verdict(); v.Unexplained != id.UnexplainedPeaks || v.Strongest != id.StrongestUnexplained || v.UnexplainedArea != id.UnexplainedIntensity {
		t.Errorf("verdict %d unexplained, strongest %g, area %g; identification %d, %g, %g",
			v.Unexplained, v.Strongest, v.UnexplainedArea, id.UnexplainedPeaks, id.StrongestUnexplained, id.UnexplainedIntensity)
	}
	ph := rowsOf(t, f, SheetPhases)
	if !strings.Contains(ph[0], "|Δ cell (%)|Refined cell (Å, °)|Size (nm)|± nm|") {
		t.Errorf("Phases header %q", ph[0])
	}
	if all := strings.Join(ph, "\n"); !strings.Contains(all, "|a = 3.78") || !strings.Contains(all, "), c = 9.51") {
		t.Errorf("no refined anatase cell with uncertainties:\n%s", all)
	}
	if got, want := rowsOf(t, f, SheetData)[0], "2θ (°)|Observed (counts)|Background (counts)|Calculated (counts)|Difference (counts)"; got != want {
		t.Errorf("Data header got: %s want: %s", got, want)
	}
	// The decisions beside the candidates, and the accepted ones marked.
	cand := rowsOf(t, f, SheetCandidates)
	if !strings.HasSuffix(cand[0], "|Accepted|Fit|Why") || !strings.Contains(cand[1], "|yes|accepted|Rwp ") {
		t.Errorf("candidates:\n%s", strings.Join(cand[:3], "\n"))
	}
	// Lines placed at the refined cell and axis sit on their peaks.
	as := rowsOf(t, f, SheetAssignments)
	if len(as) < 20 {
		t.Fatalf("only %d assignment rows", len(as))
	}
	// Peaks: the share explained, the phases and hkl.
	pk := rowsOf(t, f, SheetPeaks)
	if !strings.Contains(pk[0], "|Size (nm)|Explained (%)|Phase|hkl") || !strings.Contains(strings.Join(pk, "\n"), "|Anatase|1 0 1") {
		t.Errorf("peaks:\n%s", strings.Join(pk[:4], "\n"))
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
		if err := os.WriteFile(filepath.Join(*outDir, "mixture-identified.svg"), svg.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []string{">Calculated</text>", ">obs − calc</text>", ">Zabuyelite (Li2CO3)</text>", ">101</text>"} {
		if !strings.Contains(svg.String(), want) {
			t.Errorf("figure lacks %q", want)
		}
	}
}

// BenchmarkMixture is the work of `bragg report --quick` on one scan of
// 8282 points: the analysis (read, peaks, search-match over the bundled
// database) and the workbook.
func BenchmarkMixture(b *testing.B) {
	analyse(b, mixture, quick()) // reads the database once
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		a := analyse(b, mixture, quick())
		buf.Reset()
		if err := Write(&buf, FromAnalysis(a, "Bragg test")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMixtureProcess is BenchmarkMixture as a new process does it:
// with a store of its own, so that the bundled database is decoded and
// indexed each time (`bragg report --quick` on one scan, the program's
// start and the file's write aside).
func BenchmarkMixtureProcess(b *testing.B) {
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		p := &analysis.Pipeline{Store: refdb.NewStore(assets.RefDB, b.TempDir()), Options: quick()}
		a, err := p.Open(context.Background(), filepath.Join(sharedScans, mixture), nil)
		if err != nil {
			b.Skipf("%v (../shared is not part of the repository)", err)
		}
		buf.Reset()
		if err := Write(&buf, FromAnalysis(a, "Bragg test")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMixtureWrite is the workbook alone of BenchmarkMixture.
func BenchmarkMixtureWrite(b *testing.B) {
	benchmarkWrite(b, FromAnalysis(analyse(b, mixture, quick()), "Bragg test"))
}

// BenchmarkMixtureIdentifiedWrite is the workbook of the mixture as the
// whole-pattern identification leaves it (fit curves, decisions).
func BenchmarkMixtureIdentifiedWrite(b *testing.B) {
	benchmarkWrite(b, FromAnalysis(analyse(b, mixture, analysis.DefaultOptions()), "Bragg test"))
}

var printed = flag.Bool("libreoffice", false, "print the mixture report through LibreOffice and count its pages (needs libreoffice and pdfinfo; -out keeps the PDF)")

// TestPrintedPages prints the reports of three dara mixtures through
// LibreOffice, as a lab prints them, and requires six pages each: the
// summary with its figure, phases, candidates, assignments, peaks, and
// the data as its chart (it was 143, 139 of them data). Besides the
// NiO–Li2CO3–TiO2 mixture, the two with the most lines: cubic bixbyite's
// (In2O3–La(OH)3–TiO2) and monoclinic baddeleyite's (Li2CO3–ZrO2), whose
// assignments once took two pages. Opt-in (-libreoffice): each conversion
// takes 10–40 s.
func TestPrintedPages(t *testing.T) {
	if !*printed {
		t.Skip("-libreoffice not given")
	}
	for _, tool := range []string{"libreoffice", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	for i, scan := range []string{mixture,
		"xrdml/dara_mixtures/In2O3_0p3022-La(OH)3_0p5014-TiO2_0p2004--8min.xrdml",
		"xrdml/dara_mixtures/Li2CO3_0p9001-ZrO2_0p1000--8min.xrdml"} {
		a := analyse(t, scan, analysis.DefaultOptions())
		dir := t.TempDir()
		if *outDir != "" {
			dir = *outDir
		}
		name := "printed-" + itoa(i+1)
		if err := WriteFile(filepath.Join(dir, name+".xlsx"), FromAnalysis(a, "Bragg test")); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("libreoffice", "--headless", "--convert-to", "pdf", "--outdir", dir, filepath.Join(dir, name+".xlsx"))
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir()) // a profile of its own
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("libreoffice: %v\n%s", err, out)
		}
		info, err := exec.Command("pdfinfo", filepath.Join(dir, name+".pdf")).Output()
		if err != nil {
			t.Fatal(err)
		}
		var pages int
		for _, l := range strings.Split(string(info), "\n") {
			if v, ok := strings.CutPrefix(l, "Pages:"); ok {
				pages, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		t.Logf("%s: %d pages", filepath.Base(scan), pages)
		if pages != 6 {
			t.Errorf("%s: printed report of %d pages, want 6 (a page per sheet)", filepath.Base(scan), pages)
		}
	}
}

// BenchmarkFigureMixture is the Summary's figure of BenchmarkMixture's
// scan: a noisy measured pattern, unlike the synthetic one of
// BenchmarkFigure10k.
func BenchmarkFigureMixture(b *testing.B) {
	benchmarkFigure(b, FromAnalysis(analyse(b, mixture, quick()), "Bragg test"))
}
