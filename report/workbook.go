package report

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/match"
)

// Sheet names, in workbook order.
const (
	SheetSummary = "Summary"
	SheetPhases  = "Phases"
	SheetPeaks   = "Peaks"
	SheetData    = "Data"
)

// Size of the figure on the Summary sheet as Excel shows it (pixels at
// 96 dpi). It is rendered at figureDPI, 1.5 times that resolution, so that
// it prints at about 150 dpi; twice would double the time Write takes for
// a short scan.
const (
	figureWidth    = 1000
	figureHeight   = 520
	figureDPI      = 144
	figureWidthPx  = figureWidth * figureDPI / ScreenDPI
	figureHeightPx = figureHeight * figureDPI / ScreenDPI
)

// Number formats.
const (
	fmtAngle = "0.000"  // 2θ, Δ2θ, FWHM, degrees
	fmtD     = "0.0000" // d-spacings, Å; also the 2θ step
	fmtInt1  = "0.0"    // intensities, heights, FOM, weight %
	fmtScale = "0.000"
)

// book builds one workbook. Like bufio.Writer it keeps the first error, so
// that the sheet code reads as a list of cells; build reports it.
type book struct {
	f   *excelize.File
	in  *Input
	err error
	// figureRow is the Summary row where the figure goes.
	figureRow int
	st        struct {
		title, section, header, label, value, warn, note int
		noteIndent                                       int
		integer, angle, d, int1, scale                   int
		angleLeft, dLeft, text, flag                     int
		decimals                                         map[int]int // by number of decimals
	}
}

// build lays out the workbook for a valid Input.
func build(in *Input) (*excelize.File, error) {
	if in.Date.IsZero() {
		in.Date = time.Now()
	}
	// The figure takes about as long as the sheets: draw it meanwhile.
	type result struct {
		png []byte
		err error
	}
	fig := make(chan result, 1)
	go func() {
		png, err := plotPNG(in, figureWidthPx, figureHeightPx, figureDPI)
		fig <- result{png, err}
	}()

	b := &book{f: excelize.NewFile(), in: in}
	b.styles()
	b.check(b.f.SetSheetName("Sheet1", SheetSummary))
	for _, s := range []string{SheetPhases, SheetPeaks, SheetData} {
		_, err := b.f.NewSheet(s)
		b.check(err)
	}
	b.summary()
	b.phases()
	b.peaks()
	b.data()
	r := <-fig
	if r.err != nil {
		b.f.Close()
		return nil, r.err
	}
	b.figure(r.png)
	for _, s := range []string{SheetSummary, SheetPhases, SheetPeaks, SheetData} {
		b.pageSetup(s)
	}
	b.f.SetActiveSheet(0)
	b.check(b.f.SetDocProps(&excelize.DocProperties{
		Title:   "Powder diffraction report: " + in.File,
		Subject: "Phase identification",
		Creator: in.Generator,
		Created: in.Date.UTC().Format(time.RFC3339),
	}))
	if b.err != nil {
		b.f.Close()
		return nil, fmt.Errorf("report: building workbook: %w", b.err)
	}
	return b.f, nil
}

func (b *book) check(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

func (b *book) styles() {
	num := func(format string, align string) int {
		s := &excelize.Style{CustomNumFmt: &format}
		if align != "" {
			s.Alignment = &excelize.Alignment{Horizontal: align}
		}
		id, err := b.f.NewStyle(s)
		b.check(err)
		return id
	}
	style := func(s *excelize.Style) int {
		if s.Font != nil {
			// Without a family LibreOffice falls back to a serif font.
			s.Font.Family = "Calibri"
		}
		id, err := b.f.NewStyle(s)
		b.check(err)
		return id
	}
	b.st.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	b.st.section = style(&excelize.Style{
		Font:   &excelize.Font{Bold: true, Size: 11, Color: "1F3864"},
		Border: []excelize.Border{{Type: "bottom", Color: "1F3864", Style: 1}},
	})
	b.st.header = style(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	b.st.label = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	b.st.value = style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left"}})
	// Text right of a number column: indented, so it does not run into the
	// right-aligned number.
	b.st.text = style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}})
	b.st.flag = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	b.st.warn = style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	b.st.note = style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}})
	b.st.noteIndent = style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: &excelize.Alignment{Horizontal: "left", Indent: 1}})
	b.st.integer = num("0", "center") // counts and ranks
	b.st.angle = num(fmtAngle, "")
	b.st.d = num(fmtD, "")
	b.st.int1 = num(fmtInt1, "")
	b.st.scale = num(fmtScale, "")
	b.st.angleLeft = num(fmtAngle, "left")
	b.st.dLeft = num(fmtD, "left")
}

