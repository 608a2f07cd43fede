package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2/dialog"
)

// workspace returns the state of the window.
func (u *UI) workspace() workspace {
	ws := workspace{Settings: u.opt, Current: -1}
	for _, e := range u.entries {
		s := workspaceScan{Path: e.path, Demo: e.path == ""}
		if !s.Demo {
			if abs, err := filepath.Abs(e.path); err == nil {
				s.Path = abs
			}
		}
		switch {
		case e.a != nil:
			s.Overlays = []string{}
			for _, r := range e.rows {
				if r.shown {
					s.Overlays = append(s.Overlays, phaseKey(r.c))
				}
			}
		case e.wantShown != nil: // not loaded yet: keep what was asked for
			s.Overlays = []string{}
			for k, on := range e.wantShown {
				if on {
					s.Overlays = append(s.Overlays, k)
				}
			}
		}
		if e == u.current {
			ws.Current = len(ws.Scans)
		}
		ws.Scans = append(ws.Scans, s)
	}
	return ws
}

// SaveWorkspace writes the open scans, the settings and the overlays shown
// to path as JSON, replacing the file atomically.
func (u *UI) SaveWorkspace(path string) error {
	return writeWorkspace(path, u.workspace())
}

// OpenWorkspace replaces the open scans by those of the workspace at path
// and makes its settings the ones in force. A workspace that does not read
// is reported and changes nothing; a scan file that is missing is reported
// while the others open.
func (u *UI) OpenWorkspace(path string) {
	ws, err := readWorkspace(path)
	if err != nil {
		u.showError("Could not open workspace "+filepath.Base(path), err)
		return
	}
	for _, e := range u.entries {
		e.stop()
		e.gen++ // drop loads in flight
	}
	u.entries, u.want = nil, nil
	u.list.UnselectAll()
	u.show(nil)
	u.SetOptions(ws.Settings)

	var missing []error
	var want *entry
	var load []*entry
	for i, s := range ws.Scans {
		if !s.Demo {
			if _, err := os.Stat(s.Path); err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					err = fmt.Errorf("%s: file not found", s.Path)
				}
				missing = append(missing, err)
				continue
			}
		}
		e := u.addEntry(s.Path)
		if s.Overlays != nil {
			e.wantShown = map[string]bool{}
			for _, k := range s.Overlays {
				e.wantShown[k] = true
			}
		}
		if i == ws.Current || want == nil && i > ws.Current {
			want = e
		}
		load = append(load, e)
	}
	if want == nil && len(load) > 0 {
		want = load[len(load)-1]
	}
	u.want = want
	u.list.Refresh()
	for _, e := range load {
		u.load(e)
	}
	if len(missing) > 0 {
		u.showError(fmt.Sprintf("Workspace %s: %d of %d scans are missing", filepath.Base(path), len(missing), len(ws.Scans)),
			errors.Join(missing...))
	}
}

// ShowSaveWorkspaceDialog asks where to save the workspace and saves it.
func (u *UI) ShowSaveWorkspaceDialog() {
	dir := ""
	if e := u.current; e != nil && e.path != "" {
		dir = filepath.Dir(e.path)
	}
	u.pickSave("Save workspace", "_Save", "Bragg workspace", WorkspaceExt, "workspace"+WorkspaceExt, dir, func(p string) {
		if filepath.Ext(p) == "" {
			p += WorkspaceExt
		}
		if err := u.SaveWorkspace(p); err != nil {
			u.showError("Could not save workspace "+filepath.Base(p), err)
			return
		}
		dialog.ShowInformation("Workspace saved", "Wrote "+p, u.win)
	})
}

// ShowOpenWorkspaceDialog asks for a workspace file and opens it.
func (u *UI) ShowOpenWorkspaceDialog() {
	u.pickFiles("Open workspace", "Bragg workspaces", []string{WorkspaceExt}, func(paths []string) {
		u.OpenWorkspace(paths[0])
	})
}
