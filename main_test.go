package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// TestServices runs the window's real services: the demo through the
// analysis pipeline and its report; the database is the store's.
func TestServices(t *testing.T) {
	dir := t.TempDir()
	store := refdb.NewStore(assets.RefDB, filepath.Join(dir, "user.refdb"))
	s := newServices(store, "test")
	var stages []string
	scans, format, err := s.Read("", "")
	if err != nil || len(scans) != 1 || format != "simulated" {
		t.Fatalf("demo: %d scans in %q: %v", len(scans), format, err)
	}
	a, err := s.Analyse(context.Background(), analysis.DemoFile, scans[0], analysis.DefaultOptions(), "", func(stage string, _ float64) { stages = append(stages, stage) })
	if err != nil {
		t.Fatal(err)
	}
	if a.File != analysis.DemoFile || a.Identification == nil || len(a.Identification.Phases) != 3 || len(stages) == 0 {
		t.Errorf("demo: %q, identification %v, stages %q", a.File, a.Identification, stages)
	}
	out := filepath.Join(dir, "demo.xlsx")
	if err := s.Export(out, a); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Errorf("report: %v", err)
	}
	// The window imports through the store the analysis searches.
	if s.Store != store || s.Version == "" {
		t.Errorf("services: store %p (want %p), version %q", s.Store, store, s.Version)
	}
}

// TestReadAll: a file of several ranges gives them all; a file of one,
// that one.
func TestReadAll(t *testing.T) {
	dir := filepath.Join("..", "shared", "data", "scans", "bruker_raw")
	raw := filepath.Join(dir, "gsas2_tutorials", "Keokuk_kaolinite.RAW")
	if _, err := os.Stat(raw); err != nil {
		t.Skipf("no shared data (%v): the test reads a two-range Bruker RAW file from ../shared", err)
	}
	scans, format, err := readAll(raw, "")
	if err != nil || format != "brukerraw" || len(scans) != 2 || scans[1].Meta["range"] != "2" {
		t.Fatalf("%s: %d scans of %q: %v", raw, len(scans), format, err)
	}
	one := filepath.Join("..", "shared", "data", "scans", "xrdml", "dara_mixtures", "TiO2_0p4009-ZnO_0p6010--2min.xrdml")
	if scans, _, err := readAll(one, ""); err != nil || len(scans) != 1 {
		t.Errorf("%s: %d scans: %v", one, len(scans), err)
	}
}

// TestCLocale: under LANG=C.UTF-8, Fyne's lang package, which initialises
// in every run of the binary, logs "Error parsing user locale C" on
// standard error unless internal/clocale ran first. The test binary links
// the same packages as bragg; a child run of it shows what a command-line
// run prints.
func TestCLocale(t *testing.T) {
	if os.Getenv("BRAGG_LOCALE_CHILD") != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCLocale$")
	cmd.Env = append(os.Environ(), "BRAGG_LOCALE_CHILD=1", "LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if strings.Contains(string(out), "locale") {
		t.Errorf("a run under LANG=C.UTF-8 printed:\n%s", out)
	}
}

// fiveFormats are five scans of ../shared in five formats: PANalytical
// XRDML, Bruker RAW, Bruker BRML, Rigaku RAS and GSAS.
var fiveFormats = []string{
	"xrdml/dara_mixtures/TiO2_0p4009-ZnO_0p6010--8min.xrdml",
	"bruker_raw/gsas2_tutorials/LaB6_Jan2018.raw",
	"brml/datalab/TiOF.brml",
	"ras/xerus/Cr-Ni.ras",
	"gsas/gsas2_tutorials/NIST660CBI.gsas",
}

// benchmarkOpen opens the five scans as the window does — read, then the
// pipeline to the stage until ("" for the whole identification) — one
// after the other. The target for opening five scans is 2 s; the
// window shows each scan at the peaks and fills in the identification as
// it comes.
func benchmarkOpen(b *testing.B, until string) {
	dir := filepath.Join("..", "shared", "data", "scans")
	for _, f := range fiveFormats {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			b.Skipf("no shared data (%v): the benchmark opens five scans of ../shared", err)
		}
	}
	s := newServices(refdb.NewStore(assets.RefDB, ""), "bench")
	opt := analysis.DefaultOptions()
	opt.Wavelength = diffraction.CuKa // the GSAS file has none
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fiveFormats {
			path := filepath.Join(dir, f)
			scans, _, err := s.Read(path, "")
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.Analyse(context.Background(), path, scans[0], opt, until, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkOpenFiveFirstView: five scans read and their peaks found (what
// the window shows first).
func BenchmarkOpenFiveFirstView(b *testing.B) { benchmarkOpen(b, analysis.StagePeaks) }

// BenchmarkOpenFiveIdentified: the same with the whole-pattern
// identification of each.
func BenchmarkOpenFiveIdentified(b *testing.B) { benchmarkOpen(b, "") }
