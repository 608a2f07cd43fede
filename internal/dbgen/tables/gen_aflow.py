#!/usr/bin/python3
"""Write internal/dbgen/cif/aflow/*.cif: the experimentally determined
structures of the AFLOW Library of Crystallographic Prototypes, Part 1
(M. J. Mehl, D. Hicks, C. Toher, O. Levy, R. M. Hanson, G. Hart and
S. Curtarolo (2017), Computational Materials Science 136, S1-S828,
doi:10.1016/j.commatsci.2017.01.017), one file per prototype compound, each
citing the original structure determination the Library cites.

Run from the module root with Debian's interpreter (python3-pymatgen, whose
pymatgen/analysis/aflow_prototypes.json distributes the Library's
structures under pymatgen's MIT licence):

    /usr/bin/python3 internal/dbgen/tables/gen_aflow.py

Each structure is given there as a P1 cell; spglib (through pymatgen,
symprec 1e-3 A) recovers its space group, which must be the one of its
AFLOW label, and the file lists the operators and the asymmetric unit of
the conventional cell (rhombohedral groups on hexagonal axes).

Left out: the Library's hypothetical and computed structures (ordered
models of austenite, EXCLUDE), prototypes standing for a solid solution whose mixed sites the
Library fills with one element (PZT, (La,Ba)2CuO4, the Bergman phase),
organic molecular crystals, and structures of elements for which Bragg has
no X-ray form factor (Pa and heavier actinides: Np, Pu, Cf).
"""
import collections
import json
import os
import re
import sys

from pymatgen.core import Structure
from pymatgen.io.cif import CifWriter
from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

SRC = "/usr/lib/python3/dist-packages/pymatgen/analysis/aflow_prototypes.json"
OUT = "internal/dbgen/cif/aflow"

# Prototypes whose structure is not an experimental determination of the
# compound named, found by reading the Library's citations.
EXCLUDE = {
    "A_hP6_194_h": "theoretical carbon structure (Schultz et al. 1999)",
    "A_tI8_139_h": "theoretical carbon structure (Schultz et al. 1999)",
    "A_tP12_96_ab": "ab initio Si structure (Crain et al. 1994)",
    "AB3_oC8_65_a_bf": "predicted CdPt3 structure (Hart 2009)",
    "A3B_cI8_229_b_a": "computed high-pressure H3S (Duan et al. 2014)",
    "sigma_tP30_136_bf2ij": "sigma phase with made-up elements marking its Wyckoff positions",
    "ABC6D2_mC40_15_e_e_3f_f": "esseneite CaFe3+AlSiO6 with its Al/Si site given to Si",
}

NO_FORM_FACTOR = {"Pa", "Np", "Pu", "Am", "Cm", "Bk", "Cf"}

LATEX = [
    (r'\"{u}', "ü"), (r'\"u', "ü"), (r'\"{o}', "ö"), (r'\"o', "ö"), (r'\"{a}', "ä"), (r'\"a', "ä"),
    (r"\'{e}", "é"), (r"\'e", "é"), (r"\`{e}", "è"), (r"\`e", "è"), (r"\^{o}", "ô"), (r"\c{c}", "ç"),
    (r"\'{a}", "á"), (r"\'{i}", "í"), (r"\'{o}", "ó"), (r"\v{c}", "č"), (r"^\circ", "°"), (r"\circ", "°"), (r"\alpha", "alpha"),
    (r"\beta", "beta"), (r"\gamma", "gamma"), (r"\delta", "delta"), (r"\mu", "mu"), (r"\sigma", "sigma"),
    (r"\eta", "eta"), (r"\zeta", "zeta"), (r"\theta", "theta"), (r"\omega", "omega"), (r"\epsilon", "epsilon"),
    (r"\kappa", "kappa"), (r"\lambda", "lambda"), (r"\chi", "chi"), (r"\phi", "phi"), (r"\pi", "pi"),
    (r"\tau", "tau"), (r"\xi", "xi"), (r"\rho", "rho"), (r"\psi", "psi"), (r"\times", "x"), (r"\AA", "A"),
    (r"\&", "&"), ("~", " "), ("--", "-"),
]


def detex(s):
    for a, b in LATEX:
        s = s.replace(a, b)
    s = re.sub(r"\$([^$]*)\$", r"\1", s)
    s = re.sub(r"[{}_^$\\]", "", s)
    return " ".join(s.split())


