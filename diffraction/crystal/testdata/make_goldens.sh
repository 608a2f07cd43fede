#!/bin/sh
# Regenerates the pymatgen reference patterns (*.pymatgen.tsv) from the test
# CIFs. Run once, from this folder, on a machine with python3-pymatgen:
#   sh make_goldens.sh ../../../../shared/tools/simulate.py
# (pymatgen 2022.11.7, Debian bookworm; no Debye-Waller factor; Laue-class
# multiplicities; Cu Ka1 of Hoelzer et al. 1997 given as a number.)
set -e
SIM=${1:-../../../../shared/tools/simulate.py}
for c in si nacl rutile corundum calcite quartz; do
	/usr/bin/python3 "$SIM" "$c.cif" -w 1.5405929 --laue --tt-min 5 --tt-max 120 |
		grep -v '^# cif=' > "$c.pymatgen.tsv"
done
