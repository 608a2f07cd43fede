package report

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// touch writes files (relative to dir) with content.
func touch(t *testing.T, dir string, content []byte, names ...string) {
	t.Helper()
	for _, n := range names {
		p := filepath.Join(dir, n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestScanFiles(t *testing.T) {
	dir := t.TempDir()
	touch(t, dir, nil, "a.xy", "b.XRDML", "notes.md", ".hidden.xy", "sub/c.raw", ".git/d.xy", "sub/e.png")
	got, err := ScanFiles([]string{dir, filepath.Join(dir, "notes.md"), "no-such-file.xy"})
	if err != nil {
		t.Fatal(err)
	}
	want := []ScanFile{
		{filepath.Join(dir, "a.xy"), "a.xy"},
		{filepath.Join(dir, "b.XRDML"), "b.XRDML"},
		{filepath.Join(dir, "sub", "c.raw"), filepath.Join("sub", "c.raw")},
		{filepath.Join(dir, "notes.md"), "notes.md"}, // named: taken as given
		{"no-such-file.xy", "no-such-file.xy"},       // fails with its reason
	}
	if !slices.Equal(got, want) {
		t.Errorf("got: %v\nwant: %v", got, want)
	}
}

func TestWorkbookNames(t *testing.T) {
	files := []ScanFile{
		{"d/a.xy", "a.xy"}, {"d/a.raw", "a.raw"}, {"d/b.xy", "b.xy"}, {"d/sub/b.xy", "sub/b.xy"},
		{"d/summary.xrdml", "summary.xrdml"}, {"e/b.xy", "b.xy"},
	}
	got := workbookNames(files, "out")
	want := []string{"out/a.xy.xlsx", "out/a.raw.xlsx", "out/b.xy.xlsx", "out/sub/b.xlsx", "out/summary.xrdml.xlsx", "out/b.xy (2).xlsx"}
	if !slices.Equal(got, want) {
		t.Errorf("got: %q\nwant: %q", got, want)
	}
}

// demoXY is the demo pattern as a two-column text file (scan.WriteXY,
// which states its Kα1 wavelength in a comment).
func demoXY(t testing.TB) []byte {
	t.Helper()
	db, err := testStore.Bundled()
	if err != nil {
		t.Fatal(err)
	}
	s, err := analysis.DemoScan(db)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := scan.WriteXY(&b, s); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func testBatchOptions(out string) BatchOptions {
	return BatchOptions{
		Pipeline:  &analysis.Pipeline{Store: testStore, Options: quick()},
		OutDir:    out,
		Generator: "Bragg test",
		Lab:       Lab{Laboratory: "Test lab", Operator: "A. Technician"},
	}
}

// TestBatch reports a folder of two demo scans and a file that is no scan:
// a workbook for each scan, the bad file listed with its reason, and a
// summary with a row each, the warnings and the failure highlighted.
func TestBatch(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	demo := demoXY(t)
	touch(t, in, demo, "demo.xy", "sub/demo2.xy")
	touch(t, in, []byte("this is not a scan\n"), "bad.xy")
	var progress []BatchProgress
	opt := testBatchOptions(out)
	opt.Jobs = 2
	opt.Progress = func(p BatchProgress) { progress = append(progress, p) }
	res, err := Batch(context.Background(), []string{in}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Scans) != 3 || res.Failed() != 1 || res.Summary != filepath.Join(out, SummaryName) {
		t.Fatalf("result %+v", res)
	}
	if len(progress) != 3 || progress[2].Done != 3 || progress[2].Total != 3 {
		t.Errorf("progress %+v", progress)
	}
	bad := res.Scans[0] // bad.xy comes first
	if bad.Err == nil || !strings.Contains(bad.Err.Error(), "bad.xy") || bad.Workbook != "" {
		t.Errorf("bad file: %+v", bad)
	}
	for i, want := range []string{"demo.xlsx", filepath.Join("sub", "demo2.xlsx")} {
		s := res.Scans[i+1]
		if s.Err != nil || s.Workbook != filepath.Join(out, want) || len(s.Verdict.Phases) == 0 {
			t.Errorf("scan %d: %+v", i+1, s)
		}
		f, err := excelize.OpenFile(s.Workbook)
		if err != nil {
			t.Fatal(err)
		}
		if a1, _ := f.GetCellValue(SheetSummary, "A1"); a1 != "Test lab" {
			t.Errorf("%s: A1 %q, want the lab", want, a1)
		}
		f.Close()
	}

	f, err := excelize.OpenFile(res.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := rowsOf(t, f, "Scans")
	if len(rows) != 4 || !strings.HasPrefix(rows[0], "No.|File|Sample|Phases (weight %)|Rwp (%)|Peaks|Unexplained peaks|") {
		t.Fatalf("summary rows:\n%s", strings.Join(rows, "\n"))
	}
	if !strings.HasPrefix(rows[1], "1|bad.xy||") || !strings.Contains(rows[1], "|failed: ") {
		t.Errorf("bad file's row %q", rows[1])
	}
	// The demo's file states Cu Kα1 alone: the Kα2 peaks of its strong
	// lines are not stripped and stay unexplained, which the row warns of.
	if !strings.HasPrefix(rows[2], "2|demo.xy|demo|Quartz (SiO2) ") || !strings.Contains(rows[2], "peaks unexplained") || !strings.HasSuffix(rows[2], "|ok|demo.xlsx") {
		t.Errorf("demo's row %q", rows[2])
	}
	cf, err := f.GetConditionalFormats("Scans")
	if err != nil || len(cf["A2:K4"]) != 2 {
		t.Errorf("conditional formats %v, %v; want the failed and the warned rows", cf, err)
	}
	if link, target, _ := f.GetCellHyperLink("Scans", "K3"); !link || target != "demo.xlsx" {
		t.Errorf("link to the demo's workbook %v %q", link, target)
	}

	// Again: the summary exists, nothing is overwritten without Force.
	if _, err := Batch(context.Background(), []string{in}, opt); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("second batch without Force: %v", err)
	}
	// With Force, everything is written again; a workbook that exists
	// without it makes its scan fail.
	opt.Force = true
	if res, err := Batch(context.Background(), []string{in}, opt); err != nil || res.Failed() != 1 {
		t.Errorf("second batch with Force: %v, %d failed", err, res.Failed())
	}
	if err := os.Remove(res.Summary); err != nil {
		t.Fatal(err)
	}
	opt.Force = false
	res, err = Batch(context.Background(), []string{filepath.Join(in, "demo.xy")}, opt)
	if err != nil || res.Scans[0].Err == nil || !strings.Contains(res.Scans[0].Err.Error(), "demo.xlsx exists: not overwritten") {
		t.Errorf("existing workbook: %v, %+v", err, res)
	}
}

// TestBatchCancel cancels a batch of eight scans when the first has been
// reported, as Ctrl-C does: Batch returns the context's error, writes no
// summary, and the folder holds only complete workbooks and no temporary
// file.
func TestBatchCancel(t *testing.T) {
	in, out := t.TempDir(), t.TempDir()
	demo := demoXY(t)
	var names []string
	for i := range 8 {
		names = append(names, "demo"+itoa(i)+".xy")
	}
	touch(t, in, demo, names...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opt := testBatchOptions(out)
	opt.Jobs = 2
	opt.Progress = func(p BatchProgress) {
		if p.Done == 1 {
			cancel()
		}
	}
	res, err := Batch(ctx, []string{in}, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled batch: %v", err)
	}
	ents, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	written := 0
	for _, e := range ents {
		name := e.Name()
		if name == SummaryName || !strings.HasSuffix(name, ".xlsx") || strings.HasPrefix(name, ".") {
			t.Errorf("%s left in the folder", name)
			continue
		}
		f, err := excelize.OpenFile(filepath.Join(out, name))
		if err != nil {
			t.Errorf("%s is not a complete workbook: %v", name, err)
			continue
		}
		if rows, err := f.GetRows(SheetData); err != nil || len(rows) != 3502 {
			t.Errorf("%s: %d data rows, %v", name, len(rows), err)
		}
		f.Close()
		written++
	}
	if written == 0 || written == len(names) || len(res.Scans) != len(names) || res.Failed() != len(names)-written {
		t.Errorf("%d of %d written, %d reported failed: the batch should stop early", written, len(names), res.Failed())
	}
}

// TestBatchShared reports every scan of the shared collection (214 files
// of 30 formats and sources, among them label files, notes and time-of-
// flight data that Bragg cannot analyse): a workbook for each that can
// be, a reason for each that cannot, and the summary. Search-match decides
// (the quick estimate): the whole-pattern identification takes seconds a
// scan, ten minutes for the folder, and what is tested here is the batch.
func TestBatchShared(t *testing.T) {
	if testing.Short() {
		t.Skip("reports every shared scan")
	}
	if _, err := os.Stat(sharedScans); err != nil {
		t.Skipf("%s is absent (../shared is not part of the repository)", sharedScans)
	}
	out := t.TempDir()
	var n atomic.Int64
	opt := testBatchOptions(out)
	opt.Progress = func(BatchProgress) { n.Add(1) }
	start := time.Now()
	res, err := Batch(context.Background(), []string{sharedScans}, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d scans in %v: %d reported, %d failed", len(res.Scans), time.Since(start).Round(time.Millisecond), len(res.Scans)-res.Failed(), res.Failed())
	for _, s := range res.Scans {
		if s.Err != nil {
			t.Logf("%v", s.Err)
			continue
		}
		if _, err := os.Stat(s.Workbook); err != nil {
			t.Errorf("%s: %v", s.File, err)
		}
	}
	files, _ := ScanFiles([]string{sharedScans})
	if len(res.Scans) != len(files) || int(n.Load()) != len(files) {
		t.Errorf("%d scans reported, %d progress calls, %d files", len(res.Scans), n.Load(), len(files))
	}
	// Every XRDML, RAW and xy scan of the collection is a 2θ scan Bragg
	// reads: at least the 170 of the time of writing are reported.
	if ok := len(res.Scans) - res.Failed(); ok < 170 {
		t.Errorf("only %d scans reported", ok)
	}
	f, err := excelize.OpenFile(res.Summary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if rows := rowsOf(t, f, "Scans"); len(rows) != len(files)+1 {
		t.Errorf("summary has %d rows for %d scans", len(rows)-1, len(files))
	}
}

// BenchmarkBatch100 reports 100 scans of the shared collection (every
// other file of it, in order: every format and size it has), on every
// core, into a fresh folder each time, search-match deciding (--quick).
func BenchmarkBatch100(b *testing.B) { benchmarkBatch100(b, quick()) }

// BenchmarkBatch100Fit is BenchmarkBatch100 with the whole-pattern
// identification deciding, as bragg report does without --quick.
func BenchmarkBatch100Fit(b *testing.B) { benchmarkBatch100(b, analysis.DefaultOptions()) }

func benchmarkBatch100(b *testing.B, o analysis.Options) {
	files, err := ScanFiles([]string{sharedScans})
	if err != nil || len(files) == 0 {
		b.Skipf("%s is absent (../shared is not part of the repository): %v", sharedScans, err)
	}
	var paths []string
	for i := 0; i < len(files) && len(paths) < 100; i += 2 {
		paths = append(paths, files[i].Path)
	}
	if len(paths) < 100 {
		b.Skipf("only %d scans", len(paths))
	}
	opt := testBatchOptions("")
	opt.Pipeline.Options = o
	if _, err := opt.Pipeline.Store.Library(); err != nil { // read once, as a process does
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		opt.OutDir = b.TempDir()
		res, err := Batch(context.Background(), paths, opt)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Failed()), "failed")
		for _, sr := range res.Scans {
			if sr.Err != nil {
				b.Logf("FAILED %v", sr.Err)
			}
		}
	}
}
