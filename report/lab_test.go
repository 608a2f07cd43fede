package report

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadLab(t *testing.T) {
	want := Lab{Laboratory: "X-ray lab, Dept. of Chemistry", Operator: "A. Technician", Project: "P-17",
		Approval: []string{"Analysed by", "Approved by"}}
	for name, content := range map[string]string{
		"lab.json": `{"laboratory": "X-ray lab, Dept. of Chemistry", "operator": "A. Technician",
		              "project": "P-17", "approval": ["Analysed by", "Approved by"]}`,
		"lab.toml": "laboratory = \"X-ray lab, Dept. of Chemistry\"\noperator = \"A. Technician\"\nproject = \"P-17\"\napproval = [\"Analysed by\", \"Approved by\"]\n",
	} {
		got, err := LoadLab(writeTemp(t, name, content))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s got: %+v want: %+v", name, got, want)
		}
	}
}

func TestLoadLabErrors(t *testing.T) {
	for _, c := range []struct{ name, content, want string }{
		{"lab.json", `{"laboratory": "X", "opertor": "A"}`, `unknown field "opertor"`},
		{"lab.json", "{\n\"laboratory\": \"X\",\n\"operator\": }", "line 3"},
		{"lab.json", "{\n\"approval\": \"Approved by\"}", `line 2: "approval" must be a list of texts, not a JSON string`},
		{"lab.json", `{"laboratory": "X"} {}`, "text after the template's object"},
		{"lab.toml", "laboratory = \"X\"\noperater = \"A\"\n", `unknown key "operater"`},
		{"lab.toml", "laboratory = \"X\"\noperator = \n", "line 2"},
		{"lab.yaml", "laboratory: X\n", `a lab template is a .json or .toml file, not ".yaml"`},
	} {
		path := writeTemp(t, c.name, c.content)
		_, err := LoadLab(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s %q: error %v, want %s: …%s…", c.name, c.content, err, path, c.want)
		}
	}
	if _, err := LoadLab(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("no error for a missing template")
	}
	big := writeTemp(t, "big.json", `{"comment": "`+strings.Repeat("x", maxLabFile)+`"}`)
	if _, err := LoadLab(big); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("template over the limit: %v", err)
	}
}

// TestLabWith: what the user types for one report overrides the
// template's defaults; what is left empty keeps them.
func TestLabWith(t *testing.T) {
	tmpl := Lab{Laboratory: "Lab", Operator: "A", Comment: "default", Approval: []string{"Checked by"}}
	got := tmpl.With(Lab{Operator: "B", Sample: "S-1"})
	want := Lab{Laboratory: "Lab", Operator: "B", Sample: "S-1", Comment: "default", Approval: []string{"Checked by"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got: %+v want: %+v", got, want)
	}
	if a := (Lab{}).approval(); !reflect.DeepEqual(a, DefaultApproval) {
		t.Errorf("default approval %q", a)
	}
	if a := (Lab{Approval: []string{}}).approval(); len(a) != 0 {
		t.Errorf("a template without sign-off lines got %q", a)
	}
}
