package report_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"log"

	"github.com/xuri/excelize/v2"
	"gonum.org/v1/plot/vg"

	"github.com/bragg-xrd/bragg/assets"
	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/analysis"
	"github.com/bragg-xrd/bragg/diffraction/refdb"
	"github.com/bragg-xrd/bragg/report"
)

func ExampleWrite() {
	scan := &diffraction.Scan{
		TwoTheta:   []float64{20, 20.02, 20.04, 20.06},
		Intensity:  []float64{110, 180, 120, 100},
		Wavelength: diffraction.CuKa,
	}
	scan.Wavelength.Source = diffraction.Assumed
	var buf bytes.Buffer
	in := report.Input{File: "tiny.xy", Format: "xy", Scan: scan, Generator: "Bragg", Lab: report.Lab{Operator: "A. Technician"}}
	err := report.Write(&buf, in)
	if err != nil {
		log.Fatal(err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fmt.Println(f.GetSheetList())
	fmt.Println(in.Verdict().Warnings)
	// Output:
	// [Summary Phases Candidates Assignments Peaks Data]
	// [No peaks were found: nothing could be identified. The wavelength is assumed (Cu Kα): the scan file gives none.]
}

// A figure for a journal: 16 × 9 cm at 254 dpi, 1600 × 900 pixels. The
// window's "export view" writes it the same way, as SVG or PDF too.
func ExampleFigure_Write() {
	scan := &diffraction.Scan{
		TwoTheta:   []float64{20, 20.02, 20.04, 20.06, 20.08},
		Intensity:  []float64{110, 180, 420, 160, 100},
		Wavelength: diffraction.CuKa,
	}
	scan.Wavelength.Source = diffraction.FromFile
	fig, err := report.NewFigure(report.Input{File: "sample.xy", Scan: scan}, report.FigureOptions{Title: "Sample 17"})
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	size := report.Size{Width: 16 * vg.Centimeter, Height: 9 * vg.Centimeter, DPI: 254}
	if err := fig.Write(&buf, report.PNG, size); err != nil {
		log.Fatal(err)
	}
	img, err := png.Decode(&buf)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(img.Bounds().Size())
	// Output:
	// (1600,900)
}

// A batch over a folder, as the window runs it behind a progress dialog
// whose Cancel button cancels ctx.
func ExampleBatch() {
	store := refdb.NewStore(assets.RefDB, "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel() // the dialog's Cancel button
	res, err := report.Batch(ctx, []string{"scans/"}, report.BatchOptions{
		Pipeline:  &analysis.Pipeline{Store: store, Options: analysis.DefaultOptions()},
		OutDir:    "reports/",
		Lab:       report.Lab{Laboratory: "X-ray lab", Operator: "A. Technician"},
		Generator: "Bragg",
		Progress: func(p report.BatchProgress) {
			fmt.Printf("%d/%d %s %v\n", p.Done, p.Total, p.Scan.File, p.Scan.Err)
		},
	})
	if err != nil {
		log.Fatal(err) // cancelled, or the folder could not be used
	}
	fmt.Println(res.Summary, res.Failed(), "failed")
}
