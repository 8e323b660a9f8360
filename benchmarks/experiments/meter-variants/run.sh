#!/usr/bin/env bash
# Experiment: what makes metering cost what it costs, and what would remove it?
#
#   benchmarks/experiments/meter-variants/run.sh [--jdk PATH] [KERNEL ...]      (ROUNDS=2 by default)
#
# Builds variants of the runtime's Meter (and Budget) from the current sources (patch_meter.py: small-charge,
# no-stop, opaque-stop), puts each in front of benchmarks.jar on the class path (shadowing the real classes;
# nothing under runtime/ changes), and times every kernel on ours-metered with each variant, plus ours-unmetered
# and the stock Meter, interleaved, one JVM per measurement (CpuTimeRun: thread CPU time, median of 0.5 s
# slices after warm-up; CPU time because this machine is shared). Also logs C2's inlining decisions for Meter
# calls in the json kernel for stock and small-charge. Results: benchmarks/results/<stamp>-meter-variants/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$(cd "$here/../.." && pwd)"
repo="$(dirname "$bench")"
java=java
if [ "${1:-}" = "--jdk" ]; then java="$2/bin/java"; shift 2; fi
kernels=("$@")
[ ${#kernels[@]} -eq 0 ] && kernels=(json matmul memmove mix64 tokenize sha256 stencil)
rounds="${ROUNDS:-2}"
variants=(small-charge no-stop opaque-stop)
jar="$bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "build benchmarks.jar first (benchmarks/run.sh or mvn -o package -pl benchmarks -am)" >&2; exit 1; }

work="$bench/target/experiments/meter-variants"
rm -rf "$work"
for v in "${variants[@]}"; do
  mkdir -p "$work/$v/src" "$work/$v/classes"
  python3 "$here/patch_meter.py" "$v" "$repo/runtime/src/main/java/io/llmtestbench/runtime/internal/exec" "$work/$v/src"
  javac -nowarn --release 17 -cp "$jar" -d "$work/$v/classes" "$work/$v/src"/*.java
done
cp_of() { if [ "$1" = stock ]; then echo "$jar"; else echo "$work/$1/classes:$jar"; fi; }
size() { javap -c -p -cp "$1" io.llmtestbench.runtime.internal.exec.Meter | awk '/static void charge\(int/ {f=1} f && /return$/ {sub(":","",$1); print $1 + 1; exit}'; }

out="$bench/results/$(date -u +%Y%m%dT%H%M%SZ)-meter-variants"
mkdir -p "$out"
{ echo "Meter.charge bytecode bytes: stock $(size "$jar"), small-charge $(size "$(cp_of small-charge)") (MaxInlineSize = 35)"
  "$java" -version 2>&1 | head -1; echo "load before: $(uptime)"; } | tee "$out/info.txt"
for round in $(seq "$rounds"); do
  for k in "${kernels[@]}"; do
    for v in stock unmetered "${variants[@]}"; do
      rt=ours-metered; cpv=$v; [ "$v" = unmetered ] && { rt=ours-unmetered; cpv=stock; }
      line=$("$java" -Xms1g -Xmx1g -cp "$(cp_of "$cpv")" io.llmtestbench.bench.CpuTimeRun "$k" "$rt" 4 3 2>/dev/null | tail -1)
      echo "{\"round\": $round, \"variant\": \"$v\", \"result\": $line}" | tee -a "$out/runs.jsonl" >&2
    done
  done
done
for v in stock small-charge; do
  "$java" -Xms1g -Xmx1g -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -XX:+PrintInlining -cp "$(cp_of "$v")" \
    io.llmtestbench.bench.CpuTimeRun json ours-metered 6 1 > "$out/$v-inlining.log" 2>&1 || true
  python3 "$bench/tools/inlining_summary.py" "$out/$v-inlining.log" > "$out/$v-inlining.txt"
  gzip -f "$out/$v-inlining.log"
done
echo "load after: $(uptime)" >> "$out/info.txt"
python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
runs = {}
for line in open(os.path.join(out, "runs.jsonl")):
    r = json.loads(line)
    runs.setdefault((r["result"]["kernel"], r["variant"]), []).append(r["result"]["cpu_us"])
def med(xs):
    xs = sorted(xs); n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2
variants = ["unmetered", "stock", "small-charge", "opaque-stop", "no-stop"]
lines = [open(os.path.join(out, "info.txt")).read().strip().replace("\n", "  \n"), "",
         "Thread CPU time per run in µs (median over rounds of each JVM's median 0.5 s slice), and the overhead over unmetered.", "",
         "| kernel | " + " | ".join(variants) + " |", "|---|" + "---:|" * len(variants)]
for k in sorted({k for k, _ in runs}):
    u = med(runs[(k, "unmetered")]) if (k, "unmetered") in runs else None
    cells = []
    for v in variants:
        if (k, v) not in runs:
            cells.append("–"); continue
        x = med(runs[(k, v)])
        cells.append(f"{x:,.0f}" if v == "unmetered" or not u else f"{x:,.0f} ({(x / u - 1) * 100:+.0f}%)")
    lines.append(f"| {k} | " + " | ".join(cells) + " |")
for v in ("stock", "small-charge"):
    lines += ["", f"{v}: inlining decisions for Meter calls in generated functions, json kernel (tools/inlining_summary.py)", "```",
              open(os.path.join(out, f"{v}-inlining.txt")).read().rstrip(), "```"]
text = "\n".join(lines) + "\n"
open(os.path.join(out, "summary.md"), "w").write(text)
print(text)
PY
echo "results in $out"
