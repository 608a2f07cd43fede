#!/bin/sh
# Regenerates the xrayutilities reference patterns (*.xu.tsv) from the test
# CIFs, with anomalous dispersion on (f0 + f' + i f'') and the displacement
# parameters of the CIF. Run once, from this folder, with python3-xrayutilities:
#   sh make_xu_goldens.sh ../../../../shared/tools/simulate.py
# (xrayutilities 1.7.x, Debian bookworm; Cu Ka1 of Hoelzer et al. 1997
# given as a number.)
set -e
SIM=${1:-../../../../shared/tools/simulate.py}
for c in si nacl rutile corundum calcite quartz; do
	/usr/bin/python3 "$SIM" "$c.cif" -e xrayutilities -w 1.5405929 --tt-min 5 --tt-max 90 |
		grep -v '^# cif=' > "$c.xu.tsv"
done
