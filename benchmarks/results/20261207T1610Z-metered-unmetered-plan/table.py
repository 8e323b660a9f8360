"""Markdown table of an A/B directory: per benchmark, each variant's forks (in run order) and the change of medians.
usage: table.py DIR"""
import json, glob, collections, statistics, sys, os, re
d = collections.defaultdict(list)
def leg(f):
    return int(re.search(r"-[ke](\d+)\.json$", f).group(1))
for f in sorted(glob.glob(sys.argv[1] + "/*.json"), key=leg):
    if os.path.getsize(f) == 0:
        continue
    v = f.split('/')[-1].rsplit('-', 1)[0]
    for b in json.load(open(f)):
        p = b.get('params', {})
        name = b['benchmark'].split('.')[-1]
        k = ("evaluator " + name.replace("guestExecuteOnly", "").lower()) if not p else \
            p.get('kernel', '') + " " + p.get('runtime', '').replace('ours-', '')
        for fork in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
            d[(k, v)].append(statistics.mean(fork))
print("| benchmark | base forks | candidate forks | change of medians |")
print("|---|---|---|---:|")
for k in sorted({k for k, _ in d}):
    b, c = d.get((k, 'base'), []), d.get((k, 'cand'), [])
    if not b or not c:
        continue
    ch = statistics.median(c) / statistics.median(b) - 1
    print(f"| {k} | {' '.join(f'{x:,.0f}' for x in b)} ({statistics.median(b):,.0f}) | "
          f"{' '.join(f'{x:,.0f}' for x in c)} ({statistics.median(c):,.0f}) | {ch:+.0%} |")
