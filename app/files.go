package app

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Files: drag and drop, the recent files, the folders the dialogs start
// in (remembered in the preferences), Bragg's own open dialog where the
// desktop offers none (several files at once, a typed path or pattern),
// and the choice among the scans of a file that holds several.

// Preference keys.
const (
	prefRecent       = "files.recent"
	prefScanDir      = "dirs.scans"
	prefReportDir    = "dirs.reports"
	prefWorkspaceDir = "dirs.workspaces"
)

// maxRecent is the length of File ▸ Open recent.
const maxRecent = 10

// dropped opens what is dropped on the window: scan files, the scan files
// of a dropped folder, or a workspace.
func (u *UI) dropped(_ fyne.Position, uris []fyne.URI) {
	var scans []string
	for _, x := range uris {
		if x.Scheme() != "file" {
			continue
		}
		p := x.Path()
		if strings.EqualFold(filepath.Ext(p), WorkspaceExt) {
			u.askOpenWorkspace(p)
			return
		}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			scans = append(scans, scanFilesIn(p)...)
			continue
		}
		scans = append(scans, p)
	}
	if len(scans) > 0 {
		u.Open(scans...)
	}
}

// scanFilesIn lists the files of dir with a scan format's extension, by
// name.
func scanFilesIn(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, d := range ents {
		if !d.IsDir() && hasExt(d.Name(), ScanExtensions) {
			out = append(out, filepath.Join(dir, d.Name()))
		}
	}
	return out
}

func hasExt(name string, exts []string) bool {
	return slices.ContainsFunc(exts, func(e string) bool { return strings.EqualFold(filepath.Ext(name), e) })
}

// addRecent puts path first in the recent files and remembers its folder
// as the one to open scans from.
func (u *UI) addRecent(path string) {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	list := slices.DeleteFunc(slices.Clone(u.prefs.StringList(prefRecent)), func(p string) bool { return p == path })
	list = append([]string{path}, list...)
	u.prefs.SetStringList(prefRecent, list[:min(len(list), maxRecent)])
	if !strings.EqualFold(filepath.Ext(path), WorkspaceExt) {
		u.prefs.SetString(prefScanDir, filepath.Dir(path))
	}
	u.fillRecentMenu()
}

// fillRecentMenu lists the recent files in File ▸ Open recent.
func (u *UI) fillRecentMenu() {
	m := u.recentMenu
	m.Items = nil
	for _, p := range u.prefs.StringList(prefRecent) {
		m.Items = append(m.Items, fyne.NewMenuItem(filepath.Base(p)+"  —  "+filepath.Dir(p), func() {
			if strings.EqualFold(filepath.Ext(p), WorkspaceExt) {
				u.askOpenWorkspace(p)
				return
			}
			u.Open(p)
		}))
	}
	if len(m.Items) == 0 {
		none := fyne.NewMenuItem("No recent files", nil)
		none.Disabled = true
		m.Items = append(m.Items, none)
	} else {
		m.Items = append(m.Items, fyne.NewMenuItemSeparator(), fyne.NewMenuItem("Clear the list", func() {
			u.prefs.SetStringList(prefRecent, nil)
			u.fillRecentMenu()
		}))
	}
	if u.mainMenu != nil {
		u.mainMenu.Refresh()
	}
}

