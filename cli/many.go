package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/internal/cmdline"
	"github.com/bragg-xrd/bragg/report"
)

// jobsFlag declares --jobs, the number of scans analysed at once.
func jobsFlag(fs *flag.FlagSet) *int {
	return fs.Int("jobs", 0, "several files: scans analysed at once (0: one per core)")
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
// (report.ScanFiles) are analysed on jobs cores and emitted with lines
// true, JSON Lines with asJSON. A file that fails is reported on standard
// error and the others go on; Ctrl-C stops the run. The error says how
// many failed.
func (e *env) eachScan(p *analysis.Pipeline, paths []string, jobs int, asJSON bool, emit func(a *analysis.Analysis, lines bool) error) error {
	if jobs < 0 {
		return fmt.Errorf("%w: --jobs %d: want 0 (one per core) or more", cmdline.ErrUsage, jobs)
	}
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
	if jobs == 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	ctx, stop := interruptible()
	defer stop()
	// Cancelled on return, so that an error stops the work under way.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		a   *analysis.Analysis
		err error
	}
	// One buffered channel per file: workers finish in any order, the
	// results are written in the files' order as soon as they can be.
	results := make([]chan result, len(files))
	for i := range results {
		results[i] = make(chan result, 1)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(jobs, len(files)) {
		wg.Go(func() {
			for i := range next {
				a, err := p.Open(ctx, files[i].Path, nil)
				results[i] <- result{a, err}
			}
		})
	}
	go func() {
		defer close(next)
		for i := range files {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	failed := 0
	for i := range files {
		var r result
		select {
		case r = <-results[i]:
		case <-ctx.Done():
			r.err = ctx.Err()
		}
		if errors.Is(r.err, context.Canceled) {
			wg.Wait()
			return fmt.Errorf("interrupted after %d of %d files", i, len(files))
		}
		if r.err != nil {
			failed++
			e.warnf("%v", r.err)
			continue
		}
		e.warnAssumed(r.a.File, r.a.Scan)
		if !asJSON && i > 0 {
			fmt.Fprintln(e.stdout) // a blank line between files' tables
		}
		if err := emit(r.a, true); err != nil {
			return err
		}
	}
	wg.Wait()
	if failed > 0 {
		return fmt.Errorf("%d of %d files failed", failed, len(files))
	}
	return nil
}
