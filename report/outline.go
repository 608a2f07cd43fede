package report

import (
	"errors"
	"fmt"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	plotfont "gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
)

// outlined draws text as the outlines of its glyphs on the canvas it
// wraps. gonum's PDF canvas encodes text in code page 1252, which has no
// θ, α or λ; drawn as outlines the axis labels come out right in any
// viewer, as publication figures often have them.
type outlined struct{ vg.CanvasSizer }

func (c outlined) FillString(f plotfont.Face, pt vg.Point, s string) {
	if err := c.fillString(f, pt, s); err != nil {
		// The font is Liberation, embedded in gonum: a glyph it cannot
		// load is a bug, not bad input.
		panic(fmt.Sprintf("report: drawing %q: %v", s, err))
	}
}

func (c outlined) fillString(f plotfont.Face, pt vg.Point, s string) error {
	var buf sfnt.Buffer
	upem := fixed.Int26_6(f.Face.UnitsPerEm())
	// With ppem = units per em, the segments are in font units; scale
	// turns them into lengths.
	scale := f.Font.Size / vg.Length(upem)
	var x fixed.Int26_6
	var prev sfnt.GlyphIndex
	var path vg.Path
	for i, r := range s {
		idx, err := f.Face.GlyphIndex(&buf, r)
		if err != nil {
			return err
		}
		if i > 0 {
			k, err := f.Face.Kern(&buf, prev, idx, upem, font.HintingNone)
			if err != nil && !errors.Is(err, sfnt.ErrNotFound) {
				return err
			}
			if err == nil {
				x += k
			}
		}
		segs, err := f.Face.LoadGlyph(&buf, idx, upem, nil)
		if err != nil {
			return err
		}
		// Font units to the canvas: x from the pen position, y up.
		p := func(q fixed.Point26_6) vg.Point {
			return vg.Point{X: pt.X + vg.Length(x+q.X)*scale, Y: pt.Y - vg.Length(q.Y)*scale}
		}
		for _, sg := range segs {
			switch sg.Op {
			case sfnt.SegmentOpMoveTo:
				if len(path) > 0 {
					path.Close()
				}
				path.Move(p(sg.Args[0]))
			case sfnt.SegmentOpLineTo:
				path.Line(p(sg.Args[0]))
			case sfnt.SegmentOpQuadTo:
				path.QuadTo(p(sg.Args[0]), p(sg.Args[1]))
			case sfnt.SegmentOpCubeTo:
				path.CubeTo(p(sg.Args[0]), p(sg.Args[1]), p(sg.Args[2]))
			}
		}
		if len(path) > 0 {
			path.Close()
		}
		adv, err := f.Face.GlyphAdvance(&buf, idx, upem, font.HintingNone)
		if err != nil {
			return err
		}
		x += adv
		prev = idx
	}
	if len(path) > 0 {
		c.Fill(path)
	}
	return nil
}
