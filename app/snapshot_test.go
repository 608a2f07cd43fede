package app

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
)

func TestSnapshot(t *testing.T) {
	out := filepath.Join(t.TempDir(), "shot.png")
	if p := os.Getenv("BRAGG_SNAPSHOT"); p != "" {
		out = p // to look at it: BRAGG_SNAPSHOT=/tmp/shot.png go test -run Snapshot
	}
	if err := Snapshot(out, fyne.NewSize(1200, 760), ViewMain, newFake().services(), "/data/quartz-calcite.xy"); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() < 1200 || b.Dy() < 760 {
		t.Errorf("snapshot is %v, want at least 1200×760", b)
	}
	// A real window has text, a trace in several colours, sticks and
	// tables: hundreds of distinct colours. A blank or failed render has a
	// handful.
	if n := distinctColors(img); n < 100 {
		t.Errorf("snapshot has %d distinct colours; looks blank", n)
	}
}

func TestSnapshotDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo.png")
	if err := Snapshot(out, fyne.NewSize(800, 500), "", newFake().services()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(out); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotFailingFile(t *testing.T) {
	b := newFake()
	b.fail["/data/broken.xy"] = os.ErrNotExist
	out := filepath.Join(t.TempDir(), "x.png")
	if err := Snapshot(out, fyne.NewSize(800, 500), "", b.services(), "/data/broken.xy"); err == nil {
		t.Fatal("Snapshot of a failing file: no error")
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("Snapshot wrote a picture despite the error")
	}
}

func distinctColors(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
