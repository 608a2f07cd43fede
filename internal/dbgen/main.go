// Command dbgen compiles Bragg's reference database from a curated list of
// CIF files in the shared data folder:
//
//	go run ./internal/dbgen -shared ../shared -o assets/refdb.bin
//
// Each structure is read with crystal.ParseCIF (P1 listings of computed
// structures are first reduced with crystal.FindSymmetry;
// refdb.FromStructure puts rhombohedral cells on hexagonal axes), its Cu
// Kα1 stick pattern is computed with refdb.ComputeLines, and the phases
// are written sorted by ID with refdb.Write. The same input gives the same
// bytes.
package main

import (
	"bytes"
	"embed"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// Version of the compiled database; bump when the list or the computation
// changes.
const Version = "2026.2"

func main() {
	shared := flag.String("shared", "../shared", "shared folder (holds data/cif)")
	out := flag.String("o", "assets/refdb.bin", "output file")
	flag.Parse()
	db, err := build(*shared, log.Printf)
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	if err := refdb.Write(&buf, db); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("wrote %s: %d phases, %d bytes", *out, len(db.Phases), buf.Len())
}

// localCIFs are structures the project entered from publications (each
// file cites its source): in cif/, common phases without a usable CIF in
// shared/; in cif/aflow/, the experimentally determined structures of the
// AFLOW Library of Crystallographic Prototypes (tables/gen_aflow.py).
//
//go:embed cif/*.cif cif/aflow/*.cif
var localCIFs embed.FS

// licenses of the source folders, from shared/data/README.md.
var licenses = map[string]string{
	"avogadro_crystals":        "public domain (COD entries; Debian libavogadro-data)",
	"cod-tools_tests":          "CC0 (COD data)",
	"crystals_LaurentRDC":      "CC0 (COD/AMCSD entry)",
	"mineral-lib-jekyll_amcsd": "AMCSD data (mirrored in COD, CC0); repository MIT",
	"dans_diffraction":         "Apache-2.0",
	"pyobjcryst_testdata":      "CC0 (COD-derived test data)",
	"pymatgen_test_files_cod":  "MIT / CC0 (COD)",
	"wpem_xred":                "MIT",
	"xrd_autoanalyzer_mp_refs": "MIT (computed structure)",
	"cif2hkl_examples":         "CC0 (Debian cif2hkl examples)",
	"httk_cod":                 "public domain (COD entries, httk tutorial data)",
	"ncrystal_data":            "Apache-2.0 (NCrystal data library, Debian libncrystal-data; structures of the cited COD/AMCSD entries)",
	"dara_tutorial":            "MIT",
	"bragg":                    "CC0 (structure data from the cited publication, entered by the Bragg project)",
	"aflow":                    "CC0 (structure data from the cited publication, as given by the AFLOW Library of Crystallographic Prototypes, Mehl et al. 2017; transcribed from pymatgen, MIT)",
}

// indexRow is one data block of shared/data/cif/cif_index.csv.
type indexRow struct {
	file, source, block string
	codID, mineral      string
	elements            []string
	valid, organic      bool
	computed            bool // flagged computed by its collection's provenance.csv (ncrystal_data)
}

// readIndex reads the CIF index: the rows in file order, and the first row
// of each file by file name (relative to data/cif).
func readIndex(path string) ([]indexRow, map[string]indexRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	for _, k := range []string{"file", "source", "block", "cod_id", "mineral", "elements", "organic", "valid"} {
		if _, ok := col[k]; !ok {
			return nil, nil, fmt.Errorf("%s: no column %q", path, k)
		}
	}
	var rows []indexRow
	m := map[string]indexRow{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		row := indexRow{
			file:     strings.TrimPrefix(rec[col["file"]], "cif/"),
			source:   rec[col["source"]],
			block:    rec[col["block"]],
			codID:    rec[col["cod_id"]],
			mineral:  rec[col["mineral"]],
			elements: strings.Fields(rec[col["elements"]]),
			organic:  rec[col["organic"]] == "True",
			valid:    rec[col["valid"]] == "True",
		}
		rows = append(rows, row)
		if _, dup := m[row.file]; !dup {
			m[row.file] = row
		}
	}
	return rows, m, nil
}

// readComputed reads a provenance.csv (file, …, computed, …) and returns
// the files, relative to data/cif, whose structures are computed.
func readComputed(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty", path)
	}
	file, comp := slices.Index(recs[0], "file"), slices.Index(recs[0], "computed")
	if file < 0 || comp < 0 {
		return nil, fmt.Errorf("%s: no columns file and computed", path)
	}
	m := map[string]bool{}
	for _, r := range recs[1:] {
		if r[comp] == "True" {
			m[strings.TrimPrefix(r[file], "cif/")] = true
		}
	}
	return m, nil
}

