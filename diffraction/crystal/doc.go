// Package crystal reads crystal structures from CIF files and computes their
// powder diffraction patterns.
//
// ParseCIF reads CIF 1.1 files as they come (standard uncertainties, ? and
// ., DDL1 and DDLm names, type symbols with charges, Uiso/Biso/Uij). The
// symmetry operators listed in a file are used as they are; without them
// they are built from the Hall symbol (HallOps, Hall 1981) or the
// Hermann–Mauguin symbol with its setting (LookupSpaceGroup: the 530
// settings of ITC Vol. B Table A1.4.2.7, generated from cctbx and checked
// operator by operator).
//
// Pattern computes the stick pattern: Waasmaier–Kirfel form factors of
// atoms and ions, optional anomalous dispersion (Sasaki 1989) for the
// common anode lines, Debye–Waller factors, Laue-class multiplicities,
// Lorentz-polarisation for Bragg–Brentano geometry with or without a
// monochromator or for a polarised synchrotron beam, and the Kα1/Kα2
// doublet. Profile turns lines into a pseudo-Voigt pattern (Caglioti
// widths, Scherrer size broadening).
package crystal
