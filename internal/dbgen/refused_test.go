package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bragg-xrd/bragg/diffraction/refdb"
)

var update = flag.Bool("update", false, "rewrite docs/refused.md from the committed asset")

// refusedTable counts the refused structures by reason, as a Markdown
// table (README and docs/refused.md).
func refusedTable(db *refdb.DB) string {
	var b strings.Builder
	b.WriteString("| reason | structures |\n|---|---|\n")
	by := db.RefusedByReason()
	for _, r := range refdb.Reasons {
		fmt.Fprintf(&b, "| %s | %d |\n", r, by[r])
	}
	return b.String()
}

// refusedDoc lists the refused structures by reason.
func refusedDoc(db *refdb.DB) string {
	var b strings.Builder
	b.WriteString("# Structures left out of the reference database\n\n")
	b.WriteString("The sanity gate (`refdb.Check`, see `diffraction/refdb/gate.go`) refused these structures of the shared\n")
	b.WriteString("collections: their files do not describe the substance they name. Written from `assets/refdb.bin` by\n")
	b.WriteString("`go test ./internal/dbgen -run TestRefusedDoc -update`.\n\n")
	b.WriteString(refusedTable(db))
	for _, r := range refdb.Reasons {
		fmt.Fprintf(&b, "\n## %s\n\n| would-be ID | file | why |\n|---|---|---|\n", r)
		for _, x := range db.Refused {
			if x.Reason == r {
				fmt.Fprintf(&b, "| %s | %s | %s |\n", x.ID, strings.TrimPrefix(x.Source, "shared/data/cif/"), strings.ReplaceAll(x.Detail, "|", "/"))
			}
		}
	}
	return b.String()
}

// TestRefusedDoc: docs/refused.md and the README's table are those of the
// committed asset.
func TestRefusedDoc(t *testing.T) {
	db := committedDB(t)
	path := filepath.Join("..", "..", "docs", "refused.md")
	want := refusedDoc(db)
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Error("docs/refused.md is stale: go test ./internal/dbgen -run TestRefusedDoc -update")
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), refusedTable(db)) {
		t.Errorf("README.md lacks the table of refused structures:\n%s", refusedTable(db))
	}
}
