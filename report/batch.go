package report

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/scan"
	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/workers"
)

// ScanFile is one scan file of a batch: its path, and its path relative
// to the folder it was found in (its name, for a file given by name),
// which names its workbook.
type ScanFile struct {
	Path, Rel string
}

// ScanFiles lists the scan files of paths: a file is taken as given
// (whatever its name: the content decides its format), a folder is
// searched, sub-folders too, for files with the extension of a format
// Bragg reads (scan.Formats), hidden files and folders left out. A path
// that does not exist is listed as it is, for its analysis to fail with
// the reason. The files of a folder come in lexical order.
func ScanFiles(paths []string) ([]ScanFile, error) {
	exts := map[string]bool{}
	for _, f := range scan.Formats() {
		for _, e := range f.Exts {
			exts[e] = true
		}
	}
	var out []ScanFile
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			out = append(out, ScanFile{Path: p, Rel: filepath.Base(p)})
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			hidden := strings.HasPrefix(d.Name(), ".") && path != p
			switch {
			case d.IsDir() && hidden:
				return filepath.SkipDir
			case d.IsDir() || hidden || !d.Type().IsRegular():
				return nil
			case exts[strings.ToLower(filepath.Ext(path))]:
				rel, err := filepath.Rel(p, path)
				if err != nil {
					return err
				}
				out = append(out, ScanFile{Path: path, Rel: rel})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SummaryName is the name of a batch's summary workbook in its folder.
const SummaryName = "summary.xlsx"

// BatchOptions set a batch.
type BatchOptions struct {
	// Pipeline analyses each scan, with its settings.
	Pipeline *analysis.Pipeline
	// OutDir is the folder of the workbooks, created when missing: each
	// scan's at its path relative to the folder given (its name, for a
	// file), with the extension .xlsx, and SummaryName.
	OutDir string
	// Jobs is the number of scans analysed at once; 0 means every core.
	Jobs int
	// Force replaces existing workbooks; without it a scan whose workbook
	// exists fails, and the batch does not start when the summary exists.
	Force bool
	// Lab holds the fields every report carries (laboratory, operator,
	// project, comment, sign-off lines); each scan's sample is the one its
	// file names, unless Lab.Sample is set.
	Lab       Lab
	Generator string
	// Progress, when set, is told of each scan as it ends, in the order
	// they end, on the goroutine that called Batch.
	Progress func(BatchProgress)
}

// BatchProgress is the state of a batch after a scan ended.
type BatchProgress struct {
	Done, Total int
	Scan        ScanReport
}

// ScanReport is the outcome of one scan of a batch.
type ScanReport struct {
	File string // the scan file
	// Workbook is the path of its workbook, "" when none was written.
	Workbook string
	Sample   string
	Verdict  Verdict // its conclusion, when it was analysed
	Err      error   // why it failed, nil when its workbook was written
}

// BatchResult is the outcome of a batch.
type BatchResult struct {
	Scans []ScanReport // in the order of the files
	// Summary is the path of the summary workbook, "" when it was not
	// written (the batch was cancelled).
	Summary string
}

// Failed is the number of scans without a workbook.
func (r *BatchResult) Failed() int {
	n := 0
	for _, s := range r.Scans {
		if s.Err != nil {
			n++
		}
	}
	return n
}

// Batch analyses the scan files of paths (ScanFiles) on opt.Jobs cores,
// writes a workbook for each and a summary workbook with a row per scan,
// and returns what became of each. A scan that cannot be read or analysed
// fails with its reason and the others go on. When ctx is cancelled, the
// scans under way stop, no summary is written and Batch returns ctx's
// error with the result so far: every workbook is written atomically, so
// the folder holds only complete files. Batch fails before analysing
// anything when the folder cannot be made, the summary exists and
// opt.Force is not set, or paths hold no scan file.
func Batch(ctx context.Context, paths []string, opt BatchOptions) (*BatchResult, error) {
	if opt.Pipeline == nil {
		return nil, errors.New("report: batch: no pipeline")
	}
	files, err := ScanFiles(paths)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no scan files in %s", strings.Join(paths, ", "))
	}
	if err := os.MkdirAll(opt.OutDir, 0o755); err != nil {
		return nil, err
	}
	summary := filepath.Join(opt.OutDir, SummaryName)
	if _, err := os.Stat(summary); err == nil && !opt.Force {
		return nil, fmt.Errorf("%s exists: not overwritten", summary)
	}
	res := &BatchResult{Scans: make([]ScanReport, len(files))}
	outs := workbookNames(files, opt.OutDir)
	n := 0
	ended := make([]bool, len(files))
	err = workers.Run(ctx, len(files), opt.Jobs, func(ctx context.Context, i int) ScanReport {
		return opt.one(ctx, files[i].Path, outs[i])
	}, func(i int, r ScanReport) error {
		n++
		ended[i] = true
		res.Scans[i] = r
		if opt.Progress != nil {
			opt.Progress(BatchProgress{Done: n, Total: len(files), Scan: r})
		}
		return nil
	})
	if err != nil {
		for i, e := range ended {
			if !e {
				res.Scans[i] = ScanReport{File: files[i].Path, Err: err}
			}
		}
		return res, err
	}
	if err := writeSummary(ctx, summary, res, files, opt); err != nil {
		return res, err
	}
	res.Summary = summary
	return res, nil
}

// workbookNames names the workbook of each file in dir: its relative path
// with the extension .xlsx, or, when two files (scan.raw and scan.xy) or a
// file and the summary would share that name, with the file's extension
// kept (scan.raw.xlsx); files of one name from different folders given
// one by one are numbered after the first: scan.xy (2).xlsx.
func workbookNames(files []ScanFile, dir string) []string {
	plain := func(f ScanFile) string { return strings.TrimSuffix(f.Rel, filepath.Ext(f.Rel)) + ".xlsx" }
	count := map[string]int{SummaryName: 1}
	for _, f := range files {
		count[plain(f)]++
	}
	out := make([]string, len(files))
	taken := map[string]bool{SummaryName: true}
	for i, f := range files {
		name := plain(f)
		if count[name] > 1 {
			name = f.Rel + ".xlsx"
		}
		for k := 2; taken[name]; k++ {
			name = fmt.Sprintf("%s (%d).xlsx", f.Rel, k)
		}
		taken[name] = true
		out[i] = filepath.Join(dir, name)
	}
	return out
}

// one analyses one scan and writes its workbook to out.
func (opt *BatchOptions) one(ctx context.Context, path, out string) ScanReport {
	r := ScanReport{File: path}
	if _, err := os.Stat(out); err == nil && !opt.Force {
		r.Err = fmt.Errorf("%s exists: not overwritten", out)
		return r
	}
	a, err := opt.Pipeline.Open(ctx, path, nil)
	if err != nil {
		r.Err = err
		return r
	}
	in := FromAnalysis(a, opt.Generator)
	in.Lab = opt.Lab
	if err := in.validate(); err != nil {
		r.Err = fmt.Errorf("%s: %w", path, err)
		return r
	}
	r.Sample, r.Verdict = in.Title(), in.Verdict()
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		r.Err = err
		return r
	}
	if err := writeFile(ctx, out, func(w io.Writer) error { return Write(w, in) }); err != nil {
		r.Err = err
		return r
	}
	r.Workbook = out
	return r
}

