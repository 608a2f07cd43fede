#!/usr/bin/python3
"""Write pymatgen_ff.tsv: pymatgen's X-ray form-factor fit (pymatgen
analysis/diffraction/atomic_scattering_params.json, MIT licence), used only
by the tests to separate form-factor differences from everything else:

    f(s) = Z - 41.78214 s^2 sum_{i=1..4} a_i exp(-b_i s^2),   s = sin(theta)/lambda

Columns: symbol Z a1 b1 a2 b2 a3 b3 a4 b4. Run once from this folder:
    /usr/bin/python3 make_formfactors.py > pymatgen_ff.tsv
"""
from pymatgen.analysis.diffraction.xrd import ATOMIC_SCATTERING_PARAMS as P
from pymatgen.core import Element

for el in sorted((e for e in P if e not in ("D", "T")), key=lambda e: Element(e).Z):
    print("\t".join([el, str(Element(el).Z)] + ["%r\t%r" % (a, b) for a, b in P[el]]))
