#!/bin/sh
# Regenerates the xrayutilities reference patterns, with anomalous
# dispersion on (f0 + f' + i f'') and the displacement parameters of the CIF
# (corundum's B; none elsewhere). Run once, from this folder, with
# python3-xrayutilities (1.7.4, Debian bookworm):
#   sh make_xu_goldens.sh ../../../../shared/tools/simulate.py
# Cu Ka1 of Hoelzer et al. 1997 given as a number; Bragg-Brentano LP, no
# monochromator, on both sides.
#
# Two things make xrayutilities read our test CIFs differently from Bragg,
# so the CIFs it is given are derived copies (NAME.xu.cif, written here):
#
# 1. O2- (rutile, corundum, calcite, quartz). xrayutilities types "O2-" as
#    its element "O2-.", whose f0 is not Waasmaier-Kirfel's and not from
#    International Tables Vol. C: it is the 2-Gaussian fit of Tokonami (1965),
#    Acta Cryst. 19, 486, carried over from Lazy-Pulverix (see the header of
#    its data/f0_InterTables.dat). It exceeds W-K's O2- by 1.8 % at
#    sin(theta)/lambda = 0.1 and 3.6 % at 0.2 1/A. Neither program has the
#    other's O2-, so the copies type O as the neutral atom, for which both
#    use the same Hartree-Fock values (ITC Vol. C 6.1.1.1; xrayutilities'
#    4-Gaussian fit, W-K's 5-Gaussian one). The cations keep their charges
#    (Al3+, Si4+, Ti4+, Ca2+; C4+ is in neither table: neutral C in both).
# 2. quartz: Si on 3a (x, 0, 2/3) is written z = 0.6667. xrayutilities rounds
#    the images to 4 digits and keeps 0.3333/0.3334 and 0.6666/0.6667 apart:
#    5 Si instead of 3, no Wyckoff position fits, and it falls back to P1
#    with Si5O6 (its "space group=1 nsites=11"), which gives the 001 line
#    that P3221 forbids. Bragg merges the images (same pattern as z = 2/3,
#    R < 1e-4). The copy writes z = 0.666667: xrayutilities then finds
#    P3221 with 3a and 6c and the same 9 atoms as Bragg.
#
# The *.xu-ion.tsv goldens keep O2- (main CIFs; quartz only with the z fix)
# for the test that pins point 1: Bragg with Tokonami's O2- must reproduce
# them, with W-K's it differs by the R the test logs.
set -e
SIM=${1:-../../../../shared/tools/simulate.py}
sim() { # CIF OUT
	/usr/bin/python3 "$SIM" "$1" -e xrayutilities -w 1.5405929 --tt-min 5 --tt-max 90 |
		grep -v '^# cif=' > "$2"
	if grep -q '^# xrayutilities space group=1 ' "$2"; then
		echo "$1: xrayutilities fell back to P1" >&2
		exit 1
	fi
}
derive() { # NAME NOTE SED-SCRIPT CHECK-PATTERN
	{
		echo "# Made by make_xu_goldens.sh from $1.cif for the comparison with"
		echo "# xrayutilities: $2"
		sed "$3" "$1.cif"
	} > "$1.xu.cif"
	if cmp -s "$1.cif" "$1.xu.cif"; then
		echo "$1: nothing changed" >&2
		exit 1
	fi
	grep -q "$4" "$1.xu.cif" || { echo "$1: edit not applied" >&2; exit 1; }
}
O='s/^\(  O1 \)O2- /\1O /'
Z='s/^\(  Si1 Si4+ 0\.4701 0 \)0\.6667 /\10.666667 /'
for c in rutile corundum calcite; do
	derive $c "O typed neutral (O2- -> O)." "$O" '^  O1 O '
done
derive quartz "O typed neutral (O2- -> O) and Si z = 2/3 to 6 digits." "$O;$Z" '^  Si1 Si4+ 0.4701 0 0.666667 '

for c in si nacl; do
	sim $c.cif $c.xu.tsv
done
for c in rutile corundum calcite quartz; do
	sim $c.xu.cif $c.xu.tsv
done
for c in rutile corundum calcite; do
	sim $c.cif $c.xu-ion.tsv
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed "$Z" quartz.cif > "$tmp/quartz.cif"
sim "$tmp/quartz.cif" quartz.xu-ion.tsv
