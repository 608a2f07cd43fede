package peaks

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/bragg-xrd/bragg/diffraction"
)

// smoothWidths is the automatic smoothing window in units of the typical
// FWHM. A quadratic Savitzky–Golay filter as wide as the FWHM widens a
// Gaussian by about 15 %; at three quarters of it by under 8 %, while
// still halving the noise of a point.
const smoothWidths = 0.75

// d2Widths is the automatic window of the second derivative in units of
// the typical FWHM. Its noise falls as the window to the power −5/2 while a
// peak's response falls slowly up to about twice the FWHM, so a window wider
// than the smoothing window detects weak peaks (and shoulders) much better.
const d2Widths = 1.5

// MinPoints is the fewest points a scan must have for Find to search it.
// Five points hold the smallest Savitzky–Golay window (a quadratic over five
// points) that both smooths and gives a second derivative.
const MinPoints = 5

// Options controls Find. Start from DefaultOptions: the zero value of
// MinSignificance disables the statistical test.
type Options struct {
	// BackgroundIterations is the widest SNIP clipping window, in points:
	// the passes run with windows from this width down to 1, so it is also
	// the number of passes (capped at 48 passes for wide windows, see
	// snip.go). It must exceed the half-width at the base of the widest
	// peak. 0 chooses 2.5 times the scan's typical FWHM in points.
	BackgroundIterations int
	// SmoothWindow is the Savitzky–Golay smoothing window in points, odd
	// (an even value is rounded up), at least 5. 0 chooses the odd number
	// nearest to 0.75 times the scan's typical FWHM in points. The second
	// derivative always uses the wider of this window and 1.5 typical
	// FWHM.
	SmoothWindow int
	// MinSignificance is the smallest accepted net peak height in standard
	// deviations σ of the counts at the peak top (see Find).
	MinSignificance float64
	// MinRelHeight is the smallest accepted net peak height in per cent of
	// the strongest peak's.
	MinRelHeight float64

	// Background chooses the background method; the zero value is SNIP.
	Background Background
	// StripKa2 removes the Kα2 component of the net signal before the
	// search (StripKa2, Rachinger 1948) when the scan's wavelength has one
	// (CanStripKa2); the peaks then are Kα1 peaks. When false, or the
	// wavelength has no Kα2, the data are searched as they are.
	StripKa2 bool
	// Profile is the profile fitted to every peak to refine its position,
	// height, width and area (see Fit); ProfileNone keeps the search's
	// measurements. When Kα2 is present and not stripped, each fitted
	// peak is a Kα1/Kα2 doublet.
	Profile Profile
	// Axis corrects the reported 2θ for a zero shift and specimen
	// displacement; the zero value changes nothing.
	Axis Axis
}

// DefaultOptions returns the options the CLI and GUI start from: automatic
// windows, MinSignificance 3 and MinRelHeight 0.1.
//
// MinSignificance 3 is Currie's detection limit (L. A. Currie, 1968, Anal.
// Chem. 40, 586–593: a signal of about 3.3σ of the blank is detected with
// 95 % probability at a 5 % false-positive rate). σ is that of a single
// point while the height is read from the smoothed signal, whose noise is
// 0.6–0.7 times as large for the automatic window, so 3σ is about 4.5σ of
// the smoothed noise: on pure counting noise the tests see about one false
// peak per 10 000 points, among real peaks well under 1 % of the peaks
// reported, and a true peak 5σ high is found 99 % of the time. A higher
// value trades the weakest real peaks for fewer false ones.
//
// MinRelHeight 0.1 % keeps the weak lines of a minor phase (a phase at
// 1 wt % has its strongest line near 1 % of the main phase's, its weaker
// lines a few tenths of that) while dropping ripples in the tails of very
// strong peaks that a statistical test alone would let through when the
// counts are very high.
//
// Kα2 is stripped when the scan has it, and every peak is fitted with a
// pseudo-Voigt, the usual profile of laboratory data.
func DefaultOptions() Options {
	return Options{MinSignificance: 3, MinRelHeight: 0.1, StripKa2: true, Profile: ProfilePseudoVoigt}
}

