package refine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/crystal"
	"github.com/bragg-xrd/bragg/diffraction/peaks"
	"github.com/bragg-xrd/bragg/internal/atomic"
)

// Instrument describes the diffractometer: radiation, geometry and the
// instrumental line profile. Widths are full widths at half maximum in
// degrees 2θ.
type Instrument struct {
	Name string `json:"name,omitempty"`
	// Wavelength: Ka1, and Ka2 with Ratio I(Kα2)/I(Kα1) for the doublet
	// (Ka2 = 0: monochromatic).
	Wavelength diffraction.Wavelength `json:"wavelength"`
	// Monochromator is the 2θ (degrees) of a monochromator crystal (0:
	// none), for the polarisation factor (crystal.Options.Monochromator).
	Monochromator float64 `json:"monochromator"`
	// VariableSlit marks data measured with an automatic (variable)
	// divergence slit that keeps the irradiated length of the specimen
	// constant. The fixed slit's illuminated length ∝ 1/sinθ exactly
	// compensates the shrinking depth of an infinitely thick specimen, so
	// that its intensities need no angular factor; a variable slit opens
	// ∝ sinθ and multiplies them by sinθ (R. Jenkins & R. L. Snyder 1996,
	// Introduction to X-ray Powder Diffractometry, §7.5; what TOPAS and
	// HighScore apply to ADS data).
	VariableSlit bool `json:"variable_slit,omitempty"`
	// Radius is the goniometer radius R in mm, for the specimen
	// displacement (peaks.Axis); 0 means peaks.DefaultRadius.
	Radius float64 `json:"radius"`

	// U, V, W, P (deg²) give the Gaussian width of the Thompson–Cox–
	// Hastings profile, Γ_G² = U tan²θ + V tanθ + W + P/cos²θ (Caglioti,
	// Paoletti & Ricci 1958, Nucl. Instrum. 3, 223, with the Scherrer-like
	// P term of Young & Desai 1989, Arch. Nauki Mater. 10, 71).
	U float64 `json:"u"`
	V float64 `json:"v"`
	W float64 `json:"w"`
	P float64 `json:"p"`
	// X, Y (degrees) give its Lorentzian width, Γ_L = X tanθ + Y/cosθ
	// (Thompson, Cox & Hastings 1987, J. Appl. Cryst. 20, 79).
	X float64 `json:"x"`
	Y float64 `json:"y"`
	// SL and HL are the sample and detector half-heights over the
	// goniometer radius of the axial-divergence asymmetry of Finger, Cox &
	// Jephcoat (1994), J. Appl. Cryst. 27, 892; 0 and 0: symmetric lines.
	SL float64 `json:"s_l"`
	HL float64 `json:"h_l"`
	// Zero is the zero shift of the 2θ axis in degrees (peaks.Axis).
	Zero float64 `json:"zero"`
	// Source says where the values come from: "default", or the scan a
	// standard was fitted to.
	Source string `json:"source,omitempty"`
	// WidthScale is the factor by which the default's widths were scaled
	// to a finer instrument's lines (identify, for a synchrotron scan with
	// no instrument given); 0 when they were not.
	WidthScale float64 `json:"width_scale,omitempty"`
}

// Default profile of a laboratory Bragg–Brentano diffractometer with a Cu
// tube, a 240 mm goniometer, ¼° divergence and 2.5° Soller slits: the
// Caglioti widths of crystal.DefaultProfile (FWHM 0.07° at low angle to
// 0.12° at 120° 2θ), a small Lorentzian part, and FCJ S/L = H/L = 0.02
// (a 10 mm sample and receiving-slit height at 240 mm; Finger et al. 1994
// fitted 0.01–0.03 on laboratory data). FitInstrument replaces them with
// the values of the user's own instrument.
const (
	defaultX  = 0.0
	defaultY  = 0.02
	defaultSL = 0.02
	defaultHL = 0.02
)

// DefaultInstrument returns the default laboratory instrument for the
// wavelength w (which must be known: Bragg never guesses one). A Kα2 whose
// ratio the scan file does not give (Ratio 0, as Bruker RAW v1 files
// store it) is left out, as Wavelength.Mean leaves it: the pattern is
// modelled with Kα1 alone rather than with a ratio the file never stated.
func DefaultInstrument(w diffraction.Wavelength) Instrument {
	if !(w.Ratio > 0) {
		w.Ka2, w.Ratio = 0, 0
	}
	return Instrument{
		Name:       "default laboratory Bragg–Brentano",
		Wavelength: w,
		Radius:     peaks.DefaultRadius,
		U:          0.004, V: -0.002, W: 0.005, // crystal.DefaultProfile
		X: defaultX, Y: defaultY,
		SL: defaultSL, HL: defaultHL,
		Source: "default",
	}
}

func (in *Instrument) radius() float64 {
	if in.Radius == 0 {
		return peaks.DefaultRadius
	}
	return in.Radius
}