// cell returns the A1 name of (col, row), both 1-based.
func cell(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic("report: " + err.Error()) // only for a bug in this package
	}
	return name
}

// set writes v to (col, row) with a style (0 for none).
func (b *book) set(sheet string, col, row int, v any, style int) {
	if b.err != nil {
		return
	}
	c := cell(col, row)
	b.check(b.f.SetCellValue(sheet, c, v))
	if style != 0 {
		b.check(b.f.SetCellStyle(sheet, c, c, style))
	}
}

// header writes a bold header row starting at column 1, two lines high
// when a title is wider than its column.
func (b *book) header(sheet string, row int, titles ...string) {
	wrap := false
	for i, t := range titles {
		b.set(sheet, i+1, row, t, 0)
		col, _ := excelize.ColumnNumberToName(i + 1)
		w, err := b.f.GetColWidth(sheet, col)
		b.check(err)
		// Widths count characters of the default font; allow one of
		// padding.
		wrap = wrap || float64(utf8.RuneCountInString(t))+1 > w
	}
	b.check(b.f.SetCellStyle(sheet, cell(1, row), cell(len(titles), row), b.st.header))
	if wrap {
		b.check(b.f.SetRowHeight(sheet, row, 30))
	}
}

// widths sets the widths of columns A, B, … in characters.
func (b *book) widths(sheet string, w ...float64) {
	for i, v := range w {
		col, _ := excelize.ColumnNumberToName(i + 1)
		b.check(b.f.SetColWidth(sheet, col, col, v))
	}
}

// freeze keeps rows 1…rows in view while scrolling.
func (b *book) freeze(sheet string, rows int) {
	top := cell(1, rows+1)
	b.check(b.f.SetPanes(sheet, &excelize.Panes{
		Freeze: true, YSplit: rows, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
	}))
}

// printTitles repeats rows 1…rows at the top of every printed page.
func (b *book) printTitles(sheet string, rows int) {
	b.check(b.f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$1:$%d", sheet, rows),
		Scope:    sheet,
	}))
}

// pageSetup prints a sheet landscape, one page wide, with the scan's name
// and page numbers in the footer.
func (b *book) pageSetup(sheet string) {
	landscape, one, auto := "landscape", 1, 0
	b.check(b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Orientation: &landscape, FitToWidth: &one, FitToHeight: &auto,
	}))
	fit := true
	b.check(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	m, mh := 0.5, 0.3
	b.check(b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &m, Right: &m, Top: &m, Bottom: &m, Header: &mh, Footer: &mh,
	}))
	file := strings.ReplaceAll(b.in.File, "&", "&&")
	b.check(b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L" + file + "&C&A&RPage &P of &N",
	}))
}

