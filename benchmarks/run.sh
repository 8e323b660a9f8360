#!/usr/bin/env bash
# Runs the benchmarks and regenerates benchmarks/RESULTS.md.
#
#   benchmarks/run.sh [--short|--full] [--jdk PATH]... [--no-build] [--only SUITE[,SUITE]]
#
#   --short      (default) 1 fork, short iterations, everything on every JDK: ~40 min for two JDKs here
#   --full       2 forks (10 for start-up and compile), 5 warm-up + 5 measurement iterations: a few hours
#   --jdk PATH   a JDK home to run on; repeatable. Default: the java on PATH (Java 17 here) and, if present,
#                /usr/lib/jvm/temurin-25-jdk-amd64
#   --no-build   reuse benchmarks/target/benchmarks.jar and the native build
#   --only       suites to run: native,v8,accuracy,kernels,once,baseline,call,batch,startup,compile,profile
#
# Every JMH fork runs with HotSpot's default flags (the benchmarks' @Fork(jvmArgs=...) replaces the launching
# JVM's arguments); the only exception is the "huge JIT" kernel variant below, which asks for
# -XX:-DontCompileHugeMethods with -jvmArgsAppend, and CallOverheadBench's *HugeJit methods. Kernels tagged
# "interp" in kernels/sizes.txt also run on Chicory's interpreter; those tagged "huge" (a function over
# HotSpot's HugeMethodLimit) also run the huge-JIT variant. Run it under the machine's benchmark lock, niced:
#   flock /work/bench.lock nice -n 5 benchmarks/run.sh
#
# Writes raw results under benchmarks/results/<UTC timestamp>-<mode>/ (JMH JSON, native JSON, the fuel
# accuracy table, the inlining log, meta.json) and regenerates the tables in benchmarks/RESULTS.md from
# them (benchmarks/tools/report.py; hand-written notes outside the generated block are kept).
# Build needs: Maven (offline repo in ~/.m2), clang for the native kernels (skipped if absent), node for V8
# (skipped if absent), python3.
set -euo pipefail

orig_args="$*"
mode=short
jdks=()
build=1
only="native,v8,accuracy,kernels,once,baseline,call,batch,startup,compile,profile"
while [ $# -gt 0 ]; do
  case "$1" in
    --short) mode=short ;;
    --full) mode=full ;;
    --jdk) jdks+=("$2"); shift ;;
    --no-build) build=0 ;;
    --only) only="$2"; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
want() { [[ ",$only," == *",$1,"* ]]; }

bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
cd "$repo"

