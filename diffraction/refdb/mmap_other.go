//go:build !unix

package refdb

import (
	"io"
	"os"
)

// mapFile reads the whole file into memory where memory mapping is not
// used (Windows, where a mapped file could not be replaced by a new
// version while mapped).
func mapFile(f *os.File) (data []byte, unmap func() error, err error) {
	data, err = io.ReadAll(f)
	return data, func() error { return nil }, err
}
