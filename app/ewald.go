package app

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// The Ewald construction (P. P. Ewald 1921, Z. Kristallogr. 56, 129; ITC
// Vol. B, §2.5.2 and Vol. C, §2.2.1): a sphere of radius 1/λ through the
// origin O of the reciprocal lattice, its centre C on the incident beam,
// 1/λ before O. A reciprocal-lattice point g = ha* + kb* + lc*, |g| = 1/d,
// diffracts when it lies on the sphere; the diffracted beam runs from C
// through it, at 2θ from the incident beam, and |g| = 2 sinθ/λ is Bragg's
// law. In a powder every orientation of g is present: the points of one
// |g| fill a sphere about O, which cuts the Ewald sphere in the circle
// that makes the Debye–Scherrer cone.

// ewaldScene is the construction for one reflection in a plane of the
// reciprocal lattice, in Å⁻¹: O at the origin, the incident beam along +x,
// C at (−1/λ, 0), the reflection turned onto the sphere at P, above the
// beam.
type ewaldScene struct {
	Radius  float64    // 1/λ
	G       float64    // |g| = 1/d
	Theta   float64    // Bragg angle θ, radians
	P       [2]float64 // the reflection on the sphere
	Zone    [3]int     // the zone axis [uvw] of the plane drawn (hu + kv + lw = 0)
	Points  []ewaldPoint
	Spacing float64 // the shortest distance between points of the plane
}

// ewaldPoint is one reciprocal-lattice point of the plane drawn.
type ewaldPoint struct {
	X, Y    float64
	H, K, L int
	// Present says whether the pattern has a line at this point's d: a
	// point without one is systematically absent or too weak to see.
	Present bool
}

// maxEwaldPoints bounds the lattice drawn: a denser plane is left out.
const maxEwaldPoints = 4000

// newEwaldScene builds the construction for the reflection hkl of cell at
// lambda, with the points of the plane within extent (Å⁻¹) of O; present
// tells whether the pattern has a line at a d-spacing. The plane is the
// one holding hkl and the shortest reciprocal-lattice vector not parallel
// to it.
func newEwaldScene(cell crystal.Cell, lambda float64, hkl [3]int, extent float64, present func(d float64) bool) (*ewaldScene, error) {
	if hkl == [3]int{} {
		return nil, errors.New("000 is the origin, not a reflection")
	}
	gs, err := cell.ReciprocalMetric()
	if err != nil {
		return nil, err
	}
	basis := cartesian(gs)
	vec := func(h [3]int) vec3 {
		return basis[0].times(float64(h[0])).plus(basis[1].times(float64(h[1]))).plus(basis[2].times(float64(h[2])))
	}
	gl := vec(hkl).norm()
	sinT := lambda * gl / 2
	if sinT > 1 {
		return nil, fmt.Errorf("d = %.4f Å is below λ/2 = %.4f Å: the reflection cannot be reached", 1/gl, lambda/2)
	}
	sc := &ewaldScene{Radius: 1 / lambda, G: gl, Theta: math.Asin(sinT)}
	sc.P = [2]float64{-gl * sinT, gl * math.Cos(sc.Theta)}

	// u1: the shortest lattice vector along g; u2: the shortest one off
	// it, among small indices, that spans the plane's lattice with it
	// (u1 × u2 is the primitive zone axis).
	n := gcd3(hkl)
	u1 := [3]int{hkl[0] / n, hkl[1] / n, hkl[2] / n}
	var u2 [3]int
	best := math.Inf(1)
	const m = 4
	for i := -m; i <= m; i++ {
		for j := -m; j <= m; j++ {
			for k := -m; k <= m; k++ {
				x := [3]int{i, j, k}
				z := crossInt(u1, x)
				if z == [3]int{} || gcd3(z) != 1 {
					continue
				}
				if l := vec(x).norm(); l < best-1e-12 {
					best, u2 = l, x
				}
			}
		}
	}
	if math.IsInf(best, 1) {
		return nil, errors.New("no reciprocal-lattice plane found")
	}
	sc.Zone = crossInt(u1, u2)
	v1, v2 := vec(u1), vec(u2)
	// In-plane axes: e1 along g, e2 perpendicular to it in the plane.
	e1 := v1.times(1 / v1.norm())
	e2 := v2.minus(e1.times(v2.dot(e1)))
	e2 = e2.times(1 / e2.norm())
	// Lattice points i·u1 + j·u2 within extent: |i| and |j| are bounded by
	// extent over the heights of the cell they span.
	area := v1.cross(v2).norm()
	h1, h2 := area/v2.norm(), area/v1.norm()
	sc.Spacing = min(v1.norm(), v2.norm(), h1, h2)
	mi, mj := int(extent/h1)+1, int(extent/h2)+1
	if (2*mi+1)*(2*mj+1) > 16*maxEwaldPoints {
		return sc, nil // too dense to draw
	}
	// Turn e1 onto the direction of P: by 90° + θ from +x.
	phi := math.Pi/2 + sc.Theta
	cp, sp := math.Cos(phi), math.Sin(phi)
	for i := -mi; i <= mi; i++ {
		for j := -mj; j <= mj; j++ {
			v := v1.times(float64(i)).plus(v2.times(float64(j)))
			l := v.norm()
			if l > extent {
				continue
			}
			a, b := v.dot(e1), v.dot(e2)
			p := ewaldPoint{X: a*cp - b*sp, Y: a*sp + b*cp,
				H: i*u1[0] + j*u2[0], K: i*u1[1] + j*u2[1], L: i*u1[2] + j*u2[2]}
			p.Present = l > 0 && present != nil && present(1/l)
			sc.Points = append(sc.Points, p)
			if len(sc.Points) > maxEwaldPoints {
				sc.Points = nil
				return sc, nil
			}
		}
	}
	return sc, nil
}

