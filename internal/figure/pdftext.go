package figure

import (
	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/encoding/charmap"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgpdf"
)

// pdfCanvas is vgpdf's canvas with text beyond Latin-1. vgpdf embeds its
// fonts with the Windows-1252 encoding and passes strings through as
// bytes, so "Å" and "θ" come out garbled (gonum/plot issue #347). Text
// that Windows-1252 can encode goes to vgpdf encoded; any other character
// (θ, ⁻, −, √) is drawn as the outline of its glyph in the same font, so
// the axis titles read as on screen and stay vector.
type pdfCanvas struct{ *vgpdf.Canvas }

// FillString draws str with its baseline starting at pt.
func (c pdfCanvas) FillString(f font.Face, pt vg.Point, str string) {
	enc := charmap.Windows1252.NewEncoder()
	var run []rune
	flush := func() {
		if len(run) == 0 {
			return
		}
		s := string(run)
		b, err := enc.String(s)
		if err == nil {
			c.Canvas.FillString(f, pt, b)
		}
		pt.X += f.Width(s)
		run = run[:0]
	}
	for _, r := range str {
		if _, ok := charmap.Windows1252.EncodeRune(r); ok {
			run = append(run, r)
			continue
		}
		flush()
		pt.X += c.glyph(f, pt, r)
	}
	flush()
}

// glyph fills the outline of r's glyph at pt and returns its advance.
func (c pdfCanvas) glyph(f font.Face, pt vg.Point, r rune) vg.Length {
	if f.Face == nil {
		return 0
	}
	var b sfnt.Buffer
	idx, err := f.Face.GlyphIndex(&b, r)
	if err != nil || idx == 0 {
		return 0
	}
	ppem := fixed.Int26_6(f.Font.Size.Points() * 64) // one unit a point
	segs, err := f.Face.LoadGlyph(&b, idx, ppem, nil)
	if err != nil {
		return 0
	}
	// Glyph coordinates are 26.6 fixed point with y down.
	at := func(p fixed.Point26_6) vg.Point {
		return vg.Point{X: pt.X + vg.Length(p.X)/64, Y: pt.Y - vg.Length(p.Y)/64}
	}
	var path vg.Path
	for i, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			if i > 0 {
				path.Close()
			}
			path.Move(at(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			path.Line(at(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			path.QuadTo(at(s.Args[0]), at(s.Args[1]))
		case sfnt.SegmentOpCubeTo:
			path.CubeTo(at(s.Args[0]), at(s.Args[1]), at(s.Args[2]))
		}
	}
	if len(segs) > 0 {
		path.Close()
		c.Canvas.Fill(path)
	}
	adv, err := f.Face.GlyphAdvance(&b, idx, ppem, xfont.HintingNone)
	if err != nil {
		return 0
	}
	return vg.Length(adv) / 64
}
