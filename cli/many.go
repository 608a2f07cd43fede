package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/internal/workers"
	"github.com/bragg-xrd/bragg/report"
)

// jobsFlag declares --jobs, the number of scans analysed at once (0: one
// per core).
func jobsFlag(fs *flag.FlagSet) *int {
	jobs := new(int)
	fs.Func("jobs", "several files: scans analysed at once (default 0: one per core)", func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return fmt.Errorf("%q: want 0 (one per core) or more", s)
		}
		*jobs = n
		return nil
	})
	return jobs
}

// writeJSONAs writes v as indented JSON, or as one line of JSON Lines
// (https://jsonlines.org) when lines.
func writeJSONAs(w io.Writer, v any, lines bool) error {
	if !lines {
		return writeJSON(w, v)
	}
	return json.NewEncoder(w).Encode(v)
}

// eachScan runs p on the scans of paths and hands each analysis to emit,
// in the order of the files. One file is the command as it always was
// (lines false: an indented JSON object); several files or a folder
// (report.ScanFiles) are analysed on jobs cores (internal/workers) and
// emitted with lines true, JSON Lines with asJSON. A file that fails is
// reported on standard error and the others go on; Ctrl-C stops the run.
// The error says how many failed.
func (e *env) eachScan(p *analysis.Pipeline, paths []string, jobs int, asJSON bool, emit func(a *analysis.Analysis, lines bool) error) error {
	if len(paths) == 1 {
		if fi, err := os.Stat(paths[0]); err != nil || !fi.IsDir() {
			a, err := e.open(p, paths[0])
			if err != nil {
				return err
			}
			return emit(a, false)
		}
	}
	files, err := report.ScanFiles(paths)
	if err != nil {
		return err
	}
	ctx, stop := interruptible()
	defer stop()
	type result struct {
		a   *analysis.Analysis
		err error
	}
	// Files end in any order; each is written as soon as those before it
	// have been.
	pending := map[int]result{}
	written, failed := 0, 0
	err = workers.Run(ctx, len(files), jobs, func(ctx context.Context, i int) result {
		a, err := p.Open(ctx, files[i].Path, nil)
		return result{a, err}
	}, func(i int, r result) error {
		pending[i] = r
		for {
			r, ok := pending[written]
			if !ok {
				return nil
			}
			delete(pending, written)
			written++
			if r.err != nil {
				failed++
				e.warnf("%v", r.err)
				continue
			}
			e.warnAssumed(r.a.File, r.a.Scan)
			if !asJSON && written > 1 {
				fmt.Fprintln(e.stdout) // a blank line between files' tables
			}
			if err := emit(r.a, true); err != nil {
				return err
			}
		}
	})
	switch {
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted after %d of %d files", written, len(files))
	case err != nil:
		return err
	case failed > 0:
		return fmt.Errorf("%d of %d files failed", failed, len(files))
	}
	return nil
}
