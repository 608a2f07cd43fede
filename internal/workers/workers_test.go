package workers

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// TestRun: every job runs once, at most jobs at a time, and done sees
// each result on the calling goroutine.
func TestRun(t *testing.T) {
	const n, jobs = 50, 3
	var running, most atomic.Int64
	seen := make([]int, 0, n)
	err := Run(context.Background(), n, jobs, func(_ context.Context, i int) int {
		r := running.Add(1)
		for {
			m := most.Load()
			if r <= m || most.CompareAndSwap(m, r) {
				break
			}
		}
		time.Sleep(time.Millisecond)
		running.Add(-1)
		return i * i
	}, func(i, r int) error {
		if r != i*i {
			t.Errorf("job %d gave %d", i, r)
		}
		seen = append(seen, i) // no lock: done runs on this goroutine
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(seen)
	if len(seen) != n || seen[0] != 0 || seen[n-1] != n-1 || most.Load() > jobs {
		t.Errorf("%d results, at most %d at a time (jobs %d)", len(seen), most.Load(), jobs)
	}
}

// TestRunStops: a cancelled context, or an error from done, stops the
// jobs not yet started and is returned.
func TestRunStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var started atomic.Int64
	work := func(ctx context.Context, i int) int {
		started.Add(1)
		<-time.After(5 * time.Millisecond)
		return i
	}
	err := Run(ctx, 100, 2, work, func(i, _ int) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || started.Load() > 4 {
		t.Errorf("cancelled: %v, %d of 100 jobs started", err, started.Load())
	}
	stop := errors.New("stop")
	started.Store(0)
	err = Run(context.Background(), 100, 2, work, func(i, _ int) error { return stop })
	if err != stop || started.Load() > 4 {
		t.Errorf("done's error: %v, %d of 100 jobs started", err, started.Load())
	}
	if err := Run(context.Background(), 0, 2, work, func(int, int) error { return stop }); err != nil {
		t.Errorf("no jobs: %v", err)
	}
}
