package app

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// tapDialogButton taps the button labelled text in the dialog on top of
// the window.
func tapDialogButton(t *testing.T, u *testUI, text string) {
	t.Helper()
	top := u.win.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog to tap %q in", text)
	}
	var found *widget.Button
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q in the dialog: %q", text, overlayTexts(u))
	}
	test.Tap(found)
}

func paths(u *testUI) []string {
	var out []string
	for _, e := range u.entries {
		out = append(out, e.displayName())
	}
	return out
}

// TestDropOpensFiles: files dropped on the window open; a dropped folder
// opens its scan files (by extension), not its other files; a dropped
// workspace replaces the scans.
func TestDropOpensFiles(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b.xy", "c.xrdml", "notes.md"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := scanFiles(t, "a.raw")
	u := newTestUI(t, newFake())
	u.dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(files[0]), storage.NewFileURI(dir)})
	u.wait()
	if got := paths(u); !slices.Equal(got, []string{"a.raw", "b.xy", "c.xrdml"}) {
		t.Errorf("dropped a file and a folder: opened %q", got)
	}
	if recent := u.prefs.StringList(prefRecent); len(recent) != 3 || recent[0] != filepath.Join(dir, "c.xrdml") {
		t.Errorf("recent files %q", recent)
	}
	if got := len(u.recentMenu.Items); got != 5 { // three, a separator, Clear
		t.Errorf("Open recent has %d items", got)
	}

	ws := filepath.Join(t.TempDir(), "w.bragg")
	if err := u.SaveWorkspace(ws); err != nil {
		t.Fatal(err)
	}
	u.CloseScan(u.current)
	u.dropped(fyne.NewPos(0, 0), []fyne.URI{storage.NewFileURI(ws)})
	u.wait()
	if got := paths(u); len(got) != 3 {
		t.Errorf("dropped workspace: scans %q", got)
	}
}

// TestCloseScan: closing the scan on display shows its neighbour; a scan
// with changes no workspace holds is closed only once the user agrees.
func TestCloseScan(t *testing.T) {
	u := newTestUI(t, newFake())
	u.Open("/data/one.xy", "/data/two.xy", "/data/three.xy")
	u.wait()
	u.list.Select(1)
	u.wait()
	shortcut(u, fyne.KeyW, fyne.KeyModifierShortcutDefault)
	if got := paths(u); !slices.Equal(got, []string{"one.xy", "three.xy"}) || u.current == nil || u.current.path != "/data/three.xy" {
		t.Fatalf("closed two.xy: %q, showing %v", got, u.current)
	}
	u.RejectPhase(calcite.ID)
	u.wait()
	u.CloseScan(u.current)
	if got := overlayTexts(u); !strings.Contains(got, "Close three.xy?") || len(u.entries) != 2 {
		t.Fatalf("closing a changed scan: dialog %q, %d scans", got, len(u.entries))
	}
	tapDialogButton(t, u, "Close")
	if got := paths(u); !slices.Equal(got, []string{"one.xy"}) || u.current == nil {
		t.Errorf("after agreeing: %q", got)
	}
	u.CloseScan(u.current)
	if len(u.entries) != 0 || u.current != nil || u.fileLabel.Text != "No scan open" {
		t.Errorf("all closed: %d scans, status %q", len(u.entries), u.fileLabel.Text)
	}
}

// TestDirtyPrompts: with changes no workspace holds, opening a workspace
// and quitting ask first, and Cancel changes nothing.
func TestDirtyPrompts(t *testing.T) {
	u, _, ws := savedWorkspace(t, "a.xy")
	u.Open("/data/other.xy")
	u.wait()
	u.AcceptPhase(halite.ID)
	u.wait()
	if !u.dirty {
		t.Fatal("a phase accepted, yet nothing to save")
	}
	u.askOpenWorkspace(ws)
	if got := overlayTexts(u); !strings.Contains(got, "Discard changes?") || len(u.entries) != 2 {
		t.Fatalf("opening a workspace over changes: dialog %q, %d scans", got, len(u.entries))
	}
	tapDialogButton(t, u, "Cancel")
	if len(u.entries) != 2 || !u.dirty {
		t.Errorf("cancelled: %d scans, dirty %v", len(u.entries), u.dirty)
	}
	u.Quit()
	if got := overlayTexts(u); !strings.Contains(got, "Quit Bragg?") {
		t.Errorf("quitting with changes: dialog %q", got)
	}
	tapDialogButton(t, u, "Cancel")
	u.askOpenWorkspace(ws)
	tapDialogButton(t, u, "Discard")
	u.wait()
	if got := paths(u); !slices.Equal(got, []string{"a.xy"}) || u.dirty {
		t.Errorf("discarded: scans %q, dirty %v", got, u.dirty)
	}
}

