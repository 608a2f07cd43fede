package app

import (
	"fmt"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// Snapshot renders the main window offscreen at size with files loaded
// through b (the demo pattern when there are none) and writes it to out as
// a PNG. It uses Fyne's software renderer, so it needs no display; loads
// run inline so the picture shows finished analyses. A file that fails to
// load is an error. out is replaced atomically.
func Snapshot(out string, size fyne.Size, b Backend, files ...string) error {
	a := test.NewApp()
	defer a.Quit()
	a.Settings().SetTheme(lightTheme{theme.DefaultTheme()})

	u := New(a, b)
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
	w := u.Window()
	w.Resize(size)
	img := w.Canvas().Capture()

	tmp, err := os.CreateTemp(filepath.Dir(out), ".snapshot-*.png")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if err := png.Encode(tmp, img); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

// lightTheme is a theme pinned to its light variant: the test app's
// settings report no variant of their own.
type lightTheme struct{ fyne.Theme }

// Color returns the light variant of every colour.
func (t lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantLight)
}
