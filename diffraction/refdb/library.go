package refdb

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// A Library is the reference database of a process as a search reads it:
// the bundled database and the user's collections, each a Part with its
// Index. Store.Library reads it once and again only when a collection
// changes; it is shared and safe for concurrent use.
type Library struct {
	// Parts are the bundled database, then the user's collections by
	// name.
	Parts []*Part
}

// BundledName names the bundled database among the collections.
const BundledName = "bundled"

// Part is the bundled database or one user collection.
type Part struct {
	// Name is BundledName or the collection's name.
	Name string
	// Enabled parts are searched when a Subset names no collections; the
	// bundled database always is.
	Enabled bool
	// Index numbers the part's entries 0…Len-1.
	Index *Index
	db    *DB       // the bundled database
	file  *collFile // a collection
	// hidden marks the bundled entries that an entry of an enabled
	// collection replaces (Replace): left out of searches and lookups
	// while it stands.
	hidden []bool
}

// Hidden reports whether entry i is replaced by a user's entry (and so
// searched and found no more).
func (p *Part) Hidden(i int) bool { return p.hidden != nil && p.hidden[i] }

// Replaced returns the number of entries Hidden.
func (p *Part) Replaced() int {
	n := 0
	for _, h := range p.hidden {
		if h {
			n++
		}
	}
	return n
}

// Len returns the number of entries.
func (p *Part) Len() int { return p.Index.Len() }

// User reports whether the part is a user collection.
func (p *Part) User() bool { return p.file != nil }

// Bundled returns the bundled database of the library.
func (l *Library) Bundled() *DB { return l.Parts[0].db }

// Phase returns entry i whole: for the bundled database the shared entry,
// for a collection a decoded copy.
func (p *Part) Phase(i int) (*Phase, error) {
	if p.db != nil {
		return &p.db.Phases[i], nil
	}
	return p.file.phase(i)
}

// Head returns entry i for listing and searching by name: for a user
// collection a decoded copy without the atoms and operators of its
// structure and without lines (Phase gives those); for the bundled
// database the shared entry.
func (p *Part) Head(i int) (*Phase, error) {
	if p.db != nil {
		return &p.db.Phases[i], nil
	}
	return p.file.headPhase(i)
}

// Lattice is an entry of a Part with its cell (InSpaceGroup).
type Lattice struct {
	Entry int
	Cell  crystal.Cell
}

// InSpaceGroup returns the entries whose structure has space group number
// n, in order, with their cells (shared: not to be changed): what a
// search for look-alikes of a structure reads to choose the few entries
// worth reading, without decoding every head of a collection each time. A
// collection lists its entries by space group when first asked, from
// their heads, once for as long as its file is unchanged.
func (p *Part) InSpaceGroup(n int) ([]Lattice, error) {
	if p.db == nil {
		return p.file.inSpaceGroup(n)
	}
	var out []Lattice
	for i := range p.db.Phases {
		if s := &p.db.Phases[i].Structure; s.SpaceGroupNumber == n {
			out = append(out, Lattice{Entry: i, Cell: s.Cell})
		}
	}
	return out, nil
}

// ID returns entry i's ID.
func (p *Part) ID(i int) string {
	if p.db != nil {
		return p.db.Phases[i].ID
	}
	return p.file.id(i)
}

// Find returns the entry with the given ID, or -1 (also for a hidden one).
func (p *Part) Find(id string) int {
	if p.db != nil {
		// The bundled database is sorted by ID.
		i, ok := slices.BinarySearchFunc(p.db.Phases, id, func(q Phase, id string) int { return strings.Compare(q.ID, id) })
		if !ok || p.Hidden(i) {
			return -1
		}
		return i
	}
	return p.file.find(id)
}

