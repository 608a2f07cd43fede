package app

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2/dialog"

	"github.com/bragg-xrd/bragg/diffraction/analysis"
)

// Undo and redo of the changes made to a scan's settings: processing,
// search-match and fit settings, the manual background, and the phase
// decisions (accept, reject, the user's list), which are all settings
// (analysis.Options). Each scan keeps its own history, as a document of
// HighScore or EVA does; Edit ▸ Undo acts on the scan on display. A state
// keeps the analysis made with its settings, so that undoing shows it at
// once instead of running it again.

// maxHistory is how many changes of one scan can be undone. A state holds
// its analysis (under a megabyte for a 10,000-point scan with its fit's
// curves), so 50 cost tens of megabytes at most.
const maxHistory = 50

// history is a scan's undo and redo stacks.
type history struct{ undo, redo []state }

// state is a scan's settings before (undo) or after (redo) a change
// labelled label, with the analysis made with them when there was one.
type state struct {
	opt   analysis.Options
	a     *Analysis
	label string
}

// snapshot is e's state now; the change it precedes is label.
func (e *entry) snapshot(label string) state {
	s := state{opt: e.opt, label: label}
	if e.full && e.a != nil && sameOptions(e.aopt, e.opt) {
		s.a = e.a
	}
	return s
}

// change makes opt the settings of e through its history: the change,
// labelled label ("Accept Quartz"), can be undone.
func (u *UI) change(e *entry, opt analysis.Options, label string) {
	if err := opt.Validate(); err != nil {
		u.showError(label+": not done", err)
		return
	}
	if sameOptions(opt, e.opt) {
		return
	}
	h := &e.hist
	h.undo = append(h.undo, e.snapshot(label))
	if len(h.undo) > maxHistory {
		h.undo = h.undo[len(h.undo)-maxHistory:]
	}
	h.redo = nil
	u.dirty = true
	u.setScanOptions(e, opt)
	u.updateEditMenu()
}

// Undo takes back the last change of the scan on display.
func (u *UI) Undo() {
	if e := u.current; e != nil {
		u.travel(e, &e.hist.undo, &e.hist.redo)
	}
}

// Redo makes again the last change undone on the scan on display.
func (u *UI) Redo() {
	if e := u.current; e != nil {
		u.travel(e, &e.hist.redo, &e.hist.undo)
	}
}

// travel brings e to the last state of from, keeping its state now at the
// end of to.
func (u *UI) travel(e *entry, from, to *[]state) {
	n := len(*from)
	if n == 0 {
		return
	}
	s := (*from)[n-1]
	*from = (*from)[:n-1]
	*to = append(*to, e.snapshot(s.label))
	u.restore(e, s)
}

// restore brings e back to state s: its settings, and its analysis when
// s kept one.
func (u *UI) restore(e *entry, s state) {
	u.dirty = true
	if s.a != nil {
		u.stop(e)
		e.opt, e.held = s.opt, nil
		e.aopt, e.full = s.opt, true
		u.setAnalysis(e, s.a)
		if e == u.current {
			u.settings.fill(e.opt)
			u.settings.updateButtons()
			u.refreshShown()
		}
		u.refreshItem(e)
		u.pump()
	} else {
		u.setScanOptions(e, s.opt)
	}
	u.updateEditMenu()
}

// updateEditMenu names in the Edit menu the change Undo and Redo would
// take back or make again.
func (u *UI) updateEditMenu() {
	if u.undoItem == nil {
		return
	}
	e := u.current
	u.undoItem.Label, u.undoItem.Disabled = "Undo", true
	u.redoItem.Label, u.redoItem.Disabled = "Redo", true
	if e != nil {
		if n := len(e.hist.undo); n > 0 {
			u.undoItem.Label, u.undoItem.Disabled = "Undo "+e.hist.undo[n-1].label, false
		}
		if n := len(e.hist.redo); n > 0 {
			u.redoItem.Label, u.redoItem.Disabled = "Redo "+e.hist.redo[n-1].label, false
		}
	}
	u.mainMenu.Refresh()
}

// CloseScan closes e, asking first when its changes would be lost (the
// settings and phase decisions of a scan are kept only in a workspace).
func (u *UI) CloseScan(e *entry) {
	if e == nil {
		return
	}
	if !u.dirty || len(e.hist.undo) == 0 {
		u.closeScan(e)
		return
	}
	u.confirm("Close "+e.displayName()+"?",
		"Its settings and phase decisions have changed since the workspace was saved. Close it and lose them?",
		"Close", func() { u.closeScan(e) })
}

func (u *UI) closeScan(e *entry) {
	i := slices.Index(u.entries, e)
	u.remove(e)
	if u.current == nil && len(u.entries) > 0 {
		u.selectEntry(u.entries[min(max(i, 0), len(u.entries)-1)])
	}
	u.updateEditMenu()
}

// Quit ends the program, asking first when there are changes no
// workspace holds.
func (u *UI) Quit() {
	if !u.dirty {
		u.app.Quit()
		return
	}
	u.confirm("Quit Bragg?", "The scans' settings and phase decisions have changed since the workspace was saved. Quit and lose the changes?",
		"Quit", u.app.Quit)
}

// discardFirst runs then, after asking whether to discard the changes no
// workspace holds when there are some; what names what would replace
// them.
func (u *UI) discardFirst(what string, then func()) {
	if !u.dirty {
		then()
		return
	}
	u.confirm("Discard changes?", fmt.Sprintf("The scans' settings and phase decisions have changed since the workspace was saved. %s replaces the open scans: discard the changes?", what),
		"Discard", then)
}

// confirm asks a yes-or-no question with the yes button labelled yes; in
// snapshots (no one to ask) it answers yes.
func (u *UI) confirm(title, question, yes string, then func()) {
	if u.inline {
		then()
		return
	}
	d := dialog.NewConfirm(title, question, func(ok bool) {
		if ok {
			then()
		}
	}, u.win)
	d.SetConfirmText(yes)
	d.SetDismissText("Cancel")
	d.Show()
}
