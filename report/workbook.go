package report

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Sheet names, in workbook order.
const (
	SheetSummary     = "Summary"
	SheetPhases      = "Phases"
	SheetCandidates  = "Candidates"
	SheetAssignments = "Assignments"
	SheetPeaks       = "Peaks"
	SheetData        = "Data"
)

// Sheets are the sheets of a report, in order.
var Sheets = []string{SheetSummary, SheetPhases, SheetCandidates, SheetAssignments, SheetPeaks, SheetData}

// Number formats.
const (
	fmtAngle = "0.000"  // 2θ, Δ2θ, FWHM, degrees
	fmtD     = "0.0000" // d-spacings, Å; also the 2θ step
	fmtInt1  = "0.0"    // intensities, FOM, weight %
	fmtPart  = "0.00"   // the parts of a figure of merit, 0–1
)

// book builds one workbook. Like bufio.Writer it keeps the first error, so
// that the sheet code reads as a list of cells; build reports it.
type book struct {
	f     *excelize.File
	in    *Input
	title string // in the printed pages' footer
	acc   []accepted
	v     Verdict
	err   error
	// figureRow is the Summary row where the figure goes.
	figureRow int
	st        struct {
		title, subtitle, section, header, label, value, warn, bold int
		note, sign, plain                                          int
		integer, angle, d, int1, part                              int
		text, flag, unexplained, strong                            int
		decimals                                                   map[int]int // by number of decimals
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
		png, err := sheetFigure(in)
		fig <- result{png, err}
	}()

	b := newBook(in, in.Title())
	b.acc, b.v = in.accepted(), in.Verdict()
	b.check(b.f.SetSheetName("Sheet1", SheetSummary))
	for _, s := range Sheets[1:] {
		_, err := b.f.NewSheet(s)
		b.check(err)
	}
	// The first sheet is the active one, as a new workbook's is. (Setting
	// it reads every sheet back, the streamed Data sheet too, which would
	// take longer than writing the whole workbook.)
	b.summary()
	b.phases()
	b.candidates()
	b.assignments()
	b.peaks()
	b.data()
	r := <-fig
	if r.err != nil {
		b.f.Close()
		return nil, r.err
	}
	b.figure(r.png)
	b.check(b.f.SetDocProps(&excelize.DocProperties{
		Title:   "Powder diffraction report: " + in.Title(),
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

// newBook starts a workbook with the report's styles.
func newBook(in *Input, title string) *book {
	b := &book{f: excelize.NewFile(), in: in, title: title}
	b.f.SetZipWriter(newZipWriter)
	b.styles()
	return b
}

// newZipWriter writes the workbook's package with the fastest deflate
// level: the sheets are repetitive XML, which it compresses to within a
// fifth of the default level's size in a third of the time. (The figure is
// an uncompressed PNG, which it compresses too.)
func newZipWriter(w io.Writer) excelize.ZipWriter {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	return zw
}

func (b *book) check(err error) {
	if b.err == nil && err != nil {
		b.err = err
	}
}

func (b *book) styles() {
	num := func(format string, align string) int {
		// Top-aligned, as the text beside them: a row with wrapped text
		// is several lines high.
		s := &excelize.Style{CustomNumFmt: &format, Alignment: &excelize.Alignment{Horizontal: align, Vertical: "top"}}
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
	// Text values wrap, top-aligned, indented off a number to their left.
	top := &excelize.Alignment{Vertical: "top", WrapText: true, Indent: 1}
	b.st.title = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 15}})
	b.st.subtitle = style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 12, Color: "1F3864"}})
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
	b.st.label = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Vertical: "top"}})
	b.st.value = style(&excelize.Style{Alignment: top})
	b.st.bold = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: top})
	b.st.warn = style(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}, Alignment: top})
	b.st.note = style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: top})
	b.st.plain = style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", Indent: 1}})
	b.st.sign = style(&excelize.Style{
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "bottom"},
	})
	// Text right of a number column: indented, so it does not run into the
	// right-aligned number.
	indent := &excelize.Alignment{Horizontal: "left", Indent: 1, Vertical: "top"}
	b.st.text = style(&excelize.Style{Alignment: indent})
	b.st.flag = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}})
	b.st.unexplained = style(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: indent})
	b.st.strong = style(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Color: "C00000"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FCE4E4"}},
		Alignment: indent,
	})
	b.st.integer = num("0", "center") // counts and ranks
	b.st.angle = num(fmtAngle, "")
	b.st.d = num(fmtD, "")
	b.st.int1 = num(fmtInt1, "")
	b.st.part = num(fmtPart, "")
}

// cell returns the A1 name of (col, row), both 1-based.
func cell(col, row int) string {
	name, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		panic("report: " + err.Error()) // only for a bug in this package
	}
	return name
}

