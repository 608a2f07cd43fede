package scan

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzReader fuzzes one format's decoder directly (not through the
// sniffing of Decode, which sends most mutated inputs to the text
// reader), seeded with that format's fixtures in testdata/dir: no input
// may make it panic, and what it accepts must be a valid scan.
func fuzzReader(f *testing.F, name, dir string) {
	var decode func(*bytes.Reader) error
	for _, fm := range formats {
		if fm.Name == name {
			decode = func(r *bytes.Reader) error {
				s, err := fm.Decode(r)
				if err != nil {
					return nil
				}
				return s.Validate()
			}
		}
	}
	if decode == nil {
		f.Fatalf("no format %q", name)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
	for _, p := range files {
		if strings.HasSuffix(p, ".golden") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if err := decode(bytes.NewReader(in)); err != nil {
			t.Fatalf("%s: decoded an invalid scan: %v", name, err)
		}
	})
}

// One target per reader (issue: "a fuzz target per reader, seeded from
// testdata"); make fuzz and CI run each for a few seconds.

func FuzzXRDML(f *testing.F)     { fuzzReader(f, "xrdml", "xrdml") }
func FuzzBrukerRAW(f *testing.F) { fuzzReader(f, "brukerraw", "raw") }
func FuzzPhilipsRD(f *testing.F) { fuzzReader(f, "philipsrd", "rd") }
func FuzzBRML(f *testing.F)      { fuzzReader(f, "brml", "brml") }
func FuzzRASX(f *testing.F)      { fuzzReader(f, "rasx", "rasx") }
func FuzzRAS(f *testing.F)       { fuzzReader(f, "ras", "ras") }
func FuzzUXD(f *testing.F)       { fuzzReader(f, "uxd", "uxd") }
func FuzzRigakuDAT(f *testing.F) { fuzzReader(f, "rigaku_dat", "rigaku_dat") }
func FuzzUDF(f *testing.F)       { fuzzReader(f, "udf", "udf") }
func FuzzCPI(f *testing.F)       { fuzzReader(f, "cpi", "cpi") }
func FuzzRRUFF(f *testing.F)     { fuzzReader(f, "rruff", "rruff") }
func FuzzPDCIF(f *testing.F)     { fuzzReader(f, "pdcif", "pdcif") }
func FuzzGSAS(f *testing.F)      { fuzzReader(f, "gsas", "gsas") }
func FuzzCHI(f *testing.F)       { fuzzReader(f, "chi", "chi") }
func FuzzRIET7(f *testing.F)     { fuzzReader(f, "riet7", "riet7") }
func FuzzDBWS(f *testing.F)      { fuzzReader(f, "dbws", "dbws") }
func FuzzXY(f *testing.F)        { fuzzReader(f, "xy", "xy") }
