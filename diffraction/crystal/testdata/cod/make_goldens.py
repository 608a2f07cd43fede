#!/usr/bin/python3
"""Generate cod/pymatgen.tsv.gz: pymatgen reference stick patterns for a
fixed selection of the shared CIF collection (../shared/data/cif), used by
TestPatternSharedPymatgen. Run once, from the module root:

    /usr/bin/python3 diffraction/crystal/testdata/cod/make_goldens.py \
        ../shared/data ../shared/tools/simulate.py

Selection (deterministic): rows of cif_index.csv that are valid, inorganic,
have at most 30 atom sites, first data block of each file; of those, every
third in path order (about 300 structures spread over all sources).

Settings, as in testdata/make_goldens.sh: pymatgen (Debian bookworm),
Cu Kalpha1 = 1.5405929 A (Hoelzer 1997) given as a number, 2theta 5-90 deg,
no Debye-Waller factor, crystallographic (Laue-class) multiplicities
(simulate.py --laue). Only lines of relative intensity >= 0.5 are kept (the
test compares lines >= 1): columns two_theta, intensity, mult_laue (0 when
several families share the line). A structure that pymatgen cannot read, or
that takes more than 60 s, is written as a line "! path reason".
"""
import contextlib
import csv
import gzip
import io
import os
import signal
import sys

data, sim = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(os.path.abspath(sim)))
import simulate  # noqa: E402

rows = list(csv.DictReader(open(os.path.join(data, "cif", "cif_index.csv"))))
seen, cand = set(), []
for r in sorted(rows, key=lambda r: r["file"]):
    if r["file"] in seen:
        continue
    seen.add(r["file"])
    if r["valid"] != "True" or r["organic"] != "False":
        continue
    if not r["natoms"] or int(r["natoms"]) > 30:
        continue
    cand.append(r["file"])
cand = cand[::3]


class Timeout(Exception):
    pass


def alarm(*_):
    raise Timeout()


signal.signal(signal.SIGALRM, alarm)
out = io.StringIO()
import pymatgen.core  # noqa: E402
out.write("# pymatgen %s via shared/tools/simulate.py --laue -w 1.5405929 --tt-min 5 --tt-max 90\n"
          % pymatgen.core.__version__)
out.write("# columns: two_theta intensity mult_laue; lines with I >= 0.5 only\n")
n = 0
for f in cand:
    path = os.path.join(data, "cif", f[len("cif/"):])
    buf = io.StringIO()
    signal.alarm(60)
    try:
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
            simulate.main([path, "-w", "1.5405929", "--laue", "--tt-min", "5", "--tt-max", "90",
                           "--no-header"])
        signal.alarm(0)
    except (Exception, SystemExit, Timeout) as e:  # noqa: BLE001
        signal.alarm(0)
        out.write("! %s %s\n" % (f, type(e).__name__))
        continue
    out.write("@ %s\n" % f)
    n += 1
    for line in buf.getvalue().splitlines():
        c = line.split("\t")
        if float(c[2]) < 0.5:
            continue
        m = c[6] if ";" not in c[6] else "0"
        out.write("%s\t%.3f\t%s\n" % (c[0], float(c[2]), m))
    print(n, f, file=sys.stderr)
with gzip.GzipFile(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pymatgen.tsv.gz"),
                   "wb", mtime=0) as g:
    g.write(out.getvalue().encode())
