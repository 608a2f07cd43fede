package refdb_test

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// sharedCIFs is the folder of the shared structures.
const sharedCIFs = "../../../shared/data/cif"

// cellItem matches the CIF items that scale with the cell: its lengths
// and volume, and the densities, with their value (the standard
// uncertainty in brackets is dropped).
var cellItem = regexp.MustCompile(`(?m)^(\s*_(?:cell_length_[abc]|cell_volume|exptl_crystal_density_diffrn|exptl_crystal_density_meas))\s+([0-9.]+)(\([0-9]+\))?`)

// scaleCell returns a CIF with its cell scaled by s: lengths × s, volume ×
// s³, densities ÷ s³, so that the sanity gate finds it as sound as the
// original.
func scaleCell(cif string, s float64) string {
	return cellItem.ReplaceAllStringFunc(cif, func(m string) string {
		g := cellItem.FindStringSubmatch(m)
		v, err := strconv.ParseFloat(g[2], 64)
		if err != nil {
			return m
		}
		switch {
		case strings.Contains(g[1], "length"):
			v *= s
		case strings.Contains(g[1], "volume"):
			v *= s * s * s
		default:
			v /= s * s * s
		}
		return g[1] + " " + strconv.FormatFloat(v, 'g', 8, 64)
	})
}

// replicate writes n CIF files to dir: the shared structures in turn, the
// k-th pass with every cell scaled by 1.012^j, j = 1, −1, 2, −2, …: each
// copy's volume differs by more than 3 % from the original's and from the
// other copies', so that the same-phase test takes none for another.
func replicate(b *testing.B, dir string, n int) {
	var files []string
	filepath.WalkDir(sharedCIFs, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".cif") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		b.Skipf("no CIF files in %s: the import benchmark needs them", sharedCIFs)
	}
	texts := make([]string, len(files))
	for i, f := range files {
		t, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		texts[i] = string(t)
	}
	for k := range n {
		i, pass := k%len(files), k/len(files)
		j := pass/2 + 1
		if pass%2 == 1 {
			j = -j
		}
		name := fmt.Sprintf("%s-s%d.cif", strings.TrimSuffix(filepath.Base(files[i]), filepath.Ext(files[i])), pass)
		sub := filepath.Join(dir, filepath.Base(filepath.Dir(files[i])))
		os.MkdirAll(sub, 0o755)
		if err := os.WriteFile(filepath.Join(sub, name), []byte(scaleCell(texts[i], math.Pow(1.012, float64(j)))), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport imports a folder of CIF files into a new collection on
// every core, as bragg db import does: the shared structures replicated
// with scaled cells (replicate) up to 10,000 files (with BRAGG_BENCH_LARGE=1
// in the environment; 1,000 otherwise). CIFs/s is the rate;
// cpu-ms/CIF the processor time per file, all cores together, which a
// machine shared with other work changes less.
func BenchmarkImport(b *testing.B) {
	if _, err := os.Stat(sharedCIFs); err != nil {
		b.Skipf("%s is absent: the import benchmark needs it", sharedCIFs)
	}
	for _, n := range sizes(1_000, 10_000) {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			src := b.TempDir()
			replicate(b, src, n)
			var res *refdb.ImportResult
			b.ReportAllocs()
			cpu := cpuTime()
			for b.Loop() {
				var err error
				res, err = refdb.NewStore(assets.RefDB, b.TempDir()).Import(context.Background(), []string{src}, refdb.ImportOptions{Collection: "bench"})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(res.Files)*float64(b.N)/b.Elapsed().Seconds(), "CIFs/s")
			b.ReportMetric(float64(cpuTime()-cpu)/1e6/float64(res.Files*b.N), "cpu-ms/CIF")
			dups := 0
			for _, f := range res.Failed {
				if f.Reason == refdb.ImportDuplicate {
					dups++
				}
			}
			b.ReportMetric(float64(len(res.Imported)), "imported")
			b.ReportMetric(float64(dups), "duplicates")
			b.ReportMetric(float64(len(res.Failed)-dups), "refused")
		})
	}
}