// colName returns the letters of column col (1-based).
func colName(col int) string {
	name, err := excelize.ColumnNumberToName(col)
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

// column is one column of a table sheet: its title, width in characters
// (0: fitted to the title and the values, up to maxWidth unless whole),
// the style of its values (0: text, top-aligned) and whether its text
// wraps within the width.
type column struct {
	title string
	width float64
	style int
	wrap  bool
	// whole fits the column to its longest value however long: an ID
	// clipped or wrapped is not an ID.
	whole bool
}

// table lays out a table sheet: the header row (two lines high when a
// title is wider than its column), frozen and repeated on every printed
// page, the rows (each a value per column, nil for an empty cell, or a
// styled value), and an autofilter over them. Column widths fit the
// longest value up to maxWidth (IDs whole), wider text wrapping. It
// returns the number of the last row.
func (b *book) table(sheet string, cols []column, rows [][]any) int {
	wrap := false
	for i, c := range cols {
		w := c.width
		if w == 0 {
			w = float64(utf8.RuneCountInString(c.title)) + 2
			for _, r := range rows {
				if s, ok := text(r[i]); ok {
					w = max(w, float64(utf8.RuneCountInString(s))+2)
				}
			}
			if !c.whole {
				w = min(w, maxWidth)
			}
		}
		name := colName(i + 1)
		b.check(b.f.SetColWidth(sheet, name, name, w))
		wrap = wrap || float64(utf8.RuneCountInString(c.title))+1 > w
		b.set(sheet, i+1, 1, c.title, 0)
	}
	b.check(b.f.SetCellStyle(sheet, cell(1, 1), cell(len(cols), 1), b.st.header))
	if wrap {
		b.check(b.f.SetRowHeight(sheet, 1, 30))
	}
	widths := make([]float64, len(cols))
	for i := range cols {
		w, err := b.f.GetColWidth(sheet, colName(i+1))
		b.check(err)
		widths[i] = w
	}
	for r, vals := range rows {
		lines := 1
		for i, v := range vals {
			style := cols[i].style
			if style == 0 {
				style = b.st.plain
				if cols[i].wrap {
					style = b.st.value
				}
			}
			if s, ok := v.(styled); ok {
				v, style = s.v, s.style
			}
			if v == nil {
				continue
			}
			b.set(sheet, i+1, r+2, v, style)
			if s, ok := v.(string); ok && cols[i].wrap {
				lines = max(lines, wrappedLines(s, widths[i]))
			}
		}
		if lines > 1 {
			b.check(b.f.SetRowHeight(sheet, r+2, lineHeight*float64(lines)))
		}
	}
	last := len(rows) + 1
	b.freeze(sheet, 1)
	b.printTitles(sheet, 1)
	if len(rows) > 0 {
		b.check(b.f.AutoFilter(sheet, cell(1, 1)+":"+cell(len(cols), last), nil))
	}
	return last
}

// maxWidth is the widest a table column grows to fit its values; longer
// text wraps (the Wrap style) or runs into the empty cell beside it.
const maxWidth = 48

// styled is a table value with a style of its own.
type styled struct {
	v     any
	style int
}

// text returns a table value's text, for the width of its column.
func text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case styled:
		return text(x.v)
	}
	return "", false
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

// note writes an explanation under a table of cols columns, after an
// empty row, outside its autofilter, across the table's width.
func (b *book) note(sheet string, row, cols int, s string) {
	r := row + 2
	b.set(sheet, 1, r, s, b.st.note)
	if cols < 2 {
		return
	}
	b.check(b.f.MergeCell(sheet, cell(1, r), cell(cols, r)))
	width := 0.0
	for i := range cols {
		w, err := b.f.GetColWidth(sheet, colName(i+1))
		b.check(err)
		width += w
	}
	if n := wrappedLines(s, width); n > 1 {
		b.check(b.f.SetRowHeight(sheet, r, lineHeight*float64(n)))
	}
}

// lineHeight is the height of a line of 11-point text, in points.
const lineHeight = 15

// wrappedLines estimates the lines text takes wrapped in a column width
// characters wide: spreadsheets do not size rows to wrapped text when
// they open a file, so the writer must. Words are kept whole, as the
// spreadsheet wraps them; an average character of Calibri is about nine
// tenths as wide as the digit that defines the column width (measured on
// the Summary's settings printed by LibreOffice: 100 characters to a line
// of a column 84 wide), taken as 1/1.1 to err on the side of room.
func wrappedLines(text string, width float64) int {
	width *= 1.1
	lines := 0
	for _, para := range strings.Split(text, "\n") {
		lines++
		used := 0.0
		for i, w := range strings.Fields(para) {
			n := float64(utf8.RuneCountInString(w))
			if i > 0 && used+1+n > width-1 {
				lines++
				used = n
				continue
			}
			if i > 0 {
				used++
			}
			used += n
		}
	}
	return max(lines, 1)
}

// pageSetup prints a sheet one page wide in the given orientation and
// tall pages high (0: as many as it takes), with the report's title and
// page numbers in the footer.
func (b *book) pageSetup(sheet, orientation string, tall int) {
	one := 1
	b.check(b.f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Orientation: &orientation, FitToWidth: &one, FitToHeight: &tall,
	}))
	fit := true
	b.check(b.f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}))
	m, mh := 0.5, 0.3
	b.check(b.f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: &m, Right: &m, Top: &m, Bottom: &m, Header: &mh, Footer: &mh,
	}))
	title := strings.ReplaceAll(b.title, "&", "&&")
	b.check(b.f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{
		OddFooter: "&L" + title + "&C&A&RPage &P of &N",
	}))
}

// highlight colours the rows of ref (from row 2) for which formula, written
// for row 2, holds: fill and font colours as RGB.
func (b *book) highlight(sheet, ref, formula, fill, font string) {
	style, err := b.f.NewConditionalStyle(&excelize.Style{
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
		Font: &excelize.Font{Color: font},
	})
	b.check(err)
	b.check(b.f.SetConditionalFormat(sheet, ref, []excelize.ConditionalFormatOptions{
		{Type: "formula", Criteria: formula, Format: &style, StopIfTrue: true},
	}))
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

// solid is a solid line colour for a chart series.
func solid(rgb string) excelize.Fill {
	return excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{rgb}}
}