// Result holds what Find found.
type Result struct {
	// Background is the estimated background at every point of the scan,
	// in the scan's intensity units.
	Background []float64
	// Peaks are the accepted peaks in increasing 2θ.
	Peaks []diffraction.Peak
	// Fits describes the profile fit of each peak (same order as Peaks);
	// nil when Options.Profile is ProfileNone.
	Fits []Fit
	// ESD is the standard uncertainty of each point's measured intensity
	// under the noise model of the search (the scan's ESDs where given;
	// else k·√max(I, k²) at the smoothed intensity I, k from the scatter
	// of the data: 1 for raw counts, the size of one count for scaled or
	// normalised data; or a constant for data with negative values). A
	// whole-pattern fit weighs the points with it: counting statistics
	// of the data's own units. nil when the scan is flat.
	ESD []float64
	// Ka2Stripped is true when the Kα2 component was stripped.
	Ka2Stripped bool
	// Broad are maxima far broader than the peaks (see broadFactor):
	// amorphous scattering or background the estimate left, not Bragg
	// peaks; they are not in Peaks.
	Broad []diffraction.Peak
}

// A maximum is a broad feature, not a peak, when its FWHM exceeds
// broadFactor times the median FWHM of the scan's peaks and broadMin
// degrees, as HighScore's peak search has a largest peak width: the
// amorphous hump of a glass or a polymer holder is 5–10° wide under
// crystalline peaks of a few tenths of a degree. A nanocrystalline sample,
// whose peaks are all broad, has a large median and keeps them.
const (
	broadFactor = 5.0
	broadMin    = 2.0
)

// splitBroad moves the broad features of pk (and their fits) out of it.
func splitBroad(pk []diffraction.Peak, fits []Fit) (peaks []diffraction.Peak, fitsOut []Fit, broad []diffraction.Peak) {
	if len(pk) < 3 {
		return pk, fits, nil
	}
	w := make([]float64, len(pk))
	for i, q := range pk {
		w[i] = q.FWHM
	}
	limit := math.Max(broadFactor*median(w), broadMin)
	for i, q := range pk {
		if q.FWHM > limit {
			broad = append(broad, q)
			continue
		}
		peaks = append(peaks, q)
		if fits != nil {
			fitsOut = append(fitsOut, fits[i])
		}
	}
	return peaks, fitsOut, broad
}