func build(shared string, logf func(string, ...any)) (*refdb.DB, error) {
	cifDir := filepath.Join(shared, "data", "cif")
	rows, index, err := readIndex(filepath.Join(cifDir, "cif_index.csv"))
	if err != nil {
		return nil, err
	}
	computed, err := readComputed(filepath.Join(cifDir, "ncrystal_data", "provenance.csv"))
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].computed = computed[rows[i].file]
	}
	for f, r := range index {
		r.computed = computed[f]
		index[f] = r
	}
	var phases []refdb.Phase
	ids := map[string]string{}
	scales := map[string]float64{} // intensity scale by ID, for RIR
	for _, e := range curated {
		p, scale, err := compile(cifDir, index, e)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", e.File, err)
		}
		if prev, dup := ids[p.ID]; dup {
			return nil, fmt.Errorf("%s: ID %s already used by %s", e.File, p.ID, prev)
		}
		ids[p.ID] = e.File
		scales[p.ID] = scale
		logf("%-32s %-10s %-14s %3d lines  Z=%g  ρ=%.3f", p.ID, p.Formula, p.Mineral, len(p.Lines), p.Z, p.Density)
		phases = append(phases, p)
	}
	// Then every other usable structure of the redistributable sources;
	// one that cannot be compiled is left out with its reason.
	ncurated := len(phases)
	skipped := 0
	auto := autoEntries(rows, curated)
	aflow, err := aflowEntries(curated)
	if err != nil {
		return nil, err
	}
	var refused []refdb.Refusal
	for _, e := range append(auto, aflow...) {
		p, scale, err := compile(cifDir, index, e)
		if g := (*refdb.GateError)(nil); errors.As(err, &g) {
			logf("refused %s (%s): %v", p.ID, e.File, err)
			refused = append(refused, refdb.Refusal{ID: p.ID, Source: p.Source, Reason: g.Reason, Detail: g.Detail})
			continue
		}
		if err != nil {
			logf("skip %s [%s]: %v", e.File, e.Block, err)
			skipped++
			continue
		}
		phases = append(phases, p)
		scales[p.Source+"#"+p.Structure.Block] = scale
	}
	phases = merge(phases, ncurated, logf)
	if err := uniqueIDs(phases); err != nil {
		return nil, err
	}
	for _, p := range phases[ncurated:] {
		if _, ok := scales[p.ID]; !ok {
			scales[p.ID] = scales[p.Source+"#"+p.Structure.Block]
		}
	}
	logf("%d phases (%d curated), %d structures refused by the sanity gate, %d skipped", len(phases), ncurated, len(refused), skipped)
	ref, ok := scales[refdb.CorundumID]
	if !ok {
		return nil, errors.New("corundum (" + refdb.CorundumID + ") missing: needed for RIR")
	}
	for i := range phases {
		phases[i].RIR = refdb.RIR(scales[phases[i].ID], ref)
	}
	slices.SortFunc(refused, func(a, b refdb.Refusal) int { return strings.Compare(a.ID+a.Source, b.ID+b.Source) })
	db := &refdb.DB{Version: Version, Phases: phases, Refused: refused}
	db.Sort()
	return db, nil
}

