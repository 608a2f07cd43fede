package report

import (
	"bytes"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/internal/figure"
)

// Placement of the Data sheet's chart: right of the table, from chartCell,
// chartWidth × chartHeight pixels, which the print area covers (columns of
// 64 px, rows of 20 px) so that the sheet prints as its chart.
const (
	chartCol    = 7 // G
	chartWidth  = 960
	chartHeight = 540
)

// data writes the Data sheet, the pattern point by point, with a native
// scatter chart. With a whole-pattern fit the columns are 2θ, observed,
// background, calculated and difference (the fit's curves); otherwise 2θ,
// intensity and background. The rows are streamed: a
// scan has thousands. Printed, the sheet is its chart (the print area);
// the numbers print only if asked for.
func (b *book) data() {
	const sh = SheetData
	in, s := b.in, b.in.Scan
	if b.err != nil {
		return
	}
	n := s.Len()
	u := s.Units()
	type series struct {
		title string
		v     []float64
		color string
		dash  bool
	}
	var cols []series
	if f := in.fit(); f != nil {
		cols = []series{
			{"Observed (" + u + ")", f.Observed, "202020", false},
			{"Background (" + u + ")", f.Background, "999999", true},
			{"Calculated (" + u + ")", f.Calculated, "C00000", false},
			{"Difference (" + u + ")", f.Difference, "2F5597", false},
		}
	} else {
		cols = []series{{"Intensity (" + u + ")", s.Intensity, "202020", false}}
		if in.Background != nil {
			cols = append(cols, series{"Background (" + u + ")", in.Background, "999999", true})
		}
	}
	// The sheet's properties are written when the stream starts.
	b.pageSetup(sh, "landscape", 1)
	sw, err := b.f.NewStreamWriter(sh)
	if err != nil {
		b.check(err)
		return
	}
	b.check(sw.SetColWidth(1, 1, 10))
	b.check(sw.SetColWidth(2, len(cols)+1, 17))
	top := cell(1, 2)
	b.check(sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: top, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: top, ActiveCell: top, Pane: "bottomLeft"}},
	}))
	head := []any{excelize.Cell{StyleID: b.st.header, Value: "2θ (°)"}}
	for _, c := range cols {
		head = append(head, excelize.Cell{StyleID: b.st.header, Value: c.title})
	}
	b.check(sw.SetRow("A1", head, excelize.RowOpts{Height: 30}))
	vals := make([]any, len(cols)+1)
	for i := range n {
		vals[0] = round(s.TwoTheta[i], 1e5)
		for j, c := range cols {
			vals[j+1] = significant(c.v[i])
		}
		b.check(sw.SetRow(cell(1, i+2), vals))
		if b.err != nil {
			return
		}
	}
	// span is the range of rows r0–r1 of column col.
	span := func(col, r0, r1 int) string {
		c := "$" + colName(col) + "$"
		return "'" + sh + "'!" + c + strconv.Itoa(r0) + ":" + c + strconv.Itoa(r1)
	}
	var chart []excelize.ChartSeries
	for j, c := range cols {
		line := excelize.LineOptions{Type: excelize.LineSolid, Width: 0.75}
		if c.dash {
			line.Dash = excelize.LineDashDash
		}
		chart = append(chart, excelize.ChartSeries{
			Name:       "'" + sh + "'!$" + colName(j+2) + "$1",
			Categories: span(1, 2, n+1),
			Values:     span(j+2, 2, n+1),
			Fill:       solid(c.color),
			Line:       line,
			Marker:     excelize.ChartMarker{Symbol: "none"},
		})
	}
	// The 2θ axis from and to round angles, labelled at the step the
	// figures' axis takes for the chart's width (internal/figure).
	step := majorStep(s.TwoTheta[0], s.TwoTheta[n-1], chartWidth)
	xmin, xmax := math.Floor(s.TwoTheta[0]/step)*step, math.Ceil(s.TwoTheta[n-1]/step)*step
	// The default tick labels are a pale grey that hardly prints.
	axisFont := excelize.Font{Color: "404040", Size: 9}
	printIt := true
	at := cell(chartCol, 2)
	b.check(b.f.AddChart(sh, at, &excelize.Chart{
		Type:      excelize.Scatter,
		Series:    chart,
		Dimension: excelize.ChartDimension{Width: chartWidth, Height: chartHeight},
		Format:    excelize.GraphicOptions{PrintObject: &printIt, Positioning: "oneCell"},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: in.Title()}}},
		Legend:    excelize.ChartLegend{Position: "top"},
		XAxis: excelize.ChartAxis{
			Minimum: &xmin, Maximum: &xmax, MajorUnit: step, MajorGridLines: true, Font: axisFont,
			NumFmt: excelize.ChartNumFmt{CustomNumFmt: "General"},
			Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "2θ (°), " + wavelengthShort(s.Wavelength)}}},
		},
		YAxis: excelize.ChartAxis{
			MajorGridLines: true, Font: axisFont,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Intensity (" + u + ")"}}},
		},
	}))
	b.check(b.f.AutoFilter(sh, "A1:"+cell(len(cols)+1, n+1), nil))
	b.printTitles(sh, 1)
	// Columns of 64 px and rows of 20 px: the chart's span in cells.
	endCol := chartCol + (chartWidth+63)/64
	endRow := 2 + (chartHeight+19)/20
	b.check(b.f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Area",
		RefersTo: "'" + sh + "'!$" + colName(chartCol) + "$2:$" + colName(endCol) + "$" + strconv.Itoa(endRow),
		Scope:    sh,
	}))
	b.check(sw.Flush())
	b.numericX("xl/charts/chart1.xml") // the workbook's only chart
}

// majorStep is the step between the labelled 2θ ticks of an axis lo–hi
// drawn widthPx pixels wide, labels 70 pixels apart at least.
func majorStep(lo, hi float64, widthPx int) float64 {
	var labelled []float64
	for _, t := range figure.TwoTheta.Ticks(lo, hi, float64(widthPx), 70) {
		if t.Label != "" {
			labelled = append(labelled, t.Coord)
		}
	}
	if len(labelled) < 2 {
		return hi - lo
	}
	return labelled[1] - labelled[0]
}

// round rounds v to a multiple of 1/scale (a power of ten), so that the
// sheet holds "10.00912", not "10.009123456789".
func round(v, scale float64) float64 { return math.Round(v*scale) / scale }

// significant rounds v to six significant digits: counts and rates are
// not known better, and the sheet is shorter.
func significant(v float64) float64 {
	if v == 0 || !finite(v) {
		return v
	}
	k := 5 - int(math.Floor(math.Log10(math.Abs(v))))
	switch {
	case k > 0 && k <= 22:
		return round(v, math.Pow10(k))
	case k <= 0 && k >= -22:
		p := math.Pow10(-k)
		return math.Round(v/p) * p
	}
	return v
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
