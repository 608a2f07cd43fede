// Package diffraction holds the domain types of powder X-ray diffraction that
// the rest of Bragg shares: a measured scan, the radiation that produced it,
// a peak, and Bragg's law relating diffraction angle and d-spacing.
//
// Sub-packages do the work: scan reads and writes files, peaks finds peaks,
// crystal reads structures and simulates their patterns, refdb is the
// reference database and match identifies phases. None of them imports a GUI
// or spreadsheet library.
package diffraction
