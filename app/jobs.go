package app

import (
	"context"
	"fmt"
	"slices"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
)

// The work on the scans, off the UI goroutine.
//
// Each scan goes through steps: read its file, find the peaks (the
// pipeline up to analysis.StagePeaks, which the window shows at once) and
// identify the phases (the whole pipeline, which takes seconds). A step
// is chosen from the scan's settings and what it shows (entry.next): a
// change of a processing setting (background, smoothing) runs the peaks
// and then the identification, a change of a phase decision the
// identification alone. pump starts the steps: the scan on display (and
// the one waiting to be) at once, the others in list order on u.lanes
// background lanes, so that opening a hundred files keeps one core free
// for the scan the user looks at. A step whose settings change is
// stopped (its context cancelled) and its result dropped. All of this
// state lives on the UI goroutine.

// Steps of a scan's work.
const (
	stepRead     = "reading"
	stepPeaks    = "peaks"
	stepIdentify = "identify"
)

// next returns the step e needs to show its settings, or "" for none.
func (e *entry) next() string {
	switch {
	case e.choosing:
		return ""
	case e.held != nil && sameOptions(*e.held, e.opt):
		return ""
	case e.src == nil || e.read != e.opt.Format:
		return stepRead
	case e.a == nil || !samePeaks(e.aopt, e.opt):
		return stepPeaks
	case !e.full || !sameOptions(e.aopt, e.opt):
		return stepIdentify
	}
	return ""
}

// samePeaks reports whether a and b find the same peaks: whether they
// differ only in the search-match and the whole-pattern fit, which come
// after the peaks.
func samePeaks(a, b analysis.Options) bool {
	a.Match, a.Fit = b.Match, b.Fit
	return sameOptions(a, b)
}

// pump starts the steps the scans need: the scan on display and the one
// to be shown first, then the others in list order while background
// lanes are free. Inline (snapshots) it runs them all to the end.
func (u *UI) pump() {
	if u.pumping {
		return // a step finished inline within pump: the loop goes on
	}
	u.pumping = true
	defer func() { u.pumping = false }()
	for {
		started := false
		order := make([]*entry, 0, len(u.entries))
		for _, e := range []*entry{u.current, u.want} {
			if e != nil && !slices.Contains(order, e) && slices.Contains(u.entries, e) {
				order = append(order, e)
			}
		}
		for _, e := range u.entries {
			if !slices.Contains(order, e) {
				order = append(order, e)
			}
		}
		for _, e := range order {
			if e.step != "" {
				continue
			}
			step := e.next()
			if step == "" {
				continue
			}
			bg := e != u.current && e != u.want
			if bg && u.busy >= u.lanes {
				continue
			}
			u.start(e, step, bg)
			started = true
		}
		if !u.inline || !started {
			return
		}
	}
}

// stepResult is what a step gives back.
type stepResult struct {
	scans  []*diffraction.Scan
	format string
	a      *Analysis
	err    error
}

// start runs step for e off the UI goroutine (inline in snapshots) with
// e's settings, and hands the result to stepDone.
func (u *UI) start(e *entry, step string, bg bool) {
	e.gen++
	gen := e.gen
	ctx, cancel := context.WithCancel(context.Background())
	e.step, e.bg, e.cancel, e.stage, e.done = step, bg, cancel, "", 0
	if bg {
		u.busy++
	}
	opt, src, path := e.opt, e.src, e.path
	file := path
	if path == "" {
		file = analysis.DemoFile
	}
	progress := func(stage string, done float64) {
		u.do(func() {
			if e.gen == gen {
				e.stage, e.done = stage, done
				u.refreshItem(e)
				if e == u.current {
					u.showProgress(e)
				}
			}
		})
	}
	work := func() stepResult {
		if step == stepRead {
			scans, format, err := u.services.read(path, opt.Format)
			return stepResult{scans: scans, format: format, err: err}
		}
		until := ""
		if step == stepPeaks {
			until = analysis.StagePeaks
		}
		s := *src // the pipeline settles the wavelength of its copy
		a, err := u.services.analyse(ctx, file, &s, opt, until, progress)
		if err == nil && (a == nil || a.Scan == nil || a.Scan.Len() < 2) {
			err = fmt.Errorf("%s: no data points", file)
		}
		return stepResult{a: a, err: err}
	}
	u.refreshItem(e)
	if e == u.current {
		u.showProgress(e)
	}
	if u.inline {
		u.stepDone(e, gen, step, opt, work())
		return
	}
	u.spawn(func() {
		r := work()
		u.do(func() { u.stepDone(e, gen, step, opt, r) })
	})
}

// stop stops e's step in flight, if any: its result will be dropped.
func (u *UI) stop(e *entry) {
	if e.step == "" {
		return
	}
	e.cancel()
	if e.bg {
		u.busy--
	}
	e.step, e.cancel, e.stage, e.done = "", nil, "", 0
	e.gen++
}

