package diffraction

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
)

// Merge joins scans of one specimen measured over different 2θ ranges
// (the ranges of a Bruker RAW file, the scans of an XRDML file) into one
// scan ordered by 2θ. Where two ranges overlap, the one that starts at
// the lower angle keeps its points and the other's are left out, so that
// the angles increase strictly and no point is counted twice.
//
// Ranges counted for different times per step (Meta["counting_time"], in
// seconds) are put on one scale by dividing each range's counts, and
// their standard uncertainties, by its counting time: the result is in
// counts per second ("cps"). Scans on another axis than 2θ, with
// different wavelengths or in different units cannot be merged.
func Merge(scans ...*Scan) (*Scan, error) {
	if len(scans) == 0 {
		return nil, errors.New("merge: no scans")
	}
	first := scans[0]
	times := make([]float64, len(scans))
	allTimes := true
	for i, s := range scans {
		if err := s.Validate(); err != nil {
			return nil, fmt.Errorf("merge: scan %d: %w", i+1, err)
		}
		switch {
		case s.Axis != AxisTwoTheta:
			return nil, fmt.Errorf("merge: scan %d is on the %s axis, not 2θ", i+1, s.Axis)
		case !sameWavelength(s.Wavelength, first.Wavelength):
			return nil, fmt.Errorf("merge: scan %d was measured at %s, scan 1 at %s", i+1, s.Wavelength, first.Wavelength)
		case s.Units() != first.Units():
			return nil, fmt.Errorf("merge: scan %d is in %s, scan 1 in %s", i+1, s.Units(), first.Units())
		}
		t, err := strconv.ParseFloat(s.Meta["counting_time"], 64)
		if err != nil || !(t > 0) || math.IsInf(t, 0) {
			allTimes = false
		}
		times[i] = t
	}
	perSecond := allTimes && first.Units() == "counts" && slices.ContainsFunc(times, func(t float64) bool { return t != times[0] })

	order := make([]int, len(scans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(scans[a].TwoTheta[0], scans[b].TwoTheta[0])
	})
	withESD := !slices.ContainsFunc(scans, func(s *Scan) bool { return s.ESD == nil })
	out := &Scan{Wavelength: first.Wavelength, Meta: maps.Clone(first.Meta)}
	if out.Meta == nil {
		out.Meta = map[string]string{}
	}
	// covered are the 2θ spans of the ranges taken so far.
	var covered [][2]float64
	inside := func(x float64) bool {
		for _, c := range covered {
			if x >= c[0] && x <= c[1] {
				return true
			}
		}
		return false
	}
	for _, k := range order {
		s := scans[k]
		f := 1.0
		if perSecond {
			f = 1 / times[k]
		}
		for i, x := range s.TwoTheta {
			if inside(x) {
				continue
			}
			out.TwoTheta = append(out.TwoTheta, x)
			out.Intensity = append(out.Intensity, f*s.Intensity[i])
			if withESD {
				out.ESD = append(out.ESD, f*s.ESD[i])
			}
		}
		covered = append(covered, [2]float64{s.TwoTheta[0], s.TwoTheta[s.Len()-1]})
	}
	// A later range may start inside a gap of the earlier ones: sort.
	idx := make([]int, out.Len())
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(out.TwoTheta[a], out.TwoTheta[b]) })
	out.TwoTheta, out.Intensity = permute(out.TwoTheta, idx), permute(out.Intensity, idx)
	if withESD {
		out.ESD = permute(out.ESD, idx)
	}
	if perSecond {
		out.Meta["units"] = "cps"
		delete(out.Meta, "counting_time")
	}
	delete(out.Meta, "range")
	out.Meta["merged"] = strconv.Itoa(len(scans))
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	return out, nil
}

// sameWavelength reports whether two wavelengths are one radiation: the
// same lines to 10⁻⁵ Å, far below any two anodes' difference.
func sameWavelength(a, b Wavelength) bool {
	return math.Abs(a.Ka1-b.Ka1) < 1e-5 && math.Abs(a.Ka2-b.Ka2) < 1e-5
}

func permute(v []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for i, j := range idx {
		out[i] = v[j]
	}
	return out
}
