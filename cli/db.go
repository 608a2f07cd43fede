package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/match"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

var dbCmd = &command{
	name: "db", args: "search [TEXT] | show ID | stats | import PATH... | collections [enable|disable|remove NAME...] | remove ID... | export [ID...] -o OUT.cif", minArgs: 1, maxArgs: -1,
	summary: `The reference database: the bundled phases and the user's collections of imported CIFs
(kept in the user's configuration directory; the enabled ones are searched with the
bundled phases).
  search [TEXT]        entries whose ID, name, mineral or formula contains TEXT, narrowed
                       by --formula, --elements, --any, --none, --sg and --d (Hanawalt:
                       the sample's three strongest d-spacings); no criteria: every entry
  show ID              one entry: provenance, cell, space group, atoms and lines
  stats                counts by source, licence and crystal system, the coverage of the
                       common laboratory phases, the collections, the structures the
                       sanity gate refused and the size of the search index
  import PATH...       add the structures of CIF files, of folders (walked) and of .zip,
                       .tar.gz and .tgz archives to a collection (--collection, default
                       "user"), on every core; a phase already in the database is skipped
                       (or --duplicates replace|keep), refused files listed with their
                       reasons in a log (--log)
  collections          the collections: entries, enabled or not, size
  collections enable NAME...    search a collection again
  collections disable NAME...   keep a collection without searching it (identify
                                --collection NAME still can)
  collections remove NAME...    delete collections and their entries
  remove ID...         delete user entries
  export [ID...]       write user entries (those named, those of --collection, or all) as
                       CIF to -o`,
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
		coll := fs.String("collection", "", `import: the collection the entries go to (created if new; default "user"); export: the collection written`)
		logFile := fs.String("log", "", "import: where to list the files not imported, with their reasons (default: a file import-COLLECTION-TIME.log in the user's database folder)")
		workers := fs.Int("j", 0, "import: files computed at once (default: one per core)")
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
					return fmt.Errorf("%w: import needs CIF files, folders or archives", cmdline.ErrUsage)
				}
				resolve := func(*refdb.DuplicateError) refdb.Resolution { return dups }
				return e.dbImport(rest, refdb.ImportOptions{Collection: *coll, Workers: *workers, Resolve: resolve}, *logFile)
			case "collections":
				return e.dbCollections(rest, *asJSON)
			case "remove":
				if len(rest) == 0 {
					return fmt.Errorf("%w: remove needs IDs", cmdline.ErrUsage)
				}
				return e.cfg.Store.Remove(rest...)
			case "export":
				if *out == "" {
					return fmt.Errorf("%w: export needs -o OUT.cif", cmdline.ErrUsage)
				}
				return e.dbExport(rest, *coll, *out)
			}
			return fmt.Errorf("%w: unknown db command %q (search, show, stats, import, collections, remove, export)", cmdline.ErrUsage, sub)
		}
	},
}

// subsetFlags declares --subset and --collection, which narrow the
// database an identification searches (analysis.Options.Subset, judged by
// analysis.Options.Validate).
func subsetFlags(fs *flag.FlagSet, opt *analysis.Options) {
	var kinds []string
	for _, k := range refdb.SubsetKinds {
		kinds = append(kinds, k.Name+": "+k.Description)
	}
	fs.Func("subset", "comma-separated kinds of entry a candidate must all be, each negated with a leading -: "+strings.Join(kinds, "; "),
		func(s string) error { opt.Subset.Kinds = refdb.ParseList(s); return nil })
	fs.Func("collection", `comma-separated collections searched, instead of the bundled database and the enabled collections ("bundled" is the bundled database; see bragg db collections)`,
		func(s string) error { opt.Subset.Collections = refdb.ParseList(s); return nil })
}

func (e *env) dbSearch(q refdb.Query, asJSON bool) error {
	lib, err := e.cfg.Store.Library()
	if err != nil {
		return err
	}
	hits, err := lib.Search(q)
	if err != nil {
		return err
	}
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.ID, p.Name, p.Mineral, p.Formula, p.Structure.SpaceGroupLabel())
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	e.warnf("%d entries", len(hits))
	return nil
}