// stepDone takes the result of e's step gen, run with opt.
func (u *UI) stepDone(e *entry, gen int, step string, opt analysis.Options, r stepResult) {
	defer u.pump()
	if e.gen != gen || !slices.Contains(u.entries, e) {
		return // stopped or closed meanwhile
	}
	e.cancel()
	if e.bg {
		u.busy--
	}
	e.step, e.cancel, e.stage, e.done = "", nil, "", 0
	switch {
	case r.err != nil:
		u.stepFailed(e, opt, r.err)
	case step == stepRead:
		u.readDone(e, opt, r)
	default:
		u.analysed(e, step, opt, r.a)
	}
	u.refreshItem(e)
	if e == u.current {
		u.updateStatus()
	}
}

// refreshItem shows e's state in the scan list.
func (u *UI) refreshItem(e *entry) {
	if i := slices.Index(u.entries, e); i >= 0 {
		u.list.RefreshItem(i)
	}
}

// stepFailed reports err. A scan that has nothing to show leaves the
// list; one that has keeps it, and is not tried again with opt.
func (u *UI) stepFailed(e *entry, opt analysis.Options, err error) {
	if e.a == nil {
		u.remove(e)
		u.showError("Could not open "+e.displayName(), err)
		return
	}
	e.held = &opt
	u.showError("Could not analyse "+e.displayName()+" with these settings", err)
}

// readDone takes the scans of e's file: the one or the ones e.ranges
// names; for a file of several scans that names none, the user chooses
// (the first in snapshots).
func (u *UI) readDone(e *entry, opt analysis.Options, r stepResult) {
	e.format, e.read, e.nscans = r.format, opt.Format, len(r.scans)
	e.aopt, e.full = analysis.Options{}, false // analyse the new data
	switch {
	case len(r.scans) == 1 && len(e.ranges) <= 1:
		e.src = r.scans[0]
	case e.ranges == nil && !u.inline:
		e.choosing = true
		u.chooseScans(e, r.scans)
		return
	default:
		if e.ranges == nil {
			e.ranges = []int{1}
		}
		s, err := pickScans(r.scans, e.ranges)
		if err != nil {
			u.stepFailed(e, opt, fmt.Errorf("%s: %w", e.path, err))
			return
		}
		e.src = s
	}
	e.name = e.displayName()
}

// analysed takes the analysis a of e made with opt by step: the peaks
// only, shown at once, or the identification too.
func (u *UI) analysed(e *entry, step string, opt analysis.Options, a *Analysis) {
	a.Format = e.format
	first := e.a == nil
	e.a, e.aopt, e.full = a, opt, step == stepIdentify
	if e.full {
		u.setAnalysis(e, a)
	} else {
		e.peakPhase = nil // the identification will say
	}
	if first {
		e.xmin, e.xmax = 0, 0
	}
	u.list.Refresh()
	u.updateOverlays() // e may be overlaid
	switch {
	case u.want == e || u.current == nil:
		if u.want == e {
			u.want = nil
		}
		u.selectEntry(e)
	case u.current == e && first:
		u.show(e)
	case u.current == e:
		u.refreshShown()
	}
}

// refreshShown shows the scan on display's new analysis, keeping the zoom.
func (u *UI) refreshShown() {
	e := u.current
	v := u.view
	v.Scan, v.Background, v.Peaks = e.a.Scan, e.a.Background, e.a.Peaks
	v.Selected = -1
	u.settings.syncPoints()
	u.updateOverlays()
	u.updateTables()
	u.updateStatus()
}

// showProgress shows the work on e (the scan on display) in the status
// bar: its stage, a progress bar and Cancel; nothing when it is idle.
func (u *UI) showProgress(e *entry) {
	if e == nil || e.step == "" {
		u.progressBox.Hide()
		return
	}
	text := e.stage
	switch {
	case e.step == stepRead:
		text = analysis.StageRead
	case text == "":
		text = "waiting for a free core"
	}
	u.progressLabel.SetText(text + "…")
	u.progress.SetValue(e.done)
	u.progressBox.Show()
}

// CancelWork stops the work on the scan on display. It keeps what it
// showed (a scan being opened is closed), and is not analysed again with
// these settings until they change or Rerun asks.
func (u *UI) CancelWork() {
	e := u.current
	if e == nil || e.step == "" {
		return
	}
	u.stop(e)
	if e.a == nil {
		u.remove(e)
		return
	}
	opt := e.opt
	e.held = &opt
	u.refreshItem(e)
	u.updateStatus()
}

// Rerun analyses the scan on display again with its settings, after a
// failure or a cancel.
func (u *UI) Rerun() {
	e := u.current
	if e == nil || e.step != "" {
		return
	}
	e.held = nil
	if e.next() == "" {
		e.full = false // identify again
	}
	u.pump()
	u.updateStatus()
}

// setScanOptions makes opt e's settings, stopping work done with the old
// ones, and starts what they need.
func (u *UI) setScanOptions(e *entry, opt analysis.Options) {
	if e.step != stepRead {
		u.stop(e)
	}
	e.opt, e.held = opt, nil
	if e == u.current {
		u.settings.fill(opt)
		u.settings.updateButtons()
		u.updateStatus()
	}
	u.refreshItem(e)
	u.pump()
}