// Find estimates the background of s and searches it for peaks.
//
// The steps are: a typical peak width in points is estimated from the
// strongest maxima (when a window option is 0); the intensities are smoothed
// by a Savitzky–Golay filter; the SNIP background of the smoothed data is
// subtracted; candidates are the local minima of the Savitzky–Golay second
// derivative of the net signal; each candidate is moved uphill to the
// maximum of the smoothed net signal it sits on, so that a shoulder without
// a maximum of its own (an unresolved Kα2 component) joins its main peak;
// two maxima are kept apart only if the dip between them is itself
// significant. A peak is accepted when its smoothed net height H satisfies
// H ≥ MinSignificance·σ and H ≥ MinRelHeight/100·Hmax. The background is
// lifted by one σ of the smoothed noise to undo the downward bias of
// clipping on noisy data (see debias).
//
// A weak peak on the flank or tail of a stronger one, without a maximum or
// a significant dip of its own, is still reported when it has its own lobe
// of negative curvature outside the stronger peak's half-maximum region
// and both its curvature and the height implied by it are significant
// (see shoulders); its height is then estimated from the curvature and its
// FWHM is the scan's typical one.
//
// σ is the standard deviation of the counts at the peak top: the scan's ESD
// there when it has one; otherwise √(B+H) (Poisson statistics, background
// plus net) when all intensities are non-negative whole numbers, i.e.
// counts; otherwise, for scaled data such as counts per second, k·√(B+H)
// with the scale k estimated from the point-to-point scatter of the data,
// or a constant σ from that scatter when the data have negative values.
// For counts, k is raised above 1 when the scatter shows the data to be
// noisier than Poisson (rebinned or rescaled integers).
//
// Each peak is measured on the net signal: the position by a parabola
// through the three highest points of the smoothed net signal; the height
// at the parabola's vertex; the FWHM by linear interpolation of the
// half-height crossings of the smoothed net signal, limited to the dips to
// the neighbouring peaks (a side that does not cross is taken to mirror the
// other); the area by the trapezoid rule on the unsmoothed net signal
// within ±1.5 FWHM of the position, limited to the same dips (this holds
// all of a Gaussian but about 80 % of a Lorentzian). D is computed by
// Bragg's law with s.Wavelength.Ka1; when the wavelength is unknown D is 0,
// and a caller that wants d-spacings sets an assumed wavelength on the scan
// before calling. Maxima at the first or last point of the scan are not
// reported, since they cannot be told from a truncated slope.
//
// A scan that fails s.Validate, has fewer than MinPoints points or has
// non-finite or negative ESDs gives an error. A flat scan (all intensities
// equal, e.g. all zero) gives its values as the background and no peaks.
func Find(s *diffraction.Scan, opt Options) (Result, error) {
	if s == nil {
		return Result{}, errors.New("peaks: nil scan")
	}
	if err := s.Validate(); err != nil {
		return Result{}, fmt.Errorf("peaks: %w", err)
	}
	n := s.Len()
	if n < MinPoints {
		return Result{}, fmt.Errorf("peaks: %d data points; at least %d are needed", n, MinPoints)
	}
	if err := opt.Validate(); err != nil {
		return Result{}, err
	}
	for i, e := range s.ESD {
		if !(e >= 0) || math.IsInf(e, 0) {
			return Result{}, fmt.Errorf("peaks: point %d: esd %g is not a finite non-negative number", i+1, e)
		}
	}
	y := s.Intensity
	lo, hi := minMax(y)
	res := Result{Background: make([]float64, n)}
	if lo == hi {
		copy(res.Background, y)
		return res, nil
	}

	// One slab for the four scratch arrays: the width estimate uses them
	// all, then Find reuses them for its own intermediate signals.
	slab := make([]float64, 4*n)
	sm, ns, raw, d2 := slab[:n:n], slab[n:2*n:2*n], slab[2*n:3*n:3*n], slab[3*n:]
	bg := res.Background

	// The typical FWHM fw (points) sets the windows. A first estimate
	// comes from a rough background (roughWidth); the background is then
	// computed with the windows it gives, and fw is measured again on the
	// smoothed data over that background. When the second estimate asks
	// for a clipping window within a quarter of the one used, the
	// background is kept (SNIP only needs the window to exceed the half
	// base of the peaks, and a quarter either way does not change which
	// features are clipped); otherwise, rarely (a strongly curved
	// background under the first estimate), it is computed once more.
	// Only the smoothing windows follow the second estimate.
	windows := func(fw float64) (win, clip int) {
		win = opt.SmoothWindow
		if win == 0 {
			win = 2*int(math.Round((smoothWidths*fw-1)/2)) + 1
		}
		win = max(win|1, 5)
		clip = opt.BackgroundIterations
		if clip == 0 {
			clip = int(math.Ceil(2.5 * fw))
		}
		return win, clip
	}
	x := s.TwoTheta
	fw := roughWidth(y, sm, ns, raw, d2)
	win, clip := windows(fw)
	// sm: smoothed intensities, B + H.
	savgol(sm, y, win, 0)
	method := opt.Background.method()
	switch method {
	case BackgroundSNIP:
		snipInto(bg, sm, ns, clip, maxSnipPasses)
	case BackgroundPoly:
		polyBackground(bg, x, sm, cmpOr(opt.Background.Order, DefaultPolyOrder))
	case BackgroundManual:
		if err := manualBackground(bg, x, opt.Background.Points); err != nil {
			return Result{}, err
		}
	case BackgroundNone:
		clear(bg)
	}
	if w2 := medianWidth(sm, bg, ns); w2 > 0 {
		fw = math.Max(w2, 2)
		win2, clip2 := windows(fw)
		if win2 != win {
			win = win2
			savgol(sm, y, win, 0)
		}
		if method == BackgroundSNIP && 4*abs(clip2-clip) > clip {
			snipInto(bg, sm, ns, clip2, maxSnipPasses)
		}
	}
	sig := newNoise(s, sm)
	res.ESD = make([]float64, n)
	for i := range res.ESD {
		res.ESD[i] = sig.at(i, sm[i])
	}
	// ns: smoothed net signal.
	for i := range ns {
		ns[i] = sm[i] - bg[i]
	}
	if method == BackgroundSNIP || method == BackgroundPoly {
		// Both clip to the lower envelope of the smoothed noise.
		debias(bg, ns, sm, sig, win)
	}
	// raw: unsmoothed net signal; d2: its second derivative.
	for i := range raw {
		raw[i] = y[i] - bg[i]
	}
	if opt.StripKa2 && CanStripKa2(s.Wavelength) {
		// From here on the net signal is Kα1 only; sm, the smoothed
		// total, still gives σ of the measured counts.
		StripKa2(raw, x, raw, s.Wavelength)
		savgol(ns, raw, win, 0)
		res.Ka2Stripped = true
		// Stripping carries the noise of the point at 2θ' into the point
		// at 2θ: the tests use the propagated σ from now on.
		sv := make([]float64, n)
		for i := range sv {
			e := sig.at(i, sm[i])
			sv[i] = e * e
		}
		rachinger(sv, x, sv, s.Wavelength, s.Wavelength.Ratio*s.Wavelength.Ratio)
		for i, v := range sv {
			sv[i] = math.Sqrt(v)
		}
		sig.esd = sv
	}
	win2 := max(win, 2*int(math.Round((d2Widths*fw-1)/2))+1)
	savgol(d2, raw, win2, 2)

	cands := candidates(d2, ns)
	// Significance of each maximum.
	var tops []int
	for _, c := range cands {
		if p := c.top; ns[p] >= opt.MinSignificance*sig.at(p, sm[p]) {
			tops = append(tops, p)
		}
	}
	slices.Sort(tops)
	tops = slices.Compact(tops)
	tops, dips := separate(tops, ns, sm, sig, opt.MinSignificance)

	pk := make([]diffraction.Peak, 0, len(tops))
	hmax := 0.0
	for j, p := range tops {
		l, r := 0, n-1
		if j > 0 {
			l = dips[j-1]
		}
		if j < len(dips) {
			r = dips[j]
		}
		q, ok := measure(x, y, ns, bg, p, l, r)
		if !ok {
			continue
		}
		pk = append(pk, q)
		hmax = math.Max(hmax, q.Height)
	}
	// Each candidate leans on the kept peak whose pair of dips encloses
	// its maximum.
	reps := make([]int, len(cands))
	for ci, c := range cands {
		if len(tops) == 0 {
			reps[ci] = -1
			continue
		}
		reps[ci] = tops[sort.SearchInts(dips, c.top)]
	}
	for _, q := range shoulders(x, cands, reps, d2, ns, sm, sig, opt.MinSignificance, win2, fw) {
		pk = append(pk, q)
		hmax = math.Max(hmax, q.Height)
	}
	slices.SortFunc(pk, func(a, b diffraction.Peak) int { return cmp.Compare(a.TwoTheta, b.TwoTheta) })
	// Detection is decided on the search's heights; a fit only refines
	// the measurements of the peaks kept.
	kept := pk[:0]
	for _, q := range pk {
		if q.Height >= opt.MinRelHeight/100*hmax {
			kept = append(kept, q)
		}
	}
	pk = kept
	var fits []Fit
	if opt.Profile != ProfileNone {
		doublet := !res.Ka2Stripped && CanStripKa2(s.Wavelength)
		if doublet {
			pk = dropKa2(pk, s.Wavelength)
		}
		// d2 is free now: σ of every point for the weights.
		sigma := d2
		for i := range sigma {
			sigma[i] = sig.at(i, sm[i])
		}
		fits = fitProfiles(opt.Profile, x, raw, sigma, pk, s.Wavelength, doublet)
	}
	pk, fits, res.Broad = splitBroad(pk, fits)
	// place corrects a position for the axis and gives its d-spacing.
	place := func(q *diffraction.Peak) {
		q.TwoTheta = opt.Axis.Correct(q.TwoTheta)
		if s.Wavelength.Known() {
			q.D = diffraction.D(q.TwoTheta, s.Wavelength.Ka1)
		}
	}
	for i := range res.Broad {
		place(&res.Broad[i])
	}
	hmax = 0
	for _, q := range pk {
		hmax = math.Max(hmax, q.Height)
	}
	for i := range pk {
		pk[i].RelIntensity = 100 * pk[i].Height / hmax
		place(&pk[i])
	}
	res.Fits = fits
	res.Peaks = pk
	if !allFinite(res) {
		// Never hand out NaN: a defect, reported rather than hidden.
		return Result{}, errors.New("peaks: internal error: non-finite result")
	}
	return res, nil
}

