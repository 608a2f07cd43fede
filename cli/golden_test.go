package cli

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden from the commands' output")

// goldenCases are the JSON outputs that are a contract for scripts (README,
// "Machine-readable output"): one golden file each in testdata/golden.
var goldenCases = []struct {
	name string
	args []string
	// readme, when set, starts the README's description of this output:
	// every key named there must be in the output, except the examples of
	// a file's own metadata keys (fromFile).
	readme   string
	fromFile []string
}{
	{"info", []string{"info", "demo.xy", "--json"}, "`bragg info FILE --json`", []string{"sample", "date", "instrument"}},
	{"peaks", []string{"peaks", "demo.xy", "--json", "--wavelength", "CuKa"}, "`bragg peaks FILE --json`", nil},
	{"peaks-size", []string{"peaks", "demo.xy", "--json", "--wavelength", "CuKa", "--size", "--caglioti", "0.001,0,0.001"}, "", nil},
	{"identify", []string{"identify", "demo.xy", "--json", "--wavelength", "CuKa", "--top", "5"}, "`bragg identify FILE --json`", nil},
	// Corundum, one of the demo's phases, as the internal standard.
	{"peaks-standard", []string{"peaks", "demo.xy", "--json", "--wavelength", "CuKa", "--standard", "cod:1000017"}, "", nil},
	{"identify-standard", []string{"identify", "demo.xy", "--json", "--wavelength", "CuKa", "--standard", "cod:1000017"}, "", nil},
	{"db-search", []string{"db", "search", "--json", "--d", "3.343,4.255,1.818"}, "`bragg db search --json`", nil},
	{"db-show", []string{"db", "show", "cod:5000035", "--json"}, "", nil},
	{"db-stats", []string{"db", "stats", "--json"}, "`bragg db stats --json`", nil},
	{"db-collections", []string{"db", "collections", "--json"}, "`bragg db collections --json`", nil},
	{"simulate", []string{"simulate", "rutile.cif", "--json"}, "", nil},
}

// TestGolden compares the JSON of every command with its golden file
// (go test ./cli -run TestGolden -update rewrites them; review the diff):
// the names, nesting and values scripts rely on. It also checks that each
// key the README names for an output is in it.
func TestGolden(t *testing.T) {
	golden, err := filepath.Abs(filepath.Join("testdata", "golden"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cif, err := os.ReadFile(filepath.Join("..", "diffraction", "crystal", "testdata", "rutile.cif"))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := os.ReadFile(demoFile(t))
	if err != nil {
		t.Fatal(err)
	}
	// Relative file names, so that the outputs do not depend on where the
	// test runs.
	dir := t.TempDir()
	for name, b := range map[string][]byte{"demo.xy": demo, "rutile.cif": cif} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			rc, out, errs := run(tc.args...)
			if rc != 0 {
				t.Fatalf("%v: exit %d: %s", tc.args, rc, errs)
			}
			path := filepath.Join(golden, tc.name+".json")
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("%v differs from %s:\n%s", tc.args, path, firstDiff(string(want), out))
			}
			if tc.readme == "" {
				return
			}
			have := jsonKeys(t, out)
			for _, k := range readmeKeys(t, string(readme), tc.readme) {
				if !have[k] && !slices.Contains(tc.fromFile, k) {
					t.Errorf("the README names %q for %s, the output has no such key", k, tc.readme)
				}
			}
		})
	}
}

// firstDiff describes the first line where got differs from want.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n want " + a + "\n  got " + b
		}
	}
	return "(same lines)"
}

// jsonKeys returns every object key anywhere in the JSON text s.
func jsonKeys(t *testing.T, s string) map[string]bool {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				keys[k] = true
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return keys
}

var (
	keyBeforeColon = regexp.MustCompile(`"([a-z0-9_]+)"\s*:`)
	keyInList      = regexp.MustCompile(`"([a-z0-9_]+)"\s*[:,}\]]`)
)

// readmeKeys returns the JSON keys the README names for the output whose
// description starts with marker: those of the fenced example that
// follows, or of the inline `{…}` on the marker's line.
func readmeKeys(t *testing.T, readme, marker string) []string {
	t.Helper()
	i := strings.Index(readme, marker)
	if i < 0 {
		t.Fatalf("the README has no %s", marker)
	}
	rest := readme[i+len(marker):]
	var text string
	var re *regexp.Regexp
	if strings.HasPrefix(rest, "\n```") {
		body := rest[strings.Index(rest, "\n")+1:]
		body = body[strings.Index(body, "\n")+1:]
		text, re = body[:strings.Index(body, "```")], keyBeforeColon
	} else {
		// "gives `{…}`": up to the end of the inline code span.
		start := strings.Index(rest, "`{")
		end := strings.Index(rest[start+1:], "`")
		text, re = rest[start:start+1+end], keyInList
	}
	var keys []string
	for _, m := range re.FindAllStringSubmatch(text, -1) {
		if !slices.Contains(keys, m[1]) {
			keys = append(keys, m[1])
		}
	}
	if len(keys) == 0 {
		t.Fatalf("no keys found in the README after %s", marker)
	}
	return keys
}

// TestReadmeKeys checks the README parser on a sample of each style.
func TestReadmeKeys(t *testing.T) {
	doc := "`a --json`\n```json\n{\"file\": \"x.xy\", \"w\": {\"ka1\": 1}}\n```\n`b --json` gives `{\"count\", \"entries\": [{\"id\", \"name\"}]}` (no query)\n"
	if got := readmeKeys(t, doc, "`a --json`"); !slices.Equal(got, []string{"file", "w", "ka1"}) {
		t.Errorf("fenced: %q", got)
	}
	if got := readmeKeys(t, doc, "`b --json`"); !slices.Equal(got, []string{"count", "entries", "id", "name"}) {
		t.Errorf("inline: %q", got)
	}
}
