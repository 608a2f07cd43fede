package assets

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

//go:embed Icon.png
var iconPNG []byte

// Icon is Bragg's application icon: a diffraction pattern on blue.
var Icon = fyne.NewStaticResource("Icon.png", iconPNG)
