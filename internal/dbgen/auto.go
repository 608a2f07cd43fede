package main

import (
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// autoEntries lists every inorganic, valid data block of a redistributable
// source in the CIF index that the curated list does not already name: the
// bulk of the database. Each gets its names from the file and the index.
func autoEntries(rows []indexRow, curated []entry) []entry {
	taken := map[string]bool{}
	for _, e := range curated {
		taken[e.File] = true
	}
	var out []entry
	for _, r := range rows {
		if !r.valid || r.organic || taken[r.file] {
			continue
		}
		if _, ok := licenses[r.source]; !ok || r.source == "bragg" {
			continue
		}
		out = append(out, entry{
			File:       r.file,
			Block:      r.block,
			row:        r,
			auto:       true,
			Symmetrize: r.source == "xrd_autoanalyzer_mp_refs",
		})
	}
	return out
}

// aflowEntries lists the structures of internal/dbgen/cif/aflow that the
// curated list does not name, in file order; they come after the shared ones, which win a tie when one phase is
// in both (see quality).
func aflowEntries(curated []entry) ([]entry, error) {
	files, err := fs.Glob(localCIFs, "cif/aflow/*.cif")
	if err != nil {
		return nil, err
	}
	var out []entry
	for _, f := range files {
		f = strings.TrimPrefix(f, "cif/")
		if !slices.ContainsFunc(curated, func(e entry) bool { return e.File == f }) {
			out = append(out, entry{File: f, auto: true})
		}
	}
	return out, nil
}

// autoName names an entry that the curated list does not: for a zeolite
// framework its IZA code, else the file's own name (refdb.DefaultName),
// else the index's mineral name, else the formula.
func autoName(s *crystal.Structure, row indexRow) string {
	if strings.Contains(row.file, "/zeolites/") {
		code := strings.TrimSuffix(filepath.Base(row.file), filepath.Ext(row.file))
		return "Zeolite framework " + strings.ToUpper(code) + " (" + s.Formula() + ", idealised)"
	}
	for _, n := range []string{refdb.DefaultName(s), refdb.CleanName(row.mineral)} {
		if n != "" {
			return n
		}
	}
	return s.Formula()
}

// quality ranks entries of one phase; the best is kept. Curated entries
// win (their names were checked by hand), then measured over computed,
// ordered over partially occupied, complete over missing hydrogen,
// structures with displacement parameters over those without, and the
// original files of the shared collection over the AFLOW transcriptions.
func quality(p *refdb.Phase, curated bool) int {
	q := 0
	if curated {
		q += 16
	}
	if !p.Computed {
		q += 8
	}
	if !p.PartialOccupancy {
		q += 4
	}
	if !p.MissingH {
		q += 2
	}
	for _, s := range p.Structure.Sites {
		if s.Uiso > 0 {
			q++
			break
		}
	}
	q *= 2
	if !strings.HasPrefix(p.Source, "internal/dbgen/cif/aflow/") {
		q++
	}
	return q
}

// merge folds duplicates of one phase into the best entry, recording the
// others' IDs in Duplicates. ncurated is the number of leading curated
// phases; two curated entries are never merged. The result keeps the input
// order of the kept entries.
func merge(phases []refdb.Phase, ncurated int, logf func(string, ...any)) []refdb.Phase {
	keep := make([]bool, len(phases))
	// Candidates are grouped by their elements (refdb.SamePhase
	// compares the proportions).
	byElements := map[string][]int{}
	for i := range phases {
		keep[i] = true
		k := strings.Join(slices.Sorted(slices.Values(phases[i].Elements)), " ")
		byElements[k] = append(byElements[k], i)
	}
	for _, k := range slices.Sorted(maps.Keys(byElements)) {
		idx := byElements[k]
		for a := 0; a < len(idx); a++ {
			i := idx[a]
			if !keep[i] {
				continue
			}
			for b := a + 1; b < len(idx); b++ {
				j := idx[b]
				if !keep[j] || !refdb.SamePhase(&phases[i], &phases[j]) {
					continue
				}
				// Two curated entries are two phases by decision
				// (order–disorder polymorphs such as sanidine and
				// orthoclase pass samePhase).
				if i < ncurated && j < ncurated {
					continue
				}
				qi, qj := quality(&phases[i], i < ncurated), quality(&phases[j], j < ncurated)
				win, lose := i, j
				if qj > qi || (qj == qi && phases[j].ID < phases[i].ID && i >= ncurated) {
					win, lose = j, i
				}
				phases[win].Duplicates = append(phases[win].Duplicates, phases[lose].ID)
				phases[win].Duplicates = append(phases[win].Duplicates, phases[lose].Duplicates...)
				phases[lose].Duplicates = nil
				keep[lose] = false
				logf("duplicate: %s (%s) merged into %s", phases[lose].ID, phases[lose].Source, phases[win].ID)
				if lose == i {
					break
				}
			}
		}
	}
	var out []refdb.Phase
	for i := range phases {
		if keep[i] {
			sort.Strings(phases[i].Duplicates)
			out = append(out, phases[i])
		}
	}
	return out
}

// uniqueIDs makes IDs unique when two different phases come from the same
// COD entry (files with several data blocks): the later ones get the block
// name appended.
func uniqueIDs(phases []refdb.Phase) error {
	seen := map[string]bool{}
	for i := range phases {
		p := &phases[i]
		if seen[p.ID] {
			p.ID += ":" + refdb.Slug(p.Structure.Block)
			if seen[p.ID] {
				return fmt.Errorf("ID %s is not unique (%s)", p.ID, p.Source)
			}
		}
		seen[p.ID] = true
	}
	return nil
}
