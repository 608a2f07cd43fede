//go:build unix

package refdb

import (
	"fmt"
	"os"
	"syscall"
)

// mapFile maps the file read-only into memory: its pages are read from
// disk as the search touches them and shared with the page cache, so that
// a collection of hundreds of megabytes loads at once and costs memory
// only for what is used. unmap releases the mapping.
func mapFile(f *os.File) (data []byte, unmap func() error, err error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := fi.Size()
	if size == 0 {
		return nil, func() error { return nil }, nil
	}
	if size != int64(int(size)) {
		return nil, nil, fmt.Errorf("%s: %d bytes cannot be mapped", f.Name(), size)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: mapping: %w", f.Name(), err)
	}
	return data, func() error { return syscall.Munmap(data) }, nil
}