def bib(text, key):
    """Fields of the @article whose key is given, from the Library's BibTeX."""
    m = re.search(r"@\w+\{" + key + r",(.*?)\n\}", text, re.S)
    if not m:
        return {}
    fields = {}
    for f, a, b in re.findall(r'(\w+)\s*=\s*(?:"(.*?)"|\{((?:[^{}]|\{[^{}]*\})*)\})', m.group(1), re.S):
        v = detex(a or b)
        if not v.startswith("_"):  # "_journal_year" in a volume field: a CIF tag, not a value
            fields.setdefault(f.lower(), v)
    return fields


def cif_string(s):
    s = s.replace("'", "’")
    return "'" + s + "'"


def authors(a):
    return [x.strip() for x in re.split(r"\s+and\s+", a) if x.strip()]


def skip_reason(e, ref, els):
    title = ref.get("title", "")
    tag = e["tags"].get("mineral", "")
    if e["tags"]["aflow"] in EXCLUDE:
        return EXCLUDE[e["tags"]["aflow"]]
    if "hypothetical" in title.lower() or not title or title == "~":
        return "no experimental structure determination cited"
    if not re.fullmatch(r"1[89]\d\d|20\d\d", ref.get("year", "")):
        return "the Library's citation has no year"
    if re.search(r"\([^)]*,[^)]*\)|_x|\(1-x\)|_0\.\d", tag):
        return "solid solution with its mixed sites filled by one element"
    if "C" in els and "H" in els:
        return "organic"
    if els & NO_FORM_FACTOR:
        return "no X-ray form factor for " + " ".join(sorted(els & NO_FORM_FACTOR))
    return ""


def main():
    data = json.load(open(SRC))
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".cif"):
            os.remove(os.path.join(OUT, f))
    written = 0
    for e in data:
        label = e["tags"]["aflow"]
        sg_want = int(label.split("_")[2])
        refs = e["snl"]["about"]["references"]
        ref = bib(refs, "reference0")
        st = Structure.from_dict(e["snl"])
        els = {el.symbol for el in st.composition.elements}
        why = skip_reason(e, ref, els)
        if why:
            print(f"skip {label}: {why}", file=sys.stderr)
            continue
        sga = SpacegroupAnalyzer(st, symprec=1e-3)
        if sga.get_space_group_number() != sg_want:
            print(f"skip {label}: spglib finds space group {sga.get_space_group_number()}", file=sys.stderr)
            continue
        conv = sga.get_conventional_standard_structure()
        body = str(CifWriter(conv, symprec=1e-3))
        body = body.split("\n", 1)[1]  # drop pymatgen's "# generated using pymatgen"
        body = re.sub(r"^data_.*$", "", body, count=1, flags=re.M)
        formula = conv.composition.reduced_formula
        tag = detex(e["tags"].get("mineral", "")).strip()
        name = formula + (f" ({tag})" if tag and tag.lower() != formula.lower() else "")
        auth = authors(ref.get("author", ""))
        journal = ref.get("journal", "")
        year = ref.get("year", "")
        vol = ref.get("volume", "")
        page = ref.get("page_first", "") or ref.get("pages", "").split("-")[0]
        head = [
            f"# {name}: {'; '.join(auth)} ({year}), \"{ref.get('title', '')}\",",
            f"# {journal} {vol}, {ref.get('pages', page)}.",
            f"# AFLOW prototype {label} (Pearson {e['tags'].get('pearson', '')},",
            f"# Strukturbericht {e['tags'].get('strukturbericht', 'None')}) in M. J. Mehl et al. (2017),",
            "# \"The AFLOW Library of Crystallographic Prototypes: Part 1\",",
            "# Computational Materials Science 136, S1-S828, doi:10.1016/j.commatsci.2017.01.017.",
            "# Transcribed by internal/dbgen/tables/gen_aflow.py from the Library's structures",
            "# as distributed with pymatgen (MIT); symmetry found with spglib (symprec 1e-3 A).",
            "# No displacement parameters.",
        ]
        lines = head + [
            "data_" + re.sub(r"[^A-Za-z0-9_]", "_", label),
            "_chemical_name_common " + cif_string(name),
            "_journal_name_full " + cif_string(journal or "?"),
            "_journal_volume " + cif_string(vol or "?"),
            "_journal_year " + (year or "?"),
            "_journal_page_first " + cif_string(page or "?"),
        ]
        if auth:
            lines += ["loop_", "_publ_author_name"] + ["  " + cif_string(a) for a in auth]
        path = os.path.join(OUT, re.sub(r"[^A-Za-z0-9]", "", formula) + f"_{label}.cif")
        with open(path, "w") as f:
            f.write("\n".join(lines) + body)
        written += 1
    print(f"wrote {written} files to {OUT}", file=sys.stderr)


main()
