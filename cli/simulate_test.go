package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/internal/cmdline"
)

// runSimulate runs simulateCmd directly (the command list in cli.go is the
// lead's to extend) and returns the run error and the streams.
func runSimulate(t *testing.T, args ...string) (error, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb}
	fs, run := simulateCmd.flags(e)
	pos, err := cmdline.ParseInterspersed(fs, args)
	if err != nil {
		return err, out.String(), errb.String()
	}
	return run(pos), out.String(), errb.String()
}

const siCIF = "../diffraction/crystal/testdata/si.cif"

func TestSimulateTSV(t *testing.T) {
	err, out, _ := runSimulate(t, siCIF, "--range", "20:60")
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(line, "#") {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	if got := strings.Join(rows[0], " "); got != "two_theta d intensity h k l multiplicity" {
		t.Fatalf("header %q", got)
	}
	// Si at Cu Kα1 between 20° and 60°: 111 (28.44°, m = 8, strongest),
	// 220 (47.30°, m = 12), 311 (56.12°, m = 24).
	want := [][]string{{"28.4", "111", "8"}, {"47.3", "220", "12"}, {"56.1", "311", "24"}}
	if len(rows)-1 != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(rows)-1, len(want), out)
	}
	for i, w := range want {
		r := rows[i+1]
		if !strings.HasPrefix(r[0], w[0]) || r[3]+r[4]+r[5] != w[1] || r[6] != w[2] {
			t.Errorf("line %d: %v, want %v", i, r, w)
		}
	}
	if rows[1][2] != "100.000" {
		t.Errorf("111 intensity %s, want 100.000", rows[1][2])
	}
	for _, c := range []string{"# structure:", "# cell:", "# space group:", "# wavelength:", "# settings:"} {
		if !strings.Contains(out, c) {
			t.Errorf("no %q comment", c)
		}
	}
}

func TestSimulateJSONDoublet(t *testing.T) {
	err, out, _ := runSimulate(t, siCIF, "--json", "--wavelength", "CuKa", "--range", "27:30", "--monochromator", "26.6")
	if err != nil {
		t.Fatal(err)
	}
	var v struct {
		Wavelength struct{ Ka1, Ka2 float64 }
		Lines      []struct {
			TwoTheta  float64 `json:"two_theta"`
			Intensity float64
			Ka2       bool
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	// 111 as Kα1 (28.44°) and Kα2 (28.51°) at about half the intensity
	// (ratio 0.5 times the ratio of the LP factors, within 1 %).
	if len(v.Lines) != 2 || v.Lines[0].Ka2 || !v.Lines[1].Ka2 || v.Wavelength.Ka2 == 0 {
		t.Fatalf("lines %+v", v.Lines)
	}
	if r := v.Lines[1].Intensity / v.Lines[0].Intensity; r < 0.49 || r > 0.505 {
		t.Errorf("Kα2/Kα1 = %.4f", r)
	}
}

func TestSimulateErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.cif")
	if err := os.WriteFile(bad, []byte("data_x\n_cell_length_a 4\n_cell_length_b four\n"+
		"loop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nNa1 0 0 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{bad}, "bad.cif:3"},
		{[]string{"nonexistent.cif"}, "nonexistent.cif"},
		{[]string{siCIF, "--range", "90:5"}, "range"},
		{[]string{siCIF, "--wavelength", "1.5", "--doublet"}, "doublet"},
		{[]string{siCIF, "--wavelength", "1.5", "--anomalous"}, "anomalous"},
	} {
		err, _, _ := runSimulate(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one containing %q", tc.args, err, tc.want)
		}
	}
}
