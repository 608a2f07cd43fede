// Package convert is the bragg convert command: scans to xy, xye, csv or
// XRDML, one file or a batch. It needs only the scan readers and writers,
// and imports nothing of the GUI or the report, so that a bragg convert
// process can do its work before those packages initialise
// (internal/fastconvert); package cli runs the same code for the command
// line it parses itself.
package convert

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/bragg-xrd/bragg/diffraction/scan"
	"github.com/bragg-xrd/bragg/internal/atomic"
	"github.com/bragg-xrd/bragg/internal/cmdline"
)

// Options are the command's flags.
type Options struct {
	To     string // output format; "" takes it from Out's extension, else xy
	Out    string // output file; "" is standard output
	Dir    string // batch: the output directory
	Format string // input format; "" detects it
}

// Flags declares the command's flags on fs.
func Flags(fs *flag.FlagSet, o *Options) {
	fs.StringVar(&o.To, "to", "", "output format: xy, xye, csv or xrdml (default: from -o's extension, else xy)")
	fs.StringVar(&o.Out, "o", "", "output file, written atomically; standard output when empty")
	fs.StringVar(&o.Dir, "m", "", "batch: write every FILE to this directory, with the format's extension")
	cmdline.FormatFlag(fs, &o.Format)
}

// Run converts files (one, or a batch with o.Dir) and reports each file
// of a batch that fails with warnf; the error says how many failed. Errors
// of usage wrap cmdline.ErrUsage.
func Run(o Options, files []string, stdout io.Writer, warnf func(format string, a ...any)) error {
	format := o.To
	if format == "" {
		format = "xy"
		if ext := strings.TrimPrefix(filepath.Ext(o.Out), "."); ext != "" {
			format = ext
		}
	}
	if _, ok := scan.Writers[strings.ToLower(format)]; !ok {
		return fmt.Errorf("%w: unknown output format %q (known: xy, xye, csv, xrdml)", cmdline.ErrUsage, format)
	}
	if o.Dir == "" && len(files) > 1 {
		return fmt.Errorf("%w: several files need -m DIR", cmdline.ErrUsage)
	}
	if o.Dir != "" && o.Out != "" {
		return fmt.Errorf("%w: -o and -m exclude each other", cmdline.ErrUsage)
	}
	convert := func(in, out string) error {
		s, _, err := scan.ReadFileAs(in, o.Format)
		if err != nil {
			return err
		}
		if out == "" {
			return scan.Write(stdout, s, format)
		}
		return atomic.WriteFile(out, func(w io.Writer) error { return scan.Write(w, s, format) })
	}
	if o.Dir == "" {
		return convert(files[0], o.Out)
	}
	// A batch: the files are independent, so they are converted on every
	// core; errors are reported in the order of the arguments. Two inputs
	// with one base name would write one output: the later is refused
	// rather than overwriting.
	errs := make([]error, len(files))
	outs := make([]string, len(files))
	first := map[string]string{}
	for i, in := range files {
		base := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in))
		outs[i] = filepath.Join(o.Dir, base+"."+strings.ToLower(format))
		if prev, dup := first[outs[i]]; dup {
			errs[i] = fmt.Errorf("%s: not converted: %s is the output of %s", in, outs[i], prev)
			outs[i] = ""
			continue
		}
		first[outs[i]] = in
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				errs[i] = convert(files[i], outs[i])
			}
		})
	}
	for i := range files {
		if outs[i] != "" {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			warnf("%v", err)
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d files not converted", failed, len(files))
	}
	return nil
}