// startDir is the folder a dialog starts in: the one remembered under key,
// else the user's Documents folder, else home — never, for a file to
// write, the data folder by default.
func (u *UI) startDir(key string) string {
	if d := u.prefs.String(key); d != "" {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			return d
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	if d := filepath.Join(home, "Documents"); isDir(d) {
		return d
	}
	return home
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// openDialog is Bragg's own dialog for opening files, for desktops
// without a file chooser portal: a folder's files with a check each (open
// several at once), folders to go into, and a field for a typed path — a
// folder to go to, a file, or a pattern such as *.xrdml.
type openDialog struct {
	u      *UI
	exts   []string
	multi  bool
	then   func([]string)
	dir    string
	path   *widget.Entry
	list   *widget.List
	items  []os.DirEntry
	picked map[string]bool
	all    *widget.Check
	count  *widget.Label
	open   *widget.Button
	msg    *widget.Label
	dlg    dialog.Dialog
}

// showOpenDialog opens the dialog in dir on the files with exts; then
// gets the paths chosen.
func (u *UI) showOpenDialog(title, dir string, exts []string, multi bool, then func([]string)) *openDialog {
	o := &openDialog{u: u, exts: exts, multi: multi, then: then, picked: map[string]bool{}}
	o.path = widget.NewEntry()
	o.path.SetPlaceHolder("a folder, a file, or a pattern such as /data/*.xrdml")
	o.path.OnSubmitted = o.typed
	o.list = widget.NewList(func() int { return len(o.items) },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewIcon(theme.FolderIcon()), widget.NewCheck("", nil), widget.NewLabel("name"))
		},
		func(id widget.ListItemID, obj fyne.CanvasObject) {
			if id >= len(o.items) {
				return
			}
			c := obj.(*fyne.Container)
			icon, chk, l := c.Objects[0].(*widget.Icon), c.Objects[1].(*widget.Check), c.Objects[2].(*widget.Label)
			d := o.items[id]
			l.SetText(d.Name())
			chk.OnChanged = nil
			if d.IsDir() {
				icon.SetResource(theme.FolderIcon())
				icon.Show()
				chk.Hide()
				return
			}
			icon.Hide()
			chk.Show()
			p := filepath.Join(o.dir, d.Name())
			chk.SetChecked(o.picked[p])
			chk.OnChanged = func(on bool) { o.pick(p, on) }
		})
	o.list.OnSelected = func(id widget.ListItemID) {
		o.list.Unselect(id)
		if id >= len(o.items) {
			return
		}
		d := o.items[id]
		p := filepath.Join(o.dir, d.Name())
		if d.IsDir() {
			o.go2(p)
			return
		}
		o.pick(p, !o.picked[p])
		o.list.RefreshItem(id)
	}
	o.all = widget.NewCheck("Show all files", func(bool) { o.go2(o.dir) })
	up := widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { o.go2(filepath.Dir(o.dir)) })
	home := widget.NewButtonWithIcon("", theme.HomeIcon(), func() {
		if h, err := os.UserHomeDir(); err == nil {
			o.go2(h)
		}
	})
	o.count = widget.NewLabel("")
	o.msg = widget.NewLabel("")
	o.msg.Importance = widget.DangerImportance
	o.msg.Wrapping = fyne.TextWrapWord
	o.open = widget.NewButtonWithIcon("Open", theme.FolderOpenIcon(), o.finish)
	o.open.Importance = widget.HighImportance
	cancel := widget.NewButton("Cancel", func() { o.dlg.Hide() })
	top := container.NewBorder(nil, nil, container.NewHBox(up, home), nil, o.path)
	bottom := container.NewVBox(o.msg, container.NewHBox(o.all, layout.NewSpacer(), o.count, cancel, o.open))
	o.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(top, bottom, nil, nil, o.list), u.win)
	o.go2(dir)
	o.dlg.Resize(fyne.NewSize(760, 560))
	o.dlg.Show()
	return o
}

// go2 lists the folder dir.
func (o *openDialog) go2(dir string) {
	if dir == "" {
		dir, _ = os.UserHomeDir()
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		o.msg.SetText(err.Error())
		return
	}
	o.msg.SetText("")
	o.dir = dir
	o.items = o.items[:0]
	for _, d := range ents {
		if strings.HasPrefix(d.Name(), ".") {
			continue
		}
		if d.IsDir() || o.all.Checked || hasExt(d.Name(), o.exts) {
			o.items = append(o.items, d)
		}
	}
	sort.SliceStable(o.items, func(i, j int) bool { return o.items[i].IsDir() && !o.items[j].IsDir() })
	o.path.SetText(dir + string(filepath.Separator))
	o.list.Refresh()
	o.list.ScrollToTop()
	o.updateCount()
}

