// Package refdb is Bragg's reference database of crystalline phases: each
// entry a real crystal structure with its computed stick pattern and its
// provenance.
package refdb
