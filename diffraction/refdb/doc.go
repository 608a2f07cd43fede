// Package refdb is Bragg's reference database of crystalline phases: each
// entry a real crystal structure with its computed stick pattern and its
// provenance.
//
// A [DB] is read with [Load] or [LoadBytes] (the bundled database is
// embedded by package assets). A [Store] is what a program searches: the
// bundled database plus the user's collections of imported CIFs (one file
// each in the folder [UserPath], filled by [Store.Import] from files,
// folders and archives), read once per process as a [Library] and again
// only when a collection changes. Every part of a library carries an
// [Index], flat columns of each entry's lines and an inverted index of
// them by d-spacing, which a collection file holds as the search reads it
// (memory-mapped); a [Subset] narrows what a search reads, resolved by
// [Library.Select]. [Phase.DisplayName] and [Phase.ShortName] name a phase
// wherever Bragg shows one, and [Phase.Sticks] gives its stick pattern at
// a wavelength and strain, for the window and the report alike.
package refdb