// writeFile writes a file atomically (internal/atomic), abandoning it,
// with no file left behind, when ctx is cancelled during the write.
func writeFile(ctx context.Context, path string, write func(io.Writer) error) error {
	return atomic.WriteFile(path, func(w io.Writer) error {
		return write(ctxWriter{ctx, w})
	})
}

// ctxWriter fails its writes once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// writeSummary writes the summary workbook of a batch: a row per scan
// (file, sample, phases and amounts, Rwp, peaks, unexplained peaks,
// warnings, status, workbook), the rows with warnings and the failed ones
// highlighted, and a sheet saying when and how the batch ran.
func writeSummary(ctx context.Context, path string, res *BatchResult, files []ScanFile, opt BatchOptions) error {
	return writeFile(ctx, path, func(w io.Writer) error {
		f, err := summaryBook(res, files, opt, filepath.Dir(path))
		if err != nil {
			return err
		}
		defer f.f.Close()
		return f.f.Write(w)
	})
}

// summaryBook lays out the summary workbook; links to the workbooks are
// relative to dir.
func summaryBook(res *BatchResult, files []ScanFile, opt BatchOptions, dir string) (*book, error) {
	b := newBook(&Input{Lab: opt.Lab, Generator: opt.Generator, Date: time.Now()}, "Batch summary")
	const sh, about = "Scans", "Batch"
	b.check(b.f.SetSheetName("Sheet1", sh))
	_, err := b.f.NewSheet(about)
	b.check(err)
	cols := []column{
		{title: "No.", width: 6, style: b.st.integer},
		{title: "File", whole: true},
		{title: "Sample", width: 24, wrap: true},
		{title: "Phases (weight %)", width: 44, wrap: true},
		{title: "Rwp (%)", width: 8, style: b.st.int1},
		{title: "Peaks", width: 7, style: b.st.integer},
		{title: "Unexplained peaks", width: 11, style: b.st.integer},
		{title: "Strongest unexplained (%)", width: 12, style: b.st.int1},
		{title: "Warnings", width: 50, wrap: true},
		{title: "Status", width: 30, wrap: true},
		{title: "Workbook", width: 30},
	}
	var rows [][]any
	failed, warned := 0, 0
	for i, s := range res.Scans {
		v := s.Verdict
		r := []any{i + 1, files[i].Rel, s.Sample}
		if s.Err != nil {
			failed++
			rows = append(rows, append(r, nil, nil, nil, nil, nil, nil, "failed: "+s.Err.Error()))
			continue
		}
		if len(v.Warnings) > 0 {
			warned++
		}
		r = append(r, v.PhasesText(), orNil(100*v.Rwp), v.Peaks, v.Unexplained, orNil(v.Strongest), strings.Join(v.Warnings, " "))
		rel, err := filepath.Rel(dir, s.Workbook)
		if err != nil {
			rel = s.Workbook
		}
		rows = append(rows, append(r, "ok", rel))
	}
	last := b.table(sh, cols, rows)
	// Links to each scan's workbook, relative, so that the folder can move.
	for i, s := range res.Scans {
		if s.Err == nil {
			if rel, err := filepath.Rel(dir, s.Workbook); err == nil {
				b.check(b.f.SetCellHyperLink(sh, cell(11, i+2), filepath.ToSlash(rel), "External"))
			}
		}
	}
	if len(rows) > 0 {
		b.highlight(sh, "A2:"+cell(len(cols), last), "$J2<>\"ok\"", "FFC7CE", "9C0006")
		b.highlight(sh, "A2:"+cell(len(cols), last), "LEN($I2)>0", "FFEB9C", "9C5700")
	}
	b.pageSetup(sh, "landscape", 0)

	b.check(b.f.SetColWidth(about, "A", "A", summaryLabelWidth))
	b.check(b.f.SetColWidth(about, "B", "B", summaryValueWidth))
	r := 1
	kv := func(label, value string) {
		b.set(about, 1, r, label, b.st.label)
		b.set(about, 2, r, value, b.st.value)
		r++
	}
	b.set(about, 1, r, "Batch report", b.st.title)
	r += 2
	kv("Date", b.in.Date.Format("2006-01-02 15:04"))
	kv("Program", opt.Generator)
	kv("Scans", fmt.Sprintf("%d: %d reported, %d with warnings, %d failed", len(res.Scans), len(res.Scans)-failed, warned, failed))
	for _, f := range []setting{
		{"Laboratory", opt.Lab.Laboratory}, {"Project / customer", opt.Lab.Project},
		{"Operator", opt.Lab.Operator}, {"Comment", opt.Lab.Comment},
	} {
		if f.value != "" {
			kv(f.label, f.value)
		}
	}
	kv("Settings", "each scan's workbook records the settings it was analysed with")
	b.pageSetup(about, "portrait", 1)
	if b.err != nil {
		b.f.Close()
		return nil, fmt.Errorf("report: building the batch summary: %w", b.err)
	}
	return b, nil
}
