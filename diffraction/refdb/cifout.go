package refdb

import (
	"fmt"
	"io"
	"strings"
)

// WriteCIF writes entries as a CIF 1.1 file (Hall, Allen & Brown 1991,
// Acta Cryst. A47, 655), one data block each: cell, space group, all
// symmetry operations and the atom sites, which crystal.ParseCIF reads
// back to the same structure. This is how the user database is exported.
func WriteCIF(w io.Writer, ps ...*Phase) error {
	var b strings.Builder
	b.WriteString("#\\#CIF_1.1\n# written by Bragg\n")
	for _, p := range ps {
		s := &p.Structure
		fmt.Fprintf(&b, "\ndata_%s\n", Slug(p.ID))
		fmt.Fprintf(&b, "_chemical_name_common %s\n", cifString(p.Name))
		if p.Mineral != "" {
			fmt.Fprintf(&b, "_chemical_name_mineral %s\n", cifString(p.Mineral))
		}
		fmt.Fprintf(&b, "_chemical_formula_sum %s\n", cifString(p.Formula))
		if p.Citation != "" {
			fmt.Fprintf(&b, "_publ_section_references %s\n", cifString(p.Citation))
		}
		c := s.Cell
		for _, kv := range []struct {
			k string
			v float64
		}{{"length_a", c.A}, {"length_b", c.B}, {"length_c", c.C}, {"angle_alpha", c.Alpha}, {"angle_beta", c.Beta}, {"angle_gamma", c.Gamma}} {
			fmt.Fprintf(&b, "_cell_%s %s\n", kv.k, num(kv.v))
		}
		fmt.Fprintf(&b, "_symmetry_space_group_name_H-M %s\n", cifString(s.SpaceGroup))
		if s.SpaceGroupNumber > 0 {
			fmt.Fprintf(&b, "_symmetry_Int_Tables_number %d\n", s.SpaceGroupNumber)
		}
		b.WriteString("loop_\n_symmetry_equiv_pos_as_xyz\n")
		for _, op := range s.Ops {
			fmt.Fprintf(&b, "'%s'\n", op.String())
		}
		b.WriteString("loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n_atom_site_U_iso_or_equiv\n")
		for _, a := range s.Sites {
			typ := a.Element
			if a.Charge != 0 {
				sign := "+"
				if a.Charge < 0 {
					sign = "-"
				}
				typ += fmt.Sprintf("%d%s", abs(a.Charge), sign)
			}
			fmt.Fprintf(&b, "%s %s %s %s %s %s %s\n", cifString(a.Label), typ, num(a.X), num(a.Y), num(a.Z), num(a.Occupancy), num(a.Uiso))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func abs(i int) int { return max(i, -i) }

// num writes a number exactly (shortest form that reads back the same).
func num(v float64) string { return fmt.Sprint(v) }

// cifString quotes a value when CIF needs it.
func cifString(s string) string {
	if s == "" {
		return "?"
	}
	if strings.ContainsAny(s, "\n") {
		return ";\n" + s + "\n;"
	}
	if strings.ContainsAny(s, " \t'\"_#$[]") || s == "?" || s == "." {
		if !strings.Contains(s, "' ") {
			return "'" + s + "'"
		}
		return "\"" + s + "\""
	}
	return s
}
