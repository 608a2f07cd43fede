// Package crystal reads crystal structures from CIF files and computes their
// powder diffraction patterns.
package crystal