if [ ${#jdks[@]} -eq 0 ]; then
  jdks+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] && jdks+=(/usr/lib/jvm/temurin-25-jdk-amd64)
fi
base_java="${jdks[0]}/bin/java"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$bench/results/$stamp-$mode"
mkdir -p "$out"
log() { echo "[run.sh $(date +%H:%M:%S)] $*" | tee -a "$out/run.log" >&2; }
started=$(date +%s)
log "mode=$mode jdks=${jdks[*]} out=$out"
uptime > "$out/load-before.txt" || true

# ---- build ----
if [ "$build" = 1 ]; then
  # A reactor build of this checkout: nothing is installed into ~/.m2 (other checkouts share it).
  log "building benchmarks.jar (reactor build of compiler, runtime, benchmarks)"
  mvn_try() { mvn -q -o -B "$@" || { log "offline build failed; retrying online"; mvn -q -B "$@"; }; }
  [ -f "$bench/src/main/resources/kernels/json.wasm" ] || "$bench/kernels/build.sh" wasm
  mvn_try package -DskipTests -pl benchmarks -am
  if command -v "${CLANG:-clang}" > /dev/null; then
    "$bench/kernels/build.sh" native "$bench/target/native" > /dev/null
  else
    log "clang not found: no native numbers"
  fi
fi
jar="$bench/target/benchmarks.jar"
[ -f "$jar" ] || { echo "$jar missing (drop --no-build)" >&2; exit 1; }

export LLMTB_BENCH_DATA="$bench/target/bench-data"
log "preparing plugin data in $LLMTB_BENCH_DATA"
"$base_java" -cp "$jar" io.llmtestbench.bench.Prepare "$repo" 2>&1 | grep -v '^\[' | tee -a "$out/run.log" >&2

# ---- native ----
sizes=$(awk '!/^#/ && NF >= 2 {printf "%s:%s ", $1, $2}' "$bench/kernels/sizes.txt")
tagged() { awk -v t="$1" '!/^#/ && NF >= 4 { for (i = 4; i <= NF; i++) if ($i == t) { printf "%s%s", sep, $1; sep = "," } }' "$bench/kernels/sizes.txt"; }
if [ "$mode" = full ]; then nargs="--warmup-ms 2000 --iter-ms 2000 --iters 5"; else nargs="--warmup-ms 500 --iter-ms 500 --iters 3"; fi
if want native && [ -x "$bench/target/native/native_bench" ]; then
  log "native command: benchmarks/target/native/native_bench $nargs $sizes"
  # shellcheck disable=SC2086
  "$bench/target/native/native_bench" $nargs $sizes > "$out/native.json"
  log "native command: benchmarks/target/native/native_bench_scalar $nargs $sizes"
  # shellcheck disable=SC2086
  "$bench/target/native/native_bench_scalar" $nargs $sizes > "$out/native-scalar.json"
  "${CLANG:-clang}" --version | head -1 > "$out/clang-version.txt"
fi

# ---- V8 (node), the same .wasm files ----
if want v8 && command -v node > /dev/null; then
  log "v8 command: node benchmarks/kernels/v8_bench.mjs --dir benchmarks/src/main/resources/kernels $nargs $sizes"
  # shellcheck disable=SC2086
  node "$bench/kernels/v8_bench.mjs" --dir "$bench/src/main/resources/kernels" $nargs $sizes > "$out/v8.json" \
    || log "v8 FAILED"
fi

# ---- fuel accuracy (deterministic: once, on the first JDK) ----
if want accuracy; then
  log "fuel accuracy table"
  "$base_java" -cp "$jar" io.llmtestbench.bench.FuelAccuracy --plugins "$repo/test-plugins/wasm" \
    --json "$out/fuel-accuracy.json" --md "$out/fuel-accuracy.md" > /dev/null
fi

# ---- JMH, per JDK ----
CPU="-prof io.llmtestbench.bench.CpuTimeProfiler"
jmh() { # tag suite regex options...
  local java="$1" tag="$2" suite="$3" regex="$4"; shift 4
  log "$tag $suite: $regex $*"
  "$java" -jar "$jar" "$regex" "$@" -rf json -rff "$out/$tag-$suite.json" > "$out/$tag-$suite.txt" 2>&1 \
    || log "$tag $suite FAILED (see $out/$tag-$suite.txt)"
}
HOST_PIECES='marshalIn|marshalOut|watchdogArmCancel|handoffOnly|baselineEmptyCallMetered|baselineEmptyCallChicory'
GUEST_PIECES='executePlugin|executePluginInline|echoExecutePlugin|echoExecutePluginInline|echoExecutePluginBytes|echoExecutePluginBytesInline|echoGuestAbi|guestAbiMetered|guestExecuteOnlyMetered|guestExecuteOnlyUnmetered|chicoryAbi|chicoryExecuteOnly|executePluginHugeJit|guestExecuteOnlyMeteredHugeJit|chicoryExecuteOnlyHugeJit'
first=1
for jdk in "${jdks[@]}"; do
  java="$jdk/bin/java"
  major=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  tag="jdk$major"
  "$java" -version > "$out/$tag-version.txt" 2>&1
  interp_kernels=$(tagged interp)
  huge_kernels=$(tagged huge)
  if [ "$mode" = full ]; then kf="-f 2 -wi 5 -w 2s -i 5 -r 2s"; of="-f 2"; cf="-f 10"; else kf="-f 1 -wi 6 -w 1s -i 3 -r 1s"; of="-f 1"; cf="-f 5"; fi
  if want kernels; then
    # shellcheck disable=SC2086
    jmh "$java" "$tag" kernels 'KernelBench' $kf $CPU
    # shellcheck disable=SC2086
    [ -n "$interp_kernels" ] && jmh "$java" "$tag" kernels-interp 'KernelBench' -p runtime=chicory-interp -p kernel="$interp_kernels" $kf $CPU
    # shellcheck disable=SC2086
    [ -n "$huge_kernels" ] && jmh "$java" "$tag" kernels-hugejit 'KernelBench' -p runtime=ours-metered,chicory-aot -p kernel="$huge_kernels" \
      -jvmArgsAppend -XX:-DontCompileHugeMethods $kf $CPU
  fi
  # shellcheck disable=SC2086
  want once && jmh "$java" "$tag" once 'KernelOnceBench' $of
  if want compile; then
    # shellcheck disable=SC2086
    jmh "$java" "$tag" compile-cold 'CompileBench' $cf
    jmh "$java" "$tag" compile-warm 'CompileBench' -bm avgt -f 1 -wi 5 -w 1s -i 5 -r 1s
  fi
  if [ "$mode" = full ]; then
    want baseline && jmh "$java" "$tag" baseline 'KernelBaselineBench' -f 2 -wi 5 -w 1s -i 5 -r 1s $CPU
    want call && jmh "$java" "$tag" call-host "CallOverheadBench.($HOST_PIECES)\$" -f 2 -wi 5 -w 1s -i 5 -r 1s -prof gc $CPU
    want call && jmh "$java" "$tag" call "CallOverheadBench.($GUEST_PIECES)\$" -f 2 -wi 15 -w 1s -i 5 -r 2s -prof gc $CPU
    want batch && jmh "$java" "$tag" batch 'BatchBench' -f 2 -wi 15 -w 1s -i 5 -r 2s $CPU
    want startup && jmh "$java" "$tag" startup 'StartupBench' -f 10
  else
    want baseline && jmh "$java" "$tag" baseline 'KernelBaselineBench' -f 1 -wi 3 -w 500ms -i 3 -r 500ms $CPU
    # host-side pieces warm up fast; anything running the plugin needs seconds of JIT warm-up
    want call && jmh "$java" "$tag" call-host "CallOverheadBench.($HOST_PIECES)\$" -f 1 -wi 3 -w 500ms -i 3 -r 500ms -prof gc $CPU
    want call && jmh "$java" "$tag" call "CallOverheadBench.($GUEST_PIECES)\$" -f 1 -wi 8 -w 1s -i 3 -r 1s -prof gc $CPU
    want batch && jmh "$java" "$tag" batch 'BatchBench' -f 1 -wi 8 -w 1s -i 3 -r 1s $CPU
    want startup && jmh "$java" "$tag" startup 'StartupBench' -f 3
  fi
  # JIT diagnostics for the metered json kernel: which Meter calls C2 did not inline, and why
  if want profile && [ "$first" = 1 ]; then
    log "$tag profile: PrintInlining for KernelBench json ours-metered"
    "$java" -jar "$jar" 'KernelBench' -p kernel=json -p runtime=ours-metered -f 1 -wi 3 -w 1s -i 1 -r 1s \
      -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -XX:+PrintInlining" > "$out/$tag-profile-inlining.log" 2>&1 || true
    "$java" -cp "$jar" io.llmtestbench.bench.HugeMethods > "$out/huge-methods.txt" 2>&1 || true
    python3 "$bench/tools/inlining_summary.py" "$out/$tag-profile-inlining.log" > "$out/$tag-profile-inlining-summary.txt" || true
    gzip -f "$out/$tag-profile-inlining.log"
  fi
  first=0
done

uptime > "$out/load-after.txt" || true
ended=$(date +%s)
python3 - "$out" "$mode" "$started" "$ended" "benchmarks/run.sh $orig_args" <<'PY'
import json, os, platform, subprocess, sys
out, mode, started, ended, cmd = sys.argv[1:6]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), '?')
def git(*a):
    try: return subprocess.run(['git', *a], capture_output=True, text=True, cwd=os.path.dirname(out)).stdout.strip()
    except Exception: return '?'
meta = {"mode": mode, "started": int(started), "ended": int(ended), "seconds": int(ended) - int(started),
        "nproc": os.cpu_count(), "cpu": cpu, "kernel": platform.release(), "git": git('rev-parse', '--short', 'HEAD'),
        "dirty": bool(git('status', '--porcelain')), "command": cmd.strip()}
json.dump(meta, open(os.path.join(out, 'meta.json'), 'w'), indent=2)
PY
log "done in $(( ended - started ))s; regenerating RESULTS.md"
python3 "$bench/tools/report.py" "$out" "$bench/RESULTS.md"
log "wrote $bench/RESULTS.md from $out"
