package report

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
)

// Size of the figure on the Summary sheet as Excel shows it (pixels at
// 96 dpi): the width of the sheet's two columns. It is rendered at
// figureDPI, 1.25 times that resolution: printed, 120 dpi.
const (
	figureWidth  = 760
	figureHeight = 500
	figureDPI    = 120
)

// Widths of the Summary's label and value columns, in characters: together
// about the width of a portrait page, so that it prints near full size.
const (
	summaryLabelWidth = 22
	summaryValueWidth = 84
)

// summary writes the Summary sheet: the verdict, the sample, the
// measurement, every setting in words, the report's provenance and
// sign-off lines, and the figure. It prints portrait, one page wide.
func (b *book) summary() {
	const sh = SheetSummary
	in, s, v := b.in, b.in.Scan, &b.v
	b.check(b.f.SetColWidth(sh, "A", "A", summaryLabelWidth))
	b.check(b.f.SetColWidth(sh, "B", "B", summaryValueWidth))
	row := 1
	if in.Lab.Laboratory != "" {
		b.set(sh, 1, row, in.Lab.Laboratory, b.st.subtitle)
		row++
	}
	b.set(sh, 1, row, "Powder diffraction report: "+in.Title(), b.st.title)
	row += 2
	section := func(name string) {
		b.set(sh, 1, row, name, b.st.section)
		b.check(b.f.SetCellStyle(sh, cell(2, row), cell(2, row), b.st.section))
		row++
	}
	kv := func(label, value string, style int) {
		b.set(sh, 1, row, label, b.st.label)
		b.set(sh, 2, row, value, style)
		if n := wrappedLines(value, summaryValueWidth); n > 1 {
			b.check(b.f.SetRowHeight(sh, row, lineHeight*float64(n)))
		}
		row++
	}
	rows := func(rs []setting) {
		for _, r := range rs {
			kv(r.label, r.value, b.st.value)
		}
		row++
	}

	section("Result")
	kv("Phases", v.PhasesText(), b.st.bold)
	if len(v.Phases) > 0 {
		kv("Quantification", v.Quantification, b.st.value)
	}
	if f := in.fit(); f != nil {
		kv("Fit", fmt.Sprintf("Rwp %.2f %%, Rexp %.2f %%, GoF %.2f (χ²/(N−P), %d points, %d parameters)", 100*f.Rwp, 100*f.Rexp, f.GoF, f.N, f.P), b.st.value)
		if ab := in.Identification.Absolute; ab != nil {
			kv("Amorphous", fmt.Sprintf("%s wt %% amorphous or unidentified (internal standard %s)", analysis.PlusMinus(100*ab.Amorphous, 100*ab.AmorphousESD, 1), in.Options.Standard), b.st.bold)
		}
	}
	for i, w := range v.Warnings {
		if i == v.peaksWarning {
			kv("Peaks", w, b.st.warn)
		}
	}
	if v.peaksWarning < 0 && len(in.Peaks) > 0 {
		kv("Peaks", v.unexplainedText(), b.st.value)
	}
	for i, w := range v.Warnings {
		if i != v.peaksWarning {
			kv("Warning", w, b.st.warn)
		}
	}
	row++

	section("Sample")
	sample, from := in.sample(), ""
	if in.Lab.Sample == "" && sample != "" {
		from = " (as the scan file names it)"
	}
	kv("Sample", sample+from, b.st.value)
	for _, f := range []setting{
		{"Description", in.Lab.Description}, {"Project / customer", in.Lab.Project},
		{"Operator", in.Lab.Operator}, {"Comment", in.Lab.Comment},
	} {
		if f.value != "" {
			kv(f.label, f.value, b.st.value)
		}
	}
	row++

	section("Measurement")
	kv("File", filepath.Base(in.File), b.st.value)
	if dir := filepath.Dir(in.File); dir != "." {
		kv("Folder", dir, b.st.value)
	}
	kv("Format", in.Format, b.st.value)
	src := b.st.value
	if s.Wavelength.Source == diffraction.Assumed {
		src = b.st.warn
	}
	kv("Radiation", wavelengthLong(s.Wavelength)+"; "+wavelengthSource(s.Wavelength), src)
	kv("Range", fmt.Sprintf("2θ %.3f–%.3f° in steps of %.4f°, %d points", s.TwoTheta[0], s.TwoTheta[s.Len()-1], s.Step(), s.Len()), b.st.value)
	for _, m := range metaRows(s.Meta) {
		kv(m[0], oneLine(m[1]), b.st.value)
	}
	row++

	section("Processing")
	rows(processingRows(in))
	section("Search-match")
	rows(searchRows(in))
	section("Whole-pattern identification")
	rows(fitRows(in))

	section("Report")
	kv("Date", in.Date.Format("2006-01-02 15:04"), b.st.value)
	if in.Generator != "" {
		kv("Program", in.Generator, b.st.value)
	}
	for _, a := range in.Lab.approval() {
		b.set(sh, 1, row, a, b.st.label)
		b.set(sh, 2, row, "Name:                                  Signature:                                  Date:", b.st.sign)
		b.check(b.f.SetRowHeight(sh, row, 30))
		row++
	}
	row++
	b.figureRow = row
	// The summary and its figure print on one page.
	b.pageSetup(sh, "portrait", 1)
}

