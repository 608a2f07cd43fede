package app

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/storage"
	"github.com/rymdport/portal/filechooser"
)

// portalAvailable reports whether it is worth asking the XDG desktop portal
// for file dialogs: a Linux or BSD desktop with a D-Bus session bus.
func portalAvailable() bool {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return false
	}
	return os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" || os.Getenv("XDG_RUNTIME_DIR") != ""
}

// parentID identifies the window to the portal so that the dialog is
// modal to it ("x11:<hex id>"); empty when unknown (Wayland would need
// xdg-foreign).
func (u *UI) parentID() string {
	id := ""
	if nw, ok := u.win.(driver.NativeWindow); ok {
		nw.RunNative(func(ctx any) {
			if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
				id = fmt.Sprintf("x11:%x", x.WindowHandle)
			}
		})
	}
	return id
}

// fileFilter is a portal filter for the given extensions, in both cases.
func fileFilter(name string, exts []string) *filechooser.Filter {
	f := &filechooser.Filter{Name: name}
	for _, ext := range exts {
		for _, e := range []string{ext, strings.ToUpper(ext)} {
			f.Rules = append(f.Rules, filechooser.Rule{Type: filechooser.GlobPattern, Pattern: "*" + e})
		}
	}
	return f
}

func uriPaths(uris []string) []string {
	out := make([]string, 0, len(uris))
	for _, u := range uris {
		if p, ok := strings.CutPrefix(u, "file://"); ok {
			out = append(out, p)
		}
	}
	return out
}

// ShowOpenDialog asks for scan files, several at once, and opens them. It
// uses the desktop's own file chooser through the XDG portal when there
// is one, and Bragg's own dialog otherwise; both start in the folder
// scans were last opened from.
func (u *UI) ShowOpenDialog() {
	u.pickFilesIn("Open scans", "Diffraction scans", ScanExtensions, prefScanDir, true, func(paths []string) { u.Open(paths...) })
}

// pickFiles asks for one or more files with the given extensions and
// passes their paths to then, on the UI goroutine.
func (u *UI) pickFiles(title, kind string, exts []string, then func([]string)) {
	u.pickFilesIn(title, kind, exts, "", true, then)
}

// pickFilesIn asks for files with the given extensions (one, or several
// when multi) starting in the folder remembered under the preference
// dirKey ("": the scans' folder), through the XDG portal when there is
// one, else with Bragg's own dialog, and passes their paths to then on the
// UI goroutine.
func (u *UI) pickFilesIn(title, kind string, exts []string, dirKey string, multi bool, then func([]string)) {
	if dirKey == "" {
		dirKey = prefScanDir
	}
	dir := u.startDir(dirKey)
	remember := func(paths []string) {
		if len(paths) > 0 {
			u.prefs.SetString(dirKey, filepath.Dir(paths[0]))
		}
		then(paths)
	}
	if !u.portal {
		u.showOpenDialog(title, dir, exts, multi, remember)
		return
	}
	parent := u.parentID()
	go func() {
		all := &filechooser.Filter{Name: "All files", Rules: []filechooser.Rule{{Type: filechooser.GlobPattern, Pattern: "*"}}}
		ff := fileFilter(kind, exts)
		uris, err := filechooser.OpenFile(parent, title, &filechooser.OpenFileOptions{
			AcceptLabel: "_Open", Multiple: multi, Filters: []*filechooser.Filter{ff, all}, CurrentFilter: ff,
			CurrentFolder: dir,
		})
		u.do(func() {
			if err != nil { // no portal: do not ask it again
				u.portal = false
				u.showOpenDialog(title, dir, exts, multi, remember)
				return
			}
			if paths := uriPaths(uris); len(paths) > 0 {
				remember(paths)
			}
		})
	}()
}

// exportName is the suggested report name: the scan's name with .xlsx.
func exportName(e *entry) string {
	base := e.displayName()
	if e.path == "" {
		base = "demo"
	}
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".xlsx"
}

// ShowExportDialog asks where to write the report of the scan on display
// and writes it.
func (u *UI) ShowExportDialog() {
	e := u.current
	if e == nil || e.a == nil {
		dialog.ShowInformation("Export report", "Open a scan first: there is nothing to export.", u.win)
		return
	}
	a := e.a
	u.pickSave("Export report", "_Export", "Excel workbook", ".xlsx", exportName(e), u.startDir(prefReportDir), func(p string) {
		u.prefs.SetString(prefReportDir, filepath.Dir(p))
		u.Export(p, a)
	})
}

// pickSave asks where to save a file with extension ext, suggesting name
// in dir, and passes the path to then on the UI goroutine: through the XDG
// portal when there is one, else with Fyne's dialog.
func (u *UI) pickSave(title, accept, kind, ext, name, dir string, then func(string)) {
	if !u.portal {
		u.fyneSave(ext, name, dir, then)
		return
	}
	parent := u.parentID()
	go func() {
		f := &filechooser.Filter{Name: kind, Rules: []filechooser.Rule{{Type: filechooser.GlobPattern, Pattern: "*" + ext}}}
		uris, err := filechooser.SaveFile(parent, title, &filechooser.SaveFileOptions{
			AcceptLabel: accept, Filters: []*filechooser.Filter{f}, CurrentFilter: f,
			CurrentName: name, CurrentFolder: dir,
		})
		u.do(func() {
			if err != nil {
				u.portal = false
				u.fyneSave(ext, name, dir, then)
				return
			}
			if paths := uriPaths(uris); len(paths) > 0 {
				then(paths[0])
			}
		})
	}()
}

func (u *UI) fyneSave(ext, name, dir string, then func(string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			u.showError("Could not save", err)
			return
		}
		if w == nil {
			return
		}
		p := w.URI().Path()
		w.Close()
		then(p)
	}, u.win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	if dir != "" {
		if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// Export writes the report of a to path through the services, off the UI
// goroutine, and says how it went.
func (u *UI) Export(path string, a *Analysis) {
	if !strings.EqualFold(filepath.Ext(path), ".xlsx") {
		path += ".xlsx"
	}
	done := func(err error) {
		if err != nil {
			u.showError("Could not export "+filepath.Base(path), err)
			return
		}
		dialog.ShowInformation("Report exported", "Wrote "+path, u.win)
	}
	if u.inline {
		done(u.services.export(path, a))
		return
	}
	u.spawn(func() {
		err := u.services.export(path, a)
		u.do(func() { done(err) })
	})
}
