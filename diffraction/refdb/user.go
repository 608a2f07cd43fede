package refdb

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bragg-xrd/bragg/diffraction/crystal"
)

// UserPath is the folder of the user's collections: bragg/refdb in the
// user's configuration directory (os.UserConfigDir).
func UserPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("refdb: no configuration directory for the user database: %w", err)
	}
	return filepath.Join(dir, "bragg", "refdb"), nil
}

// loadLegacy reads a user database of Bragg 0.1 (one file in the format
// of the bundled database) at path.
func loadLegacy(path string) (*DB, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	db, err := LoadBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return db, nil
}

// UserPrefix starts the ID of every entry of the default collection; the
// IDs of another collection start with its name and a colon ("cod:").
const UserPrefix = DefaultCollection + ":"

// ImportCIF computes user entries from the structures of a CIF file,
// identified by the file's name (and the data block, when it holds
// several) and named by the file (DefaultName); corundumScale is the
// bundled corundum's intensity scale, for the RIR. Each structure passes
// the sanity gate as the bundled ones do (Vet: repaired when the repair is
// certain, recorded in Repairs); one that fails makes the file an error
// wrapping its *GateError. Whether the phase is already in the database is
// the caller's to ask (CheckDuplicate).
func ImportCIF(r io.Reader, file string, corundumScale float64) ([]Phase, error) {
	return importCIF(r, file, UserPrefix, corundumScale)
}

// importCIF is ImportCIF with the IDs starting with prefix. Entries of
// the common phases (CommonPhase.Matches) are flagged Common, as the
// bundled ones are: a collection's goethite is as common as the bundled
// quartz.
func importCIF(r io.Reader, file, prefix string, corundumScale float64) ([]Phase, error) {
	ss, err := crystal.ParseCIF(r, file)
	if err != nil {
		return nil, err
	}
	base := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	var out []Phase
	for i := range ss {
		s, repair, err := Vet(&ss[i])
		if err != nil {
			return nil, fmt.Errorf("%s: data_%s: %w", file, ss[i].Block, err)
		}
		// ParseCIF names a structure after its data block; a person's
		// name for it is the file's chemical or mineral name.
		s.Name = firstNonEmpty(DefaultName(s), base)
		p, scale, err := FromStructure(s)
		if err != nil {
			return nil, fmt.Errorf("%s: data_%s: %w", file, s.Block, err)
		}
		p.Repairs = repair
		p.ID = prefix + Slug(base)
		if len(ss) > 1 {
			p.ID += "-" + Slug(s.Block)
		}
		p.Source = file
		p.License = "the user's own"
		p.RIR = RIR(scale, corundumScale)
		p.Common = slices.ContainsFunc(CommonPhases, func(c CommonPhase) bool { return c.Matches(&p) })
		out = append(out, p)
	}
	return out, nil
}

// ImportFile is ImportCIF on the file at path.
func ImportFile(path string, corundumScale float64) ([]Phase, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ImportCIF(f, path, corundumScale)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && s != "?" {
			return s
		}
	}
	return ""
}

// Slug makes an ID part from a name: lower-case letters and digits, other
// runs as one hyphen ("LiF_225" → "lif-225").
func Slug(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
