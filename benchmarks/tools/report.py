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
# Kernel order: kernels/sizes.txt (beside this script), else the seven original kernels.
def _kernel_order():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, "..", "kernels", "sizes.txt")) as f:
            return [l.split()[0] for l in f if l.strip() and not l.startswith("#") and len(l.split()) >= 2]
    except OSError:
        return ["matmul", "stencil", "sha256", "memmove", "mix64", "tokenize", "json"]


KERNELS = _kernel_order()
HUGE_FLAG = "-XX:-DontCompileHugeMethods"
ENGINES = ["chicory-interp", "chicory-aot", "ours-unmetered", "ours-metered"]
# Column labels of the JVM runtimes; any other runtime found in the results (another backend) gets a column too.
LABELS = {"chicory-aot": "Chicory compiler", "ours-unmetered": "ours unmetered", "ours-metered": "ours metered",
          "chicory-interp": "Chicory interp", "ours-metered+hugejit": "ours metered, huge JIT",
          "chicory-aot+hugejit": "Chicory compiler, huge JIT", "ours-unmetered+hugejit": "ours unmetered, huge JIT"}


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
    """Median of the per-iteration CPU time per op (CpuTimeProfiler), or None: the benchmark threads' CPU time
    (thread.cpu.time/op) when recorded, else the whole process's (cpu.time/op, which also counts the JIT)."""
    sec = entry.get("secondaryMetrics", {})
    for suffix in (":thread.cpu.time/op", ":cpu.time/op"):
        for k, v in sec.items():
            if k.endswith(suffix) or k == suffix[1:]:
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


def kernel_results(d, tag):
    """{(kernel, runtime): JMH entry} from KernelBench runs of this JDK: the main run, the interpreter run and
    the huge-JIT variant (whose runtimes get a "+hugejit" suffix, read from the fork's JVM arguments)."""
    by = {}
    for suite in ("kernels", "kernels-interp", "kernels-hugejit"):
        for e in load(os.path.join(d, f"{tag}-{suite}.json")) or []:
            rt = e["params"].get("runtime", e["params"].get("engine"))
            if HUGE_FLAG in (e.get("jvmArgs") or []):
                rt += "+hugejit"
            by[(e["params"]["kernel"], rt)] = e
    return by


def runtime_order(runtimes):
    known = ["chicory-aot", "ours-unmetered", "ours-metered", "ours-metered+hugejit", "chicory-aot+hugejit",
             "ours-unmetered+hugejit", "chicory-interp"]
    extra = sorted(r for r in runtimes if r not in known)
    return [r for r in known if r in runtimes][:3] + extra + [r for r in known if r in runtimes][3:]


def kernel_table(tag, by, native, scalar, v8, cpu):
    """One table of the kernels (CPU time if cpu, else wall time) and its geomeans."""
    runtimes = runtime_order({rt for (_, rt) in by})
    get = (lambda e: cpu_score(e)) if cpu else (lambda e: score(e)[0])
    nget = native_cpu_us if cpu else native_us
    L = []
    head = ["kernel", "n", "native scalar", "native -O2"] + (["V8"] if v8 else []) + [LABELS.get(r, r) for r in runtimes] + \
           ["metered ÷ scalar native", "Chicory ÷ unmetered (speed-up)", "metering overhead"] + (["V8 ÷ scalar native"] if v8 else [])
    L.append("| " + " | ".join(head) + " |")
    L.append("|---|" + "---:|" * (len(head) - 1))
    cols = {k: [] for k in ("ms", "cu", "ov", "vs", "mo", "mh")}
    worst = (0, None)
    for k in KERNELS:
        if not any((k, r) in by for r in runtimes):
            continue
        sca, nat = nget(scalar.get(k)), nget(native.get(k))
        v = nget(v8.get(k)) if v8 else None
        t = {r: get(by[(k, r)]) if (k, r) in by else None for r in runtimes}
        m, u, c = t.get("ours-metered"), t.get("ours-unmetered"), t.get("chicory-aot")
        r = {"ms": ratio(m, sca), "cu": ratio(c, u), "ov": ratio(m, u) - 1 if m and u else float("nan"),
             "vs": ratio(v, sca), "mo": ratio(m, nat), "mh": ratio(t.get("ours-metered+hugejit"), sca)}
        for key, x in r.items():
            cols[key].append(x)
        if not math.isnan(r["ms"]) and r["ms"] > worst[0]:
            worst = (r["ms"], k)
        n = (native.get(k) or scalar.get(k) or {}).get("n") or "?"
        cells = [k, str(n), fmt(sca), fmt(nat)] + ([fmt(v)] if v8 else []) + [fmt(t[x]) for x in runtimes] + \
                [fx(r["ms"]), fx(r["cu"]), pct(r["ov"])] + ([fx(r["vs"])] if v8 else [])
        L.append("| " + " | ".join(cells) + " |")
    g = {key: geomean(v) for key, v in cols.items()}
    g["ov"] = geomean([1 + x for x in cols["ov"] if not math.isnan(x)]) - 1 if cols["ov"] else float("nan")
    g["worst"] = worst
    blank = 4 + (1 if v8 else 0) + len(runtimes)
    L.append("| **geomean** |" + " |" * (blank - 1) + f" **{fx(g['ms'])}** | **{fx(g['cu'])}** | **{pct(g['ov'])}** |" +
             (f" **{fx(g['vs'])}** |" if v8 else ""))
    L.append("")
    return L, g