// compile reads, checks and computes one entry. An entry that the sanity
// gate refuses comes back with its ID and Source set and a
// *refdb.GateError.
func compile(cifDir string, index map[string]indexRow, e entry) (p refdb.Phase, scale float64, err error) {
	source := strings.SplitN(e.File, "/", 2)[0]
	lic, ok := licenses[source]
	if !ok {
		return p, 0, fmt.Errorf("source folder %q is not on the redistributable list", source)
	}
	row := index[e.File]
	if e.Block != "" {
		row = e.row
	}
	var f io.ReadCloser
	local := source == "bragg" || source == "aflow"
	localPath := strings.TrimPrefix(e.File, "bragg/") // relative to internal/dbgen/cif
	id := func() string {
		switch {
		case e.ID != "":
			return e.ID
		case row.codID != "" && source != "ncrystal_data": // ncrystal's index holds the ID of the file it was made from
			return "cod:" + row.codID
		}
		return refdb.Slug(source) + ":" + refdb.Slug(strings.TrimSuffix(filepath.Base(e.File), ".cif"))
	}()
	srcPath := "shared/data/cif/" + e.File
	if local {
		srcPath = "internal/dbgen/cif/" + localPath
	}
	if local {
		f, err = localCIFs.Open("cif/" + localPath)
	} else {
		f, err = os.Open(filepath.Join(cifDir, e.File))
	}
	if err != nil {
		return p, 0, err
	}
	defer f.Close()
	ss, err := crystal.ParseCIF(f, e.File)
	if err != nil {
		return p, 0, err
	}
	s := &ss[0]
	if e.Block != "" {
		s = nil
		for i := range ss {
			if ss[i].Block == e.Block {
				s = &ss[i]
			}
		}
		if s == nil {
			return p, 0, fmt.Errorf("no data block %q", e.Block)
		}
	}
	if e.Symmetrize {
		name, block, cod, cit, min, chem := s.Name, s.Block, s.CODID, s.Citation, s.Mineral, s.ChemicalName
		if s, err = crystal.FindSymmetry(s); err != nil {
			return p, 0, err
		}
		s.Name, s.Block, s.CODID, s.Citation, s.Mineral, s.ChemicalName = name, block, cod, cit, min, chem
		s.SpaceGroup, s.SpaceGroupNumber = e.SpaceGroup, e.SGNumber
		if e.SGNumber == 0 {
			s.SpaceGroupNumber = fileGroup(e.File, s)
		}
		if want := e.Ops; want > 0 && len(s.Ops) != want {
			return p, 0, fmt.Errorf("found %d symmetry operators, want %d", len(s.Ops), want)
		}
	}
	s, repair, err := refdb.Vet(s)
	if why, ok := refdb.Erratum(id); ok && err == nil {
		// An erratum outside COD, which Vet knows by the COD ID alone.
		err = &refdb.GateError{Reason: refdb.ReasonErratum, Detail: why}
	}
	if err != nil {
		p.ID, p.Source = id, srcPath
		return p, 0, err
	}
	if e.Name == "" {
		e.Name = autoName(s, row)
	}
	if e.Mineral == "" && e.auto {
		// The index's mineral column holds the file's name part where
		// the file names no mineral ("AlSb", "Rb2O"): a formula is not a
		// mineral name.
		if m := refdb.CleanName(row.mineral); m != "" {
			if _, formula := refdb.CompactFormula(m); !formula {
				e.Mineral = m
			}
		}
	}
	s.Name = e.Name
	if p, scale, err = refdb.FromStructure(s); err != nil {
		return p, 0, err
	}
	p.ID, p.Source, p.Repairs = id, srcPath, repair
	p.Mineral = e.Mineral
	if e.Formula != "" && !refdb.SameFormula(p.Formula, e.Formula) {
		return p, 0, fmt.Errorf("formula %s, want %s", p.Formula, e.Formula)
	}
	nameKnown(&p)
	p.License = lic
	p.Computed = source == "xrd_autoanalyzer_mp_refs" || strings.Contains(e.File, "/zeolites/") || row.computed
	p.Common = !e.auto
	return p, scale, nil
}

// fileGroup is the space-group number that the name of a computed
// structure's file ends with ("TiMnO3_148.cif", the XRD-AutoAnalyzer
// references' Materials Project labels), when the operators found in its
// cell are that group's (crystal.GroupNumber); 0 otherwise. The symbol is
// left empty: the found operators are in the file's cell, not in the
// group's standard setting.
func fileGroup(file string, s *crystal.Structure) int {
	stem := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	i := strings.LastIndex(stem, "_")
	if i < 0 {
		return 0
	}
	return crystal.GroupNumber(stem[i+1:], s.Ops)
}
