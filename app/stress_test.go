package app

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

// TestOpenEverything opens every file of ../shared/data/scans at once,
// with bad files (empty, random bytes, truncated XML, words, NaN), through
// the real reader and pipeline (in quick mode: the peak search decides, a
// tenth of the time of the whole-pattern fit, so that the run takes a
// minute and not ten), and times every piece of work the UI goroutine
// does. Nothing may panic, every file must either open or be reported,
// and no piece of UI work may take long enough for the window to freeze.
// It takes a minute of CPU: set BRAGG_STRESS=1 to run it. .ci/gui-stress
// does the same with the built binary in a virtual X server, with the
// whole identification.
func TestOpenEverything(t *testing.T) {
	if os.Getenv("BRAGG_STRESS") == "" {
		t.Skip("set BRAGG_STRESS=1 to open every shared scan at once (a minute of CPU)")
	}
	root := filepath.Join("..", "..", "shared", "data", "scans")
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no shared scans under %s", root)
	}
	bad := t.TempDir()
	junk := make([]byte, 5000)
	for i := range junk {
		junk[i] = byte(i * 7919 % 251)
	}
	xml, _ := os.ReadFile(filepath.Join(root, "xrdml", "dara_mixtures", "TiO2_0p4009-ZnO_0p6010--2min.xrdml"))
	for name, b := range map[string][]byte{"empty.xy": nil, "junk.raw": junk, "words.xy": []byte("hello world\nnot a scan\n"),
		"truncated.xrdml": xml[:min(len(xml), 3000)], "nan.xy": []byte("1 nan\n2 inf\n3 4\n")} {
		p := filepath.Join(bad, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}

	u := newTestUI(t, newFake())
	u.win.Resize(fyne.NewSize(1280, 800))
	s := pipelineServices(refdb.NewStore(assets.RefDB, ""))
	s.Read = func(path, format string) ([]*diffraction.Scan, string, error) {
		sc, name, err := scan.ReadFileAs(path, format)
		if err != nil {
			return nil, name, err
		}
		return []*diffraction.Scan{sc}, name, nil
	}
	u.services = s
	u.opt.Fit.PeaksOnly = true
	var reported []string
	u.onError = func(title string, err error) { reported = append(reported, title) }

	var slowest time.Duration
	var tasks int
	var all []time.Duration
	run := func(f func()) {
		t0 := time.Now()
		f()
		tasks++
		all = append(all, time.Since(t0))
		slowest = max(slowest, time.Since(t0))
	}
	start := time.Now()
	run(func() { u.Open(files...) })
	t.Logf("Open of %d files: %v", len(files), all[0])
	for u.working.Load() > 0 || len(u.queue) > 0 || busyEntries(u) {
		select {
		case f := <-u.queue:
			run(f)
		case <-time.After(time.Millisecond):
		}
	}
	opened, failed := 0, 0
	for _, e := range u.entries {
		if e.a != nil {
			opened++
		}
	}
	for _, r := range reported {
		if strings.HasPrefix(r, "Could not open") {
			failed++
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] > all[j] })
	t.Logf("the slowest pieces of UI work: %v", all[:min(8, len(all))])
	t.Logf("%d files: %d opened, %d reported, in %.0f s; %d pieces of UI work, the longest %v",
		len(files), opened, len(reported), time.Since(start).Seconds(), tasks, slowest)
	if opened+failed != len(files) {
		t.Errorf("%d files: %d opened and %d reported", len(files), opened, failed)
	}
	for _, name := range []string{"empty.xy", "junk.raw", "words.xy", "truncated.xrdml"} {
		if !containsSuffix(reported, name) {
			t.Errorf("%s not reported: %q", name, reported)
		}
	}
	// A frame at 60 Hz is 17 ms; a tenth of a second is what a user
	// notices as a stall.
	if slowest > 100*time.Millisecond {
		t.Errorf("the longest piece of UI work took %v", slowest)
	}
}

func busyEntries(u *testUI) bool {
	for _, e := range u.entries {
		if e.step != "" {
			return true
		}
	}
	return false
}

func containsSuffix(list []string, s string) bool {
	sort.Strings(list)
	for _, x := range list {
		if strings.HasSuffix(x, s) {
			return true
		}
	}
	return false
}
