#!/usr/bin/env python3
"""Regenerates the tables of benchmarks/RESULTS.md from one results directory written by run.sh.

    python3 benchmarks/tools/report.py benchmarks/results/<stamp>-<mode> benchmarks/RESULTS.md

Only the block between the GENERATED markers is replaced; hand-written notes around it are kept.
Standard library only.
"""
import glob
import json
import math
import os
import re
import sys
from datetime import datetime, timezone

BEGIN = "<!-- BEGIN GENERATED (benchmarks/tools/report.py) -->"
END = "<!-- END GENERATED -->"
KERNELS = ["matmul", "stencil", "sha256", "memmove", "mix64", "tokenize", "json"]
ENGINES = ["chicory-interp", "chicory-aot", "ours-unmetered", "ours-metered"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def geomean(xs):
    xs = [x for x in xs if x and x > 0 and not math.isnan(x)]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else float("nan")


def fmt(x, digits=None):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if digits is not None:
        return f"{x:,.{digits}f}"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 100:
        return f"{x:.0f}"
    if a >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def ratio(a, b):
    return a / b if a and b else float("nan")


def fx(x):
    return "–" if x is None or math.isnan(x) else f"{x:.2f}×"


def pct(x):
    return "–" if x is None or math.isnan(x) else f"{x * 100:+.0f}%"


def score(entry):
    """(median of the measurement iterations, half their range as a fraction of the median).

    The median, not JMH's mean, because other engineers' jobs share the 2 CPUs: an iteration that
    collides with a compile or a test run should not move the number. JMH's mean and 99.9% error are in
    the raw JSON.
    """
    m = entry["primaryMetric"]
    raw = sorted(x for fork in m.get("rawData", []) for x in fork)
    if not raw:
        return m["score"], None
    n = len(raw)
    med = raw[n // 2] if n % 2 else (raw[n // 2 - 1] + raw[n // 2]) / 2
    spread = (raw[-1] - raw[0]) / 2 / med if med and n > 1 else None
    return med, spread


def cpu_score(entry):
    """Median of the per-iteration process CPU time per op (CpuTimeProfiler), or None."""
    for k, v in entry.get("secondaryMetrics", {}).items():
        if k.endswith("cpu.time/op"):
            raw = sorted(x for fork in v.get("rawData", []) for x in fork)
            if raw:
                n = len(raw)
                return raw[n // 2] if n % 2 else (raw[n // 2 - 1] + raw[n // 2]) / 2
            return v.get("score")
    return None


def native_cpu_us(x):
    if not x or not x.get("cpu_iterations"):
        return None
    it = sorted(x["cpu_iterations"])
    n = len(it)
    return (it[n // 2] if n % 2 else (it[n // 2 - 1] + it[n // 2]) / 2) / 1000


def with_err(s, e):
    return fmt(s) if e is None else f"{fmt(s)} ±{e * 100:.0f}%"


def secondary(entry, suffix):
    for k, v in entry.get("secondaryMetrics", {}).items():
        if k.endswith(suffix):
            return v["score"]
    return None


def jmh_by(results, key):
    out = {}
    for e in results or []:
        out[key(e)] = e
    return out


def method(e):
    return e["benchmark"].rsplit(".", 1)[1]


def jdk_tags(d):
    tags = set()
    for p in glob.glob(os.path.join(d, "jdk*-*.json")):
        tags.add(os.path.basename(p).split("-", 1)[0])
    return sorted(tags, key=lambda t: int(re.sub(r"\D", "", t) or 0))


def first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return None


def version_text(d, tag):
    try:
        with open(os.path.join(d, f"{tag}-version.txt")) as f:
            lines = [l.strip() for l in f if l.strip()]
        return " / ".join(lines[:2])
    except OSError:
        return tag


def native_us(x):
    """Median of the native driver's iterations, in µs."""
    if not x:
        return None
    it = sorted(x.get("iterations") or [x["ns_per_op"]])
    n = len(it)
    return (it[n // 2] if n % 2 else (it[n // 2 - 1] + it[n // 2]) / 2) / 1000


def kernel_section(d, tag, native, scalar, fuel):
    res = load(os.path.join(d, f"{tag}-kernels.json"))
    if not res:
        return []
    by = jmh_by(res, lambda e: (e["params"]["kernel"], e["params"].get("runtime", e["params"].get("engine"))))
    base = jmh_by(load(os.path.join(d, f"{tag}-baseline.json")), lambda e: e["params"].get("runtime", e["params"].get("engine")))
    L = [f"#### {tag}: time per `run(n)` in µs (lower is better): median of the measurement iterations ±half their range\n"]
    L.append("| kernel | n | native -O2 | native scalar | Chicory interp | Chicory compiler | ours unmetered | ours metered | "
             "metered ÷ native | metered ÷ Chicory compiler | unmetered ÷ native | Chicory compiler ÷ native | interp ÷ native | metering overhead |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    cols = {k: [] for k in ["mn", "mc", "un", "cn", "in", "ov", "ms"]}
    for k in KERNELS:
        nat = native_us(native.get(k))
        sca = native_us(scalar.get(k))
        s = {e: score(by[(k, e)]) if (k, e) in by else (None, None) for e in ENGINES}
        m, u, c, i = s["ours-metered"][0], s["ours-unmetered"][0], s["chicory-aot"][0], s["chicory-interp"][0]
        r = {"mn": ratio(m, nat), "mc": ratio(m, c), "un": ratio(u, nat), "cn": ratio(c, nat), "in": ratio(i, nat),
             "ov": ratio(m, u) - 1 if m and u else float("nan"), "ms": ratio(m, sca)}
        for key, v in r.items():
            cols[key].append(v)
        n = native.get(k, {}).get("n") or "?"
        L.append(f"| {k} | {n} | {fmt(nat)} | {fmt(sca)} | {with_err(*s['chicory-interp']) if i else '–'} | "
                 f"{with_err(*s['chicory-aot']) if c else '–'} | {with_err(*s['ours-unmetered']) if u else '–'} | "
                 f"{with_err(*s['ours-metered']) if m else '–'} | {fx(r['mn'])} | {fx(r['mc'])} | {fx(r['un'])} | "
                 f"{fx(r['cn'])} | {fx(r['in'])} | {pct(r['ov'])} |")
    g = {key: geomean(v) for key, v in cols.items()}
    gov = geomean([1 + x for x in cols["ov"] if not math.isnan(x)]) - 1 if cols["ov"] else float("nan")
    L.append(f"| **geomean** | | | | | | | | **{fx(g['mn'])}** | **{fx(g['mc'])}** | **{fx(g['un'])}** | "
             f"**{fx(g['cn'])}** | **{fx(g['in'])}** | **{pct(gov)}** |")
    L.append("")
    L.append(f"Metered vs the scalar native build (`-fno-vectorize -fno-slp-vectorize`; the wasm has no SIMD): geomean "
             f"**{fx(g['ms'])}**.")
    if base:
        parts = [f"{e} {with_err(*score(base[e]))} ns" for e in ENGINES if e in base]
        L.append(f"Baseline beside it, the same call with no work (`run(0)`, `KernelBaselineBench`): " + "; ".join(parts) + ".")
    L.append("")
    # the same by CPU time
    cc = {k: [] for k in ["mn", "mc", "un", "cn", "in", "ov"]}
    rows = []
    for k in KERNELS:
        nat = native_cpu_us(native.get(k))
        c = {e: cpu_score(by[(k, e)]) if (k, e) in by else None for e in ENGINES}
        m, u, ch, i = c["ours-metered"], c["ours-unmetered"], c["chicory-aot"], c["chicory-interp"]
        r = {"mn": ratio(m, nat), "mc": ratio(m, ch), "un": ratio(u, nat), "cn": ratio(ch, nat), "in": ratio(i, nat),
             "ov": ratio(m, u) - 1 if m and u else float("nan")}
        for key, v in r.items():
            cc[key].append(v)
        rows.append(f"| {k} | {fmt(nat)} | {fmt(i)} | {fmt(ch)} | {fmt(u)} | {fmt(m)} | {fx(r['mn'])} | {fx(r['mc'])} | "
                    f"{fx(r['un'])} | {fx(r['cn'])} | {fx(r['in'])} | {pct(r['ov'])} |")
    if any(not math.isnan(x) for x in cc["mc"]):
        gc = {key: geomean(v) for key, v in cc.items()}
        gcov = geomean([1 + x for x in cc["ov"] if not math.isnan(x)]) - 1
        L.append(f"Same runs by **process CPU time** per op (`CpuTimeProfiler`; native: `CLOCK_PROCESS_CPUTIME_ID`), "
                 f"which leaves out time spent waiting for a CPU on this shared machine:\n")
        L.append("| kernel | native -O2 | Chicory interp | Chicory compiler | ours unmetered | ours metered | metered ÷ native | "
                 "metered ÷ Chicory compiler | unmetered ÷ native | Chicory compiler ÷ native | interp ÷ native | metering overhead |")
        L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        L.extend(rows)
        L.append(f"| **geomean** | | | | | | **{fx(gc['mn'])}** | **{fx(gc['mc'])}** | **{fx(gc['un'])}** | **{fx(gc['cn'])}** | "
                 f"**{fx(gc['in'])}** | **{pct(gcov)}** |")
        L.append("")
        g["cpu"] = gc
        g["cpu_ov"] = gcov
    return L, g, gov


def call_section(d, tag):
    res = (load(os.path.join(d, f"{tag}-call-host.json")) or []) + (load(os.path.join(d, f"{tag}-call.json")) or [])
    if not res:
        return [], {}
    by = jmh_by(res, method)

    def get(m):
        if m not in by:
            return None, None, None, None
        s, e = score(by[m])
        return s, e, secondary(by[m], "gc.alloc.rate.norm"), cpu_score(by[m])

    rows = [
        ("executePlugin", "`executePlugin` from a caller thread (full public path)"),
        ("handoffOnly", "  ↳ baseline: hand-off to the guest pool and back, no work (`submit(..).join()`)"),
        ("executePluginInline", "`executePlugin` on a guest thread (no hand-off)"),
        ("marshalIn", "  ↳ marshalling in: input tree → JSON bytes (Jackson)"),
        ("guestAbiMetered", "  ↳ guest, metered: alloc ×3, write, `plugin_execute`, read, free ×3"),
        ("guestExecuteOnlyMetered", "    ↳ `plugin_execute` alone, metered"),
        ("guestExecuteOnlyUnmetered", "    ↳ `plugin_execute` alone, unmetered"),
        ("marshalOut", "  ↳ marshalling out: strict UTF-8 decode + JSON parse (Jackson)"),
        ("watchdogArmCancel", "  ↳ deadline watchdog: schedule + cancel"),
        ("chicoryAbi", "Chicory compiler, same ABI sequence through Chicory's API"),
        ("chicoryExecuteOnly", "Chicory compiler, `plugin_execute` alone"),
        ("executePluginHugeJit", "`executePlugin` (caller thread) with `-XX:-DontCompileHugeMethods`"),
        ("guestExecuteOnlyMeteredHugeJit", "`plugin_execute` alone, metered, with `-XX:-DontCompileHugeMethods`"),
        ("chicoryExecuteOnlyHugeJit", "Chicory compiler, `plugin_execute` alone, with `-XX:-DontCompileHugeMethods`"),
        ("baselineEmptyCallMetered", "baseline: empty export call (`plugin_free(0,0)`), ours metered"),
        ("baselineEmptyCallChicory", "baseline: empty export call, Chicory compiler"),
    ]
    L = [f"#### {tag}: ns per call (median of iterations ±half their range), process CPU ns per call, bytes allocated per call (`-prof gc`)\n",
         "| what | ns/call | CPU ns/call | B/call |", "|---|---:|---:|---:|"]
    vals = {}
    for m, label in rows:
        s, e, b, c = get(m)
        vals[m] = s
        if s is None:
            continue
        L.append(f"| {label} | {with_err(s, e)} | {fmt(c)} | {fmt(b, 0) if b is not None else '–'} |")
    inline, mi, ga, mo = (vals.get(x) for x in ("executePluginInline", "marshalIn", "guestAbiMetered", "marshalOut"))
    if inline and mi and ga and mo:
        L.append(f"| rest of the inline path (pool, watchdog, budget, metrics; by subtraction) | {fmt(inline - mi - ga - mo)} | | |")
    full, ex, cx = vals.get("executePlugin"), vals.get("guestExecuteOnlyMetered"), vals.get("chicoryExecuteOnly")
    L.append("")
    if full and ex:
        L.append(f"Host-side cost of `executePlugin` beyond the guest's own `plugin_execute`: **{fmt(full - ex)} ns** "
                 f"(full path {fmt(full)} ns vs {fmt(ex)} ns); full path ÷ Chicory's direct `plugin_execute`: "
                 f"{fx(ratio(full, cx))}.")
        L.append("")
    return L, vals


def batch_section(d, tag):
    res = load(os.path.join(d, f"{tag}-batch.json"))
    if not res:
        return [], {}
    by = jmh_by(res, method)
    L = [f"#### {tag}: executions per second (sum over threads)\n",
         "| path | 1 thread | 2 threads | scaling (2 ÷ 1) | CPU µs per execution, 1 → 2 threads |", "|---|---:|---:|---:|---:|"]
    out = {}
    for stem, label in [("execute", "`executePlugin` from caller threads (hand-off to the guest pool)"),
                        ("inline", "`executePlugin` on guest threads (inline)"),
                        ("cpuBaseline", "baseline: pure-Java CPU loop (what 2 threads get on this machine now)")]:
        a, b = by.get(stem + "1"), by.get(stem + "2")
        if not a or not b:
            continue
        sa, ea = score(a)
        sb, eb = score(b)
        out[stem] = (sa, sb, sb / sa)
        ca, cb = cpu_score(a), cpu_score(b)
        cpu = f"{fmt(ca * 1e6)} → {fmt(cb * 1e6)}" if ca and cb else "–"
        L.append(f"| {label} | {with_err(sa, ea)} | {with_err(sb, eb)} | {sb / sa:.2f} | {cpu} |")
    L.append("")
    return L, out


def startup_section(d, tag):
    res = load(os.path.join(d, f"{tag}-startup.json"))
    if not res:
        return [], {}
    by = jmh_by(res, method)
    L = [f"#### {tag}: time to first result in a fresh JVM, ms (one shot per fork)\n",
         "| how the plugin is loaded | mean | min | max | forks |", "|---|---:|---:|---:|---:|"]
    out = {}
    for m, label in [("precompiledJar", "pre-compiled plugin jar"), ("wasmFromCache", ".wasm, served from the compile cache"),
                     ("wasmCompiledOnLoad", ".wasm, compiled on load"), ("chicoryInterpreter", "Chicory interpreter (no compile)"),
                     ("chicoryCompiler", "Chicory compiler at run time (no metering, no cache)"),
                     ("baselineReadFile", "baseline: read the .wasm file")]:
        e = by.get(m)
        if not e:
            continue
        raw = [x for fork in e["primaryMetric"].get("rawData", []) for x in fork]
        mean = sum(raw) / len(raw) if raw else e["primaryMetric"]["score"]
        out[m] = mean
        L.append(f"| {label} | {fmt(mean)} | {fmt(min(raw)) if raw else '–'} | {fmt(max(raw)) if raw else '–'} | {len(raw)} |")
    L.append("")
    return L, out


def accuracy_section(d):
    md = os.path.join(d, "fuel-accuracy.md")
    if not os.path.exists(md):
        return []
    with open(md) as f:
        return ["### Fuel accuracy (our fuel vs instructions counted by Chicory's interpreter)\n",
                "Produced by `FuelAccuracy` (see docs/metering.md for the columns); deterministic, JVM-independent.\n",
                f.read().rstrip(), ""]


def profile_section(d):
    L = []
    hm = os.path.join(d, "huge-methods.txt")
    if os.path.exists(hm):
        with open(hm) as f:
            rows = [l.rstrip("\n").split(" | ") for l in f if " | " in l]
        if rows:
            L.append("Generated JVM methods over HotSpot's `HugeMethodLimit` (8000 bytecode bytes; never JIT-compiled under the "
                     "default `-XX:+DontCompileHugeMethods`), from `HugeMethods`:\n")
            L.append("| " + " | ".join(rows[0]) + " |")
            L.append("|" + "---|" * len(rows[0]))
            for r in rows[1:]:
                if r[0].startswith("kernel") and r[-1] == "none" and "metered" not in r[1]:
                    continue
                L.append("| " + " | ".join(r) + " |")
            L.append("")
    for p in sorted(glob.glob(os.path.join(d, "jdk*-profile-inlining-summary.txt"))):
        tag = os.path.basename(p).split("-", 1)[0]
        with open(p) as f:
            lines = [l.rstrip() for l in f if l.strip() and "made not entrant" not in l][:24]
        if lines:
            L.append(f"C2 inlining decisions for the `Meter` calls in the metered json kernel ({tag}, `-XX:+PrintInlining`, "
                     f"count, compiler, callee, decision — see tools/inlining_summary.py for what each decision means; full log `{tag}-profile-inlining.log.gz` in the results directory):\n")
            L.append("```")
            L.extend(lines)
            L.append("```")
            L.append("")
    return L


def metering_section(d, tags, kernel_tables, call_vals, fuel):
    L = ["#### Overhead of metering (metered ÷ unmetered − 1, wall time / CPU time; ✓ = within the 10% target by CPU time) and fuel per kernel\n",
         "| kernel | fuel per run | " + " | ".join(f"{t} metered µs | {t} unmetered µs | {t} overhead" for t in tags) + " |",
         "|---|---:|" + "---:|---:|---:|" * len(tags)]
    per_tag = {}
    for t in tags:
        res = load(os.path.join(d, f"{t}-kernels.json"))
        per_tag[t] = jmh_by(res, lambda e: (e["params"]["kernel"], e["params"].get("runtime", e["params"].get("engine")))) if res else {}
    for k in KERNELS:
        cells = []
        for t in tags:
            by = per_tag[t]
            m = score(by[(k, "ours-metered")])[0] if (k, "ours-metered") in by else None
            u = score(by[(k, "ours-unmetered")])[0] if (k, "ours-unmetered") in by else None
            mc = cpu_score(by[(k, "ours-metered")]) if (k, "ours-metered") in by else None
            uc = cpu_score(by[(k, "ours-unmetered")]) if (k, "ours-unmetered") in by else None
            ov = ratio(m, u) - 1 if m and u else float("nan")
            ovc = ratio(mc, uc) - 1 if mc and uc else float("nan")
            judge = ovc if not math.isnan(ovc) else ov
            mark = "" if math.isnan(judge) else (" ✓" if judge <= 0.10 else " ✗")
            cells.append(f"{fmt(m)} | {fmt(u)} | {pct(ov)} / {pct(ovc)}{mark}")
        L.append(f"| {k} | {fuel.get(k, '–'):,} | " + " | ".join(cells) + " |" if isinstance(fuel.get(k), int)
                 else f"| {k} | – | " + " | ".join(cells) + " |")
    L.append("")
    for t in tags:
        v = call_vals.get(t, {})
        m, u, h = v.get("guestExecuteOnlyMetered"), v.get("guestExecuteOnlyUnmetered"), v.get("guestExecuteOnlyMeteredHugeJit")
        if m and u:
            extra = f"; metered with `-XX:-DontCompileHugeMethods` {fmt(h)} ns → {pct(h / u - 1)}" if h else ""
            L.append(f"Evaluator plugin, `plugin_execute` alone ({t}): metered {fmt(m)} ns, unmetered {fmt(u)} ns → {pct(m / u - 1)}{extra}.")
    L.append("")
    return L


def main():
    d, target = sys.argv[1], sys.argv[2]
    meta = load(os.path.join(d, "meta.json")) or {}
    native = {x["kernel"]: x for x in (load(os.path.join(d, "native.json")) or [])}
    scalar = {x["kernel"]: x for x in (load(os.path.join(d, "native-scalar.json")) or [])}
    acc = load(os.path.join(d, "fuel-accuracy.json")) or {"rows": []}
    fuel = {r["name"]: r["fuel"] for r in acc["rows"] if r["kind"] == "kernel"}
    tags = jdk_tags(d)
    rel = os.path.relpath(d, os.path.dirname(os.path.abspath(target)))

    L = [BEGIN, ""]
    stamp = os.path.basename(d).split("-")[0]
    try:
        when = datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        when = stamp
    L.append(f"Generated from [`{rel}/`]({rel}/) — {meta.get('mode', '?')} mode, run on **{when}**, "
             f"took {meta.get('seconds', '?')} s.\n")
    L.append("| | |\n|---|---|")
    L.append(f"| machine | {meta.get('nproc', '?')} CPUs (`nproc`), {meta.get('cpu', '?')} (`/proc/cpuinfo`), Linux {meta.get('kernel', '?')} |")
    for t in tags:
        L.append(f"| {t} | {version_text(d, t)} |")
    cv = first_line(os.path.join(d, "clang-version.txt"))
    if cv:
        L.append(f"| native | {cv}, `-O2` (see kernels/build.sh) |")
    L.append(f"| load average before → after | {(first_line(os.path.join(d, 'load-before.txt')) or '?').split('load average:')[-1].strip()} → "
             f"{(first_line(os.path.join(d, 'load-after.txt')) or '?').split('load average:')[-1].strip()} (other engineers share the 2 CPUs) |")
    L.append(f"| git | {meta.get('git', '?')}{' + uncommitted changes' if meta.get('dirty') else ''} |")
    L.append(f"| command | `{meta.get('command', 'benchmarks/run.sh')}` |")
    L.append("")
    jmhcmds = []
    try:
        with open(os.path.join(d, "run.log")) as f:
            for line in f:
                m = re.search(r"\] (jdk\d+) (\w+): (.*)$", line)
                if m and not m.group(3).startswith("PrintInlining"):
                    jmhcmds.append(f"java -jar benchmarks/target/benchmarks.jar {m.group(3)} -rf json   # {m.group(1)} {m.group(2)}")
    except OSError:
        pass
    if jmhcmds:
        L.append("<details><summary>Exact JMH command lines of this run</summary>\n\n```")
        L.extend(jmhcmds)
        L.append("```\n</details>\n")

    summary = {}
    L.append("### 1. Compute kernels: native vs Chicory vs ours\n")
    kt = {}
    for t in tags:
        r = kernel_section(d, t, native, scalar, fuel)
        if r:
            lines, g, gov = r
            kt[t] = (g, gov)
            L.extend(lines)
    L.append("### 2. Call overhead of `executePlugin` (evaluator plugin, ~200-byte input)\n")
    calls = {}
    for t in tags:
        lines, vals = call_section(d, t)
        calls[t] = vals
        L.extend(lines)
    L.append("### 3. Batch throughput through the instance pool\n")
    batches = {}
    for t in tags:
        lines, vals = batch_section(d, t)
        batches[t] = vals
        L.extend(lines)
    L.append("### 4. Start-up\n")
    starts = {}
    for t in tags:
        lines, vals = startup_section(d, t)
        starts[t] = vals
        L.extend(lines)
    L.append("### 5. Metering\n")
    L.extend(metering_section(d, tags, kt, calls, fuel))
    L.extend(profile_section(d))
    L.extend(accuracy_section(d))

    # headline
    H = ["### Headline\n", "| | " + " | ".join(tags) + " |", "|---|" + "---:|" * len(tags)]

    def row(label, f):
        H.append(f"| {label} | " + " | ".join(f(t) for t in tags) + " |")

    row("kernels: ours metered ÷ native -O2 (geomean)", lambda t: fx(kt[t][0]["mn"]) if t in kt else "–")
    row("kernels: ours metered ÷ Chicory compiler (geomean)", lambda t: fx(kt[t][0]["mc"]) if t in kt else "–")
    row("kernels: ours unmetered ÷ native -O2 (geomean)", lambda t: fx(kt[t][0]["un"]) if t in kt else "–")
    row("kernels: Chicory compiler ÷ native -O2 (geomean)", lambda t: fx(kt[t][0]["cn"]) if t in kt else "–")
    row("kernels: metering overhead (geomean)", lambda t: pct(kt[t][1]) if t in kt else "–")
    row("by CPU time: metered ÷ native / metered ÷ Chicory compiler / metering overhead (geomeans)",
        lambda t: f"{fx(kt[t][0]['cpu']['mn'])} / {fx(kt[t][0]['cpu']['mc'])} / {pct(kt[t][0]['cpu_ov'])}"
        if t in kt and "cpu" in kt[t][0] else "–")
    row("`executePlugin`, full path (ns/call)", lambda t: fmt(calls.get(t, {}).get("executePlugin")))
    row("`executePlugin` minus guest `plugin_execute` (ns/call)",
        lambda t: fmt(calls[t]["executePlugin"] - calls[t]["guestExecuteOnlyMetered"])
        if calls.get(t, {}).get("executePlugin") and calls[t].get("guestExecuteOnlyMetered") else "–")
    row("batch scaling 1 → 2 threads (caller threads / inline / CPU baseline)",
        lambda t: " / ".join(f"{batches[t][k][2]:.2f}" for k in ("execute", "inline", "cpuBaseline") if k in batches.get(t, {})) or "–")
    row("start-up to first result: jar / cache / compile-on-load / Chicory interp (ms)",
        lambda t: " / ".join(fmt(starts.get(t, {}).get(k)) for k in ("precompiledJar", "wasmFromCache", "wasmCompiledOnLoad", "chicoryInterpreter")))
    H.append("")
    L[4:4] = []  # keep order
    idx = L.index("### 1. Compute kernels: native vs Chicory vs ours\n")
    L[idx:idx] = H
    L.append(END)
    block = "\n".join(L)

    try:
        with open(target) as f:
            text = f.read()
    except OSError:
        text = ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = "# Benchmark results\n\n" + block + "\n\n## Notes\n\n(hand-written analysis goes here)\n"
    with open(target, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
