package report_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/xuri/excelize/v2"

	"github.com/bragg-xrd/bragg/diffraction"
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
