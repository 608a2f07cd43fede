package refdb

import "path/filepath"

// WriteCollectionFile writes the phases next returns as a collection file
// at path, as an import would after computing them: the benchmarks build
// libraries of any size from perturbed entries without computing patterns.
func WriteCollectionFile(path string, next func() (*Phase, bool)) error {
	b := newCollBuilder(filepath.Dir(path))
	defer b.close()
	for p, ok := next(); ok; p, ok = next() {
		if err := b.add(p); err != nil {
			return err
		}
	}
	return b.write(path)
}