// TestMultiScanFile: a file of several scans asks which to open; they open
// each as a scan of the list, or merged into one.
func TestMultiScanFile(t *testing.T) {
	b := newFake()
	b.parts["/data/ranges.raw"] = 3 // 5–30°, 30–55°, 55–80°
	u := newTestUI(t, b)
	u.Open("/data/ranges.raw")
	u.wait()
	var items []string
	walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if c, ok := o.(*widget.Check); ok {
			items = append(items, c.Text)
		}
	})
	if got := overlayTexts(u); !strings.Contains(got, "ranges.raw holds 3 scans") || len(items) != 3 ||
		!strings.HasPrefix(items[1], "Scan 2: 2θ 30.000–55.000°, 1250 points, step 0.02002°, 1 s per step") {
		t.Fatalf("chooser says %q, lists %q", got, items)
	}
	tapDialogButton(t, u, "Merge into one")
	u.wait()
	e := u.entries[0]
	if len(u.entries) != 1 || !slices.Equal(e.ranges, []int{1, 2, 3}) || e.a == nil || e.displayName() != "ranges.raw [1–3 merged]" {
		t.Fatalf("merged: %q", paths(u))
	}
	if s := e.a.Scan; s.TwoTheta[0] != 5 || s.TwoTheta[s.Len()-1] != 80 || s.Len() != 3*(b.n/3)-2 { // two shared ends
		t.Errorf("merged scan %g–%g° of %d points", s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Len())
	}

	u.Open("/data/ranges.raw") // again: the file's first scan, a new choice
	u.wait()
	tapDialogButton(t, u, "None")
	if !strings.Contains(overlayTexts(u), "0 picked") {
		t.Errorf("nothing picked: %q", overlayTexts(u))
	}
	for _, k := range []string{"Scan 1:", "Scan 3:"} {
		walk(u.win.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
			if c, ok := o.(*widget.Check); ok && strings.HasPrefix(c.Text, k) {
				test.Tap(c)
			}
		})
	}
	tapDialogButton(t, u, "Open each")
	u.wait()
	if got := paths(u); !slices.Equal(got, []string{"ranges.raw [1–3 merged]", "ranges.raw [1/3]", "ranges.raw [3/3]"}) {
		t.Errorf("opened each of 1 and 3: %q", got)
	}
	if s := u.entries[2].a.Scan; s.TwoTheta[0] != 55 {
		t.Errorf("scan 3 starts at %g°, want 55°", s.TwoTheta[0])
	}
	if ws := u.workspace(); !slices.Equal(ws.Scans[2].Ranges, []int{3}) {
		t.Errorf("the workspace keeps ranges %v", ws.Scans[2].Ranges)
	}
}

// TestOpenDialog: Bragg's own open dialog lists a folder's scan files,
// opens several picked at once, and follows a typed folder, file or
// pattern.
func TestOpenDialog(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"a.xy", "b.xrdml", "notes.md", "sub/c.xy"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	u := newTestUI(t, newFake())
	var got []string
	o := u.showOpenDialog("Open scans", dir, ScanExtensions, true, func(p []string) { got = p })
	var names []string
	for _, d := range o.items {
		names = append(names, d.Name())
	}
	if !slices.Equal(names, []string{"sub", "a.xy", "b.xrdml"}) {
		t.Errorf("listed %q: want the folder first, then the scan files", names)
	}
	o.list.Select(1)
	o.list.Select(2)
	if o.open.Disabled() || o.count.Text != "2 selected" {
		t.Errorf("two picked: %q", o.count.Text)
	}
	test.Tap(o.open)
	if want := []string{filepath.Join(dir, "a.xy"), filepath.Join(dir, "b.xrdml")}; !slices.Equal(got, want) {
		t.Errorf("opened %q, want %q", got, want)
	}

	o = u.showOpenDialog("Open scans", dir, ScanExtensions, true, func(p []string) { got = p })
	o.typed("sub")
	if o.dir != filepath.Join(dir, "sub") || len(o.items) != 1 {
		t.Errorf("typed a folder: in %q with %d items", o.dir, len(o.items))
	}
	got = nil
	o.typed(filepath.Join(dir, "*.xy"))
	if !slices.Equal(got, []string{filepath.Join(dir, "a.xy")}) {
		t.Errorf("typed a pattern: opened %q", got)
	}
	o.typed(filepath.Join(dir, "nothing*"))
	if !strings.Contains(o.msg.Text, "no such file") {
		t.Errorf("typed a pattern that matches nothing: %q", o.msg.Text)
	}
}

// TestErrorsJoinOneDialog: files that fail together are listed in one
// dialog, each with its reason.
func TestErrorsJoinOneDialog(t *testing.T) {
	b := newFake()
	b.fail["/data/bad1.raw"] = errors.New("scan: unknown format")
	b.fail["/data/bad2.xy"] = errors.New("scan: line 3: not a number")
	u := newTestUI(t, b)
	u.Open("/data/bad1.raw", "/data/good.xy", "/data/bad2.xy")
	u.wait()
	got := overlayTexts(u)
	if n := len(u.win.Canvas().Overlays().List()); n != 1 || !strings.Contains(got, "2 problems") ||
		!strings.Contains(got, "Could not open bad1.raw: scan: unknown format") || !strings.Contains(got, "Could not open bad2.xy: scan: line 3") {
		t.Errorf("%d dialogs saying %q", n, got)
	}
	if got := paths(u); !slices.Equal(got, []string{"good.xy"}) {
		t.Errorf("scans %q", got)
	}
}

// savedWorkspace opens empty scan files of the given names in a window
// and saves its workspace; it returns the window, the files and the
// workspace.
func savedWorkspace(t *testing.T, names ...string) (u *testUI, files []string, ws string) {
	t.Helper()
	files = scanFiles(t, names...)
	ws = filepath.Join(t.TempDir(), "w.bragg")
	u = newTestUI(t, newFake())
	u.Open(files...)
	u.wait()
	if err := u.SaveWorkspace(ws); err != nil {
		t.Fatal(err)
	}
	return u, files, ws
}
