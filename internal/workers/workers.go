// Package workers runs independent jobs on several goroutines and hands
// their results back, one at a time, to the goroutine that asked: the
// batch of reports and the command line's analyses of many files share it.
package workers

import (
	"context"
	"runtime"
	"sync"
)

// Run calls work(ctx, i) for every i from 0 to n−1 on jobs goroutines (0
// or less: one per core, runtime.GOMAXPROCS) and done(i, result) on the
// calling goroutine as each job ends, in the order they end. Jobs start in
// the order of i. When ctx is done, or done returns an error, no further
// job starts and the ctx given to the running ones is cancelled; Run
// returns once they have ended, with done's error or ctx's.
func Run[R any](ctx context.Context, n, jobs int, work func(ctx context.Context, i int) R, done func(i int, r R) error) error {
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		i int
		r R
	}
	next := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	for range min(jobs, n) {
		wg.Go(func() {
			for i := range next {
				results <- result{i, work(ctx, i)}
			}
		})
	}
	go func() {
		defer close(next)
		for i := range n {
			if ctx.Err() != nil {
				return
			}
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()
	var err error
	for r := range results {
		if err != nil {
			continue // draining the jobs under way
		}
		if err = done(r.i, r.r); err != nil {
			cancel()
		}
	}
	if err != nil {
		return err
	}
	return ctx.Err()
}
