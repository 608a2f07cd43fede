package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/BurntSushi/toml"
)

// Lab is what a laboratory's report form asks besides the analysis: whose
// report it is, which sample, for whom, who measured it and who signs it
// off. The command line fills it from --sample, --operator, --project,
// --comment and a template file (LoadLab); the window from its export
// dialog.
type Lab struct {
	// Laboratory is the lab's name, and address if wanted, printed at the
	// top of the report.
	Laboratory string `json:"laboratory" toml:"laboratory"`
	// Sample identifies the sample; empty: the sample name the scan file
	// gives, else the file's name.
	Sample string `json:"sample" toml:"sample"`
	// Description describes the sample (material, preparation).
	Description string `json:"description" toml:"description"`
	// Project is the customer, project or order the work is for.
	Project  string `json:"project" toml:"project"`
	Operator string `json:"operator" toml:"operator"`
	Comment  string `json:"comment" toml:"comment"`
	// Approval lists the sign-off lines of the report, each printed with
	// room for a name, a signature and a date ("Analysed by", "Approved
	// by"); nil means DefaultApproval.
	Approval []string `json:"approval" toml:"approval"`
}

// DefaultApproval is the sign-off line of a report whose lab names none.
var DefaultApproval = []string{"Approved by"}

// With returns l with every field that over sets replacing l's: a
// template's defaults overridden by what the user typed for this report.
func (l Lab) With(over Lab) Lab {
	for _, f := range []struct{ dst, src *string }{
		{&l.Laboratory, &over.Laboratory}, {&l.Sample, &over.Sample}, {&l.Description, &over.Description},
		{&l.Project, &over.Project}, {&l.Operator, &over.Operator}, {&l.Comment, &over.Comment},
	} {
		if *f.src != "" {
			*f.dst = *f.src
		}
	}
	if over.Approval != nil {
		l.Approval = over.Approval
	}
	return l
}

// approval returns the sign-off lines to print.
func (l Lab) approval() []string {
	if l.Approval == nil {
		return DefaultApproval
	}
	return l.Approval
}

// maxLabFile bounds a template file: a lab form is a few hundred bytes.
const maxLabFile = 1 << 20

// LoadLab reads a lab template: a JSON object (a file ending in .json) or
// a TOML table (.toml) with the fields of Lab, e.g.
//
//	{"laboratory": "X-ray laboratory, Dept. of Chemistry",
//	 "operator": "A. Technician", "approval": ["Analysed by", "Approved by"]}
//
// A key that is not a field of Lab is an error, so that a misspelt one is
// not silently ignored; errors name the file and the line.
func LoadLab(path string) (Lab, error) {
	var l Lab
	f, err := os.Open(path)
	if err != nil {
		return l, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxLabFile+1))
	if err != nil {
		return l, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxLabFile {
		return l, fmt.Errorf("%s: larger than %d bytes: not a lab template", path, maxLabFile)
	}
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".json":
		err = decodeLabJSON(data, &l)
	case ".toml":
		err = decodeLabTOML(data, &l)
	default:
		err = fmt.Errorf("a lab template is a .json or .toml file, not %q", ext)
	}
	if err != nil {
		return Lab{}, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

func decodeLabJSON(data []byte, l *Lab) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(l)
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Errorf("line %d: %w", lineOf(data, syn.Offset), err)
	case errors.As(err, &typ):
		return fmt.Errorf("line %d: %q must be %s, not a JSON %s", lineOf(data, typ.Offset), typ.Field, goType(typ.Type.String()), typ.Value)
	case err != nil:
		return err
	}
	if dec.More() {
		return fmt.Errorf("line %d: text after the template's object", lineOf(data, dec.InputOffset()))
	}
	return nil
}

func decodeLabTOML(data []byte, l *Lab) error {
	md, err := toml.Decode(string(data), l)
	var pe toml.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
	}
	if err != nil {
		return err
	}
	if u := md.Undecoded(); len(u) > 0 {
		return fmt.Errorf("unknown key %q", u[0].String())
	}
	return nil
}

// lineOf is the 1-based line of a byte offset.
func lineOf(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte("\n")) + 1
}

// goType says what a Go type of Lab is in a template's words.
func goType(t string) string {
	if t == "[]string" {
		return "a list of texts"
	}
	return "a text"
}
