package app

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

// withStore gives services a reference database: the bundled one and a
// user database in a temporary folder.
func withStore(t testing.TB, s Services) Services {
	t.Helper()
	s.Store = refdb.NewStore(assets.RefDB, filepath.Join(t.TempDir(), "user.refdb"))
	return s
}

// TestSnapshotViews renders the database browser, the teaching mode and
// About as `bragg gui --snapshot --view` does. To look at them:
// BRAGG_SNAPSHOT_DIR=/tmp/views go test -run SnapshotViews ./app
func TestSnapshotViews(t *testing.T) {
	dir := os.Getenv("BRAGG_SNAPSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	s := withStore(t, newFake().services())
	for _, v := range []string{ViewBrowser, ViewTeach} { // About's content: TestAbout
		out := filepath.Join(dir, v+".png")
		if err := Snapshot(out, fyne.NewSize(900, 600), v, s, "/data/quartz-calcite.xy"); err != nil {
			t.Fatalf("%s: %v", v, err)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		// Text, plots and widgets: far more colours than a blank window.
		if n := distinctColors(img); n < 100 {
			t.Errorf("%s: %d distinct colours; looks blank", v, n)
		}
	}
}

// richTexts collects the text of the labels, rich texts and links under o.
func richTexts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.RichText:
			out = append(out, segmentsText(w.Segments))
		case *widget.Hyperlink:
			out = append(out, w.Text)
		}
	})
	return out
}

// segmentsText is the text of rich-text segments, lists included (whose
// Textual is empty).
func segmentsText(segs []widget.RichTextSegment) string {
	var b strings.Builder
	for _, s := range segs {
		if l, ok := s.(interface {
			Segments() []widget.RichTextSegment
		}); ok {
			b.WriteString(segmentsText(l.Segments()))
			continue
		}
		b.WriteString(s.Textual())
	}
	return b.String()
}

// TestAbout: About gives the version, the database's version and its
// counts (the bundled phases, and the user's), and the licences of the
// code and the data.
func TestAbout(t *testing.T) {
	u, _ := newInlineUI(t)
	bundled, _ := u.services.Store.Bundled()
	if _, _, err := u.services.Store.ImportResolving([]string{filepath.Join("..", "diffraction", "crystal", "testdata", "licl.cif")}, nil); err != nil {
		t.Fatal(err)
	}
	w := u.ShowAbout()
	all := strings.Join(richTexts(w.Content()), "\n")
	for _, want := range []string{
		"Bragg test",
		fmt.Sprintf("Reference database %s: %d bundled phases (%d structures refused by the sanity gate); 1 of your own",
			bundled.Version, len(bundled.Phases), len(bundled.Refused)),
		"MIT licence",
		"libavogadro-data, upstream OpenChemistry/crystals), including the IZA zeolite frameworks (idealised, flagged computed) — 452 entries — public domain (COD, CC0)", // DATA_LICENSES.md's first source
		"Dans_Diffraction",
		"Hölzer",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("About lacks %q", want)
		}
	}
	if bundled.Version == "" || len(bundled.Phases) < 1000 {
		t.Errorf("bundled database %q, %d phases", bundled.Version, len(bundled.Phases))
	}
	if _, err := u.ShowView("nope"); err == nil {
		t.Error("an unknown view opened")
	}
}