// lpOptions returns the crystal options whose LP factor is the
// instrument's.
func (in *Instrument) lpOptions() crystal.Options {
	return crystal.Options{Monochromator: in.Monochromator}
}

// lines returns the wavelengths of the model and their weights: Kα1
// with 1, Kα2 with Ratio when the doublet is given.
func (in *Instrument) lines() (lam [2]float64, wt [2]float64, n int) {
	w := in.Wavelength
	lam[0], wt[0], n = w.Ka1, 1, 1
	if w.Ka2 > 0 && w.Ratio > 0 {
		lam[1], wt[1], n = w.Ka2, w.Ratio, 2
	}
	return lam, wt, n
}

// Check reports values no instrument can have.
func (in *Instrument) Check() error {
	w := in.Wavelength
	if !(w.Ka1 >= 0.01 && w.Ka1 <= 10) {
		return fmt.Errorf("instrument: Kα1 wavelength %g Å is not within 0.01–10 Å", w.Ka1)
	}
	if w.Ka2 != 0 && (!(w.Ka2 >= 0.01 && w.Ka2 <= 10) || !(w.Ratio > 0 && w.Ratio <= 2)) {
		return fmt.Errorf("instrument: Kα2 %g Å with ratio %g: want 0.01–10 Å and a ratio in (0, 2]", w.Ka2, w.Ratio)
	}
	if !(in.Monochromator >= 0 && in.Monochromator < 180) {
		return fmt.Errorf("instrument: monochromator angle %g° is not within 0–180°", in.Monochromator)
	}
	if !(in.Radius >= 0 && in.Radius <= 10000) {
		return fmt.Errorf("instrument: goniometer radius %g mm is not within 0–10000 mm", in.Radius)
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"U", in.U}, {"V", in.V}, {"W", in.W}, {"P", in.P}, {"X", in.X}, {"Y", in.Y}} {
		if !(math.Abs(v.v) <= 10) {
			return fmt.Errorf("instrument: profile parameter %s = %g is not within ±10", v.name, v.v)
		}
	}
	if !(in.SL >= 0 && in.SL <= maxAsym && in.HL >= 0 && in.HL <= maxAsym) {
		return fmt.Errorf("instrument: asymmetry S/L = %g, H/L = %g: want 0–%g", in.SL, in.HL, maxAsym)
	}
	if !(math.Abs(in.Zero) <= maxZero) {
		return fmt.Errorf("instrument: zero shift %g° is not within ±%g°", in.Zero, maxZero)
	}
	return nil
}

// instrumentFile is the saved form: a format name and version around the
// instrument, so that later versions can read old files.
type instrumentFile struct {
	Format     string     `json:"format"`
	Version    int        `json:"version"`
	Instrument Instrument `json:"instrument"`
}

const (
	instrumentFormat  = "bragg-instrument"
	instrumentVersion = 1
	// maxInstrumentFile bounds what LoadInstrument reads: a saved
	// instrument is well under 1 KiB.
	maxInstrumentFile = 1 << 20
)

// SaveInstrument writes in to path as JSON, atomically.
func SaveInstrument(path string, in Instrument) error {
	if err := in.Check(); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return atomic.WriteFile(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(instrumentFile{Format: instrumentFormat, Version: instrumentVersion, Instrument: in})
	})
}

// LoadInstrument reads an instrument saved by SaveInstrument. The error
// names the file and what is wrong with it.
func LoadInstrument(path string) (Instrument, error) {
	f, err := os.Open(path)
	if err != nil {
		return Instrument{}, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInstrumentFile+1))
	if err != nil {
		return Instrument{}, fmt.Errorf("%s: %w", path, err)
	}
	in, err := decodeInstrument(b)
	if err != nil {
		return Instrument{}, fmt.Errorf("%s: %w", path, err)
	}
	return in, nil
}

func decodeInstrument(b []byte) (Instrument, error) {
	if len(b) > maxInstrumentFile {
		return Instrument{}, fmt.Errorf("instrument file larger than %d bytes", maxInstrumentFile)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f instrumentFile
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return Instrument{}, fmt.Errorf("not valid JSON at byte %d: %v", se.Offset, err)
		case errors.As(err, &te):
			return Instrument{}, fmt.Errorf("field %q at byte %d: %v", te.Field, te.Offset, err)
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return Instrument{}, fmt.Errorf("not valid JSON: the file ends at byte %d before the instrument does", len(b))
		}
		return Instrument{}, fmt.Errorf("not an instrument file: %v", err)
	}
	if dec.More() {
		return Instrument{}, errors.New("data after the instrument object")
	}
	if f.Format != instrumentFormat {
		return Instrument{}, fmt.Errorf("format %q, want %q", f.Format, instrumentFormat)
	}
	if f.Version != instrumentVersion {
		return Instrument{}, fmt.Errorf("instrument file version %d, this program reads version %d", f.Version, instrumentVersion)
	}
	if err := f.Instrument.Check(); err != nil {
		return Instrument{}, err
	}
	return f.Instrument, nil
}
