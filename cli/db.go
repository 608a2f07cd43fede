package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

var dbCmd = &command{
	name: "db", args: "search [TEXT] | show ID | stats | import FILE.cif... | remove ID... | export [ID...] -o OUT.cif", minArgs: 1, maxArgs: -1,
	summary: `The reference database: the bundled phases and the user's own (imported CIFs, kept in
the user's configuration directory, searched together with the bundled ones).
  search [TEXT]        entries whose ID, name, mineral or formula contains TEXT, narrowed
                       by --formula, --elements, --any, --none, --sg and --d (Hanawalt:
                       the sample's three strongest d-spacings); no criteria: every entry
  show ID              one entry: provenance, cell, space group, atoms and lines
  stats                counts by source, licence and crystal system, and the coverage
                       of the common laboratory phases
  import FILE.cif...   add structures to the user database (a bad file is reported
                       with its line while the rest import; a phase already in the
                       database is skipped, or --duplicates replace|keep)
  remove ID...         delete user entries
  export [ID...]       write user entries (all, or those named) as CIF to -o`,
	setup: func(fs *flag.FlagSet, e *env) func([]string) error {
		asJSON := fs.Bool("json", false, "write JSON")
		var q refdb.Query
		fs.StringVar(&q.Formula, "formula", "", "search: element proportions, in any order and any multiple (Al2O3)")
		elems := func(dst *[]string) func(string) error {
			return func(s string) error {
				*dst = match.ParseElements(s)
				for _, x := range *dst {
					if err := crystal.CheckSymbol(x); err != nil {
						return err
					}
				}
				return nil
			}
		}
		fs.Func("elements", "search: comma-separated elements an entry must all contain", elems(&q.AllOf))
		fs.Func("any", "search: comma-separated elements of which an entry contains at least one", elems(&q.AnyOf))
		fs.Func("none", "search: comma-separated elements an entry must not contain", elems(&q.NoneOf))
		fs.StringVar(&q.SpaceGroup, "sg", "", "search: space-group symbol (Fm-3m) or number (225)")
		fs.Func("d", "search: up to three d-spacings in Å, strongest first (3.34,4.26,1.82)", func(s string) (err error) {
			q.Strongest, err = refdb.ParseDSpacings(s)
			return err
		})
		fs.Float64Var(&q.DTolerance, "dtol", 0.01, "search: relative tolerance of --d")
		out := fs.String("o", "", "export: output CIF file (written atomically)")
		dups := refdb.Skip
		fs.Func("duplicates", "import: what to do with a phase already in the database: skip (the default), replace or keep (both)", func(s string) error {
			r, ok := map[string]refdb.Resolution{"skip": refdb.Skip, "replace": refdb.Replace, "keep": refdb.KeepBoth}[s]
			if !ok {
				return fmt.Errorf("%q: want skip, replace or keep", s)
			}
			dups = r
			return nil
		})
		return func(args []string) error {
			sub, rest := args[0], args[1:]
			switch sub {
			case "search":
				if len(rest) > 1 {
					return fmt.Errorf("%w: search takes at most one TEXT (quote it)", cmdline.ErrUsage)
				}
				if len(rest) == 1 {
					q.Text = rest[0]
				}
				return e.dbSearch(q, *asJSON)
			case "show":
				if len(rest) != 1 {
					return fmt.Errorf("%w: show takes one ID", cmdline.ErrUsage)
				}
				return e.dbShow(rest[0], *asJSON)
			case "stats":
				return e.dbStats(*asJSON)
			case "import":
				if len(rest) == 0 {
					return fmt.Errorf("%w: import needs CIF files", cmdline.ErrUsage)
				}
				return e.dbImport(rest, dups)
			case "remove":
				if len(rest) == 0 {
					return fmt.Errorf("%w: remove needs IDs", cmdline.ErrUsage)
				}
				return e.cfg.Store.Remove(rest...)
			case "export":
				if *out == "" {
					return fmt.Errorf("%w: export needs -o OUT.cif", cmdline.ErrUsage)
				}
				return e.dbExport(rest, *out)
			}
			return fmt.Errorf("%w: unknown db command %q (search, show, stats, import, remove, export)", cmdline.ErrUsage, sub)
		}
	},
}

