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
package scan