// Part returns the part of the given name, or nil.
func (l *Library) Part(name string) *Part {
	for _, p := range l.Parts {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// Get returns the entry with the given ID, whole, and its part; nil when
// there is none.
func (l *Library) Get(id string) (*Phase, *Part, error) {
	for _, part := range l.Parts {
		if i := part.Find(id); i >= 0 {
			p, err := part.Phase(i)
			return p, part, err
		}
	}
	return nil, nil, nil
}

// Search returns the entries of every part (enabled or not) that satisfy
// q, part by part and in each by ID, or by Score for a Hanawalt search
// (see DB.Search). Hits in user collections carry the entry's head
// (Part.Head); Get gives the whole entry.
func (l *Library) Search(q Query) ([]Hit, error) {
	c := q.compile()
	var hits []Hit
	for _, part := range l.Parts {
		if part.db != nil {
			for _, h := range c.search(part.db.Phases) {
				if !part.Hidden(h.index) {
					hits = append(hits, h.Hit)
				}
			}
			continue
		}
		for _, i := range part.file.sortedByID() {
			if c.byText() {
				t, err := part.file.searchText(i)
				if err != nil {
					return nil, err
				}
				if !c.mayAdmit(t) {
					continue
				}
			}
			h, err := part.file.headPhase(i)
			if err != nil {
				return nil, err
			}
			if !c.admits(h) {
				continue
			}
			score := 0.0
			if c.hanawalt {
				p, err := part.file.phase(i)
				if err != nil {
					return nil, err
				}
				var ok bool
				if score, ok = hanawalt(p, q.Strongest, c.tol); !ok {
					continue
				}
			}
			hits = append(hits, Hit{Phase: h, Score: score})
		}
	}
	c.sort(hits)
	return hits, nil
}

// The kinds of entries a Subset can ask for (SubsetKinds describes them).
const (
	SubsetCommon    = "common"
	SubsetMinerals  = "minerals"
	SubsetInorganic = "inorganic"
	SubsetComputed  = "computed"
	SubsetUser      = "user"
)

// SubsetKinds lists the kinds with what they select, for a window's
// selector and the command line's help.
var SubsetKinds = []struct{ Name, Description string }{
	{SubsetCommon, "the phases met every day in laboratories (the curated list, and user entries of its phases)"},
	{SubsetMinerals, "entries with a mineral name"},
	{SubsetInorganic, "entries without a C–C or C–H bond (the ICSD's scope)"},
	{SubsetComputed, "structures from a calculation or an idealised model; -computed: measured ones"},
	{SubsetUser, "entries of the user's collections; -user: the bundled database"},
}

// A Subset narrows what a search reads, as the subfiles of HighScore or
// Match! do. The zero Subset is the bundled database and the enabled
// collections, whole.
type Subset struct {
	// Kinds are kinds of entry (SubsetCommon …) that an entry must all
	// be; a kind written with a leading "-" is one it must not be
	// ("-computed": measured structures only).
	Kinds []string
	// Collections, when set, are the parts searched, enabled or not:
	// BundledName and the names of user collections.
	Collections []string
}

// ParseList splits a comma-separated list as a user writes it ("common,
// minerals"), each item once.
func ParseList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// Validate reports the first kind that is not one, a kind both asked for
// and excluded, or a collection name that cannot be one (CheckName).
// Whether the named collections exist is Library.Select's to say.
func (s Subset) Validate() error {
	for _, k := range s.Kinds {
		name := strings.TrimPrefix(k, "-")
		if !slices.ContainsFunc(SubsetKinds, func(d struct{ Name, Description string }) bool { return d.Name == name }) {
			var names []string
			for _, d := range SubsetKinds {
				names = append(names, d.Name)
			}
			return fmt.Errorf("subset %q: no such kind of entry (%s, each negated with a leading -)", k, strings.Join(names, ", "))
		}
		if slices.Contains(s.Kinds, "-"+name) && slices.Contains(s.Kinds, name) {
			return fmt.Errorf("subset: %s is both asked for and excluded", name)
		}
	}
	for _, c := range s.Collections {
		if c == BundledName {
			continue
		}
		if err := CheckName(c); err != nil {
			return fmt.Errorf("subset: %w", err)
		}
	}
	return nil
}

// String writes the subset as the command line takes it, "" for the zero
// Subset: "common,minerals; collections cod".
func (s Subset) String() string {
	var parts []string
	if len(s.Kinds) > 0 {
		parts = append(parts, strings.Join(s.Kinds, ","))
	}
	if len(s.Collections) > 0 {
		parts = append(parts, "collections "+strings.Join(s.Collections, ","))
	}
	return strings.Join(parts, "; ")
}

// A Selection is a Subset resolved against a Library: the parts searched
// and what their entries must be. It is the one filter of what a search
// reads.
type Selection struct {
	Parts []*Part
	// want are flags an entry must have, not flags it must not have.
	want, not Flags
	lib       *Library
}

// Name names the database a selection reads, for the record of an
// analysis: the bundled database's version, "+" and each user collection
// searched ("2026.2+cod").
func (s *Selection) Name() string {
	name := s.lib.Bundled().Version
	for _, p := range s.Parts {
		if p.User() {
			name += "+" + p.Name
		}
	}
	return name
}

// Len counts the entries the selection admits.
func (s *Selection) Len() int {
	n := 0
	for _, p := range s.Parts {
		for i := range p.Len() {
			if s.Admits(p, i) {
				n++
			}
		}
	}
	return n
}

// Get returns the entry with the given ID anywhere in the library the
// selection reads, whole (an entry a user names, such as a required phase
// or an internal standard, need not be among those selected); nil when
// there is none.
func (s *Selection) Get(id string) (*Phase, error) {
	p, _, err := s.lib.Get(id)
	return p, err
}

// Select resolves a subset: an error names a collection the library does
// not have. Every part is read at least in part, so the error of a kind
// the library has none of is not one: an empty selection is a valid
// answer.
func (l *Library) Select(s Subset) (*Selection, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	sel := &Selection{lib: l}
	user := 0 // +1: user parts only, -1: the bundled one only
	for _, k := range s.Kinds {
		var f Flags
		switch strings.TrimPrefix(k, "-") {
		case SubsetCommon:
			f = FlagCommon
		case SubsetMinerals:
			f = FlagMineral
		case SubsetComputed:
			f = FlagComputed
		case SubsetInorganic:
			// Inorganic is the absence of the organic flag.
			if strings.HasPrefix(k, "-") {
				sel.want |= FlagOrganic
			} else {
				sel.not |= FlagOrganic
			}
			continue
		case SubsetUser:
			user = 1
			if strings.HasPrefix(k, "-") {
				user = -1
			}
			continue
		}
		if strings.HasPrefix(k, "-") {
			sel.not |= f
		} else {
			sel.want |= f
		}
	}
	for _, name := range s.Collections {
		if l.Part(name) == nil {
			return nil, fmt.Errorf("no collection %q (bragg db collections lists them)", name)
		}
	}
	for _, p := range l.Parts {
		named := slices.Contains(s.Collections, p.Name)
		if len(s.Collections) == 0 && !p.Enabled || len(s.Collections) > 0 && !named || user > 0 && !p.User() || user < 0 && p.User() {
			continue
		}
		sel.Parts = append(sel.Parts, p)
	}
	return sel, nil
}

// Admits reports whether entry i of one of the selection's parts is
// selected (a hidden entry never is).
func (s *Selection) Admits(p *Part, i int) bool {
	f := p.Index.Flags(i)
	return f&s.want == s.want && f&s.not == 0 && !p.Hidden(i)
}

// CheckName reports whether a collection name can be used: 1–40 lower-case
// letters, digits and hyphens, starting with a letter ("cod", "my-lab"),
// and not BundledName.
func CheckName(name string) error {
	ok := len(name) > 0 && len(name) <= 40 && name[0] >= 'a' && name[0] <= 'z'
	for _, c := range name {
		ok = ok && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
	}
	if !ok {
		return fmt.Errorf("collection name %q: use 1–40 lower-case letters, digits and hyphens, starting with a letter (cod, my-lab)", name)
	}
	if name == BundledName {
		return errors.New("collection name \"bundled\" is the bundled database's")
	}
	return nil
}