// summary writes the Summary sheet: scan, settings, identified phases and
// the figure.
func (b *book) summary() {
	const sh = SheetSummary
	in, s := b.in, b.in.Scan
	b.widths(sh, 32, 14, 9, 11, 11, 15, 22)
	title := "Powder diffraction report"
	if in.File != "" {
		title += ": " + in.File
	}
	b.set(sh, 1, 1, title, b.st.title)
	row := 3
	section := func(name string) {
		b.set(sh, 1, row, name, b.st.section)
		b.check(b.f.SetCellStyle(sh, cell(2, row), cell(7, row), b.st.section))
		row++
	}
	kv := func(label string, v any, style int) {
		b.set(sh, 1, row, label, b.st.label)
		b.set(sh, 2, row, v, style)
		row++
	}

	section("Scan")
	kv("File", in.File, b.st.value)
	kv("Format", in.Format, b.st.value)
	kv("Points", s.Len(), b.st.value)
	kv("2θ start (°)", s.TwoTheta[0], b.st.angleLeft)
	kv("2θ end (°)", s.TwoTheta[s.Len()-1], b.st.angleLeft)
	kv("2θ step (°)", s.Step(), b.st.dLeft)
	kv("Wavelength", wavelengthLong(s.Wavelength), b.st.value)
	srcStyle := b.st.value
	if !s.Wavelength.Known() || s.Wavelength.Source == diffraction.Assumed {
		srcStyle = b.st.warn
	}
	kv("Wavelength source", wavelengthSource(s.Wavelength), srcStyle)
	for _, m := range metaRows(s.Meta) {
		kv(m[0], m[1], b.st.value)
	}
	row++

	section("Report")
	kv("Date of report", in.Date.Format("2006-01-02 15:04"), b.st.value)
	if in.Generator != "" {
		kv("Generated by", in.Generator, b.st.value)
	}
	kv("Peaks found", len(in.Peaks), b.st.value)
	kv("Candidates scored", len(in.Result.Candidates), b.st.value)
	row++

	if len(in.Settings) > 0 {
		section("Processing settings")
		for _, k := range sortedKeys(in.Settings) {
			kv(k, in.Settings[k], b.st.value)
		}
		row++
	}

	section("Identified phases")
	if len(in.Result.Phases) == 0 {
		b.set(sh, 1, row, "No phase identified.", b.st.note)
		row++
	} else {
		b.header(sh, row, "Phase", "Formula", "FOM", "Scale", "Weight %", "Matched lines", "Reference")
		row++
		for _, c := range in.Result.Phases {
			b.set(sh, 1, row, c.Phase.DisplayName(), 0)
			b.set(sh, 2, row, c.Phase.Formula, 0)
			b.set(sh, 3, row, c.FOM, b.st.int1)
			b.set(sh, 4, row, c.Scale, b.st.scale)
			if c.WeightPercent > 0 {
				b.set(sh, 5, row, c.WeightPercent, b.st.int1)
			} else {
				b.set(sh, 5, row, "n/a", b.st.value)
			}
			b.set(sh, 6, row, len(c.Pairs), b.st.integer)
			b.set(sh, 7, row, c.Phase.ID, b.st.text)
			row++
		}
		b.set(sh, 1, row, "Weight % by the RIR method (semi-quantitative). FOM 0–100, higher is better.", b.st.note)
		row++
	}
	row++

	if b.err != nil {
		return
	}
	// The figure starts a printed page of its own, rather than being cut
	// wherever the text above happens to end.
	b.check(b.f.InsertPageBreak(sh, cell(1, row)))
	b.figureRow = row
}

// figure puts the PNG figure on the Summary sheet below the tables.
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
			ScaleX:      float64(figureWidth) / figureWidthPx,
			ScaleY:      float64(figureHeight) / figureHeightPx,
			PrintObject: &printIt,
			Positioning: "oneCell",
		},
	}))
}

// identified reports whether the candidate is among the identified phases.
func (in *Input) identified(c match.Candidate) bool {
	for _, p := range in.Result.Phases {
		if p.Phase == c.Phase || p.Phase.ID == c.Phase.ID {
			return true
		}
	}
	return false
}

