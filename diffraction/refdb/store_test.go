package refdb

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// testBundled is a bundled database of one phase, corundum under its
// bundled ID (the RIR reference Import needs), counting its loads.
func testBundled(t *testing.T) (func() (*DB, error), *int) {
	t.Helper()
	ps, err := ImportFile(testCIF("corundum.cif"), testCorundumScale)
	if err != nil {
		t.Fatal(err)
	}
	ps[0].ID = CorundumID
	db := &DB{Version: "test", Phases: ps}
	n := 0
	return func() (*DB, error) { n++; return db, nil }, &n
}

func testCIF(name string) string { return filepath.Join("..", "crystal", "testdata", name) }

// ids lists the IDs of imported entries.
func ids(es []ImportedEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

// reasons lists the reasons of failures, by file base name.
func reasons(fs []ImportFailure) map[string]string {
	m := map[string]string{}
	for _, f := range fs {
		m[filepath.Base(f.File)] = f.Reason
	}
	return m
}

// TestStore: the library is read once and shared until a collection
// changes, through the Store or behind its back; collections are
// enabled, disabled and removed; user entries removed.
func TestStore(t *testing.T) {
	ctx := context.Background()
	bundled, _ := testBundled(t)
	dir := filepath.Join(t.TempDir(), "bragg", "refdb")
	s := NewStore(bundled, dir)
	a, err := s.Library()
	if err != nil || len(a.Parts) != 1 || a.Parts[0].Len() != 1 {
		t.Fatalf("no collections yet: %v, %d parts", err, len(a.Parts))
	}
	if b, _ := s.Library(); b != a {
		t.Error("an unchanged library was read again")
	}

	bad := filepath.Join(t.TempDir(), "bad.cif")
	os.WriteFile(bad, []byte("data_x\n_cell_length_a 'unterminated\n"), 0o644)
	res, err := s.Import(ctx, []string{testCIF("nacl.cif"), bad}, ImportOptions{})
	if err != nil || !slices.Equal(ids(res.Imported), []string{"user:nacl"}) || len(res.Failed) != 1 || res.Failed[0].Reason != ImportInvalid ||
		!strings.Contains(res.Failed[0].Error(), "bad.cif") || res.Files != 2 {
		t.Fatalf("import: %v, %+v", err, res)
	}
	b, err := s.Library()
	if err != nil || b == a || len(b.Parts) != 2 || b.Parts[1].Name != DefaultCollection {
		t.Fatalf("after import: %v, %d parts", err, len(b.Parts))
	}
	if p, part, err := b.Get("user:nacl"); err != nil || p == nil || p.Formula != "NaCl" || len(p.Lines) == 0 || part.Name != "user" {
		t.Fatalf("imported entry: %v %v", p, err)
	}
	if c, _ := s.Library(); c != b {
		t.Error("read again after the import was seen")
	}

	// Another process (bragg db import in a shell) adds a collection.
	other := NewStore(bundled, dir)
	time.Sleep(10 * time.Millisecond) // a modification time of its own
	if _, err := other.Import(ctx, []string{testCIF("si.cif")}, ImportOptions{Collection: "my-lab"}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Library()
	if err != nil || c == b || c.Part("my-lab") == nil {
		t.Fatalf("a change by another process was not seen: %v", err)
	}
	if p, _, _ := c.Get("my-lab:si"); p == nil {
		t.Error("the other collection's entry is missing")
	}
	// The unchanged collection is not read again.
	if c.Part(DefaultCollection).file != b.Part(DefaultCollection).file {
		t.Error("an unchanged collection file was opened again")
	}

	if err := s.SetEnabled("my-lab", false); err != nil {
		t.Fatal(err)
	}
	d, _ := s.Library()
	if d.Part("my-lab").Enabled {
		t.Error("disabled collection still enabled")
	}
	if sel, _ := d.Select(Subset{}); slices.ContainsFunc(sel.Parts, func(p *Part) bool { return p.Name == "my-lab" }) {
		t.Error("a disabled collection is searched")
	}
	if sel, err := d.Select(Subset{Collections: []string{"my-lab"}}); err != nil || len(sel.Parts) != 1 || sel.Parts[0].Name != "my-lab" {
		t.Errorf("naming a disabled collection: %v", err)
	}
	if _, err := d.Select(Subset{Collections: []string{"nope"}}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown collection: %v", err)
	}
	if err := s.SetEnabled("nope", true); err == nil {
		t.Error("enabling a collection that does not exist")
	}
	// Listed by name, after the bundled database.
	cs, err := s.Collections()
	if err != nil || len(cs) != 3 || cs[0].Name != BundledName || cs[1].Name != "my-lab" || cs[1].Enabled || cs[1].Entries != 1 || cs[1].Bytes == 0 ||
		cs[1].IndexBytes == 0 || !cs[2].Enabled {
		t.Errorf("collections: %v %+v", err, cs)
	}

	if err := s.Remove("user:nacl", "cod:nope"); err == nil || !strings.Contains(err.Error(), `"cod:nope"`) {
		t.Errorf("removing a bundled ID: %v", err)
	}
	if err := s.Remove("user:nacl"); err != nil {
		t.Fatal(err)
	}
	e, _ := s.Library()
	if p, _, _ := e.Get("user:nacl"); p != nil || e.Part(DefaultCollection).Len() != 0 {
		t.Error("removed entry still there")
	}
	if err := s.RemoveCollection("my-lab"); err != nil {
		t.Fatal(err)
	}
	if f, _ := s.Library(); f.Part("my-lab") != nil {
		t.Error("removed collection still there")
	}
	if err := s.RemoveCollection(BundledName); err == nil {
		t.Error("the bundled database was removed")
	}
}

// TestImportResolving: a structure already in the database is skipped
// (Import), kept beside it, or replaces it; a replaced bundled entry is
// hidden while the user's entry stands and comes back when it is removed.
func TestImportResolving(t *testing.T) {
	bundled, _ := testBundled(t)
	dir := t.TempDir()
	s := NewStore(bundled, filepath.Join(dir, "user.refdb"))
	corundum := filepath.Join("..", "crystal", "testdata", "corundum.cif")
	count := func(formula string) (n int) {
		lib, err := s.Library()
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range lib.Parts {
			for i := range part.Len() {
				h, err := part.Head(i)
				if err != nil {
					t.Fatal(err)
				}
				if part.Enabled && !part.Hidden(i) && h.Formula == formula {
					n++
				}
			}
		}
		return n
	}
	get := func(id string) *Phase {
		lib, err := s.Library()
		if err != nil {
			t.Fatal(err)
		}
		p, _, err := lib.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	var asked []string
	resolve := func(r Resolution) func(*DuplicateError) Resolution {
		return func(d *DuplicateError) Resolution { asked = append(asked, d.ID+"="+d.Of.ID); return r }
	}

	ps, failed, err := s.ImportResolving([]string{corundum}, resolve(Skip))
	var dup *DuplicateError
	if err != nil || len(ps) != 0 || len(failed) != 1 || !errors.As(failed[0], &dup) || dup.Of.ID != CorundumID {
		t.Fatalf("skip: %v, %d imported, failed %v", err, len(ps), failed)
	}
	if _, _, err := s.ImportResolving([]string{corundum}, resolve(KeepBoth)); err != nil || count("Al2O3") != 2 {
		t.Fatalf("keep both: %v, %d corundums", err, count("Al2O3"))
	}
	// Each import asked once, about the bundled entry.
	if want := "user:corundum=" + CorundumID; strings.Join(asked, " ") != want+" "+want {
		t.Errorf("asked about %q", asked)
	}

	// A copy under another name duplicates the user's entry first, which
	// it replaces.
	other := filepath.Join(dir, "alumina.cif")
	b, _ := os.ReadFile(corundum)
	os.WriteFile(other, b, 0o644)
	asked = nil
	if ps, _, err := s.ImportResolving([]string{other}, resolve(Replace)); err != nil || len(ps) != 1 {
		t.Fatalf("replace the user's: %v", err)
	}
	if asked[0] != "user:alumina=user:corundum" || get("user:corundum") != nil || get(CorundumID) == nil || count("Al2O3") != 2 {
		t.Fatalf("replace the user's: asked %q, %d corundums", asked, count("Al2O3"))
	}
	// Replacing again, now the bundled entry: hidden while user:alumina2
	// stands, back when it is removed.
	asked = nil
	third := filepath.Join(dir, "alumina2.cif")
	os.WriteFile(third, b, 0o644)
	s.Remove("user:alumina")
	if _, _, err := s.ImportResolving([]string{third}, resolve(Replace)); err != nil {
		t.Fatal(err)
	}
	if asked[0] != "user:alumina2="+CorundumID || get(CorundumID) != nil || count("Al2O3") != 1 {
		t.Fatalf("replace the bundled: asked %q, bundled still there: %v", asked, get(CorundumID) != nil)
	}
	if p := get("user:alumina2"); p == nil || !slices.Contains(p.Duplicates, CorundumID) {
		t.Fatalf("the replacing entry does not name the bundled one")
	}
	// The hidden entry is not a duplicate any more: the next copy is one
	// of the user's entry.
	asked = nil
	s.ImportResolving([]string{other}, resolve(Skip))
	if asked[0] != "user:alumina=user:alumina2" {
		t.Errorf("duplicate of a hidden entry: %q", asked)
	}
	s.Remove("user:alumina2")
	if get(CorundumID) == nil {
		t.Error("the bundled entry did not come back")
	}
}

// TestLibrarySearchPrefilter: a search of a collection, which tests each
// entry's encoded head before decoding it (compiledQuery.mayAdmit), finds
// what testing every decoded head finds, for names, IDs, formulas in any
// order, a formula criterion, elements and a space group.
func TestLibrarySearchPrefilter(t *testing.T) {
	bundled, _ := testBundled(t)
	s := NewStore(bundled, filepath.Join(t.TempDir(), "user.refdb"))
	var files []string
	for _, f := range []string{"calcite.cif", "licl.cif", "nacl.cif", "quartz.cif", "rutile.cif", "si.cif"} {
		files = append(files, testCIF(f))
	}
	if _, failed, err := s.ImportResolving(files, func(*DuplicateError) Resolution { return KeepBoth }); err != nil || len(failed) > 0 {
		t.Fatalf("import: %v %v", err, failed)
	}
	lib, err := s.Library()
	if err != nil {
		t.Fatal(err)
	}
	coll := lib.Parts[1]
	for _, q := range []Query{{Text: "nacl"}, {Text: "ClNa"}, {Text: "O2Si"}, {Text: "user:"}, {Text: "QUARTZ"}, {Text: "Calcium"},
		{Text: "é"}, {Text: "Cl"}, {Formula: "SiO2"}, {Formula: "O3CaC"}, {AllOf: []string{"O"}}, {SpaceGroup: "225"}, {Text: "x"}} {
		got, err := lib.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		var ids, want []string
		for _, h := range got {
			if strings.HasPrefix(h.Phase.ID, UserPrefix) {
				ids = append(ids, h.Phase.ID)
			}
		}
		c := q.compile()
		for _, i := range coll.file.sortedByID() {
			h, err := coll.file.headPhase(i)
			if err != nil {
				t.Fatal(err)
			}
			if c.admits(h) {
				want = append(want, h.ID)
			}
		}
		if !slices.Equal(ids, want) {
			t.Errorf("%+v: found %v, want %v", q, ids, want)
		}
	}
}

// TestImportRhombohedral: corundum given on rhombohedral axes is stored on
// hexagonal axes (a = 4.7602, c = 12.9933 Å, Z = 6: the published cell)
// and is found to duplicate the bundled corundum, which is on hexagonal
// axes.
func TestImportRhombohedral(t *testing.T) {
	bundled, _ := testBundled(t)
	s := NewStore(bundled, filepath.Join(t.TempDir(), "user.refdb"))
	file := filepath.Join("testdata", "corundum-rhombohedral.cif")
	ps, err := ImportFile(file, testCorundumScale)
	if err != nil || len(ps) != 1 {
		t.Fatalf("import: %v, %d entries", err, len(ps))
	}
	c := ps[0].Structure.Cell
	if math.Abs(c.A-4.7602) > 1e-4 || math.Abs(c.C-12.9933) > 1e-4 || c.Gamma != 120 || ps[0].Z != 6 || ps[0].Structure.SpaceGroup != "R -3 c :H" {
		t.Errorf("stored as %+v, Z %g, %s", c, ps[0].Z, ps[0].Structure.SpaceGroup)
	}
	_, failed, err := s.ImportResolving([]string{file}, func(*DuplicateError) Resolution { return Skip })
	var dup *DuplicateError
	if err != nil || len(failed) != 1 || !errors.As(failed[0], &dup) || dup.Of.ID != CorundumID {
		t.Errorf("not a duplicate of %s: %v, %v", CorundumID, err, failed)
	}
}

// TestStoreWithoutUser: no configuration directory, no user database.
func TestStoreWithoutUser(t *testing.T) {
	bundled, n := testBundled(t)
	s := NewStore(bundled, "")
	if lib, err := s.Library(); err != nil || len(lib.Parts) != 1 || lib.Parts[0].Len() != 1 {
		t.Fatalf("%v", err)
	}
	s.Library()
	if *n != 1 {
		t.Errorf("bundled database asked for %d times, want once", *n)
	}
	if _, err := s.Import(context.Background(), []string{"x.cif"}, ImportOptions{}); err == nil || !strings.Contains(err.Error(), "configuration directory") {
		t.Errorf("import without a user database: %v", err)
	}
}

// TestStoreBadCollectionFile: a collection file that does not read is an
// error naming it, whatever is wrong with it.
func TestStoreBadCollectionFile(t *testing.T) {
	bundled, _ := testBundled(t)
	dir := t.TempDir()
	s := NewStore(bundled, dir)
	if _, err := s.Import(context.Background(), []string{testCIF("nacl.cif")}, ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "user.refcoll")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		edit func([]byte) []byte
		want string
	}{
		{"not one", func([]byte) []byte { return []byte("not a collection\n") }, "not a Bragg collection"},
		{"cut short", func(b []byte) []byte { return b[:len(b)-100] }, "cut short"},
		{"other schema", func(b []byte) []byte {
			return bytes.Replace(b, []byte("schema="+collSchema), []byte("schema=000000000000"), 1)
		}, "other data types"},
		{"a byte of the index", func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b }, "checksum"},
	} {
		os.WriteFile(path, c.edit(slices.Clone(good)), 0o644)
		if _, err := NewStore(bundled, dir).Library(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A record whose bytes changed is refused when it is read.
	os.WriteFile(path, good, 0o644)
	lib, err := NewStore(bundled, dir).Library()
	if err != nil {
		t.Fatal(err)
	}
	f := lib.Part("user").file
	at, _ := f.span(f.recAt, 8, 0)
	corrupt := slices.Clone(good)
	corrupt[bytes.Index(good, f.records)+at+3] ^= 0xff
	os.WriteFile(path, corrupt, 0o644)
	lib, err = NewStore(bundled, dir).Library()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := lib.Get("user:nacl"); !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), path) {
		t.Errorf("corrupt record: %v", err)
	}
}

// writeZip writes a zip archive of the given entries (name → content).
func writeZip(t *testing.T, path string, entries [][2]string) {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		f, err := w.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(e[1]))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, buf.Bytes(), 0o644)
}