// minMax returns the smallest and largest of the finite values y (not
// empty) in one pass; slices.Min and slices.Max each take a pass with a
// NaN test per element.
func minMax(y []float64) (lo, hi float64) {
	lo, hi = y[0], y[0]
	for _, v := range y {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// allFinite reports whether every number of r is finite.
func allFinite(r Result) bool {
	for _, b := range r.Background {
		if !finite(b) {
			return false
		}
	}
	for _, p := range r.Peaks {
		for _, v := range []float64{p.TwoTheta, p.D, p.Height, p.Area, p.FWHM, p.RelIntensity} {
			if !finite(v) {
				return false
			}
		}
	}
	for _, f := range r.Fits {
		for _, v := range []float64{f.Shape, f.Chi2, f.SigmaTwoTheta, f.SigmaHeight, f.SigmaFWHM, f.SigmaArea, f.SigmaShape} {
			if !finite(v) {
				return false
			}
		}
	}
	return true
}

// dropKa2 removes from pk (sorted) the peaks that are the resolved Kα2
// lines of stronger peaks: within half a FWHM of a peak's Kα2 position and
// at most as high as that peak. The doublet fit models them.
func dropKa2(pk []diffraction.Peak, w diffraction.Wavelength) []diffraction.Peak {
	drop := make([]bool, len(pk))
	for _, p := range pk {
		x2, ok := Ka2Shift(p.TwoTheta, w)
		if !ok || x2-p.TwoTheta < p.FWHM/2 {
			continue
		}
		for j, q := range pk {
			if math.Abs(q.TwoTheta-x2) < 0.5*p.FWHM && q.Height <= p.Height {
				drop[j] = true
			}
		}
	}
	out := pk[:0]
	for j, p := range pk {
		if !drop[j] {
			out = append(out, p)
		}
	}
	return out
}

// Validate reports the first setting that cannot be used (a negative
// window, a significance that is not a number, an unknown profile or
// background, a bad axis correction), naming it and its value. Find calls
// it.
func (o Options) Validate() error {
	switch {
	case o.BackgroundIterations < 0:
		return fmt.Errorf("peaks: negative background window %d", o.BackgroundIterations)
	case o.SmoothWindow < 0:
		return fmt.Errorf("peaks: negative smoothing window %d", o.SmoothWindow)
	case !(o.MinSignificance >= 0) || math.IsInf(o.MinSignificance, 0):
		return fmt.Errorf("peaks: minimum significance %g is not a finite non-negative number", o.MinSignificance)
	case !(o.MinRelHeight >= 0 && o.MinRelHeight <= 100):
		return fmt.Errorf("peaks: minimum relative height %g%% is outside 0–100%%", o.MinRelHeight)
	}
	switch o.Profile {
	case ProfileNone, ProfilePseudoVoigt, ProfilePearsonVII:
	default:
		return fmt.Errorf("peaks: unknown profile %q", o.Profile)
	}
	if err := o.Axis.check(); err != nil {
		return err
	}
	return o.Background.check()
}

// candidate is a local minimum i of the second derivative that is
// negative, and the maximum top of the smoothed net signal reached by
// climbing uphill from it.
type candidate struct{ i, top int }

// candidates returns the candidates in increasing i. Those whose climb ends
// at the first or last point are left out.
func candidates(d2, ns []float64) []candidate {
	n := len(ns)
	var cs []candidate
	for i := 1; i < n-1; i++ {
		if !(d2[i] < 0 && d2[i] <= d2[i-1] && d2[i] < d2[i+1]) {
			continue
		}
		j := i
		switch {
		case ns[j+1] > ns[j]:
			for j < n-1 && ns[j+1] > ns[j] {
				j++
			}
		case ns[j-1] > ns[j]:
			for j > 0 && ns[j-1] > ns[j] {
				j--
			}
		}
		if j > 0 && j < n-1 {
			cs = append(cs, candidate{i, j})
		}
	}
	return cs
}

// separate merges neighbouring maxima (increasing indices) whose dip is not
// significant, keeping the higher, and returns the surviving maxima and the
// index of the lowest point between each consecutive pair.
func separate(tops []int, ns, sm []float64, sig noise, k float64) (kept, dips []int) {
	kept = make([]int, 0, len(tops))
	dips = make([]int, 0, len(tops))
	for _, p := range tops {
		for len(kept) > 0 {
			q := kept[len(kept)-1]
			d := q
			for i := q + 1; i < p; i++ {
				if ns[i] < ns[d] {
					d = i
				}
			}
			if math.Min(ns[q], ns[p])-ns[d] >= k*sig.at(d, sm[d]) && d != q {
				break
			}
			// Not resolved: keep the higher of the two.
			kept = kept[:len(kept)-1]
			if len(dips) > 0 {
				dips = dips[:len(dips)-1]
			}
			if ns[q] >= ns[p] {
				p = q
			}
		}
		if len(kept) > 0 {
			q := kept[len(kept)-1]
			d := q
			for i := q + 1; i < p; i++ {
				if ns[i] < ns[d] {
					d = i
				}
			}
			dips = append(dips, d)
		}
		kept = append(kept, p)
	}
	return kept, dips
}

// measure measures the peak whose smoothed net maximum is at index p,
// between the dips l < p < r. y is the data, ns the smoothed net signal and
// bg the background. ok is false when the result would not be finite.
func measure(x, y, ns, bg []float64, p, l, r int) (diffraction.Peak, bool) {
	a, b, c := ns[p-1], ns[p], ns[p+1]
	delta, h := 0.0, b
	if den := a - 2*b + c; den < 0 {
		delta = math.Max(-0.5, math.Min(0.5, 0.5*(a-c)/den))
		h = b - 0.25*(a-c)*delta
	}
	pos := at(x, float64(p)+delta)

	half := h / 2
	xl, xr := math.NaN(), math.NaN()
	for j := p; j > l; j-- {
		if ns[j-1] <= half {
			xl = at(x, float64(j-1)+(half-ns[j-1])/(ns[j]-ns[j-1]))
			break
		}
	}
	for j := p; j < r; j++ {
		if ns[j+1] <= half {
			xr = at(x, float64(j)+(ns[j]-half)/(ns[j]-ns[j+1]))
			break
		}
	}
	var fwhm float64
	switch {
	case !math.IsNaN(xl) && !math.IsNaN(xr):
		fwhm = xr - xl
	case !math.IsNaN(xl):
		fwhm = 2 * (pos - xl)
	case !math.IsNaN(xr):
		fwhm = 2 * (xr - pos)
	default:
		fwhm = x[r] - x[l]
	}

	// Net area by the trapezoid rule within ±1.5 FWHM, inside the dips.
	i0 := max(l, sort.SearchFloat64s(x, pos-1.5*fwhm))
	i1 := min(r, sort.SearchFloat64s(x, pos+1.5*fwhm))
	area := 0.0
	for i := i0; i < i1; i++ {
		area += 0.5 * (y[i] - bg[i] + y[i+1] - bg[i+1]) * (x[i+1] - x[i])
	}
	q := diffraction.Peak{TwoTheta: pos, Height: h, Area: area, FWHM: fwhm}
	ok := fwhm > 0
	for _, v := range []float64{pos, h, area, fwhm} {
		ok = ok && !math.IsNaN(v) && !math.IsInf(v, 0)
	}
	return q, ok
}

// at interpolates x linearly at the fractional index f.
func at(x []float64, f float64) float64 {
	i := int(math.Floor(f))
	i = max(0, min(len(x)-2, i))
	return x[i] + (f-float64(i))*(x[i+1]-x[i])
}

// roughWidth estimates the FWHM, in points, of the strongest peaks of y:
// the median over the (up to) seven highest maxima of the net signal
// (medianWidth), over a rough background (roughBackground) of y smoothed
// over five points. It returns at least 2 (and 2 when nothing peak-like
// is found): narrower peaks are undersampled and the windows cannot
// shrink further anyway. sm, a, b and c are scratch arrays as long as y.
func roughWidth(y, sm, a, b, c []float64) float64 {
	savgol(sm, y, 5, 0)
	roughBackground(b, sm, a, c)
	return math.Max(medianWidth(sm, b, a), 2)
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// roughPoints is the most points the rough background of typicalWidth is
// computed on.
const roughPoints = 2048

// roughBackground writes to bg the rough SNIP background of sm used by
// typicalWidth: widest window n/20 points, 12 passes, on a subsample of
// sm. a and b are scratch arrays as long as sm.
func roughBackground(bg, sm, a, b []float64) {
	n := len(sm)
	k := max(1, n/roughPoints)
	// Subsample sm[0], sm[k], …, and always the last point sm[n-1].
	m := (n-1+k-1)/k + 1
	idx := func(j int) int { return min(j*k, n-1) }
	sub, scratch := a[:m], b[:m]
	for j := range sub {
		sub[j] = sm[idx(j)]
	}
	lo := toLLS(sub, sub)
	clip(sub, scratch, max(n/20/k, 2), 12)
	fromLLS(sub, sub, lo)
	if k == 1 {
		copy(bg, sub)
		return
	}
	for i := range bg {
		j := min(i/k, m-2)
		i0, i1 := idx(j), idx(j+1)
		f := float64(i-i0) / float64(i1-i0)
		bg[i] = sub[j] + f*(sub[j+1]-sub[j])
	}
}

// medianWidth is the median FWHM in points of the highest maxima of sm-bg,
// or 0 when there are none. net is scratch as long as sm.
func medianWidth(sm, bg, net []float64) float64 {
	n := len(sm)
	net = net[:n]
	for i := range net {
		net[i] = sm[i] - bg[i]
	}
	isTop := func(i int) bool { return net[i] > 0 && net[i] > net[i-1] && net[i] >= net[i+1] }
	top := 0.0
	for i := 1; i < n-1; i++ {
		if isTop(i) {
			top = max(top, net[i])
		}
	}
	// Maxima below 5 % of the highest are as likely noise as peaks in a
	// scan with few peaks; their widths would be the noise's correlation
	// length.
	var tops []int
	for i := 1; i < n-1; i++ {
		if isTop(i) && net[i] >= top/20 {
			tops = append(tops, i)
		}
	}
	slices.SortFunc(tops, func(a, b int) int {
		switch {
		case net[a] > net[b]:
			return -1
		case net[a] < net[b]:
			return 1
		}
		return a - b
	})
	const nWidths = 7
	var widths []float64
	var spans [][2]float64
	for _, p := range tops {
		if len(widths) == nWidths {
			break
		}
		fp := float64(p)
		if slices.ContainsFunc(spans, func(s [2]float64) bool { return fp >= s[0] && fp <= s[1] }) {
			continue // a second maximum on a peak already measured
		}
		half := net[p] / 2
		l, r := p, p
		for l > 0 && net[l] > half {
			l--
		}
		for r < n-1 && net[r] > half {
			r++
		}
		if net[l] > half || net[r] > half {
			continue // runs off the scan
		}
		fl := float64(l) + (half-net[l])/(net[l+1]-net[l])
		fr := float64(r-1) + (net[r-1]-half)/(net[r-1]-net[r])
		widths = append(widths, fr-fl)
		spans = append(spans, [2]float64{fl, fr})
	}
	if len(widths) == 0 {
		return 0
	}
	slices.Sort(widths)
	return widths[len(widths)/2]
}

// debias lifts the SNIP background bg by one standard deviation of the
// smoothed noise at every point (and lowers the net signal ns to match).
// Clipping keeps the lowest excursions of the noise, so on noisy data SNIP
// runs below the mean background: by 0.7–1.6 σ of the smoothed noise in
// the synthetic scans of the tests (the larger on peak-free stretches), so
// one σ removes most of the bias without lifting the background into weak
// peaks. σ of the smoothed noise is σ of a point times the root sum of
// squares of the smoothing weights.
func debias(bg, ns, sm []float64, sig noise, win int) {
	norm := kernelNorm(win, len(ns), 0)
	for i := range ns {
		off := sig.at(i, sm[i]) * norm
		bg[i] += off
		ns[i] -= off
	}
}

// kernelNorm returns the root sum of squares of the Savitzky–Golay weights
// of the given window and derivative, as used on n points: the factor by
// which the filter scales the standard deviation of independent noise.
func kernelNorm(win, n, deriv int) float64 {
	m := min(win/2, (n-1)/2)
	h := sgKernel(m, min(sgOrder, 2*m), deriv, 0)
	s := 0.0
	for _, c := range h {
		s += c * c
	}
	return math.Sqrt(s)
}
