"""Markdown table of an A/B directory: per benchmark and mode, base and cand forks (thread CPU per op, each fork's
mean of its measurement iterations: µs for kernels, ns for the evaluator) and the change of medians.
usage: table.py DIR"""
import json, glob, collections, statistics, sys, os
d = collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    if os.path.getsize(f) == 0:
        continue
    v = os.path.basename(f).rsplit("-", 1)[0]
    for b in json.load(open(f)):
        p = b.get("params", {})
        name = b["benchmark"].split(".")[-1]
        k = ("evaluator " + ("metered" if "Metered" in name else "unmetered")) if "guestExecute" in name else \
            p["kernel"] + " " + p["runtime"].replace("ours-", "")
        for fork in b["secondaryMetrics"]["thread.cpu.time/op"]["rawData"]:
            d[(k, v)].append(statistics.mean(fork))
print("| benchmark | base forks | candidate forks | change of medians |\n|---|---|---|---:|")
for k in sorted({k for k, _ in d}, key=lambda x: (not x.startswith("evaluator"), x)):
    b, c = d.get((k, "base"), []), d.get((k, "cand"), [])
    ch = f"{(statistics.median(c) / statistics.median(b) - 1) * 100:+.0f}%" if b and c else ""
    print(f"| {k} | {' '.join(f'{x:,.0f}' for x in b)} | {' '.join(f'{x:,.0f}' for x in c)} | {ch} |")
