// Package refdb is Bragg's reference database of crystalline phases: each
// entry a real crystal structure with its computed stick pattern and its
// provenance.
//
// A [DB] is read with [Load] or [LoadBytes] (the bundled database is
// embedded by package assets). A [Store] is what a program searches: the
// bundled database plus the user's own entries (imported CIFs, [UserPath]),
// read once per process and again only when the user database changes.
// [Phase.DisplayName] and [Phase.ShortName] name a phase wherever Bragg
// shows one, and [Phase.Sticks] gives its stick pattern at a wavelength and
// strain, for the window and the report alike.
package refdb
