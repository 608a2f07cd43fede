package scan_test

import (
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction"
	"github.com/bragg-xrd/bragg/diffraction/scan"
)

func ExampleDecode() {
	// Three points of a semicolon-separated export with decimal commas and
	// a header line that states the wavelength.
	in := "# wavelength = 1.5406\n2theta;counts\n10,00;120\n10,02;135\n10,04;128\n"
	s, format, err := scan.Decode(strings.NewReader(in))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, s.Len(), "points from", s.TwoTheta[0], "to", s.TwoTheta[s.Len()-1])
	fmt.Println(s.Wavelength)
	// Output:
	// xy 3 points from 10 to 10.04
	// λ=1.5406 Å [file]
}

func ExampleReadFile() {
	s, format, err := scan.ReadFile("testdata/xrdml/intensities.xrdml")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, s.Len(), "points, step", s.Step(), "°")
	fmt.Println(s.Wavelength)
	fmt.Println("sample:", s.Meta["sample"], "| scans in file:", s.Meta["scans"])
	// Output:
	// xrdml 5 points, step 0.25 °
	// Cu λ=1.5406 Å + Kα2 1.54443 Å (ratio 0.5) [file]
	// sample: Quartz standard | scans in file: 1
}

func ExampleWriteXY() {
	// Two points at 2θ = 20° and 20.5°, the second with 1/3 count (a value
	// that needs all 16 digits to read back exactly).
	s := &diffraction.Scan{TwoTheta: []float64{20, 20.5}, Intensity: []float64{7, 1.0 / 3}}
	if err := scan.WriteXY(os.Stdout, s); err != nil {
		log.Fatal(err)
	}
	// Output:
	// 20 7
	// 20.5 0.3333333333333333
}

func ExampleWrite() {
	// The lead's "convert --to csv" is one call; the format may also be a
	// file name's extension such as ".csv".
	s := &diffraction.Scan{TwoTheta: []float64{20, 20.5}, Intensity: []float64{9, 16}, ESD: []float64{3, 4}}
	if err := scan.Write(os.Stdout, s, "csv"); err != nil {
		log.Fatal(err)
	}
	// Output:
	// two_theta,intensity,esd
	// 20,9,3
	// 20.5,16,4
}

func ExampleToTwoTheta() {
	// A χPLOT file in q (nm⁻¹) states no wavelength, so it keeps its axis
	// until the caller supplies one.
	in := "LaB6\nQ (nm^-1)\nIntensity\n2\n10.0 500\n20.0 1200\n"
	s, format, err := scan.Decode(strings.NewReader(in))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, s.Axis, s.TwoTheta)
	w, _ := diffraction.ParseWavelength("CuKa1")
	if err := scan.ToTwoTheta(s, w); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("2θ = %.3f° and %.3f°\n", s.TwoTheta[0], s.TwoTheta[1])
	// Output:
	// chi q [1 2]
	// 2θ = 14.084° and 28.386°
}
