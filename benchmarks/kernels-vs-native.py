#!/usr/bin/env python3
"""The table of #14's kernels against native for RESULTS.md, from a directory that kernels-vs-native.sh wrote:
µs per op by thread CPU time, ratios to native scalar.  Usage: python3 benchmarks/kernels-vs-native.py DIR"""
import json, math, os, sys
if len(sys.argv) != 2:
    sys.exit(__doc__)
d = sys.argv[1]
# native: the least over the directory's native runs and any given with NATIVE_ALSO (paths, colon-separated)
native = {}
for f in [os.path.join(d, n) for n in sorted(os.listdir(d)) if n.startswith("native-scalar")] + [p for p in os.environ.get("NATIVE_ALSO", "").split(":") if p]:
    for e in json.load(open(f)):
        native[e["kernel"]] = min(native.get(e["kernel"], float("inf")), min(e["cpu_iterations"]) / 1000)
def jmh(name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return {}
    out = {}
    for e in json.load(open(p)):
        out[(e["params"]["kernel"], e["params"]["runtime"])] = e["secondaryMetrics"]["thread.cpu.time/op"]["score"]
    return out
j17, j25 = jmh("jdk17-kernels.json"), jmh("jdk25-kernels.json")
gm = lambda xs: math.exp(sum(map(math.log, xs)) / len(xs)) if xs else float("nan")
rows, r_m, r_u, over, r25, r_c = [], [], [], [], [], []
chicory = any(rt == "chicory-aot" for _, rt in j17)
for k in native:
    m, u, m25 = j17.get((k, "ours-metered")), j17.get((k, "ours-unmetered")), j25.get((k, "ours-metered"))
    if m is None:
        continue
    r_m.append(m / native[k]); 
    if u: r_u.append(u / native[k]); over.append(m / u)
    if m25: r25.append(m25 / native[k])
    c = j17.get((k, "chicory-aot"))
    if c and u: r_c.append(c / u)
    rows.append(f"| {k} | {native[k]:,.1f} | {m:,.1f} | {u:,.1f} | {m / native[k]:.2f}× | {100 * (m / u - 1):+.0f}% | "
                + (f"{m25:,.1f} | {m25 / native[k]:.2f}× |" if m25 else "– | – |")
                + ((f" {c:,.1f} | {c / u:.2f}× |" if c and u else " – | – |") if chicory else ""))
print("| kernel | native scalar | ours metered | ours unmetered | metered ÷ native | metering | metered, Temurin 25 | ÷ native |"
      + (" Chicory compiler | Chicory ÷ ours unmetered |" if chicory else ""))
print("|---|---:|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if chicory else ""))
print("\n".join(rows))
print(f"| **geomean** | | | | **{gm(r_m):.2f}×** | **{100 * (gm(over) - 1):+.1f}%** | | **{gm(r25):.2f}×** |"
      + (f" | **{gm(r_c):.2f}×** |" if chicory else ""))
print("over 3x (17):", [k for k, x in zip(native, r_m) if x > 3])
comp = os.path.join(d, "jdk17-compile.json")
if os.path.exists(comp):
    print("\n| CompileBench (evaluator, one shot per fresh JVM) | ms, mean | forks |\n|---|---:|---:|")
    for e in json.load(open(comp)):
        raw = [x for fork in e["primaryMetric"]["rawData"] for x in fork]
        print(f"| {e['benchmark'].rsplit('.', 1)[1]} | {e['primaryMetric']['score']:,.0f} | {', '.join(f'{x:,.0f}' for x in raw)} |")
