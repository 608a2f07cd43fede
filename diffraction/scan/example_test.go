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
