# The RESULTS.md table: per kernel and JVM, cand / base of the medians of each A/B (ab1: cand1, ab2: cand2, ab3: cand4)
import json, glob, collections, statistics, os
def load(d):
    r = collections.defaultdict(list)
    for f in glob.glob(d + '/*.json'):
        if os.path.getsize(f) == 0: continue
        jvm, v = os.path.basename(f).split('-')[:2]
        for b in json.load(open(f)):
            k = b['params']['kernel'] if 'params' in b and b['params'] else b['benchmark'].split('.')[-1]
            r[(jvm, k, v)].append(b['secondaryMetrics']['thread.cpu.time/op']['score'])
    return r
runs = {d: load(d) for d in ['ab1', 'ab2', 'ab3']}
keys = sorted({(j, k) for r in runs.values() for (j, k, v) in r})
print('| JVM | kernel | cand1 ÷ base (ab1) | cand2 ÷ base (ab2) | cand4 ÷ base (ab3) |')
print('|---|---|---:|---:|---:|')
for j, k in keys:
    cells = []
    for d, r in runs.items():
        b, c = r.get((j, k, 'base')), r.get((j, k, 'cand'))
        cells.append(f"{statistics.median(c)/statistics.median(b):.2f} ({' '.join(f'{x:.0f}' for x in b)} / {' '.join(f'{x:.0f}' for x in c)})" if b and c else '–')
    print(f"| {'17' if j in ('j17','ev17') else '25'} | {k} | " + ' | '.join(cells) + ' |')
