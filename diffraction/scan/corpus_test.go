package scan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sharedRoot is the team's shared folder next to the checkout (tests run
// in diffraction/scan), and sharedData its collection of real scan files.
const (
	sharedRoot = "../../../shared"
	sharedData = sharedRoot + "/data/scans"
)

// skipWithoutShared skips t when the shared folder is absent altogether.
// When it is present the corpus tests run, and fail if they find fewer
// files than their floors (see corpusMin): a collection that moved or
// emptied must not pass as a corpus that was read.
func skipWithoutShared(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(sharedRoot); errors.Is(err, fs.ErrNotExist) {
		t.Skipf("the shared folder %s is absent, so the corpus of real scans is not read", sharedRoot)
	}
}

// corpusMin is the least number of files of each format that TestCorpus
// must decode from the text and XRDML directories of the collection. On
// 2026-12-06 it held xy 120, xrdml 52, gsas 10, ras 6, riet7 5, uxd 2 and
// pdcif 1 such files (and 6 rejects). Each floor is that count less a
// tenth, rounded down, and at least 1: pruning a file or two from the
// collection does not fail the test, but a moved or missing directory, or
// a walk that finds nothing, does.
var corpusMin = map[string]int{"xy": 108, "xrdml": 46, "gsas": 9, "ras": 5, "riet7": 4, "uxd": 1, "pdcif": 1}

// atLeast fails t for each format of floor with fewer files in got.
func atLeast(t *testing.T, what string, got, floor map[string]int) {
	t.Helper()
	for _, f := range slices.Sorted(maps.Keys(floor)) {
		if got[f] < floor[f] {
			t.Errorf("%s %d %s files of %s, want at least %d: is the shared collection incomplete?", what, got[f], f, sharedData, floor[f])
		}
	}
}

// corpusDirs are the sub-directories of sharedData holding the text and
// XRDML formats, with the format each file must be read as.
var corpusDirs = map[string]string{
	"xy": "xy", "xy_text": "xy", "xye": "xy", "csv": "xy", "xrdml": "xrdml",
	"uxd": "uxd", "ras": "ras", "gsas": "gsas", "fxye": "gsas", "pdcif": "pdcif",
	"ill_d1a_dat": "riet7", "psi_dmc_dat": "riet7", "fox_dat_start_step_end": "riet7",
}

// corpusFormat returns the format a file of the collection must be read as.
func corpusFormat(rel string) string {
	dir, _, _ := strings.Cut(rel, "/")
	return corpusDirs[dir]
}

// corpusRejects lists files in corpusDirs that are, rightly, not read, with
// the reason and a substring of the error.
var corpusRejects = map[string]struct{ why, err string }{
	"csv/wpem_xred/monophase/RRUFF90/RRUFFdata90/labels.csv": {
		"a table of mineral names, not a scan", "no data rows"},
	"xrdml/dara_alab/README.md":                             {"documentation", ""},
	"xrdml/xrayutilities/README_xrayutilities_examples.txt": {"documentation", ""},
	"gsas/gsas2_tutorials/INST_XRY.PRM": {
		"a GSAS instrument parameter file, not a scan", "instrument parameter file"},
	"fxye/gsas2_tutorials/11bmb_8716.prm": {
		"a GSAS instrument parameter file, not a scan", "instrument parameter file"},
	"fxye/gsas2_tutorials/SeqTut_OH_00.prm": {
		"a GSAS instrument parameter file, not a scan", "instrument parameter file"},
}

