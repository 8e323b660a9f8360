#!/usr/bin/env python3
"""Summarises ab.sh logs: per kernel and runtime, the legs of each variant (thread CPU us/op), the ratio
cand/base of the least legs and of the means, and the geomeans of those ratios.
usage: summ.py BASE CAND LOG..."""
import math, re, sys
from collections import defaultdict
base, cand = sys.argv[1], sys.argv[2]
legs = defaultdict(list)
order = []
for path in sys.argv[3:]:
    for line in open(path):
        m = re.match(r'(\S+) (\S+) (\S+) :: .*thread\.cpu\.time/op\s+\S+\s+\S+\s+avgt\s+\d+\s+([\d.,]+)', line)
        if not m:
            continue
        k, rt, v, val = m.group(1), m.group(2), m.group(3), float(m.group(4).replace(',', ''))
        if (k, rt) not in order:
            order.append((k, rt))
        legs[(k, rt, v)].append(val)
by_rt = defaultdict(lambda: ([], []))
print(f"| kernel | runtime | {base} legs | {cand} legs | least {cand}/{base} | mean {cand}/{base} |")
print("|---|---|---|---|---:|---:|")
for k, rt in order:
    b, c = legs[(k, rt, base)], legs[(k, rt, cand)]
    if not b or not c:
        continue
    rl, rm = min(c) / min(b), (sum(c) / len(c)) / (sum(b) / len(b))
    by_rt[rt][0].append(rl)
    by_rt[rt][1].append(rm)
    fmt = lambda xs: ' / '.join(f'{x:,.1f}' for x in xs)
    print(f"| {k} | {rt} | {fmt(b)} | {fmt(c)} | {rl:.3f} | {rm:.3f} |")
for rt, (rl, rm) in by_rt.items():
    g = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs))
    print(f"| **geomean** | {rt} | | | **{g(rl):.3f}** | **{g(rm):.3f}** |")
