package scan

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// sharedData is the team's collection of real scan files, next to the
// checkout (tests run in diffraction/scan).
const sharedData = "../../../shared/data/scans"

// corpusDirs are the sub-directories of sharedData holding the formats this
// package reads.
var corpusDirs = []string{"xy", "xy_text", "xye", "csv", "xrdml"}

// corpusRejects lists files in corpusDirs that are, rightly, not read, with
// the reason and a substring of the error.
var corpusRejects = map[string]struct{ why, err string }{
	"csv/wpem_xred/monophase/RRUFF90/RRUFFdata90/labels.csv": {
		"a table of mineral names, not a scan", "no data rows"},
	"xrdml/dara_alab/README.md":                             {"documentation", ""},
	"xrdml/xrayutilities/README_xrayutilities_examples.txt": {"documentation", ""},
}

func corpusFiles(t *testing.T) []string {
	t.Helper()
	if _, err := os.Stat(sharedData); err != nil {
		t.Skipf("shared scan collection %s not present: %v", sharedData, err)
	}
	var files []string
	for _, d := range corpusDirs {
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
		want := "xy"
		if strings.HasSuffix(rel, ".xrdml") {
			want = "xrdml"
		}
		if name != want {
			t.Errorf("%s: read as %q, want %q", rel, name, want)
		}
		counts[name]++
	}
	t.Logf("decoded %d xy and %d xrdml files; %d rejected as expected", counts["xy"], counts["xrdml"], len(corpusRejects))
}

// TestXyconv compares the points read here with those of xylib's xyconv
// (Debian package libxy-bin), where xylib reads the file: XRDML files with
// <intensities> (xylib 1.6 cannot read <counts>) and delimited text. xyconv
// prints 2θ, intensity and any third column with six decimals ("%f"), so the
// comparison is of our values printed the same way.
func TestXyconv(t *testing.T) {
	if testing.Short() {
		t.Skip("runs xyconv on every file")
	}
	xyconv, err := exec.LookPath("xyconv")
	if err != nil {
		t.Skip("xyconv (libxy-bin) not on PATH")
	}
	files := corpusFiles(t)
	compared, points := 0, 0
	var unread []string
	renamed := 0
	for _, p := range files {
		rel, _ := filepath.Rel(sharedData, p)
		if _, rejected := corpusRejects[filepath.ToSlash(rel)]; rejected {
			continue
		}
		args := []string{"-s", p, "-"}
		if strings.HasSuffix(p, ".xrdml") {
			args = []string{"-s", "-t", "xrdml", p, "-"}
		}
		out, err := exec.Command(xyconv, args...).Output()
		if err != nil && strings.HasSuffix(p, ".xrdml") {
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
		rows, err := xyconvRows(out)
		if err != nil {
			t.Errorf("%s: xyconv output: %v", rel, err)
			continue
		}
		if len(rows) != s.Len() {
			t.Errorf("%s: %d points, xyconv %d", rel, s.Len(), len(rows))
			continue
		}
		bad := 0
		for i, row := range rows {
			ours := []float64{s.TwoTheta[i], s.Intensity[i]}
			if s.ESD != nil && len(row) == 3 && !strings.HasSuffix(p, ".xrdml") {
				ours = append(ours, s.ESD[i])
			}
			for j, v := range ours {
				if got := strconv.FormatFloat(v, 'f', 6, 64); got != row[j] {
					if bad++; bad <= 3 {
						t.Errorf("%s: point %d column %d: %s, xyconv %s", rel, i+1, j+1, got, row[j])
					}
				}
			}
		}
		compared++
		points += len(rows)
	}
	t.Logf("compared %d files, %d points, with xyconv (%d XRDML files with <counts> renamed to <intensities> for xylib); xylib cannot read %d: %v",
		compared, points, renamed, len(unread), unread)
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

// xyconvRows returns the text columns of the first block xyconv printed.
func xyconvRows(out []byte) ([][]string, error) {
	var rows [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	blocks := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "### block") {
			if blocks++; blocks > 1 {
				break
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			return nil, fmt.Errorf("row %q", line)
		}
		rows = append(rows, f)
	}
	return rows, sc.Err()
}
