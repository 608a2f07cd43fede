package scan

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// binaryCorpusDirs are the sub-directories of sharedData (see
// corpus_test.go) holding the binary and zip formats, with the format each
// file must be read as.
var binaryCorpusDirs = map[string]string{
	"bruker_raw":  "brukerraw",
	"bruker_raw4": "brukerraw",
	"brml":        "brml",
	"rasx":        "rasx",
}

// binaryCorpusRanges is the number of scans DecodeAll must return, for the
// files with more than one.
var binaryCorpusRanges = map[string]int{
	"bruker_raw/gsas2_tutorials/Keokuk_kaolinite.RAW": 2,
	"bruker_raw/xylib/format1.raw":                    3,
}

// binaryCorpusMin is the least number of files of each format that
// TestBinaryCorpus must read. On 2026-12-06 the collection held 11 RAW
// (9 of versions 1–3, 2 of version 4), 2 BRML and 3 RASX files; the floors
// are set as corpusMin's (a tenth less, rounded down, at least 1).
var binaryCorpusMin = map[string]int{"brukerraw": 9, "brml": 1, "rasx": 2}

func binaryCorpusFiles(t *testing.T) map[string]string {
	t.Helper()
	skipWithoutShared(t)
	files := map[string]string{}
	for d, format := range binaryCorpusDirs {
		err := filepath.WalkDir(filepath.Join(sharedData, d), func(p string, e fs.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				files[p] = format
			}
			return err
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	return files
}

// TestBinaryCorpus reads every RAW, BRML and RASX file of the shared
// collection with ReadFile and DecodeAll.
func TestBinaryCorpus(t *testing.T) {
	files := binaryCorpusFiles(t)
	counts := map[string]int{}
	for p, want := range files {
		rel, _ := filepath.Rel(sharedData, p)
		rel = filepath.ToSlash(rel)
		s, name, err := ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		counts[name]++
		if name != want {
			t.Errorf("%s: read as %q, want %q", rel, name, want)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: %v", rel, err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all, _, err := DecodeAll(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: DecodeAll: %v", rel, err)
			continue
		}
		wantN := binaryCorpusRanges[rel]
		if wantN == 0 {
			wantN = 1
		}
		if len(all) != wantN {
			t.Errorf("%s: DecodeAll gave %d scans, want %d", rel, len(all), wantN)
		}
		if !equalFloats(all[0].TwoTheta, s.TwoTheta) || !equalFloats(all[0].Intensity, s.Intensity) {
			t.Errorf("%s: DecodeAll's first scan differs from Decode's", rel)
		}
		t.Logf("%s: %s, %d scans, first %d points %g–%g°, %s, sample %q", rel, name, len(all), s.Len(), s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Wavelength, s.Meta["sample"])
	}
	atLeast(t, "read", counts, binaryCorpusMin)
}

// TestBinaryXyconv compares every range of the RAW files that xylib's
// xyconv reads (versions 1–3; xylib 1.6 has no version 4, BRML or RASX)
// with ours, printed as xyconv prints them ("%f").
func TestBinaryXyconv(t *testing.T) {
	if testing.Short() {
		t.Skip("runs xyconv on every file")
	}
	xyconv, err := exec.LookPath("xyconv")
	if err != nil {
		t.Skip("xyconv (libxy-bin) not on PATH")
	}
	files := binaryCorpusFiles(t)
	compared, points := 0, 0
	var unread []string
	for p, format := range files {
		if format != "brukerraw" {
			continue // xylib reads BRML and RASX only as garbage text, if at all
		}
		rel, _ := filepath.Rel(sharedData, p)
		out, err := exec.Command(xyconv, "-s", "-t", "bruker_raw", p, "-").Output()
		if err != nil {
			unread = append(unread, filepath.ToSlash(rel))
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		scans, _, err := DecodeAll(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		blocks := xyconvBlocks(t, out)
		if len(blocks) != len(scans) {
			t.Errorf("%s: %d scans, xyconv %d blocks", rel, len(scans), len(blocks))
			continue
		}
		for k, rows := range blocks {
			s := scans[k]
			if len(rows) != s.Len() {
				t.Errorf("%s: range %d: %d points, xyconv %d", rel, k+1, s.Len(), len(rows))
				continue
			}
			bad := 0
			for i, row := range rows {
				for j, v := range []float64{s.TwoTheta[i], s.Intensity[i]} {
					if got := strconv.FormatFloat(v, 'f', 6, 64); got != row[j] {
						if bad++; bad <= 3 {
							t.Errorf("%s: range %d point %d column %d: %s, xyconv %s", rel, k+1, i+1, j+1, got, row[j])
						}
					}
				}
			}
			points += len(rows)
		}
		compared++
	}
	t.Logf("compared %d files, %d points, with xyconv; xylib cannot read %d: %v", compared, points, len(unread), unread)
	// xylib reads the 9 RAW files of versions 1–3 of the collection (on
	// 2026-12-06); the floor is set as binaryCorpusMin's.
	atLeast(t, "compared", map[string]int{"brukerraw": compared}, map[string]int{"brukerraw": 8})
}

// xyconvBlocks splits xyconv output into blocks of rows of text columns.
func xyconvBlocks(t *testing.T, out []byte) [][][]string {
	var blocks [][][]string
	cur := -1
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "### block") {
			blocks = append(blocks, nil)
			cur++
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if cur < 0 {
			blocks = append(blocks, nil)
			cur = 0
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Fatalf("xyconv row %q", line)
		}
		blocks[cur] = append(blocks[cur], f)
	}
	return blocks
}

// TestCorpusDecodeAllXRDML reads every scan of the shared XRDML files:
// DecodeAll must return as many as the file has (Meta["scans"]), the first
// being Decode's.
func TestCorpusDecodeAllXRDML(t *testing.T) {
	skipWithoutShared(t)
	files, _ := filepath.Glob(filepath.Join(sharedData, "xrdml", "*", "*.xrdml"))
	more, total := 0, 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		scans, _, err := DecodeAll(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if n, _ := strconv.Atoi(scans[0].Meta["scans"]); n != len(scans) {
			t.Errorf("%s: %d scans, the file has %d", p, len(scans), n)
		}
		if len(scans) > 1 {
			more++
			// The one-pass split must give what a full parse gives.
			for _, i := range []int{1, len(scans) - 1} {
				s, err := decodeXRDMLScan(bytes.NewReader(b), i)
				if err != nil {
					t.Fatal(err)
				}
				if !equalFloats(s.TwoTheta, scans[i].TwoTheta) || !equalFloats(s.Intensity, scans[i].Intensity) || s.Wavelength != scans[i].Wavelength {
					t.Errorf("%s: scan %d differs between DecodeAll and a full parse", p, i+1)
				}
			}
		}
		total += len(scans)
	}
	t.Logf("%d XRDML files, %d scans; %d files with more than one", len(files), total, more)
	// On 2026-12-06 the collection held 32 XRDML files directly below
	// xrdml/*/, 2 of them with more than one scan, which the comparison
	// with a full parse needs; the floors are set as corpusMin's.
	atLeast(t, "read", map[string]int{"xrdml": len(files), "multi-scan xrdml": more}, map[string]int{"xrdml": 28, "multi-scan xrdml": 1})
}
