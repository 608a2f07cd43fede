package assets

import _ "embed"

//go:embed Icon.png
var iconPNG []byte

// IconPNG returns Bragg's application icon, a diffraction pattern on blue,
// as PNG bytes (also FyneApp.toml's Icon).
func IconPNG() []byte { return iconPNG }