func (e *env) dbShow(id string, asJSON bool) error {
	lib, err := e.cfg.Store.Library()
	if err != nil {
		return err
	}
	p, part, err := lib.Get(id)
	if err != nil {
		return err
	}
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
	fmt.Fprintf(w, "space group %s, %s\n", p.Structure.SpaceGroupName(), p.System)
	fmt.Fprintf(w, "cell        a=%.5g b=%.5g c=%.5g Å  α=%.5g β=%.5g γ=%.5g°  V=%.5g Å³  Z=%g\n", c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, p.Volume, p.Z)
	fmt.Fprintf(w, "density     %.4g g/cm³ (calculated)   RIR %.3g (calculated I/Ic)\n", p.Density, p.RIR)
	fmt.Fprintf(w, "source      %s\nlicence     %s\ncollection  %s\n", p.Source, p.License, part.Name)
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
	lib, err := e.cfg.Store.Library()
	if err != nil {
		return err
	}
	colls, err := e.cfg.Store.Collections()
	if err != nil {
		return err
	}
	bySource, byLicense, bySystem := map[string]int{}, map[string]int{}, map[string]int{}
	var heads []*refdb.Phase
	for _, part := range lib.Parts {
		for i := range part.Len() {
			p, err := part.Head(i)
			if err != nil {
				return err
			}
			heads = append(heads, p)
			bySource[sourceOf(p, part)]++
			byLicense[p.License]++
			bySystem[p.System]++
		}
	}
	present, missing := refdb.Coverage(heads)
	if missing == nil {
		missing = []string{}
	}
	bundled := lib.Bundled()
	var index int64
	for _, c := range colls {
		index += c.IndexBytes
	}
	refused := bundled.Refused
	if refused == nil {
		refused = []refdb.Refusal{}
	}
	if asJSON {
		return writeJSON(e.stdout, dbStatsJSON{bundled.Version, len(heads), bySource, byLicense, bySystem,
			coverageJSON{len(refdb.CommonPhases), len(present), missing}, colls, refusedJSON{bundled.RefusedByReason(), refused}, index})
	}
	w := e.stdout
	fmt.Fprintf(w, "database %s: %d entries\n", bundled.Version, len(heads))
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
	if n := len(bundled.Refused); n > 0 {
		byReason := bundled.RefusedByReason()
		var parts []string
		for _, r := range refdb.Reasons {
			if byReason[r] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", r, byReason[r]))
			}
		}
		fmt.Fprintf(w, "\nrefused by the sanity gate: %d (%s), see docs/refused.md\n", n, strings.Join(parts, ", "))
	}
	fmt.Fprintln(w, "\ncollections:")
	if err := e.writeCollections(colls); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nsearch index: %s in all\n", byteSize(index))
	return nil
}

// writeCollections writes the table of the collections.
func (e *env) writeCollections(colls []refdb.Collection) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  name\tentries\tsearched\tfile\tindex")
	for _, c := range colls {
		on, file := "yes", byteSize(c.Bytes)
		if !c.Enabled {
			on = "no (disabled)"
		}
		if c.Name == refdb.BundledName {
			file = "in the program"
		}
		fmt.Fprintf(tw, "  %s\t%d\t%s\t%s\t%s\n", c.Name, c.Entries, on, file, byteSize(c.IndexBytes))
	}
	return tw.Flush()
}