def kernel_section(d, tag, native, scalar, v8, fuel):
    by = kernel_results(d, tag)
    if not by:
        return None
    base = jmh_by(load(os.path.join(d, f"{tag}-baseline.json")), lambda e: e["params"].get("runtime", e["params"].get("engine")))
    L = [f"#### {tag}: steady state (`KernelBench`), CPU time per `run(n)` in µs (median of the iterations; JVM: the benchmark "
         f"thread's CPU time, JIT compiler threads excluded; native and V8: `CLOCK_PROCESS_CPUTIME_ID` / `process.cpuUsage`)\n"]
    lines, gc = kernel_table(tag, by, native, scalar, v8, cpu=True)
    if math.isnan(gc["ms"]):  # no CPU-time results (profiler not used): wall time only
        lines, gc = kernel_table(tag, by, native, scalar, v8, cpu=False)
        L[0] = f"#### {tag}: steady state (`KernelBench`), wall time per `run(n)` in µs (median of the iterations)\n"
        gw = gc
    else:
        lwall, gw = kernel_table(tag, by, native, scalar, v8, cpu=False)
    L.extend(lines)
    worst = gc["worst"]
    L.append(f"Ours metered vs scalar native (`-fno-vectorize -fno-slp-vectorize`; the wasm has no SIMD): geomean "
             f"**{fx(gc['ms'])}** (vs native -O2: {fx(gc['mo'])})" + (f", slowest kernel {worst[1]} at {fx(worst[0])}" if worst[1] else "") +
             ("; with `-XX:-DontCompileHugeMethods` (only the kernels with huge methods run that variant) see the \"huge JIT\" column" if "ours-metered+hugejit" in {rt for (_, rt) in by} else "") + ".")
    if base:
        parts = [f"{e} {with_err(*score(base[e]))} ns" for e in ENGINES if e in base]
        L.append("Baseline beside it, the same call with no work (`run(0)`, `KernelBaselineBench`): " + "; ".join(parts) + ".")
    L.append("")
    if gw is not gc:
        L.append(f"<details><summary>{tag}: the same runs by wall time (µs, median of the iterations)</summary>\n")
        L.extend(lwall)
        L.append("</details>\n")
    return L, gc, gw


def once_section(d, tag, native, scalar):
    """KernelOnceBench: best of 5 single shots (thread CPU time) and the first shot, per runtime."""
    res = load(os.path.join(d, f"{tag}-once.json"))
    if not res:
        return [], {}
    by = jmh_by(res, lambda e: (e["params"]["kernel"], e["params"]["runtime"]))
    runtimes = runtime_order({rt for (_, rt) in by})

    def shots(e):
        cpu = None
        for k, v in e.get("secondaryMetrics", {}).items():
            if k.endswith("threadCpuNs"):
                cpu = [x / 1e3 for fork in v.get("rawData", []) for x in fork]  # µs
        wall = [x * 1e3 for fork in e["primaryMetric"].get("rawData", []) for x in fork]  # ms -> µs
        return cpu or wall

    L = [f"#### {tag}: a few calls (`KernelOnceBench`): thread CPU time of one `run(n)` in µs, best of 5 fresh instances after "
         f"compiling once (first shot in brackets)\n"]
    head = ["kernel", "native scalar"] + [LABELS.get(r, r) for r in runtimes] + \
           ["metered ÷ scalar native", "Chicory ÷ unmetered (speed-up)", "metering overhead", "best ÷ steady state, metered"]
    L.append("| " + " | ".join(head) + " |")
    L.append("|---|" + "---:|" * (len(head) - 1))
    steady = kernel_results(d, tag)
    cols = {k: [] for k in ("ms", "cu", "ov", "ss")}
    for k in KERNELS:
        if not any((k, r) in by for r in runtimes):
            continue
        sca = native_cpu_us(scalar.get(k))
        best, first = {}, {}
        for r in runtimes:
            if (k, r) in by:
                xs = shots(by[(k, r)])
                best[r], first[r] = (min(xs), xs[0]) if xs else (None, None)
        m, u, c = best.get("ours-metered"), best.get("ours-unmetered"), best.get("chicory-aot")
        st = cpu_score(steady[(k, "ours-metered")]) if (k, "ours-metered") in steady else None
        r = {"ms": ratio(m, sca), "cu": ratio(c, u), "ov": ratio(m, u) - 1 if m and u else float("nan"), "ss": ratio(m, st)}
        for key, x in r.items():
            cols[key].append(x)
        cells = [k, fmt(sca)] + [f"{fmt(best.get(x))} ({fmt(first.get(x))})" if best.get(x) else "–" for x in runtimes] + \
                [fx(r["ms"]), fx(r["cu"]), pct(r["ov"]), fx(r["ss"])]
        L.append("| " + " | ".join(cells) + " |")
    g = {key: geomean(v) for key, v in cols.items()}
    g["ov"] = geomean([1 + x for x in cols["ov"] if not math.isnan(x)]) - 1 if cols["ov"] else float("nan")
    L.append("| **geomean** |" + " |" * (1 + len(runtimes)) + f" **{fx(g['ms'])}** | **{fx(g['cu'])}** | **{pct(g['ov'])}** | **{fx(g['ss'])}** |")
    L.append("")
    return L, g