func (e *env) dbSearch(q refdb.Query, asJSON bool) error {
	db, err := e.cfg.Store.DB()
	if err != nil {
		return err
	}
	hits := db.Search(q)
	if asJSON {
		out := dbSearchJSON{len(hits), []entryJSON{}}
		for _, h := range hits {
			out.Entries = append(out.Entries, entryOf(h.Phase))
		}
		return writeJSON(e.stdout, out)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "id\tname\tmineral\tformula\tspace group")
	for _, h := range hits {
		p := h.Phase
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, p.Mineral, p.Formula, p.Structure.SpaceGroup)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	e.warnf("%d entries", len(hits))
	return nil
}

func (e *env) dbShow(id string, asJSON bool) error {
	db, err := e.cfg.Store.DB()
	if err != nil {
		return err
	}
	p := db.Get(id)
	if p == nil {
		return fmt.Errorf("no entry %q (see bragg db search)", id)
	}
	if asJSON {
		return writeJSON(e.stdout, p)
	}
	w := e.stdout
	c := p.Structure.Cell
	fmt.Fprintf(w, "%s  %s", p.ID, p.DisplayName())
	fmt.Fprintf(w, "\nformula     %s", p.Formula)
	if sf := p.Structure.StructuralFormula; sf != "" && sf != p.Formula {
		fmt.Fprintf(w, " (structural %s)", sf)
	}
	fmt.Fprintf(w, "   elements %s\n", strings.Join(p.Elements, " "))
	fmt.Fprintf(w, "space group %s (%d), %s\n", p.Structure.SpaceGroup, p.Structure.SpaceGroupNumber, p.System)
	fmt.Fprintf(w, "cell        a=%.5g b=%.5g c=%.5g Å  α=%.5g β=%.5g γ=%.5g°  V=%.5g Å³  Z=%g\n", c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, p.Volume, p.Z)
	fmt.Fprintf(w, "density     %.4g g/cm³ (calculated)   RIR %.3g (calculated I/Ic)\n", p.Density, p.RIR)
	fmt.Fprintf(w, "source      %s\nlicence     %s\n", p.Source, p.License)
	if p.Citation != "" {
		fmt.Fprintf(w, "citation    %s\n", p.Citation)
	}
	var flags []string
	for _, f := range []struct {
		on   bool
		name string
	}{{p.Common, "common phase"}, {p.Computed, "computed structure"}, {p.PartialOccupancy, "partial occupancy"}, {p.MissingH, "H atoms missing"}} {
		if f.on {
			flags = append(flags, f.name)
		}
	}
	if len(p.Duplicates) > 0 {
		flags = append(flags, "merged duplicates: "+strings.Join(p.Duplicates, " "))
	}
	if len(flags) > 0 {
		fmt.Fprintf(w, "flags       %s\n", strings.Join(flags, "; "))
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\nsite\telement\tx\ty\tz\tocc\tUiso\t")
	for _, a := range p.Structure.Sites {
		fmt.Fprintf(tw, "%s\t%s\t%.5f\t%.5f\t%.5f\t%.3g\t%.4g\t\n", a.Label, a.Element, a.X, a.Y, a.Z, a.Occupancy, a.Uiso)
	}
	fmt.Fprintf(tw, "\nd (Å)\tI\th\tk\tl\tm\t2θ Cu Kα1\t\n")
	for _, l := range p.Lines {
		tt, _ := diffraction.TwoTheta(l.D, refdb.Lambda)
		fmt.Fprintf(tw, "%.5f\t%.2f\t%d\t%d\t%d\t%d\t%.3f\t\n", l.D, l.I, l.H, l.K, l.L, l.Multiplicity, tt)
	}
	return tw.Flush()
}

func (e *env) dbStats(asJSON bool) error {
	db, err := e.cfg.Store.DB()
	if err != nil {
		return err
	}
	bySource, byLicense, bySystem := map[string]int{}, map[string]int{}, map[string]int{}
	for _, p := range db.Phases {
		bySource[sourceOf(&p)]++
		byLicense[p.License]++
		bySystem[p.System]++
	}
	present, missing := db.Coverage()
	if missing == nil {
		missing = []string{}
	}
	if asJSON {
		return writeJSON(e.stdout, dbStatsJSON{db.Version, len(db.Phases), bySource, byLicense, bySystem,
			coverageJSON{len(refdb.CommonPhases), len(present), missing}})
	}
	w := e.stdout
	fmt.Fprintf(w, "database %s: %d entries\n", db.Version, len(db.Phases))
	described := map[string]int{}
	for k, n := range bySource {
		if d, ok := sourceNotes[k]; ok {
			k = d
		}
		described[k] = n
	}
	for _, t := range []struct {
		title string
		m     map[string]int
	}{{"by source", described}, {"by licence", byLicense}, {"by crystal system", bySystem}} {
		fmt.Fprintf(w, "\n%s:\n", t.title)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, k := range sortedByCount(t.m) {
			fmt.Fprintf(tw, "  %d\t%s\n", t.m[k], k)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\ncommon laboratory phases: %d of %d present\n", len(present), len(refdb.CommonPhases))
	if len(missing) > 0 {
		fmt.Fprintf(w, "missing: %s\n", strings.Join(missing, ", "))
	}
	return nil
}

// sourceOf is the collection an entry came from: the shared folder, the
// project's own structures, the AFLOW prototypes, or the user.
func sourceOf(p *refdb.Phase) string {
	if strings.HasPrefix(p.ID, refdb.UserPrefix) {
		return "user"
	}
	parts := strings.Split(p.Source, "/")
	if len(parts) > 3 && parts[0] == "shared" {
		return parts[3]
	}
	if len(parts) > 4 && parts[0] == "internal" && parts[3] == "aflow" {
		return "aflow"
	}
	if len(parts) > 1 && parts[0] == "internal" {
		return "bragg"
	}
	return p.Source
}

// sourceNotes explain the project's own source keys in the text output.
var sourceNotes = map[string]string{
	"aflow": "aflow (AFLOW Library of Crystallographic Prototypes)",
	"bragg": "bragg (entered by the project from publications)",
}

func (e *env) dbImport(files []string, dups refdb.Resolution) error {
	ps, failed, err := e.cfg.Store.ImportResolving(files, func(*refdb.DuplicateError) refdb.Resolution { return dups })
	if err != nil {
		return err
	}
	for _, err := range failed {
		e.warnf("%v", err)
	}
	for _, p := range ps {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", p.ID, p.Formula, p.Name)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d files not imported", len(failed), len(files))
	}
	return nil
}

func (e *env) dbExport(ids []string, out string) error {
	user, err := e.cfg.Store.User()
	if err != nil {
		return err
	}
	var ps []*refdb.Phase
	if len(ids) == 0 {
		for i := range user.Phases {
			ps = append(ps, &user.Phases[i])
		}
	}
	for _, id := range ids {
		p := user.Get(id)
		if p == nil {
			return fmt.Errorf("no user entry %q", id)
		}
		ps = append(ps, p)
	}
	if len(ps) == 0 {
		return errors.New("the user database is empty: nothing to export")
	}
	return atomic.WriteFile(out, func(w io.Writer) error { return refdb.WriteCIF(w, ps...) })
}

// sortedByCount returns the keys of m by decreasing count, then by name.
func sortedByCount(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return ks
}