// pick marks the file p to open, or not.
func (o *openDialog) pick(p string, on bool) {
	if !o.multi && on {
		clear(o.picked)
		o.list.Refresh()
	}
	if on {
		o.picked[p] = true
	} else {
		delete(o.picked, p)
	}
	o.updateCount()
}

func (o *openDialog) updateCount() {
	n := len(o.picked)
	o.count.SetText(fmt.Sprintf("%d selected", n))
	if n == 0 {
		o.open.Disable()
	} else {
		o.open.Enable()
	}
}

// typed follows the typed path: a folder is listed, a file or the files a
// pattern matches are opened.
func (o *openDialog) typed(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	if strings.HasPrefix(s, "~"+string(filepath.Separator)) {
		if h, err := os.UserHomeDir(); err == nil {
			s = filepath.Join(h, s[2:])
		}
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(o.dir, s)
	}
	if isDir(s) {
		o.go2(s)
		return
	}
	matches, err := filepath.Glob(s)
	if err != nil || len(matches) == 0 {
		o.msg.SetText(fmt.Sprintf("%s: no such file or folder", s))
		return
	}
	files := slices.DeleteFunc(matches, isDir)
	if len(files) == 0 || (!o.multi && len(files) > 1) {
		o.msg.SetText(fmt.Sprintf("%s: matches %d files; open one", s, len(files)))
		return
	}
	o.dlg.Hide()
	o.then(files)
}