def compile_section(d, tag):
    rows = []
    out = {}
    for suite, label in (("compile-cold", "first compilation in a fresh JVM (ms, one shot per fork: mean, min–max)"),
                         ("compile-warm", "warmed-up compilation (ms, average time)")):
        res = load(os.path.join(d, f"{tag}-{suite}.json"))
        if not res:
            continue
        for e in res:
            m = method(e)
            mod = e["params"].get("module", "?")
            raw = [x for fork in e["primaryMetric"].get("rawData", []) for x in fork]
            if suite == "compile-cold":
                mean = sum(raw) / len(raw) if raw else e["primaryMetric"]["score"]
                cell = f"{fmt(mean)} ({fmt(min(raw))}–{fmt(max(raw))}, {len(raw)} forks)" if raw else fmt(mean)
            else:
                mean = score(e)[0]
                cell = with_err(*score(e))
            out[(suite, mod, m)] = mean
            rows.append((mod, m, suite, cell))
    if not rows:
        return [], out
    L = [f"#### {tag}: compile time, `CompileBench` (`WasmCompiler.compile`; Chicory's compiler generating the same module's classes; "
         f"baseline: parse + validate)\n", "| module | compiler | first compilation in a fresh JVM, ms: mean (min–max) | warmed up, ms |",
         "|---|---|---:|---:|"]
    names = {"oursMetered": "ours, metered (what `llmtb compile` does)", "oursUnmetered": "ours, unmetered",
             "chicoryCompiler": "Chicory 1.7.5 compiler", "baselineValidate": "baseline: parse + validate"}
    seen = []
    for mod, m, _, _ in rows:
        if (mod, m) not in seen:
            seen.append((mod, m))
    for mod, m in seen:
        cold = next((c for (a, b, s2, c) in rows if a == mod and b == m and s2 == "compile-cold"), "–")
        warm = next((c for (a, b, s2, c) in rows if a == mod and b == m and s2 == "compile-warm"), "–")
        L.append(f"| {mod} | {names.get(m, m)} | {cold} | {warm} |")
    L.append("")
    return L, out


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
    for m, label in [("precompiledJar", "pre-compiled plugin jar"),
                     ("precompiledJarReproduced", "pre-compiled plugin jar, --verify-jar reproduce (first load: compiles it again)"),
                     ("precompiledJarReproducedCached", "pre-compiled plugin jar, --verify-jar reproduce (verdict in the cache directory)"),
                     ("wasmFromCache", ".wasm, served from the compile cache"),
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
            quiet = []
            for r in rows[1:]:
                if r[0].startswith("kernel") and r[4] == "none" and (len(r) < 6 or r[5] == "none"):
                    quiet.append(r[0][len("kernel "):])
                    continue
                L.append("| " + " | ".join(r) + " |")
            L.append("")
            if quiet:
                L.append("Every generated method is under 8000 bytes, under every compiler, for the other kernels: "
                         + ", ".join(sorted(set(quiet), key=lambda k: KERNELS.index(k) if k in KERNELS else 99)) + ".\n")
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


def metering_section(d, tags, call_vals, fuel, onces):
    L = ["#### Overhead of metering per kernel (metered ÷ unmetered − 1 by CPU time; steady state / a few calls, best of 5) and fuel per run\n",
         "| kernel | fuel per run | " + " | ".join(f"{t} metered µs | {t} unmetered µs | {t} overhead, steady / few calls" for t in tags) + " |",
         "|---|---:|" + "---:|---:|---:|" * len(tags)]
    per_tag = {t: kernel_results(d, t) for t in tags}
    for k in KERNELS:
        cells = []
        for t in tags:
            by = per_tag[t]
            m = cpu_score(by[(k, "ours-metered")]) if (k, "ours-metered") in by else None
            u = cpu_score(by[(k, "ours-unmetered")]) if (k, "ours-unmetered") in by else None
            ov = ratio(m, u) - 1 if m and u else float("nan")
            oo = onces.get(t, {}).get(k, float("nan"))
            cells.append(f"{fmt(m)} | {fmt(u)} | {pct(ov)} / {pct(oo)}")
        if all(c.startswith("– | –") for c in cells):
            continue
        f = fuel.get(k)
        L.append(f"| {k} | {f'{f:,}' if isinstance(f, int) else '–'} | " + " | ".join(cells) + " |")
    L.append("")
    for t in tags:
        v = call_vals.get(t, {})
        m, u, h = v.get("guestExecuteOnlyMetered"), v.get("guestExecuteOnlyUnmetered"), v.get("guestExecuteOnlyMeteredHugeJit")
        if m and u:
            extra = f"; metered with `-XX:-DontCompileHugeMethods` {fmt(h)} ns → {pct(h / u - 1)}" if h else ""
            L.append(f"Evaluator plugin, `plugin_execute` alone ({t}, default JVM flags): metered {fmt(m)} ns, unmetered {fmt(u)} ns → {pct(m / u - 1)}{extra}.")
    L.append("")
    return L


def once_overheads(d, tag):
    """{kernel: metering overhead of the best shot} from KernelOnceBench."""
    res = load(os.path.join(d, f"{tag}-once.json"))
    out = {}
    if not res:
        return out
    by = jmh_by(res, lambda e: (e["params"]["kernel"], e["params"]["runtime"]))
    for k in KERNELS:
        vals = []
        for r in ("ours-metered", "ours-unmetered"):
            e = by.get((k, r))
            xs = None
            if e:
                for key, v in e.get("secondaryMetrics", {}).items():
                    if key.endswith("threadCpuNs"):
                        xs = [x for fork in v.get("rawData", []) for x in fork]
            vals.append(min(xs) if xs else None)
        if vals[0] and vals[1]:
            out[k] = vals[0] / vals[1] - 1
    return out


def main():
    d, target = sys.argv[1], sys.argv[2]
    meta = load(os.path.join(d, "meta.json")) or {}
    native = {x["kernel"]: x for x in (load(os.path.join(d, "native.json")) or [])}
    scalar = {x["kernel"]: x for x in (load(os.path.join(d, "native-scalar.json")) or [])}
    v8 = {x["kernel"]: x for x in (load(os.path.join(d, "v8.json")) or [])}
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
        L.append(f"| native | {cv}, `-O2` and `-O2 -fno-vectorize -fno-slp-vectorize` (see kernels/build.sh) |")
    if v8:
        L.append(f"| V8 | {next(iter(v8.values())).get('engine', 'node')} (`kernels/v8_bench.mjs`, the same .wasm files) |")
    L.append(f"| load average before → after | {(first_line(os.path.join(d, 'load-before.txt')) or '?').split('load average:')[-1].strip()} → "
             f"{(first_line(os.path.join(d, 'load-after.txt')) or '?').split('load average:')[-1].strip()} (other engineers share the 2 CPUs) |")
    L.append(f"| git | {meta.get('git', '?')}{' + uncommitted changes' if meta.get('dirty') else ''} |")
    L.append(f"| command | `{meta.get('command', 'benchmarks/run.sh')}` |")
    L.append("")
    jmhcmds = []
    try:
        with open(os.path.join(d, "run.log")) as f:
            for line in f:
                m = re.search(r"\] (jdk\d+) ([\w-]+): (.*)$", line)
                if m and not m.group(3).startswith("PrintInlining"):
                    jmhcmds.append(f"java -jar benchmarks/target/benchmarks.jar {m.group(3)} -rf json   # {m.group(1)} {m.group(2)}")
                m = re.search(r"\] (native|v8) command: (.*)$", line)
                if m:
                    jmhcmds.append(f"{m.group(2)}   # {m.group(1)}")
    except OSError:
        pass
    if jmhcmds:
        L.append("<details><summary>Exact command lines of this run</summary>\n\n```")
        L.extend(jmhcmds)
        L.append("```\n</details>\n")

    L.append("### 1. Compute kernels: native vs V8 vs Chicory vs ours\n")
    L.append("Ratios are of CPU times (the machine is shared: CPU time leaves out time spent waiting for a CPU). "
             "\"Chicory ÷ unmetered\" above 1 means our unmetered code is faster than Chicory's compiler. Every JVM fork runs "
             "with HotSpot's default flags except the \"huge JIT\" columns (`-XX:-DontCompileHugeMethods`).\n")
    kt = {}
    for t in tags:
        r = kernel_section(d, t, native, scalar, v8, fuel)
        if r:
            lines, gc, gw = r
            kt[t] = gc
            L.extend(lines)
    ot, onces = {}, {}
    for t in tags:
        lines, g = once_section(d, t, native, scalar)
        if lines:
            if not ot:
                L.append("#### The same kernels called a few times (on-stack replacement)\n")
                L.append("`KernelOnceBench`: per fork the module is compiled once, then 5 shots, each a fresh instance, `init(n)` untimed and one "
                         "timed `run(n)` (what a benchmark suite of whole programs measures: \"best of 5 runs after compiling once\"). "
                         "HotSpot then compiles the kernel's loops by on-stack replacement; `run` itself is called too few times "
                         "for a normal compilation. The last column compares the best shot with the steady state above.\n")
            ot[t] = g
            onces[t] = once_overheads(d, t)
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
    L.append("### 4. Start-up and compile time\n")
    starts, comps = {}, {}
    for t in tags:
        lines, vals = startup_section(d, t)
        starts[t] = vals
        L.extend(lines)
    for t in tags:
        lines, vals = compile_section(d, t)
        comps[t] = vals
        L.extend(lines)
    L.append("### 5. Metering\n")
    L.extend(metering_section(d, tags, calls, fuel, onces))
    L.extend(profile_section(d))
    L.extend(accuracy_section(d))

    # headline
    H = ["### Headline\n", "| | " + " | ".join(tags) + " |", "|---|" + "---:|" * len(tags)]

    def row(label, f):
        H.append(f"| {label} | " + " | ".join(f(t) for t in tags) + " |")

    def kg(t, key):
        return kt[t][key] if t in kt else float("nan")

    row("kernels, steady state: ours metered ÷ scalar native (geomean, CPU time; bar ≤ 2.0×)", lambda t: fx(kg(t, "ms")))
    row("kernels, steady state: slowest kernel, metered ÷ scalar native (bar: none above 3×)",
        lambda t: f"{kt[t]['worst'][1]} {fx(kt[t]['worst'][0])}" if t in kt and kt[t]["worst"][1] else "–")
    row("kernels, steady state: Chicory compiler ÷ ours unmetered (geomean speed-up; bar ≥ 2×)", lambda t: fx(kg(t, "cu")))
    row("kernels, steady state: metering overhead (geomean; bar ≤ 3%)", lambda t: pct(kg(t, "ov")))
    row("kernels, steady state: V8 ÷ scalar native (geomean)", lambda t: fx(kg(t, "vs")))
    row("kernels, a few calls (best of 5): metered ÷ scalar native / Chicory ÷ unmetered / metering overhead",
        lambda t: f"{fx(ot[t]['ms'])} / {fx(ot[t]['cu'])} / {pct(ot[t]['ov'])}" if t in ot else "–")
    row("evaluator `plugin_execute` alone, metered, default flags (ns; bar ≤ 5,000)", lambda t: fmt(calls.get(t, {}).get("guestExecuteOnlyMetered")))
    row("evaluator compile, first in a fresh JVM, metered (ms)", lambda t: fmt(comps.get(t, {}).get(("compile-cold", "evaluator", "oursMetered"))))
    row("`executePlugin`, full path (ns/call)", lambda t: fmt(calls.get(t, {}).get("executePlugin")))
    row("batch scaling 1 → 2 threads (caller threads / inline / CPU baseline)",
        lambda t: " / ".join(f"{batches[t][k][2]:.2f}" for k in ("execute", "inline", "cpuBaseline") if k in batches.get(t, {})) or "–")
    row("start-up to first result: jar / cache / compile-on-load / Chicory interp (ms)",
        lambda t: " / ".join(fmt(starts.get(t, {}).get(k)) for k in ("precompiledJar", "wasmFromCache", "wasmCompiledOnLoad", "chicoryInterpreter")))
    H.append("")
    idx = L.index("### 1. Compute kernels: native vs V8 vs Chicory vs ours\n")
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