// figure puts the PNG figure on the Summary sheet below the text.
func (b *book) figure(img []byte) {
	if b.err != nil {
		return
	}
	printIt := true
	b.check(b.f.AddPictureFromBytes(SheetSummary, cell(1, b.figureRow), &excelize.Picture{
		Extension: ".png",
		File:      img,
		Format: &excelize.GraphicOptions{
			AltText:     "Pattern with background, peaks and reference lines of the identified phases",
			ScaleX:      float64(ScreenDPI) / figureDPI,
			ScaleY:      float64(ScreenDPI) / figureDPI,
			PrintObject: &printIt,
			Positioning: "oneCell",
		},
	}))
}

// wavelengthLong describes a wavelength, e.g. "Cu Kα1 1.540593 Å, Kα2
// 1.544427 Å, I(Kα2)/I(Kα1) = 0.5".
func wavelengthLong(w diffraction.Wavelength) string {
	var b strings.Builder
	if w.Anode != "" {
		b.WriteString(w.Anode + " ")
	}
	if w.Ka2 > 0 {
		fmt.Fprintf(&b, "Kα1 %.6f Å, Kα2 %.6f Å, I(Kα2)/I(Kα1) = %.3g", w.Ka1, w.Ka2, w.Ratio)
	} else {
		fmt.Fprintf(&b, "λ = %.6f Å", w.Ka1)
	}
	return b.String()
}

// wavelengthSource says in words where a wavelength came from.
func wavelengthSource(w diffraction.Wavelength) string {
	switch w.Source {
	case diffraction.Assumed:
		return "assumed: the scan file gives no wavelength"
	case diffraction.FromFile:
		return "read from the scan file"
	case diffraction.FromFlag:
		return "given by the user"
	}
	return "source not stated"
}

// metaOrder lists the well-known Scan.Meta keys first, in this order, with
// their labels; other keys follow sorted, their names in words.
var metaOrder = []struct{ key, label string }{
	{"date", "Measured"},
	{"instrument", "Instrument"},
	{"tube", "Tube"},
	{"axis", "Scan axis"},
	{"units", "Intensity units"},
	{"counting_time", "Counting time (s)"},
	{"comment", "File comment"},
}

// metaSkip are the Meta keys the Summary states elsewhere: the sample,
// and the radiation (stated once, with its source).
var metaSkip = map[string]bool{"sample": true, "sample_id": true, "anode": true, "wavelength_intended": true, "wavelength_used": true, "wave_type": true}

// metaRows returns the metadata as label, value pairs in display order,
// skipping empty values.
func metaRows(meta map[string]string) [][2]string {
	var rows [][2]string
	known := make(map[string]bool, len(metaOrder))
	for _, m := range metaOrder {
		known[m.key] = true
		if v := meta[m.key]; v != "" {
			rows = append(rows, [2]string{m.label, v})
		}
	}
	for _, k := range sortedKeys(meta) {
		if !known[k] && !metaSkip[k] && meta[k] != "" {
			rows = append(rows, [2]string{words(k), meta[k]})
		}
	}
	return rows
}

// words writes a metadata key as words: "control_software" → "Control
// software".
func words(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