// cartesian returns the reciprocal basis vectors a*, b*, c* (rows) in a
// Cartesian frame, from the reciprocal metric G* (gᵢⱼ = aᵢ*·aⱼ*): a*
// along x, b* in the xy plane (the Cholesky factor of G*).
func cartesian(gs [3][3]float64) [3]vec3 {
	var b [3]vec3
	b[0][0] = math.Sqrt(gs[0][0])
	b[1][0] = gs[0][1] / b[0][0]
	b[1][1] = math.Sqrt(gs[1][1] - b[1][0]*b[1][0])
	b[2][0] = gs[0][2] / b[0][0]
	b[2][1] = (gs[1][2] - b[1][0]*b[2][0]) / b[1][1]
	b[2][2] = math.Sqrt(gs[2][2] - b[2][0]*b[2][0] - b[2][1]*b[2][1])
	return b
}

// vec3 is a vector of reciprocal space in a Cartesian frame, Å⁻¹.
type vec3 [3]float64

func (a vec3) dot(b vec3) float64   { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
func (a vec3) norm() float64        { return math.Sqrt(a.dot(a)) }
func (a vec3) times(f float64) vec3 { return vec3{a[0] * f, a[1] * f, a[2] * f} }
func (a vec3) plus(b vec3) vec3     { return vec3{a[0] + b[0], a[1] + b[1], a[2] + b[2]} }
func (a vec3) minus(b vec3) vec3    { return a.plus(b.times(-1)) }
func (a vec3) cross(b vec3) vec3 {
	return vec3{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

func crossInt(a, b [3]int) [3]int {
	return [3]int{a[1]*b[2] - a[2]*b[1], a[2]*b[0] - a[0]*b[2], a[0]*b[1] - a[1]*b[0]}
}

// gcd3 is the greatest common divisor of the indices' absolute values (0
// for 000).
func gcd3(h [3]int) int {
	g := 0
	for _, v := range h {
		v = max(v, -v)
		for v != 0 {
			g, v = v, g%v
		}
	}
	return g
}

// ewaldView draws an ewaldScene with canvas primitives: the Ewald circle,
// the powder ring |g| = 1/d about O, the lattice points of the plane
// (filled where the pattern has a line), the incident and diffracted beams,
// g and the angle 2θ.
type ewaldView struct {
	widget.BaseWidget
	Scene *ewaldScene // nil shows Empty
	Label string      // the reflection's hkl, at P
	Empty string
}

func newEwaldView() *ewaldView {
	v := &ewaldView{}
	v.ExtendBaseWidget(v)
	return v
}

func (v *ewaldView) MinSize() fyne.Size { return fyne.NewSize(240, 200) }

func (v *ewaldView) CreateRenderer() fyne.WidgetRenderer {
	r := &ewaldRenderer{v: v}
	r.sphere = canvas.NewCircle(color.Transparent)
	r.ring = canvas.NewCircle(color.Transparent)
	for _, l := range []**canvas.Line{&r.k0, &r.k, &r.g, &r.radius} {
		*l = canvas.NewLine(color.Black)
	}
	for _, t := range []**canvas.Text{&r.tC, &r.tO, &r.tP, &r.tK0, &r.tK, &r.tG, &r.t2T, &r.tR, &r.empty} {
		*t = canvas.NewText("", color.Black)
	}
	return r
}

type ewaldRenderer struct {
	v                                       *ewaldView
	size                                    fyne.Size
	sphere, ring                            *canvas.Circle
	dots                                    []*canvas.Circle
	k0, k, g, radius                        *canvas.Line
	heads, arc                              []*canvas.Line
	tC, tO, tP, tK0, tK, tG, t2T, tR, empty *canvas.Text
}

func (r *ewaldRenderer) Destroy()           {}
func (r *ewaldRenderer) MinSize() fyne.Size { return r.v.MinSize() }
func (r *ewaldRenderer) Refresh()           { r.Layout(r.size); canvas.Refresh(r.v) }
func (r *ewaldRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.ring, r.sphere}
	for _, d := range r.dots {
		objs = append(objs, d)
	}
	objs = append(objs, r.radius, r.k0, r.k, r.g)
	for _, l := range append(r.heads, r.arc...) {
		objs = append(objs, l)
	}
	return append(objs, r.tC, r.tO, r.tP, r.tK0, r.tK, r.tG, r.t2T, r.tR, r.empty)
}

func (r *ewaldRenderer) Layout(size fyne.Size) {
	r.size = size
	v := r.v
	th := v.Theme()
	vr := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, vr)
	prim := th.Color(theme.ColorNamePrimary, vr)
	grey := th.Color(theme.ColorNameDisabled, vr)
	beam := color.NRGBA{0xd6, 0x27, 0x28, 0xff}
	small := th.Size(theme.SizeNameCaptionText) + 1
	sc := v.Scene
	all := r.Objects()
	if sc == nil || size.Width < 20 || size.Height < 20 {
		for _, o := range all {
			o.Hide()
		}
		r.empty.Text, r.empty.Color, r.empty.TextSize = v.Empty, fg, th.Size(theme.SizeNameText)
		ms := r.empty.MinSize()
		r.empty.Move(fyne.NewPos((size.Width-ms.Width)/2, (size.Height-ms.Height)/2))
		r.empty.Resize(ms)
		r.empty.Show()
		return
	}
	for _, o := range all {
		o.Show()
	}
	r.empty.Hide()

	// Fit the sphere and a margin: x from −2/λ − m to 2m (room for the
	// labels right of O), y ±(1/λ + m).
	R := sc.Radius
	mx := 0.12 * R
	wData, hData := 2*R+3*mx, 2*R+2*mx
	s := float32(math.Min(float64(size.Width)/wData, float64(size.Height)/hData))
	ox := (size.Width-float32(wData)*s)/2 + float32(2*R+mx)*s // O on screen
	oy := size.Height / 2
	at := func(x, y float64) fyne.Position { return fyne.NewPos(ox+float32(x)*s, oy-float32(y)*s) }
	circle := func(c *canvas.Circle, cx, cy, rad float64, stroke color.Color, width float32, fill color.Color) {
		c.StrokeColor, c.StrokeWidth, c.FillColor = stroke, width, fill
		p := at(cx, cy)
		rs := float32(rad) * s
		c.Move(p.SubtractXY(rs, rs))
		c.Resize(fyne.NewSize(2*rs, 2*rs))
	}
	line := func(l *canvas.Line, a, b fyne.Position, col color.Color, w float32) {
		l.Position1, l.Position2, l.StrokeColor, l.StrokeWidth = a, b, col, w
	}
	text := func(t *canvas.Text, s string, col color.Color, bold bool, at func(*canvas.Text) fyne.Position) {
		t.Text, t.Color, t.TextSize, t.TextStyle = s, col, small, fyne.TextStyle{Bold: bold}
		t.Move(at(t))
		t.Resize(t.MinSize())
	}
	fixed := func(p fyne.Position) func(*canvas.Text) fyne.Position {
		return func(*canvas.Text) fyne.Position { return p }
	}

	circle(r.sphere, -R, 0, R, prim, 2, color.Transparent)
	circle(r.ring, 0, 0, sc.G, grey, 1, color.Transparent)

	// Lattice points inside the widget; none when they would touch.
	dotR := float32(2.5)
	var pts []ewaldPoint
	if float32(sc.Spacing)*s >= 3*dotR {
		for _, p := range sc.Points {
			q := at(p.X, p.Y)
			if q.X >= 0 && q.X <= size.Width && q.Y >= 0 && q.Y <= size.Height {
				pts = append(pts, p)
			}
		}
	}
	for len(r.dots) < len(pts) {
		r.dots = append(r.dots, canvas.NewCircle(color.Black))
	}
	r.dots = r.dots[:len(pts)]
	for i, p := range pts {
		c := r.dots[i]
		q := at(p.X, p.Y)
		c.Move(q.SubtractXY(dotR, dotR))
		c.Resize(fyne.NewSize(2*dotR, 2*dotR))
		c.StrokeColor, c.StrokeWidth = fg, 1
		c.FillColor = color.Transparent
		if p.Present {
			c.FillColor = fg
		}
		if p.H == 0 && p.K == 0 && p.L == 0 {
			c.FillColor, c.StrokeColor = beam, beam
		}
	}

	C, O, P := at(-R, 0), at(0, 0), at(sc.P[0], sc.P[1])
	line(r.k0, at(-2*R-mx*0.6, 0), O.AddXY(float32(mx)*s*0.6, 0), beam, 1.5)
	line(r.k, C, P, beam, 1.5)
	line(r.g, O, P, prim, 3)
	line(r.radius, C, at(-R, -R), grey, 1)
	r.heads = arrowHead(r.heads[:0], C, P, beam, 8)
	r.heads = arrowHead(r.heads, at(-2*R, 0), at(-R*0.5, 0), beam, 8)
	r.heads = arrowHead(r.heads, O, P, prim, 10)

	// The angle 2θ at C, between the beam through O and the line to P.
	rad := float64(min(size.Width, size.Height)) * 0.12 / float64(s)
	const segs = 16
	for len(r.arc) < segs {
		r.arc = append(r.arc, canvas.NewLine(color.Black))
	}
	r.arc = r.arc[:segs]
	for i := range segs {
		a0 := 2 * sc.Theta * float64(i) / segs
		a1 := 2 * sc.Theta * float64(i+1) / segs
		line(r.arc[i], at(-R+rad*math.Cos(a0), rad*math.Sin(a0)), at(-R+rad*math.Cos(a1), rad*math.Sin(a1)), beam, 1.5)
	}
	mid := sc.Theta
	text(r.t2T, "2θ", beam, true, fixed(at(-R+rad*1.15*math.Cos(mid), rad*1.15*math.Sin(mid)).AddXY(2, -small)))
	text(r.tC, "C", fg, true, fixed(C.AddXY(-small, 2)))
	text(r.tO, "O", fg, true, fixed(O.AddXY(3, 2)))
	text(r.tP, v.Label, prim, true, fixed(P.AddXY(6, -small-4)))
	text(r.tK0, "incident beam k₀", beam, false, fixed(at(-2*R-mx*0.5, 0).AddXY(0, -small-6)))
	// Beside the diffracted beam, above it, and beside g, right of it.
	text(r.tK, "diffracted beam k", beam, false, func(t *canvas.Text) fyne.Position { return beside(C, P, t, 0.5, 6) })
	text(r.tG, "g = 1/d", prim, false, func(t *canvas.Text) fyne.Position { return beside(O, P, t, 0.5, -6) })
	text(r.tR, "1/λ", grey, false, fixed(at(-R, -R/2).AddXY(4, 0)))
}

// beside returns where to put t so that its centre sits at the fraction f
// of the way from a to b, off the line by off units (positive: to the left
// of a→b as seen on screen, y down).
func beside(a, b fyne.Position, t *canvas.Text, f, off float32) fyne.Position {
	dx, dy := b.X-a.X, b.Y-a.Y
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 {
		return a
	}
	nx, ny := dy/l, -dx/l
	if off < 0 {
		nx, ny, off = -nx, -ny, -off
	}
	ms := t.MinSize()
	ext := float32(math.Abs(float64(nx)))*ms.Width/2 + float32(math.Abs(float64(ny)))*ms.Height/2
	cx, cy := a.X+f*dx+nx*(off+ext), a.Y+f*dy+ny*(off+ext)
	return fyne.NewPos(cx-ms.Width/2, cy-ms.Height/2)
}

// arrowHead appends the two strokes of an arrow head at b, for a line
// from a, size long.
func arrowHead(ls []*canvas.Line, a, b fyne.Position, col color.Color, size float32) []*canvas.Line {
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	l := math.Hypot(dx, dy)
	if l == 0 {
		return ls
	}
	ux, uy := dx/l, dy/l
	for _, sgn := range []float64{1, -1} {
		// 25° either side of the line.
		c, s := math.Cos(25*math.Pi/180), sgn*math.Sin(25*math.Pi/180)
		wx, wy := -(ux*c - uy*s), -(ux*s + uy*c)
		ln := canvas.NewLine(col)
		ln.StrokeWidth = 1.5
		ln.Position1 = b
		ln.Position2 = b.AddXY(float32(wx)*size, float32(wy)*size)
		ls = append(ls, ln)
	}
	return ls
}
