package scan

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/bragg-xrd/bragg/diffraction"
)

// Philips RD/SD files (PC-APD and X'Pert, "V3RD" and "V5RD") are binary and
// little-endian, described in the PC-APD manual and documented by xylib's
// philips_raw.cpp (wojdyr/xylib):
//
//	0    "V3RD" or "V5RD"
//	84   diffractometer type (byte): 0 PW1800, 1 PW1710 based, 2 PW1840,
//	     3 PW3710 based, 4 undefined, 5 X'Pert MPD
//	85   anode (byte): 0 Cu, 1 Mo, 2 Fe, 3 Cr, 4 other
//	86   focus (byte): 0 BF, 1 NF, 2 FF, 3 LFF
//	138  file name (8 bytes), 146 sample identification (20 bytes)
//	214  2θ step, start and end (float64 each)
//	250  (V3) or 810 (V5): the counts, one uint16 per step, stored as
//	     10·√counts, so counts = v²/100
//
// The number of steps is (end − start)/step + 1, rounded to the nearest
// integer (xylib truncates, which loses the last point when the quotient
// falls just below an integer); 2θ = start + k·step. No wavelength is
// stored, only the anode, which goes to Meta["anode"].

// matchPhilipsRD recognises the magic strings.
func matchPhilipsRD(head []byte) bool {
	return bytes.HasPrefix(head, []byte("V3RD")) || bytes.HasPrefix(head, []byte("V5RD"))
}

var (
	philipsDiffractometers = [...]string{"PW1800", "PW1710 based system", "PW1840", "PW3710 based system", "", "X'Pert MPD"}
	philipsAnodes          = [...]string{"Cu", "Mo", "Fe", "Cr", ""}
	philipsFocus           = [...]string{"BF", "NF", "FF", "LFF"}
)

func decodePhilipsRD(in io.Reader) (*diffraction.Scan, error) {
	b, err := readAllCapped(in, 2*MaxPoints+1<<20, "philipsrd")
	if err != nil {
		return nil, err
	}
	r := &binReader{format: "philipsrd", b: b}
	version := r.str(2)
	meta := map[string]string{"format_version": version, "units": "counts"}
	r.seek(84)
	if i := int(r.u8()); i < len(philipsDiffractometers) {
		meta["instrument"] = philipsDiffractometers[i]
	}
	anode := ""
	if i := int(r.u8()); i < len(philipsAnodes) {
		anode = philipsAnodes[i]
	}
	if i := int(r.u8()); i < len(philipsFocus) {
		meta["focus"] = philipsFocus[i]
	}
	r.seek(138)
	meta["file_name"] = r.str(8)
	meta["sample"] = r.str(20)
	r.seek(214)
	step, start, end := r.f64(), r.f64(), r.f64()
	dataOff := 250
	if version == "V5" {
		dataOff = 810
	}
	r.seek(dataOff)
	if r.err != nil {
		return nil, r.err
	}
	fail := func(format string, args ...any) error {
		return &SyntaxError{Format: "philipsrd", Offset: 214, Err: fmt.Errorf(format, args...)}
	}
	if !(step > 0) || math.IsInf(step, 0) {
		return nil, fail("2θ step %g° is not positive", step)
	}
	if !(start >= 0 && start < end && end < 180) {
		return nil, fail("2θ from %g° to %g° is not a range within [0°, 180°)", start, end)
	}
	q := math.Round((end-start)/step) + 1
	if q > MaxPoints {
		return nil, fail("%g steps; at most %d are read", q, MaxPoints)
	}
	n := int(q)
	if !r.checkSteps(uint64(n), 2) {
		return nil, r.err
	}
	x := make([]float64, n)
	y := make([]float64, n)
	esd := make([]float64, n)
	p := r.take(2 * n)
	for k := range n {
		v := float64(uint16(p[2*k]) | uint16(p[2*k+1])<<8)
		x[k] = start + float64(k)*step
		if k > 0 && x[k] <= x[k-1] {
			return nil, fail("step %g° is too small to separate 2θ=%g° from the previous point", step, x[k])
		}
		y[k] = v * v / 100
		esd[k] = v / 10
	}
	if x[n-1] >= 180 || n < 2 {
		return nil, fail("%d points from %g° in steps of %g°: not a 2θ scan", n, start, step)
	}
	meta["step"] = strconv.FormatFloat(step, 'g', -1, 64)
	if len(b) > r.off {
		meta["trailing_bytes"] = strconv.Itoa(len(b) - r.off)
	}
	if anode != "" {
		meta["anode"] = anode
	}
	for k, v := range meta {
		if v == "" {
			delete(meta, k)
		}
	}
	return &diffraction.Scan{TwoTheta: x, Intensity: y, ESD: esd, Meta: meta}, nil
}
