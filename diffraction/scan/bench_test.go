package scan

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction"
)

// sink keeps the compiler from discarding the benchmarked work.
var sink *diffraction.Scan

// benchXRDML generates an XRDML file of n points from 2θ = 5° to 125° with
// counts cycling through 0…99,999 (five-digit numbers, as strong counts are)
// and attenuation factors of 1.00, the shape of a PIXcel or Medipix
// detector scan.
func benchXRDML(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<xrdMeasurements xmlns="http://www.xrdml.com/XRDMeasurement/2.1">
<xrdMeasurement measurementType="Scan"><usedWavelength intended="K-Alpha 1">
<kAlpha1 unit="Angstrom">1.5405980</kAlpha1><kAlpha2 unit="Angstrom">1.5444260</kAlpha2>
<ratioKAlpha2KAlpha1>0.5000</ratioKAlpha2KAlpha1></usedWavelength>
<scan scanAxis="Gonio"><dataPoints><positions axis="2Theta" unit="deg">
<startPosition>5</startPosition><endPosition>125</endPosition></positions>
<beamAttenuationFactors>`)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("1.00")
	}
	b.WriteString(`</beamAttenuationFactors><commonCountingTime unit="seconds">1.0</commonCountingTime><counts unit="counts">`)
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa((i * 7919) % 100_000)) // 7919, a prime, scatters the values
	}
	b.WriteString("</counts></dataPoints></scan></xrdMeasurement></xrdMeasurements>\n")
	return b.Bytes()
}

// benchXY generates n rows of "2θ intensity esd" with 2θ from 5° in steps of
// 0.001° written to four decimals, as diffractometer exports do.
func benchXY(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		c := (i * 7919) % 100_000
		fmt.Fprintf(&b, "%.4f\t%d\t%.3f\n", 5+float64(i)*0.001, c, float64(c)/100)
	}
	return b.Bytes()
}

// Sizes of the ladder: a laboratory scan of 1,000 points, a fine scan of
// 10,000 and a position-sensitive-detector scan of 100,000.
var benchSizes = []int{1_000, 10_000, 100_000}

func benchmarkDecode(b *testing.B, in []byte, n int) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		s, _, err := Decode(bytes.NewReader(in))
		if err != nil || s.Len() != n {
			b.Fatal(err)
		}
		sink = s
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/point")
}

// BenchmarkDecodeXRDML decodes generated XRDML files; the target for 100,000
// points is at most 30 ms and 3 allocations per point.
func BenchmarkDecodeXRDML(b *testing.B) {
	for _, n := range benchSizes {
		in := benchXRDML(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchmarkDecode(b, in, n) })
	}
}

// BenchmarkDecodeXY decodes generated three-column text files.
func BenchmarkDecodeXY(b *testing.B) {
	for _, n := range benchSizes {
		in := benchXY(n)
		b.Run(strconv.Itoa(n), func(b *testing.B) { benchmarkDecode(b, in, n) })
	}
}
