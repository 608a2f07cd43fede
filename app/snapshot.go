package app

import (
	"fmt"
	"image/color"
	"image/png"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/bragg-xrd/bragg/internal/atomic"
)

// The views: the windows Snapshot renders and `bragg gui --view` opens
// over the main window.
const (
	ViewMain       = "main"
	ViewOverlay    = "overlay" // the main window, every open scan overlaid on the one on display
	ViewBrowser    = "browser" // the database browser
	ViewTeach      = "teach"   // the teaching mode
	ViewAbout      = "about"
	ViewCandidates = "candidates" // the main window with the candidates' tab
	ViewDecisions  = "decisions"  // the fit and the identification's decisions
	ViewElements   = "elements"   // the periodic-table picker of element restraints
	ViewAdvanced   = "advanced"   // the advanced settings
)

// ShowView opens the window of a view (ViewBrowser, ViewTeach or
// ViewAbout; "" and ViewMain open none; ViewOverlay overlays the open
// scans in the main window; the others a tab or a dialog of the main
// window) and returns it.
func (u *UI) ShowView(view string) (fyne.Window, error) {
	switch view {
	case "", ViewMain:
		return u.win, nil
	case ViewOverlay:
		u.OverlayAll(true)
		return u.win, nil
	case ViewCandidates:
		u.phases.tabs.SelectIndex(1)
		return u.win, nil
	case ViewDecisions:
		u.ShowDecisions()
		return u.win, nil
	case ViewElements:
		u.ShowPeriodicTable()
		return u.win, nil
	case ViewAdvanced:
		u.ShowAdvanced()
		return u.win, nil
	case ViewBrowser:
		u.ShowBrowser()
		return u.browser.win, nil
	case ViewTeach:
		u.ShowTeaching(nil)
		return u.teach.win, nil
	case ViewAbout:
		return u.ShowAbout(), nil
	}
	return nil, fmt.Errorf("unknown view %q: want one of %s", view,
		strings.Join([]string{ViewMain, ViewOverlay, ViewCandidates, ViewDecisions, ViewElements, ViewAdvanced, ViewBrowser, ViewTeach, ViewAbout}, ", "))
}

// Snapshot renders a view (see ShowView; "" is the main window)
// offscreen at size, with files loaded through s (the demo pattern when
// there are none), and writes it to out as a PNG. It uses Fyne's software
// renderer, so it needs no display; loads and computations run inline so
// the picture shows finished results. A file that fails to load is an
// error. out is replaced atomically.
func Snapshot(out string, size fyne.Size, view string, s Services, files ...string) error {
	a := test.NewApp()
	defer a.Quit()
	a.Settings().SetTheme(lightTheme{theme.DefaultTheme()})

	u := New(a, s)
	u.inline = true
	u.portal = false
	var loadErr error
	u.onError = func(title string, err error) {
		if loadErr == nil {
			loadErr = fmt.Errorf("%s: %w", title, err)
		}
	}
	u.Open(files...) // the demo when there are none
	if loadErr != nil {
		return loadErr
	}
	w, err := u.ShowView(view)
	if err != nil {
		return err
	}
	if loadErr != nil {
		return loadErr
	}
	w.Resize(size)
	img := w.Canvas().Capture()

	return atomic.WriteFile(out, func(w io.Writer) error { return png.Encode(w, img) })
}

// lightTheme is a theme pinned to its light variant: the test app's
// settings report no variant of their own.
type lightTheme struct{ fyne.Theme }

// Color returns the light variant of every colour.
func (t lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
