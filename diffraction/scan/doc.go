// Package scan reads and writes powder diffraction scan files.
//
// Decode and ReadFile recognise a file by its content: an ordered table of
// formats, most specific first and the generic delimited-text reader last,
// each looks at the first SniffLen bytes (the approach of image.Decode,
// net/http's sniffer and xylib's format guessing). A file name's extension
// is only a hint, used by ReadFile when more than one format claims the
// content.
//
// Every reader returns a scan that passes (*diffraction.Scan).Validate, and
// none guesses a wavelength: Scan.Wavelength is set, with Source
// diffraction.FromFile, only when the file states one. Problems in a file
// are reported as *SyntaxError with the line (text) or byte offset (XML)
// where they were found.
//
// # Formats
//
// "xrdml" is PANalytical XRDML (any schema version). The first scan of the
// file is read: 2θ from <startPosition>/<endPosition> or <listPositions>,
// intensities from <counts> or <intensities>, multiplied by any
// <beamAttenuationFactors>; the esd is √counts (for count rates, √(rate·t)/t
// with the common counting time t). A scan recorded from high to low 2θ is
// stored in increasing order. Meta keys: "scans" (number of scans in the
// file; the others are not read yet), "sample", "sample_id", "date",
// "instrument", "tube", "axis", "units" ("counts" or "cps"),
// "counting_time" (seconds, as written), "wavelength_intended", "comment",
// and "anode" when the tube is named but no wavelength is given.
//
// "xy" is delimited text (.xy, .xye, .dat, .txt, .csv): rows of 2θ, intensity
// and optionally its esd, separated by white space, commas or semicolons,
// with decimal commas recognised when semicolons or white space separate the
// columns. Comment lines start with '#', '!', ';', '%', "//" or an apostrophe, or lie
// in a "/* … */" block; lines of words before the data are a header. The
// text of both is kept in Meta["comment"], and a header or comment line with
// the keyword "wavelength", "lambda" or "λ" followed by a number gives the
// wavelength in ångström. WriteXY writes this format.
//
// The other text formats, each described at its reader, are "uxd"
// (Bruker/Siemens DIFFRAC-AT UXD, the first range), "ras" (Rigaku RAS, the
// first scan, intensities times the file's correction factors),
// "rigaku_dat" (Rigaku *TYPE text), "udf" (Philips UDF), "cpi" (Sietronics
// CPI), "rruff" (RRUFF powder text), "pdcif" (powder CIF), "gsas" (GSAS
// raw data: STD, ESD, FXY and FXYE constant-wavelength banks; time-of-flight
// banks fail with an UnsupportedError), "chi" (Fit2D/χPLOT; a q axis stays
// AxisQ, since the format has no wavelength), "riet7" (RIET7/LHPM, ILL D1A
// and PSI DMC start/step/end files) and "dbws" (DBWS/DMPLOT). Common Meta
// keys: "sample", "date", "instrument", "axis", "step", "counting_time",
// "units", "comment", "scans" or "ranges" or "banks" (how many the file
// holds; the first is read), "anode" (a tube named without a wavelength),
// "axis_note" (why a d or q axis was kept) and "dropped" (points below
// 2θ = 0° that were left out).
//
// # Axes
//
// A reader converts a d or q axis to 2θ when the file states the
// wavelength; otherwise Scan.Axis says what the abscissa is and ToTwoTheta
// converts it once the caller knows the wavelength.
//
// # Writers
//
// WriteXY, WriteXYE, WriteCSV and WriteXRDML write a scan; Write picks one
// by name ("xy", "xye", "csv", "xrdml", or a file extension), and Writers
// lists them. Decode reads the output of each back to the same points.
package scan
