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

// benchCount is the count at point i of the generated files: 0…99,999 as
// in benchXY.
func benchCount(i int) int { return (i * 7919) % 100_000 }

// The generators below write n points from 2θ = 5° in steps of 0.01° (so
// up to 105° for 10,000 points) in the layouts of the readers that parse
// a format in several stages, each as its reader's comment describes it.

// benchGSAS writes a GSAS STD bank (start and step in centidegrees, ten
// fields of a 2-column reading count and a 6-column intensity per line),
// or an FXYE bank of 2θ (centidegrees), intensity and esd rows.
func benchGSAS(layout string) func(testing.TB, int) []byte {
	return func(_ testing.TB, n int) []byte {
		var b bytes.Buffer
		fmt.Fprintf(&b, "benchmark\nBANK 1 %d %d CONST 500 1 0 0 %s\n", n, (n+9)/10, layout)
		for i := range n {
			c := benchCount(i)
			if layout == "STD" {
				fmt.Fprintf(&b, "%2d%6d", 1, c)
				if i%10 == 9 || i == n-1 {
					b.WriteByte('\n')
				}
				continue
			}
			fmt.Fprintf(&b, "%.1f %d %.3f\n", 500+float64(i), c, float64(c)/100)
		}
		return b.Bytes()
	}
}

// benchUXD writes one _COUNTS range of eight intensities a line.
func benchUXD(_ testing.TB, n int) []byte {
	var b bytes.Buffer
	b.WriteString("_FILEVERSION=1\n_WL1=1.5406\n_DRIVE=COUPLED\n_STEPTIME=1\n_STEPSIZE=0.01\n_START=5\n_COUNTS\n")
	for i := range n {
		fmt.Fprintf(&b, "%d", benchCount(i))
		if i%8 == 7 || i == n-1 {
			b.WriteByte('\n')
		} else {
			b.WriteByte(' ')
		}
	}
	return b.Bytes()
}

// benchRAS writes one scan of 2θ, counts and a correction factor of 1.
func benchRAS(_ testing.TB, n int) []byte {
	var b bytes.Buffer
	b.WriteString("*RAS_DATA_START\n*RAS_HEADER_START\n*MEAS_SCAN_AXIS_X \"TwoThetaTheta\"\n*MEAS_SCAN_UNIT_X \"deg\"\n" +
		"*HW_XG_WAVE_LENGTH_ALPHA1 \"1.540593\"\n*RAS_HEADER_END\n*RAS_INT_START\n")
	for i := range n {
		fmt.Fprintf(&b, "%.4f %d 1.0000\n", 5+float64(i)*0.01, benchCount(i))
	}
	b.WriteString("*RAS_INT_END\n*RAS_DATA_END\n")
	return b.Bytes()
}

// benchPDCIF writes a loop of 2θ and counts with their su.
func benchPDCIF(_ testing.TB, n int) []byte {
	var b bytes.Buffer
	b.WriteString("data_bench\n_diffrn_radiation_wavelength 1.5406\nloop_\n_pd_meas_2theta_scan\n_pd_meas_counts_total\n")
	for i := range n {
		fmt.Fprintf(&b, "%.2f %d(%d)\n", 5+float64(i)*0.01, benchCount(i), 1+benchCount(i)/1000)
	}
	return b.Bytes()
}

// benchBRML writes one RawData document of n <Datum> rows (time,
// absorption factor, 2θ, θ, counts).
func benchBRML(t testing.TB, n int) []byte {
	rows := make([]string, n)
	for i := range rows {
		x := 5 + float64(i)*0.01
		rows[i] = fmt.Sprintf("1,1,%.2f,%.3f,%d", x, x/2, benchCount(i))
	}
	return zipOf(t, "Experiment0/RawData0.xml", brmlRawData("LockedCoupled", []string{"TwoTheta", "Theta"}, rows...))
}

// benchRAW4 writes a version 4 file of one locked-coupled range, laid out
// as rawV4's.
func benchRAW4(_ testing.TB, n int) []byte {
	w := &le{}
	w.str("RAW4.00", 8).u32(0).str("03/15/2025", 12).str("10:11:12", 10)
	w.at(61)
	base := len(w.b)
	w.u32(30).u32(136)
	w.at(base + 72).f64(1.54184).f64(1.5405929).f64(1.5444274).f64(1.392234).f64(0.5)
	w.at(base+116).str("Cu", 4)
	w.at(base + 136)
	base = len(w.b)
	w.u32(0)
	w.at(base+32).str("Locked Coupled", 24)
	w.at(base + 72).f64(5).f64(0.01).u32(uint32(n)).f32(1).u32(0).f32(40).f32(40)
	w.at(base + 136).u32(4).u32(0)
	w.at(base + 160)
	for i := range n {
		w.f32(float32(benchCount(i)))
	}
	return w.b
}

// BenchmarkDecodeFormats decodes a generated scan of 10,000 points (a fine
// laboratory scan) in each format whose reader is split into decoder
// stages; the ladders above show how decoding scales with size.
func BenchmarkDecodeFormats(b *testing.B) {
	const n = 10_000
	for _, f := range []struct {
		name, format string
		gen          func(testing.TB, int) []byte
	}{
		{"gsas_std", "gsas", benchGSAS("STD")}, {"gsas_fxye", "gsas", benchGSAS("FXYE")}, {"uxd", "uxd", benchUXD},
		{"ras", "ras", benchRAS}, {"pdcif", "pdcif", benchPDCIF}, {"brml", "brml", benchBRML}, {"raw4", "brukerraw", benchRAW4},
	} {
		in := f.gen(b, n)
		if _, name, err := Decode(bytes.NewReader(in)); err != nil || name != f.format {
			b.Fatalf("%s: read as %q (%v), want %q", f.name, name, err, f.format)
		}
		b.Run(f.name, func(b *testing.B) { benchmarkDecode(b, in, n) })
	}
}
