package app

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"fyne.io/fyne/v2/dialog"
)

// workspace returns the state of the window.
func (u *UI) workspace() workspace {
	ws := workspace{Settings: u.opt, Current: -1}
	for _, e := range u.entries {
		s := workspaceScan{Path: e.path, Demo: e.path == "", Ranges: e.ranges}
		if !s.Demo {
			if abs, err := filepath.Abs(e.path); err == nil {
				s.Path = abs
			}
		}
		switch {
		case e.a != nil && e.full:
			s.Overlays = []string{}
			for _, r := range e.rows {
				if r.shown {
					s.Overlays = append(s.Overlays, phaseKey(r.c))
				}
			}
		case e.wantShown != nil: // not identified yet: keep what was asked for
			s.Overlays = []string{}
			for k, on := range e.wantShown {
				if on {
					s.Overlays = append(s.Overlays, k)
				}
			}
			slices.Sort(s.Overlays)
		}
		if e == u.current {
			ws.Current = len(ws.Scans)
		}
		ws.Scans = append(ws.Scans, s)
		ws.ScanSettings = append(ws.ScanSettings, e.opt)
	}
	return ws
}

// SaveWorkspace writes the open scans with their settings and overlays,
// and the settings scans opened next start with, to path as JSON,
// replacing the file atomically.
func (u *UI) SaveWorkspace(path string) error {
	if err := writeWorkspace(path, u.workspace()); err != nil {
		return err
	}
	u.dirty = false
	u.addRecent(path)
	return nil
}

// askOpenWorkspace opens the workspace at path, after asking whether to
// discard the changes no workspace holds.
func (u *UI) askOpenWorkspace(path string) {
	u.discardFirst("The workspace "+filepath.Base(path), func() { u.OpenWorkspace(path) })
}

// OpenWorkspace replaces the open scans by those of the workspace at path,
// each with its settings. A workspace that does not read is reported and
// changes nothing; a scan file that is missing is reported while the
// others open.
func (u *UI) OpenWorkspace(path string) {
	ws, err := readWorkspace(path)
	if err != nil {
		u.showError("Could not open workspace "+filepath.Base(path), err)
		return
	}
	for _, e := range u.entries {
		u.stop(e)
		e.gen++ // drop results in flight
	}
	u.entries, u.want = nil, nil
	u.list.UnselectAll()
	u.show(nil)
	u.opt = sharedOptions(ws.Settings, guiDefaults())

	var missing []error
	var want *entry
	var added []*entry
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
		e := u.addEntry(s.Path, s.Ranges)
		e.opt = ws.ScanSettings[i]
		if s.Overlays != nil {
			e.wantShown = map[string]bool{}
			for _, k := range s.Overlays {
				e.wantShown[k] = true
			}
		}
		if i == ws.Current || want == nil && i > ws.Current {
			want = e
		}
		added = append(added, e)
	}
	if want == nil && len(added) > 0 {
		want = added[len(added)-1]
	}
	u.want = want
	u.dirty = false
	u.addRecent(path)
	u.list.Refresh()
	u.settings.fill(u.Options())
	u.updateStatus()
	u.pump()
	if len(missing) > 0 {
		u.showError(fmt.Sprintf("Workspace %s: %d of %d scans are missing", filepath.Base(path), len(missing), len(ws.Scans)),
			errors.Join(missing...))
	}
}

// ShowSaveWorkspaceDialog asks where to save the workspace and saves it.
func (u *UI) ShowSaveWorkspaceDialog() {
	u.pickSave("Save workspace", "_Save", "Bragg workspace", WorkspaceExt, "workspace"+WorkspaceExt, u.startDir(prefWorkspaceDir), func(p string) {
		if filepath.Ext(p) == "" {
			p += WorkspaceExt
		}
		u.prefs.SetString(prefWorkspaceDir, filepath.Dir(p))
		if err := u.SaveWorkspace(p); err != nil {
			u.showError("Could not save workspace "+filepath.Base(p), err)
			return
		}
		dialog.ShowInformation("Workspace saved", "Wrote "+p, u.win)
	})
}

// ShowOpenWorkspaceDialog asks for a workspace file and opens it.
func (u *UI) ShowOpenWorkspaceDialog() {
	u.pickFilesIn("Open workspace", "Bragg workspaces", []string{WorkspaceExt}, prefWorkspaceDir, false, func(paths []string) {
		u.askOpenWorkspace(paths[0])
	})
}