// finish opens the files picked, in name order.
func (o *openDialog) finish() {
	if len(o.picked) == 0 {
		return
	}
	paths := make([]string, 0, len(o.picked))
	for p := range o.picked {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	o.dlg.Hide()
	o.then(paths)
}

// pickScans returns the scan, or the scans merged (diffraction.Merge),
// that the 1-based ranges name among scans.
func pickScans(scans []*diffraction.Scan, ranges []int) (*diffraction.Scan, error) {
	var sel []*diffraction.Scan
	for _, r := range ranges {
		if r < 1 || r > len(scans) {
			return nil, fmt.Errorf("the file holds %d scans: there is no scan %d", len(scans), r)
		}
		sel = append(sel, scans[r-1])
	}
	if len(sel) == 1 {
		return sel[0], nil
	}
	return diffraction.Merge(sel...)
}

// rangesText writes 1-based scan numbers compactly: "1–3, 5".
func rangesText(rs []int) string {
	var parts []string
	for i := 0; i < len(rs); {
		j := i
		for j+1 < len(rs) && rs[j+1] == rs[j]+1 {
			j++
		}
		if j > i+1 {
			parts = append(parts, fmt.Sprintf("%d–%d", rs[i], rs[j]))
		} else {
			for k := i; k <= j; k++ {
				parts = append(parts, strconv.Itoa(rs[k]))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}

// scanLine describes scan k (1-based) of a file for the chooser.
func scanLine(k int, s *diffraction.Scan) string {
	line := fmt.Sprintf("Scan %d: 2θ %.3f–%.3f°, %d points, step %.4g°", k, s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Len(), s.Step())
	if t := s.Meta["counting_time"]; t != "" {
		line += ", " + t + " s per step"
	}
	if s.Axis != diffraction.AxisTwoTheta {
		line += fmt.Sprintf(" (on the %s axis: cannot be analysed)", s.Axis)
	}
	return line
}

// scanChooser is the choice among the scans of one file.
type scanChooser struct {
	u      *UI
	e      *entry
	scans  []*diffraction.Scan
	picked []bool
	list   *widget.List
	merge  *widget.Button
	each   *widget.Button
	msg    *widget.Label
	dlg    dialog.Dialog
}

// chooseScans asks which of the scans of e's file to open, each on its
// own or merged into one (several ranges of one measurement). Up to ten
// are picked at first, else only the first (a reciprocal-space map holds
// hundreds).
func (u *UI) chooseScans(e *entry, scans []*diffraction.Scan) *scanChooser {
	c := &scanChooser{u: u, e: e, scans: scans, picked: make([]bool, len(scans))}
	for i := range c.picked {
		c.picked[i] = len(scans) <= 10 || i == 0
	}
	c.list = widget.NewList(func() int { return len(scans) },
		func() fyne.CanvasObject { return widget.NewCheck("scan", nil) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			chk := o.(*widget.Check)
			chk.OnChanged = nil
			chk.Text = scanLine(id+1, scans[id])
			chk.SetChecked(c.picked[id])
			chk.OnChanged = func(on bool) { c.picked[id] = on; c.update() }
		})
	all := widget.NewButton("All", func() { c.setAll(true) })
	none := widget.NewButton("None", func() { c.setAll(false) })
	c.msg = widget.NewLabel("")
	c.msg.Wrapping = fyne.TextWrapWord
	c.each = widget.NewButtonWithIcon("Open each", theme.FolderOpenIcon(), c.openEach)
	c.each.Importance = widget.HighImportance
	c.merge = widget.NewButtonWithIcon("Merge into one", theme.ContentAddIcon(), c.openMerged)
	cancel := widget.NewButton("Cancel", func() {
		c.dlg.Hide()
		u.remove(e)
	})
	head := widget.NewLabel(fmt.Sprintf("%s holds %d scans. Open the ones picked each on its own, or merge them into one scan (ranges of one measurement: where they overlap, the range starting lower keeps its points).",
		filepath.Base(e.path), len(scans)))
	head.Wrapping = fyne.TextWrapWord
	bottom := container.NewVBox(c.msg, container.NewHBox(all, none, layout.NewSpacer(), cancel, c.merge, c.each))
	c.dlg = dialog.NewCustomWithoutButtons("Scans of "+filepath.Base(e.path), container.NewBorder(head, bottom, nil, nil, c.list), u.win)
	c.update()
	c.dlg.Resize(fyne.NewSize(760, 480))
	c.dlg.Show()
	return c
}

func (c *scanChooser) setAll(on bool) {
	for i := range c.picked {
		c.picked[i] = on
	}
	c.list.Refresh()
	c.update()
}

// chosen are the 1-based numbers of the scans picked.
func (c *scanChooser) chosen() []int {
	var out []int
	for i, on := range c.picked {
		if on {
			out = append(out, i+1)
		}
	}
	return out
}

func (c *scanChooser) update() {
	n := len(c.chosen())
	c.msg.SetText(fmt.Sprintf("%d picked", n))
	c.msg.Importance = widget.MediumImportance
	if n == 0 {
		c.each.Disable()
	} else {
		c.each.Enable()
	}
	if n < 2 {
		c.merge.Disable()
	} else {
		c.merge.Enable()
	}
}

// openEach opens the scans picked, each as a scan of the list: the
// chooser's entry takes the first.
func (c *scanChooser) openEach() {
	picked := c.chosen()
	if len(picked) == 0 {
		return
	}
	c.dlg.Hide()
	u, e := c.u, c.e
	at := slices.Index(u.entries, e)
	var added []*entry
	for i, k := range picked {
		x := e
		if i > 0 {
			x = &entry{path: e.path, opt: e.opt}
			added = append(added, x)
		}
		x.ranges, x.choosing = []int{k}, false
		x.src, x.format, x.read, x.nscans = c.scans[k-1], e.format, e.read, len(c.scans)
		x.name = x.displayName()
	}
	if at >= 0 {
		u.entries = slices.Insert(u.entries, at+1, added...)
	}
	u.list.Refresh()
	u.pump()
}

// openMerged opens the scans picked merged into one.
func (c *scanChooser) openMerged() {
	picked := c.chosen()
	s, err := pickScans(c.scans, picked)
	if err != nil {
		c.msg.SetText("Cannot merge these scans: " + err.Error())
		c.msg.Importance = widget.DangerImportance
		c.msg.Refresh()
		return
	}
	c.dlg.Hide()
	e := c.e
	e.ranges, e.choosing, e.src = picked, false, s
	e.name = e.displayName()
	c.u.list.Refresh()
	c.u.pump()
}