// phases writes the Phases sheet: the ranked candidates, then the matched
// lines of each identified phase.
func (b *book) phases() {
	const sh = SheetPhases
	in := b.in
	b.widths(sh, 9, 18, 26, 14, 12, 9, 15, 10, 11, 12)
	b.header(sh, 1, "Rank", "ID", "Name", "Mineral", "Formula", "FOM", "Matched lines", "Scale", "Weight %", "Identified")
	b.freeze(sh, 1)
	b.printTitles(sh, 1)
	row := 2
	if len(in.Result.Candidates) == 0 {
		b.set(sh, 1, row, "No candidates.", b.st.note)
		row++
	}
	for i, c := range in.Result.Candidates {
		b.set(sh, 1, row, i+1, b.st.integer)
		b.set(sh, 2, row, c.Phase.ID, 0)
		b.set(sh, 3, row, c.Phase.Name, 0)
		b.set(sh, 4, row, c.Phase.Mineral, 0)
		b.set(sh, 5, row, c.Phase.Formula, 0)
		b.set(sh, 6, row, c.FOM, b.st.int1)
		b.set(sh, 7, row, len(c.Pairs), b.st.integer)
		b.set(sh, 8, row, c.Scale, b.st.scale)
		if c.WeightPercent > 0 {
			b.set(sh, 9, row, c.WeightPercent, b.st.int1)
		}
		if in.identified(c) {
			b.set(sh, 10, row, "yes", b.st.flag)
		}
		row++
	}

	lambda := in.lambda()
	for _, c := range in.Result.Phases {
		row++
		b.set(sh, 1, row, "Matched lines: "+phaseLabel(c.Phase), b.st.section)
		b.check(b.f.SetCellStyle(sh, cell(2, row), cell(8, row), b.st.section))
		row++
		b.header(sh, row, "hkl", "d ref (Å)", "2θ ref (°)", "2θ obs (°)", "Δ2θ (°)", "I ref", "I obs", "Peak no.")
		row++
		pairs := append([]match.Pair(nil), c.Pairs...)
		sort.SliceStable(pairs, func(i, j int) bool {
			return c.Phase.Lines[pairs[i].Line].D > c.Phase.Lines[pairs[j].Line].D
		})
		if len(pairs) == 0 {
			b.set(sh, 1, row, "No lines matched.", b.st.note)
			row++
		}
		for _, p := range pairs {
			l, pk := c.Phase.Lines[p.Line], in.Peaks[p.Peak]
			b.set(sh, 1, row, hkl(l), b.st.value)
			b.set(sh, 2, row, l.D, b.st.d)
			b.set(sh, 4, row, pk.TwoTheta, b.st.angle)
			if tt, ok := diffraction.TwoTheta(l.D, lambda); ok {
				b.set(sh, 3, row, tt, b.st.angle)
				b.set(sh, 5, row, pk.TwoTheta-tt, b.st.angle)
			}
			b.set(sh, 6, row, l.I, b.st.int1)
			b.set(sh, 7, row, pk.RelIntensity, b.st.int1)
			b.set(sh, 8, row, p.Peak+1, b.st.integer)
			row++
		}
	}
	if len(in.Result.Phases) > 0 {
		row++
		b.set(sh, 1, row, fmt.Sprintf("2θ ref from the reference d by Bragg's law at λ = %.6f Å; Δ2θ = 2θ obs − 2θ ref; I obs is the peak height relative to the strongest peak.", lambda), b.st.note)
	}
}

// peaks writes the Peaks sheet: the columns of every peak list
// (analysis.PeakColumns, with their decimals), and for each peak the
// identified phases and reflections that explain it.
func (b *book) peaks() {
	const sh = SheetPeaks
	in := b.in
	cols := analysis.PeakColumns
	titles := []string{"No."}
	widths := []float64{7}
	b.check(b.f.SetColStyle(sh, "A", b.st.integer))
	for i, c := range cols {
		t := c.Header(in.Scan.Units())
		titles = append(titles, t)
		widths = append(widths, max(10, float64(utf8.RuneCountInString(t))+2))
		name, _ := excelize.ColumnNumberToName(i + 2)
		b.check(b.f.SetColStyle(sh, name, b.decimals(c.Decimals)))
	}
	last := len(cols) + 2 // the Phase column
	b.widths(sh, append(widths, 50)...)
	b.header(sh, 1, append(titles, "Phase")...)
	b.freeze(sh, 1)
	b.printTitles(sh, 1)
	explains := make([][]string, len(in.Peaks))
	for _, c := range in.Result.Phases {
		for _, p := range c.Pairs {
			explains[p.Peak] = append(explains[p.Peak], c.Phase.ShortName()+" ("+hkl(c.Phase.Lines[p.Line])+")")
		}
	}
	if len(in.Peaks) == 0 {
		b.set(sh, 1, 2, "No peaks.", b.st.note)
		return
	}
	for i, pk := range in.Peaks {
		r := i + 2
		b.set(sh, 1, r, i+1, 0)
		for j, c := range cols {
			if v := c.Value(pk); finite(v) {
				b.set(sh, j+2, r, v, 0)
			}
		}
		if len(explains[i]) > 0 {
			b.set(sh, last, r, strings.Join(explains[i], "; "), b.st.text)
		} else if len(in.Result.Phases) > 0 {
			b.set(sh, last, r, "unexplained", b.st.noteIndent)
		}
	}
	b.check(b.f.AutoFilter(sh, "A1:"+cell(last, len(in.Peaks)+1), nil))
}

// decimals returns the style of a number shown with n decimals.
func (b *book) decimals(n int) int {
	if id, ok := b.st.decimals[n]; ok {
		return id
	}
	f := "0"
	if n > 0 {
		f += "." + strings.Repeat("0", n)
	}
	id, err := b.f.NewStyle(&excelize.Style{CustomNumFmt: &f})
	b.check(err)
	if b.st.decimals == nil {
		b.st.decimals = map[int]int{}
	}
	b.st.decimals[n] = id
	return id
}