func readTestCIF(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(testCIF(name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestImportSources: a folder (walked, with a sub-folder), a .zip and a
// .tar.gz of CIFs import together; a phase met twice is imported once;
// what is refused is listed with its reason.
func TestImportSources(t *testing.T) {
	bundled, _ := testBundled(t)
	src := t.TempDir()
	os.MkdirAll(filepath.Join(src, "folder", "sub"), 0o755)
	os.WriteFile(filepath.Join(src, "folder", "nacl.cif"), []byte(readTestCIF(t, "nacl.cif")), 0o644)
	os.WriteFile(filepath.Join(src, "folder", "sub", "si.cif"), []byte(readTestCIF(t, "si.cif")), 0o644)
	os.WriteFile(filepath.Join(src, "folder", "notes.txt"), []byte("not a CIF, not read"), 0o644)
	// Halite again under another name: a duplicate of the folder's.
	writeZip(t, filepath.Join(src, "more.zip"), [][2]string{{"cifs/licl.cif", readTestCIF(t, "licl.cif")}, {"cifs/halite.cif", readTestCIF(t, "nacl.cif")},
		{"README", "skipped"}, {"cifs/", ""}})
	var tgz bytes.Buffer
	gz := gzip.NewWriter(&tgz)
	tw := tar.NewWriter(gz)
	for _, e := range [][2]string{{"q/quartz.cif", readTestCIF(t, "quartz.cif")}, {"q/rutile.cif", readTestCIF(t, "rutile.cif")}} {
		tw.WriteHeader(&tar.Header{Name: e[0], Mode: 0o644, Size: int64(len(e[1])), Typeflag: tar.TypeReg})
		tw.Write([]byte(e[1]))
	}
	tw.WriteHeader(&tar.Header{Name: "q/link.cif", Linkname: "/etc/passwd", Typeflag: tar.TypeSymlink})
	tw.Close()
	gz.Close()
	os.WriteFile(filepath.Join(src, "even-more.tar.gz"), tgz.Bytes(), 0o644)

	s := NewStore(bundled, filepath.Join(t.TempDir(), "refdb"))
	var progress []ImportProgress
	res, err := s.Import(context.Background(), []string{filepath.Join(src, "folder"), filepath.Join(src, "more.zip"), filepath.Join(src, "even-more.tar.gz")},
		ImportOptions{Collection: "my-lab", Workers: 3, Progress: func(p ImportProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"my-lab:nacl", "my-lab:si", "my-lab:licl", "my-lab:quartz", "my-lab:rutile"}
	if !slices.Equal(ids(res.Imported), want) {
		t.Errorf("imported %v, want %v (in the order read)", ids(res.Imported), want)
	}
	if r := reasons(res.Failed); len(r) != 2 || r["halite.cif"] != ImportDuplicate || r["link.cif"] != ImportUnsafe {
		t.Errorf("failures %v", r)
	}
	for _, f := range res.Failed {
		if f.Reason == ImportDuplicate && !strings.Contains(f.Error(), "my-lab:nacl") {
			t.Errorf("the duplicate does not name the entry it repeats: %v", f.Err)
		}
	}
	// Seven CIFs: the folder's two, the zip's two, the tar's three.
	if n := len(progress); n != res.Files || res.Files != 7 || progress[n-1].Imported != 5 || progress[n-1].Duplicates != 1 || progress[n-1].Refused != 1 {
		t.Errorf("%d files, progress %+v", res.Files, progress[len(progress)-1])
	}
	lib, _ := s.Library()
	if p, _, _ := lib.Get("my-lab:licl"); p == nil || p.Source != filepath.Join(src, "more.zip")+"!cifs/licl.cif" {
		t.Errorf("entry from the zip: %+v", p)
	}

	// The same sources again: every entry replaces itself, none is a
	// duplicate of itself.
	again, err := s.Import(context.Background(), []string{filepath.Join(src, "folder")}, ImportOptions{Collection: "my-lab"})
	if err != nil || len(again.Imported) != 2 || len(again.Failed) != 0 {
		t.Fatalf("import again: %v %+v", err, again)
	}
	if lib, _ := s.Library(); lib.Part("my-lab").Len() != 5 {
		t.Errorf("%d entries after importing again, want 5", lib.Part("my-lab").Len())
	}
	// Into another collection, an entry of the first is a duplicate.
	dup, err := s.Import(context.Background(), []string{filepath.Join(src, "folder", "sub", "si.cif")}, ImportOptions{})
	if err != nil || len(dup.Imported) != 0 || len(dup.Failed) != 1 || dup.Failed[0].Reason != ImportDuplicate {
		t.Errorf("duplicate across collections: %v %+v", err, dup)
	}
}

// TestImportMaliciousArchive: entries named outside the archive, an
// entry that declares a huge size, and one that is huge while declaring
// itself small (a zip bomb, which the zip reader stops at its declared
// size) are refused with their reasons; the sound entry beside them
// imports.
func TestImportMaliciousArchive(t *testing.T) {
	bundled, _ := testBundled(t)
	src := t.TempDir()
	path := filepath.Join(src, "bad.zip")
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, name := range []string{"../../escape.cif", "/etc/abs.cif", `..\win.cif`, "ok/nacl.cif"} {
		f, _ := w.Create(name)
		f.Write([]byte(readTestCIF(t, "nacl.cif")))
	}
	// Declared as a terabyte: refused without reading.
	f, _ := w.CreateRaw(&zip.FileHeader{Name: "declared.cif", Method: zip.Store, CompressedSize64: 4, UncompressedSize64: 1 << 40})
	f.Write([]byte("data"))
	// 65 MiB of spaces that declare 100 bytes: reading stops at the limit.
	var bomb bytes.Buffer
	fw, _ := flate.NewWriter(&bomb, flate.BestSpeed)
	spaces := bytes.Repeat([]byte(" "), 1<<20)
	for range 65 {
		fw.Write(spaces)
	}
	fw.Close()
	f, _ = w.CreateRaw(&zip.FileHeader{Name: "bomb.cif", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(nil), CompressedSize64: uint64(bomb.Len()), UncompressedSize64: 100})
	f.Write(bomb.Bytes())
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, buf.Bytes(), 0o644)
	s := NewStore(bundled, filepath.Join(t.TempDir(), "refdb"))
	res, err := s.Import(context.Background(), []string{path}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(res.Imported), []string{"user:nacl"}) {
		t.Errorf("imported %v, want the sound entry", ids(res.Imported))
	}
	got := map[string]string{}
	for _, f := range res.Failed {
		got[strings.TrimPrefix(f.File, path+"!")] = f.Reason
		if !strings.Contains(f.Error(), path) {
			t.Errorf("%q does not name the archive", f.Error())
		}
	}
	want := map[string]string{"../../escape.cif": ImportUnsafe, "/etc/abs.cif": ImportUnsafe, `..\win.cif`: ImportUnsafe,
		"declared.cif": ImportTooLarge, "bomb.cif": ImportUnreadable}
	if len(got) != len(want) {
		t.Errorf("failures %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}

// TestImportCancelled: a cancelled import saves nothing.
func TestImportCancelled(t *testing.T) {
	bundled, _ := testBundled(t)
	dir := t.TempDir()
	s := NewStore(bundled, dir)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Import(ctx, []string{testCIF("nacl.cif")}, ImportOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled import: %v", err)
	}
	if names, _, _ := s.collectionFiles(); len(names) != 0 {
		t.Errorf("a cancelled import saved %v", names)
	}
}

// TestLegacyUserDatabase: the user database of Bragg 0.1 (one file beside
// the collections' folder) becomes the collection "user".
func TestLegacyUserDatabase(t *testing.T) {
	bundled, _ := testBundled(t)
	cfg := t.TempDir()
	p := importNaCl(t)
	var buf bytes.Buffer
	if err := Write(&buf, &DB{Version: "user", Phases: []Phase{p}}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cfg, "user.refdb"), buf.Bytes(), 0o644)
	s := NewStore(bundled, filepath.Join(cfg, "refdb"))
	lib, err := s.Library()
	if err != nil {
		t.Fatal(err)
	}
	if q, part, _ := lib.Get(p.ID); q == nil || part.Name != DefaultCollection || q.RIR != p.RIR || !slices.Equal(q.Lines, p.Lines) {
		t.Errorf("legacy entry: %+v", q)
	}
	if _, err := os.Stat(filepath.Join(cfg, "user.refdb.migrated")); err != nil {
		t.Errorf("the old file is not kept: %v", err)
	}
}

// TestCollectionRoundTrip: entries written to a collection file come back
// whole, their heads without the structure's atoms, and the file's index
// is the one built from the phases.
func TestCollectionRoundTrip(t *testing.T) {
	var ps []Phase
	for _, f := range []string{"nacl.cif", "quartz.cif", "rutile.cif"} {
		q, err := ImportFile(testCIF(f), testCorundumScale)
		if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, q...)
	}
	ps[1].Computed = true
	dir := t.TempDir()
	b := newCollBuilder(dir)
	defer b.close()
	for i := range ps {
		if err := b.add(&ps[i]); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "x.refcoll")
	if err := b.write(path); err != nil {
		t.Fatal(err)
	}
	c, err := openCollection(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := NewIndex(ps)
	if err != nil {
		t.Fatal(err)
	}
	got := c.index
	if got.Len() != 3 || !slices.Equal(got.dict, want.dict) || !bytes.Equal(got.flags, want.flags) || !bytes.Equal(got.lineD, want.lineD) ||
		!bytes.Equal(got.post[1], want.post[1]) || !bytes.Equal(got.postAt[0], want.postAt[0]) {
		t.Error("the file's index differs from the one built from the phases")
	}
	for i := range ps {
		p, err := c.phase(i)
		if err != nil || p.ID != ps[i].ID || !slices.Equal(p.Lines, ps[i].Lines) || len(p.Structure.Ops) != len(ps[i].Structure.Ops) {
			t.Errorf("entry %d: %v", i, err)
		}
		h, err := c.headPhase(i)
		if err != nil || h.Formula != ps[i].Formula || h.Structure.SpaceGroup != ps[i].Structure.SpaceGroup || h.Lines != nil || h.Structure.Sites != nil {
			t.Errorf("head %d: %v %+v", i, err, h)
		}
		if c.find(ps[i].ID) != i {
			t.Errorf("%s not found", ps[i].ID)
		}
		// The index holds the lines of at least 1 % exactly.
		start, end := got.Lines(i)
		var n int
		for _, l := range ps[i].Lines {
			if l.I >= IndexMinIntensity {
				d, in, k := got.Line(start + n)
				if d != l.D || in != l.I || ps[i].Lines[k] != l {
					t.Errorf("%s: line %d is %g %g", ps[i].ID, n, d, in)
				}
				n++
			}
		}
		if n != end-start {
			t.Errorf("%s: %d lines indexed, want %d", ps[i].ID, end-start, n)
		}
	}
	if c.find("nope") != -1 {
		t.Error("found an entry that is not there")
	}
	// Each entry is listed under its space group (three different ones),
	// with its cell, and under no other.
	for i := range ps {
		s := &ps[i].Structure
		if got, err := c.inSpaceGroup(s.SpaceGroupNumber); err != nil || !slices.Equal(got, []Lattice{{i, s.Cell}}) {
			t.Errorf("space group %d: %v %v", s.SpaceGroupNumber, got, err)
		}
	}
	if got, err := c.inSpaceGroup(1); err != nil || len(got) != 0 {
		t.Errorf("space group 1: %v %v", got, err)
	}
}

// TestBucket: buckets grow with d, one step per 0.1 % of d; a strain moves
// every line by the same number of steps.
func TestBucket(t *testing.T) {
	if Bucket(0.1) != 0 || Bucket(math.NaN()) != 0 || Bucket(1e9) != NumBuckets-1 {
		t.Error("out-of-range d-spacings")
	}
	for _, d := range []float64{0.9, 1.5, 3.3435, 17.7} {
		if k := Bucket(d*1.01) - Bucket(d); k < 9 || k > 10 {
			t.Errorf("1 %% strain at %g Å moves %d buckets, want 9–10 (ln 1.01 / 0.001)", d, k)
		}
	}
}

// TestSubsets: kinds and collections select entries; bad kinds are
// refused with a message naming them.
func TestSubsets(t *testing.T) {
	bundled, _ := testBundled(t)
	dir := t.TempDir()
	s := NewStore(bundled, dir)
	if _, err := s.Import(context.Background(), []string{testCIF("nacl.cif"), testCIF("licl.cif")}, ImportOptions{Collection: "lab"}); err != nil {
		t.Fatal(err)
	}
	lib, err := s.Library()
	if err != nil {
		t.Fatal(err)
	}
	selected := func(sub Subset) []string {
		sel, err := lib.Select(sub)
		if err != nil {
			t.Fatalf("%+v: %v", sub, err)
		}
		var out []string
		for _, p := range sel.Parts {
			for i := range p.Len() {
				if sel.Admits(p, i) {
					out = append(out, p.ID(i))
				}
			}
		}
		return out
	}
	// Halite and corundum are common phases and minerals (the corundum
	// CIF names it), LiCl neither.
	for _, c := range []struct {
		kinds []string
		colls []string
		want  string
	}{
		{nil, nil, "cod:1000017,lab:licl,lab:nacl"},
		{[]string{"common"}, nil, "cod:1000017,lab:nacl"},
		{[]string{"-common"}, nil, "lab:licl"},
		{[]string{"user"}, nil, "lab:licl,lab:nacl"},
		{[]string{"-user"}, nil, "cod:1000017"},
		{[]string{"inorganic", "-computed"}, nil, "cod:1000017,lab:licl,lab:nacl"},
		{[]string{"computed"}, nil, ""},
		{nil, []string{"lab"}, "lab:licl,lab:nacl"},
		{[]string{"common"}, []string{"bundled"}, "cod:1000017"},
	} {
		got := selected(Subset{Kinds: c.kinds, Collections: c.colls})
		slices.Sort(got)
		if strings.Join(got, ",") != c.want {
			t.Errorf("%v %v: %v, want %s", c.kinds, c.colls, got, c.want)
		}
	}
	for _, c := range []struct {
		sub  Subset
		want string
	}{
		{Subset{Kinds: []string{"organics"}}, `subset "organics": no such kind`},
		{Subset{Kinds: []string{"common", "-common"}}, "common is both asked for and excluded"},
		{Subset{Collections: []string{"My Lab"}}, `collection name "My Lab"`},
	} {
		if err := c.sub.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.sub, err, c.want)
		}
	}
}

// TestOrganic: a C–H bond makes an organic compound; carbon bonded only
// to oxygen (a carbonate, or the carbon of malachite beside its OH) does
// not.
func TestOrganic(t *testing.T) {
	// A 10 Å cubic P1 cell with C at the origin and H (or O) 1.09 Å
	// away along a, the length of a C–H bond; the far atom 2.5 Å away,
	// more than any bond with carbon.
	phase := func(near, far string, d float64) *Phase {
		p := &Phase{Elements: []string{"C", "H", "O"}}
		s := &p.Structure
		s.Cell = crystal.Cell{A: 10, B: 10, C: 10, Alpha: 90, Beta: 90, Gamma: 90}
		s.Ops = []crystal.SymOp{{R: [3][3]int{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}}
		s.Sites = []crystal.Site{{Label: "C1", Element: "C", Occupancy: 1}, {Label: "X1", Element: near, X: d / 10, Occupancy: 1},
			{Label: "X2", Element: far, Y: 0.25, Occupancy: 1}}
		return p
	}
	if !Organic(phase("H", "O", 1.09)) {
		t.Error("C–H at 1.09 Å: not organic")
	}
	if Organic(phase("O", "H", 1.28)) {
		t.Error("C–O 1.28 Å with H 2.5 Å away: organic")
	}
	if Organic(&Phase{Elements: []string{"C"}}) {
		t.Error("elemental carbon counted organic")
	}
}
func TestNamesAndSticks(t *testing.T) {
	for _, c := range []struct {
		p              Phase
		display, short string
	}{
		{Phase{ID: "a", Name: "Iron(III) oxide (alpha)", Mineral: "Hematite"}, "Iron(III) oxide (alpha) (Hematite)", "Hematite"},
		{Phase{ID: "b", Name: "Quartz", Mineral: "quartz"}, "Quartz", "quartz"},
		{Phase{ID: "b2", Name: "Calcium carbonate (calcite)", Mineral: "Calcite"}, "Calcium carbonate (calcite)", "Calcite"},
		{Phase{ID: "c", Name: "Lithium fluoride"}, "Lithium fluoride", "Lithium fluoride"},
		{Phase{ID: "d", Mineral: "Halite"}, "Halite", "Halite"},
		{Phase{ID: "user:x"}, "user:x", "user:x"},
	} {
		if got := c.p.DisplayName(); got != c.display {
			t.Errorf("%s: DisplayName %q, want %q", c.p.ID, got, c.display)
		}
		if got := c.p.ShortName(); got != c.short {
			t.Errorf("%s: ShortName %q, want %q", c.p.ID, got, c.short)
		}
	}
	// Two reflections of one d (quartz 101 and 011) are one stick; a line
	// beyond 2θ = 180° (d < λ/2) is none; 1 % strain moves the rest.
	p := Phase{Lines: []Line{{D: 3.3435, I: 40, K: 1, L: 1}, {D: 3.3435, I: 60, H: 1, L: 1}, {D: 4.255, I: 22}, {D: 0.7, I: 5}}}
	st := p.Sticks(Lambda, 0)
	if len(st) != 2 || st[0].I != 22 || st[1].I != 100 || st[0].TwoTheta > st[1].TwoTheta {
		t.Fatalf("sticks %+v", st)
	}
	// The merged stick is indexed by its stronger reflection, 101, listed second.
	if s := st[1]; s.H != 1 || s.K != 0 || s.L != 1 || s.D != 3.3435 {
		t.Errorf("merged stick %+v, want 101 at d 3.3435 Å", s)
	}
	strained := p.Sticks(Lambda, 0.01)
	for i := range st {
		// 2θ at d(1+ε): sin θ' = sin θ/(1+ε).
		want := twoThetaAt(st[i].TwoTheta, 0.01)
		if d := strained[i].TwoTheta - want; d > 1e-9 || d < -1e-9 {
			t.Errorf("strained stick %d at %g°, want %g°", i, strained[i].TwoTheta, want)
		}
		if d := strained[i].D - 1.01*st[i].D; d > 1e-12 || d < -1e-12 {
			t.Errorf("strained stick %d: d %g Å, want %g", i, strained[i].D, 1.01*st[i].D)
		}
	}
}

// twoThetaAt is the angle of a line seen at twoTheta once its d-spacing
// grows by the factor 1 + strain: sin θ' = sin θ/(1 + strain).
func twoThetaAt(twoTheta, strain float64) float64 {
	s := math.Sin(twoTheta*math.Pi/360) / (1 + strain)
	return 360 / math.Pi * math.Asin(s)
}

// FuzzReadCollection: no bytes make reading a collection file panic, nor,
// once read, decoding its entries or walking its index. A collection's
// bucket offsets make even a seed of two entries 37 kB, which the fuzzer
// spends long minimising: fuzz it with -fuzzminimizetime 1x (360,000
// inputs in 30 s, none failing).
func FuzzReadCollection(f *testing.F) {
	dir := f.TempDir()
	b := newCollBuilder(dir)
	// Two small entries (one computed, so that both postings lists have
	// one), for a seed of a few kilobytes that the fuzzer can work on.
	for _, p := range []Phase{
		{ID: "user:a", Formula: "NaCl", Elements: []string{"Na", "Cl"}, Lines: []Line{{D: 3.256, I: 7}, {D: 2.82, I: 100}, {D: 1.994, I: 55}, {D: 1.1, I: 0.5}}},
		{ID: "user:b", Formula: "MgO", Elements: []string{"Mg", "O"}, Computed: true, Lines: []Line{{D: 2.106, I: 100}, {D: 1.489, I: 52}}},
	} {
		if err := b.add(&p); err != nil {
			f.Fatal(err)
		}
	}
	path := filepath.Join(dir, "seed.refcoll")
	if err := b.write(path); err != nil {
		f.Fatal(err)
	}
	b.close()
	seed, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := readCollection("fuzz.refcoll", data)
		if err != nil {
			return
		}
		x := c.index
		for i := range c.n {
			c.phase(i)
			c.headPhase(i)
			c.find(c.id(i))
			start, end := x.Lines(i)
			for j := start; j < end; j++ {
				x.Line(j)
			}
			for k := range Knots {
				x.Below(k, i)
			}
		}
		for blk := range x.Blocks() {
			for bk := range NumBuckets {
				ps := x.Postings(blk%2 == 0, blk, bk)
				for j := range len(ps) / 4 {
					Posting(ps, j)
				}
			}
		}
	})
}
