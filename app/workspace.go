package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2/dialog"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/internal/atomic"
)

// WorkspaceExt is the extension of Bragg workspace files.
const WorkspaceExt = ".bragg"

// Workspace files: a small JSON document that names itself and carries a
// version, so that a later Bragg can read an older file and an older one
// refuses a newer file clearly.
const (
	workspaceFormat  = "bragg-workspace"
	workspaceVersion = 1
)

// workspace is the saved state of the window: the open scans, the settings
// in force and which candidates each scan overlays.
type workspace struct {
	Format  string `json:"format"`  // workspaceFormat
	Version int    `json:"version"` // workspaceVersion
	// Settings are the analysis settings in force (analysis.Options).
	Settings analysis.Options `json:"settings"`
	Scans    []workspaceScan  `json:"scans"`
	// Current is the index in Scans of the scan on display, -1 for none.
	Current int `json:"current"`
}

// workspaceScan is one open scan.
type workspaceScan struct {
	// Path is the scan file, absolute when saved; a relative path (written
	// by hand) is taken relative to the workspace file.
	Path string `json:"path,omitempty"`
	// Demo marks the built-in demo pattern, which has no file.
	Demo bool `json:"demo,omitempty"`
	// Overlays are the IDs of the candidate phases whose reference lines
	// are shown; null (or absent) shows the identified phases.
	Overlays []string `json:"overlays"`
}

// workspace returns the state of the window.
func (u *UI) workspace() workspace {
	ws := workspace{Format: workspaceFormat, Version: workspaceVersion, Settings: u.opt, Current: -1}
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

func writeWorkspace(path string, ws workspace) error {
	b, err := json.MarshalIndent(ws, "", "  ")
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	b = append(b, '\n')
	return atomic.WriteFile(path, func(w io.Writer) error { _, err := w.Write(b); return err })
}

// readWorkspace reads and checks a workspace file. Errors name the file.
func readWorkspace(path string) (*workspace, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a valid Bragg workspace: %s", path, fmt.Sprintf(format, args...))
	}
	// Settings a file leaves out keep their defaults.
	ws := workspace{Settings: analysis.DefaultOptions()}
	if err := json.Unmarshal(b, &ws); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, bad("line %d: %v", lineOf(b, se.Offset), se)
		case errors.As(err, &te):
			return nil, bad("line %d: %q should be %s, not %s", lineOf(b, te.Offset), te.Field, te.Type, te.Value)
		}
		return nil, bad("%v", err)
	}
	switch {
	case ws.Format != workspaceFormat:
		return nil, bad(`"format" is %q, want %q`, ws.Format, workspaceFormat)
	case ws.Version < 1:
		return nil, bad(`no "version"`)
	case ws.Version > workspaceVersion:
		return nil, fmt.Errorf("%s: workspace version %d is newer than this Bragg reads (%d): update Bragg",
			path, ws.Version, workspaceVersion)
	}
	if err := ws.Settings.Validate(); err != nil {
		return nil, bad("settings: %v", err)
	}
	dir := filepath.Dir(path)
	for i := range ws.Scans {
		s := &ws.Scans[i]
		switch {
		case s.Demo:
			s.Path = ""
		case s.Path == "":
			return nil, bad("scan %d has no path", i+1)
		case !filepath.IsAbs(s.Path):
			s.Path = filepath.Join(dir, s.Path)
		}
	}
	if ws.Current < -1 || ws.Current >= len(ws.Scans) {
		ws.Current = len(ws.Scans) - 1
	}
	return &ws, nil
}

// lineOf returns the 1-based line of byte offset off in b.
func lineOf(b []byte, off int64) int {
	off = min(max(off, 0), int64(len(b)))
	return 1 + bytes.Count(b[:off], []byte{'\n'})
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