// data writes the Data sheet, the pattern point by point, with a native
// scatter chart of intensity (and background) against 2θ.
func (b *book) data() {
	const sh = SheetData
	in, s := b.in, b.in.Scan
	n := s.Len()
	u := s.Units()
	cols := []string{"2θ (°)", "Intensity (" + u + ")"}
	if in.Background != nil {
		cols = append(cols, "Background ("+u+")", "Net ("+u+")")
	}
	b.widths(sh, 10, 20, 22, 15)
	b.check(b.f.SetColStyle(sh, "A", b.st.angle))
	b.check(b.f.SetColStyle(sh, "C:D", b.st.int1))
	b.header(sh, 1, cols...)
	b.freeze(sh, 1)
	b.printTitles(sh, 1)
	if b.err != nil {
		return
	}
	for i := range n {
		r := strconv.Itoa(i + 2)
		b.check(b.f.SetCellFloat(sh, "A"+r, s.TwoTheta[i], -1, 64))
		b.check(b.f.SetCellFloat(sh, "B"+r, s.Intensity[i], -1, 64))
		if in.Background != nil {
			b.check(b.f.SetCellFloat(sh, "C"+r, in.Background[i], -1, 64))
			b.check(b.f.SetCellFloat(sh, "D"+r, s.Intensity[i]-in.Background[i], -1, 64))
		}
	}
	last := strconv.Itoa(n + 1)
	series := []excelize.ChartSeries{{
		Name:       "'" + sh + "'!$B$1",
		Categories: "'" + sh + "'!$A$2:$A$" + last,
		Values:     "'" + sh + "'!$B$2:$B$" + last,
		Fill:       solid("202020"),
		Line:       excelize.LineOptions{Type: excelize.LineSolid, Width: 0.75},
		Marker:     excelize.ChartMarker{Symbol: "none"},
	}}
	if in.Background != nil {
		series = append(series, excelize.ChartSeries{
			Name:       "'" + sh + "'!$C$1",
			Categories: "'" + sh + "'!$A$2:$A$" + last,
			Values:     "'" + sh + "'!$C$2:$C$" + last,
			Fill:       solid("999999"),
			Line:       excelize.LineOptions{Type: excelize.LineSolid, Dash: excelize.LineDashDash, Width: 0.75},
			Marker:     excelize.ChartMarker{Symbol: "none"},
		})
	}
	xmin, xmax := s.TwoTheta[0], s.TwoTheta[n-1]
	// The default tick labels are a pale grey that hardly prints.
	axisFont := excelize.Font{Color: "404040", Size: 9}
	printIt := true
	b.check(b.f.AddChart(sh, "F2", &excelize.Chart{
		Type:      excelize.Scatter,
		Series:    series,
		Dimension: excelize.ChartDimension{Width: 900, Height: 480},
		Format:    excelize.GraphicOptions{PrintObject: &printIt, Positioning: "oneCell"},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: in.File}}},
		Legend:    excelize.ChartLegend{Position: "top"},
		XAxis: excelize.ChartAxis{
			Minimum: &xmin, Maximum: &xmax, MajorGridLines: true, Font: axisFont,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "2θ (°)"}}},
		},
		YAxis: excelize.ChartAxis{
			MajorGridLines: true, Font: axisFont,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Intensity (" + u + ")"}}},
		},
	}))
	b.numericX("xl/charts/chart1.xml") // the workbook's only chart
}

// numericX makes the x values of the scatter chart a number reference.
// excelize writes them as a string reference (c:strRef), which the format
// allows, but a numeric 2θ column is a c:numRef, as Excel itself writes it;
// with a string reference a reader may take the x values for labels and
// plot against the point index.
func (b *book) numericX(chartPart string) {
	v, ok := b.f.Pkg.Load(chartPart)
	if !ok {
		return
	}
	x, ok := v.([]byte)
	if !ok {
		return
	}
	x = bytes.ReplaceAll(x, []byte("<xVal><strRef>"), []byte("<xVal><numRef>"))
	x = bytes.ReplaceAll(x, []byte("</strRef></xVal>"), []byte("</numRef></xVal>"))
	b.f.Pkg.Store(chartPart, x)
}

// solid is a solid line colour for a chart series.
func solid(rgb string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{rgb}}
}