// byteSize writes a size in bytes for a person: "4.2 MB".
func byteSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// sourceOf is where an entry came from: the shared folder, the project's
// own structures, the AFLOW prototypes, or the user (any collection).
func sourceOf(p *refdb.Phase, part *refdb.Part) string {
	if part.User() {
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

// dbCollections lists the collections or changes them.
func (e *env) dbCollections(args []string, asJSON bool) error {
	if len(args) == 0 || args[0] == "list" && len(args) == 1 {
		colls, err := e.cfg.Store.Collections()
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(e.stdout, collectionsJSON{colls})
		}
		return e.writeCollections(colls)
	}
	act, names := args[0], args[1:]
	if len(names) == 0 {
		return fmt.Errorf("%w: collections %s needs the names of collections", cmdline.ErrUsage, act)
	}
	var do func(string) error
	switch act {
	case "enable":
		do = func(n string) error { return e.cfg.Store.SetEnabled(n, true) }
	case "disable":
		do = func(n string) error { return e.cfg.Store.SetEnabled(n, false) }
	case "remove":
		do = e.cfg.Store.RemoveCollection
	default:
		return fmt.Errorf("%w: unknown collections command %q (enable, disable, remove)", cmdline.ErrUsage, act)
	}
	for _, n := range names {
		if err := do(n); err != nil {
			return err
		}
	}
	return nil
}

// dbImport imports sources into a collection, shows the progress on
// standard error, prints the new entries on standard output, lists what
// was not imported in a log file and sums it up. Duplicates are skipped,
// not errors, unless nothing else was imported; a file refused or unread
// makes the exit status 1.
func (e *env) dbImport(sources []string, opt refdb.ImportOptions, logPath string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	prog := newImportProgress(e.stderr)
	opt.Progress = prog.show
	res, err := e.cfg.Store.Import(ctx, sources, opt)
	prog.done()
	if err != nil {
		return err
	}
	for _, p := range res.Imported {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", p.ID, p.Formula, p.Name)
	}
	byReason := map[string]int{}
	for _, f := range res.Failed {
		byReason[f.Reason]++
	}
	dups := byReason[refdb.ImportDuplicate]
	refused := len(res.Failed) - dups
	// A few are worth reading at once; a collection's thousands are for
	// the log.
	if len(res.Failed) <= maxListed {
		for _, f := range res.Failed {
			e.warnf("%v", f.Err)
		}
	}
	e.warnf("imported %d entries into %q from %d CIF files; %d duplicates skipped, %d refused", len(res.Imported), res.Collection, res.Files, dups, refused)
	if len(res.Failed) == 0 {
		return nil
	}
	if refused > 0 {
		var parts []string
		for _, r := range sortedByCount(byReason) {
			if r != refdb.ImportDuplicate {
				parts = append(parts, fmt.Sprintf("%s %d", r, byReason[r]))
			}
		}
		e.warnf("refused: %s", strings.Join(parts, ", "))
	}
	if logPath == "" {
		logPath = filepath.Join(e.cfg.Store.UserPath(), fmt.Sprintf("import-%s-%s.log", res.Collection, time.Now().Format("20060102-150405")))
	}
	err = atomic.WriteFile(logPath, func(w io.Writer) error {
		fmt.Fprintf(w, "# bragg db import into %q: the files not imported\n# file\treason\tdetail\n", res.Collection)
		for _, f := range res.Failed {
			fmt.Fprintf(w, "%s\t%s\t%s\n", f.File, f.Reason, oneLine(strings.TrimPrefix(f.Err.Error(), f.File+": ")))
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.warnf("the files not imported are listed in %s", logPath)
	switch {
	case refused > 0:
		return fmt.Errorf("%d of %d files not imported", refused, res.Files)
	case len(res.Imported) == 0:
		// Every file a duplicate: nothing of what was asked was added,
		// which a script importing one file must see.
		return fmt.Errorf("nothing imported: %d duplicates", dups)
	}
	return nil
}

// maxListed is the most files not imported that an import lists on
// standard error as well as in its log.
const maxListed = 10

// importProgress shows an import's progress on standard error: one line
// kept up to date on a terminal, else a plain line every
// importProgressEvery.
type importProgress struct {
	w        io.Writer
	terminal bool
	last     time.Time
	start    time.Time
	shown    bool
}

// importProgressEvery is how often importProgress writes a plain line:
// often enough to see that a long import moves, seldom enough for a log
// file.
const importProgressEvery = 10 * time.Second

func newImportProgress(w io.Writer) *importProgress {
	return &importProgress{w: w, terminal: isTerminal(w), start: time.Now(), last: time.Now()}
}

func (p *importProgress) show(s refdb.ImportProgress) {
	now := time.Now()
	every := importProgressEvery
	if p.terminal {
		every = 100 * time.Millisecond
	}
	if now.Sub(p.last) < every {
		return
	}
	p.last = now
	rate := float64(s.Files) / now.Sub(p.start).Seconds()
	line := fmt.Sprintf("bragg: %d files (%.0f/s): %d imported, %d duplicates, %d refused", s.Files, rate, s.Imported, s.Duplicates, s.Refused)
	if p.terminal {
		fmt.Fprintf(p.w, "\r\x1b[K%s", line)
		p.shown = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// done ends the terminal's progress line.
func (p *importProgress) done() {
	if p.shown {
		fmt.Fprintln(p.w)
	}
}

// dbExport writes user entries as CIF: those named, else those of the
// collection coll, else all.
func (e *env) dbExport(ids []string, coll, out string) error {
	lib, err := e.cfg.Store.Library()
	if err != nil {
		return err
	}
	var ps []*refdb.Phase
	for _, id := range ids {
		p, part, err := lib.Get(id)
		if err != nil {
			return err
		}
		if p == nil || !part.User() {
			return fmt.Errorf("no user entry %q", id)
		}
		ps = append(ps, p)
	}
	if len(ids) == 0 {
		for _, part := range lib.Parts {
			if !part.User() || coll != "" && part.Name != coll {
				continue
			}
			for i := range part.Len() {
				p, err := part.Phase(i)
				if err != nil {
					return err
				}
				ps = append(ps, p)
			}
		}
		if coll != "" && lib.Part(coll) == nil {
			return fmt.Errorf("no collection %q (bragg db collections lists them)", coll)
		}
	}
	if len(ps) == 0 {
		return errors.New("no user entries: nothing to export")
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