func corpusFiles(t *testing.T) []string {
	t.Helper()
	skipWithoutShared(t)
	var files []string
	for d := range corpusDirs {
		err := filepath.WalkDir(filepath.Join(sharedData, d), func(p string, e fs.DirEntry, err error) error {
			if err == nil && e.Type().IsRegular() {
				files = append(files, p)
			}
			return err
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	return files
}

// TestCorpus reads every file of the shared collection in the xy and xrdml
// directories. All must decode (multi-scan XRDML files give their first
// scan) except the listed rejects, which must fail as expected.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	counts := map[string]int{}
	for _, p := range files {
		rel, _ := filepath.Rel(sharedData, p)
		rel = filepath.ToSlash(rel)
		s, name, err := ReadFile(p)
		if rej, ok := corpusRejects[rel]; ok {
			if err == nil {
				t.Errorf("%s: decoded, but expected a failure (%s)", rel, rej.why)
			} else if !strings.Contains(err.Error(), rej.err) {
				t.Errorf("%s: error %q, want one containing %q (%s)", rel, err, rej.err, rej.why)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: decoded scan invalid: %v", rel, err)
		}
		if want := corpusFormat(rel); name != want {
			t.Errorf("%s: read as %q, want %q", rel, name, corpusFormat(rel))
		}
		counts[name]++
	}
	t.Logf("decoded %v; %d rejected as expected", counts, len(corpusRejects))
	atLeast(t, "decoded", counts, corpusMin)
}

// TestXyconv compares the points read here with those of xylib's xyconv
// (Debian package libxy-bin), where xylib reads the file: XRDML files with
// <intensities> (xylib 1.6 cannot read <counts>), delimited text, and the
// text formats xylib reads natively (UXD, RIET7/ILL D1A/PSI DMC, pdCIF;
// "xyconv -g" tells). Rigaku RAS and GSAS files are not xylib formats, and
// are skipped. xyconv prints 2θ, intensity and any third column with six
// decimals ("%f"), so the comparison is of our values printed the same way.
// For pdCIF the columns are picked by name (meas_2theta and the intensity
// read here); for ILL D1A the points below 2θ = 0°, which Bragg drops, are
// skipped.
func TestXyconv(t *testing.T) {
	if testing.Short() {
		t.Skip("runs xyconv on every file")
	}
	xyconv, err := exec.LookPath("xyconv")
	if err != nil {
		t.Skip("xyconv (libxy-bin) not on PATH")
	}
	files := corpusFiles(t)
	compared, points := map[string]int{}, 0
	var unread, notNative []string
	renamed := 0
	for _, p := range files {
		rel, _ := filepath.Rel(sharedData, p)
		rel = filepath.ToSlash(rel)
		if _, rejected := corpusRejects[rel]; rejected {
			continue
		}
		format := corpusFormat(rel)
		if format != "xy" && format != "xrdml" {
			g, err := exec.Command(xyconv, "-g", p).Output()
			if err != nil || strings.Contains(string(g), "unknown or text") {
				notNative = append(notNative, rel)
				continue
			}
		}
		args := []string{"-s", p, "-"}
		if format == "xrdml" {
			args = []string{"-s", "-t", "xrdml", p, "-"}
		}
		out, err := exec.Command(xyconv, args...).Output()
		if err != nil && format == "xrdml" {
			// xylib 1.6 knows only <intensities>; give it a copy of the
			// file with <counts> renamed, which is otherwise the same
			// (the corpus's attenuation factors are all 1, which xylib
			// ignores).
			out, err = xyconvRenamed(t, xyconv, p)
			if err == nil {
				renamed++
			}
		}
		if err != nil {
			unread = append(unread, rel)
			continue
		}
		s, _, err := ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		names, rows, err := xyconvTable(out)
		if err != nil {
			t.Errorf("%s: xyconv output: %v", rel, err)
			continue
		}
		cx, cy := 0, 1
		if format == "pdcif" {
			cx, cy = slices.Index(names, "meas_2theta"), slices.Index(names, strings.TrimPrefix(s.Meta["intensity"], "_pd_"))
			if cx < 0 || cy < 0 {
				t.Errorf("%s: xyconv columns %v lack meas_2theta or %s", rel, names, s.Meta["intensity"])
				continue
			}
		}
		if s.Meta["dropped"] != "" {
			for len(rows) > 0 && strings.HasPrefix(rows[0][cx], "-") {
				rows = rows[1:]
			}
		}
		if len(rows) != s.Len() {
			t.Errorf("%s: %d points, xyconv %d", rel, s.Len(), len(rows))
			continue
		}
		bad := 0
		for i, row := range rows {
			ours := []float64{s.TwoTheta[i], s.Intensity[i]}
			cols := []int{cx, cy}
			if s.ESD != nil && len(row) == 3 && format == "xy" {
				ours = append(ours, s.ESD[i])
				cols = append(cols, 2)
			}
			for j, v := range ours {
				if got := strconv.FormatFloat(v, 'f', 6, 64); got != row[cols[j]] && !(got == "-0.000000" && row[cols[j]] == "0.000000") {
					if bad++; bad <= 3 {
						t.Errorf("%s: point %d column %d: %s, xyconv %s", rel, i+1, j+1, got, row[cols[j]])
					}
				}
			}
		}
		compared[format]++
		points += len(rows)
	}
	t.Logf("compared %v files, %d points, with xyconv (%d XRDML files with <counts> renamed to <intensities> for xylib); xylib cannot read %d: %v; not an xylib format (skipped) %d: %v",
		compared, points, renamed, len(unread), unread, len(notNative), notNative)
	// Every file TestCorpus decodes is compared, except the GSAS and RAS
	// files, which are not xylib formats.
	floor := maps.Clone(corpusMin)
	delete(floor, "gsas")
	delete(floor, "ras")
	atLeast(t, "compared", compared, floor)
}

// xyconvRenamed runs xyconv on a copy of the XRDML file p in which <counts>
// is renamed <intensities>.
func xyconvRenamed(t *testing.T, xyconv, p string) ([]byte, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	b = bytes.ReplaceAll(b, []byte("<counts "), []byte("<intensities "))
	b = bytes.ReplaceAll(b, []byte("</counts>"), []byte("</intensities>"))
	tmp := filepath.Join(t.TempDir(), "renamed.xrdml")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return nil, err
	}
	return exec.Command(xyconv, "-s", "-t", "xrdml", tmp, "-").Output()
}

// xyconvTable returns the column names and the text columns of the first
// block xyconv printed.
func xyconvTable(out []byte) (names []string, rows [][]string, err error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	blocks := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "### block") {
			if blocks++; blocks > 1 {
				break
			}
			continue
		}
		if strings.HasPrefix(line, "#") && rows == nil {
			names = strings.Fields(strings.TrimPrefix(line, "#"))
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, nil, fmt.Errorf("row %q", line)
		}
		rows = append(rows, f)
	}
	return names, rows, sc.Err()
}
