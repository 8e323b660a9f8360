#!/usr/bin/env bash
# Runs the benchmarks and regenerates benchmarks/RESULTS.md.
#
#   benchmarks/run.sh [--short|--full] [--jdk PATH]... [--no-build] [--only SUITE[,SUITE]]
#
#   --short      (default) a few minutes per JDK: 1 fork, short iterations, a subset on the 2nd JDK
#   --full       2 forks (10 for start-up), 5 warm-up + 5 measurement iterations, everything on every JDK
#   --jdk PATH   a JDK home to run on; repeatable. Default: the java on PATH (Java 17 here) and, if present,
#                /usr/lib/jvm/temurin-25-jdk-amd64
#   --no-build   reuse benchmarks/target/benchmarks.jar and the native build
#   --only       suites to run: native,accuracy,kernels,baseline,call,batch,startup,profile
#
# Writes raw results under benchmarks/results/<UTC timestamp>-<mode>/ (JMH JSON, native JSON, the fuel
# accuracy table, the inlining log, meta.json) and regenerates the tables in benchmarks/RESULTS.md from
# them (benchmarks/tools/report.py; hand-written notes outside the generated block are kept).
# Build needs: Maven (offline repo in ~/.m2), clang for the native kernels (skipped if absent), python3.
set -euo pipefail

orig_args="$*"
mode=short
jdks=()
build=1
only="native,accuracy,kernels,baseline,call,batch,startup,profile"
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
  log "building compiler, runtime (install) and benchmarks.jar"
  mvn_try() { mvn -q -o "$@" || { log "offline build failed; retrying online"; mvn -q "$@"; }; }
  mvn_try install -DskipTests -pl compiler,runtime
  [ -f "$bench/src/main/resources/kernels/json.wasm" ] || "$bench/kernels/build.sh" wasm
  mvn_try -f "$bench/pom.xml" package -DskipTests
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
if want native && [ -x "$bench/target/native/native_bench" ]; then
  if [ "$mode" = full ]; then nargs="--warmup-ms 2000 --iter-ms 2000 --iters 5"; else nargs="--warmup-ms 500 --iter-ms 500 --iters 3"; fi
  log "native kernels ($nargs)"
  # shellcheck disable=SC2086
  "$bench/target/native/native_bench" $nargs $sizes > "$out/native.json"
  # shellcheck disable=SC2086
  "$bench/target/native/native_bench_scalar" $nargs $sizes > "$out/native-scalar.json"
  "${CLANG:-clang}" --version | head -1 > "$out/clang-version.txt"
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
GUEST_PIECES='executePlugin|executePluginInline|guestAbiMetered|guestExecuteOnlyMetered|guestExecuteOnlyUnmetered|chicoryAbi|chicoryExecuteOnly|executePluginHugeJit|guestExecuteOnlyMeteredHugeJit|chicoryExecuteOnlyHugeJit'
first=1
for jdk in "${jdks[@]}"; do
  java="$jdk/bin/java"
  major=$("$java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2}')
  tag="jdk$major"
  "$java" -version > "$out/$tag-version.txt" 2>&1
  if [ "$mode" = full ]; then
    want kernels && jmh "$java" "$tag" kernels 'KernelBench' -f 2 -wi 5 -w 2s -i 5 -r 2s $CPU
    want baseline && jmh "$java" "$tag" baseline 'KernelBaselineBench' -f 2 -wi 5 -w 1s -i 5 -r 1s $CPU
    want call && jmh "$java" "$tag" call-host "CallOverheadBench.($HOST_PIECES)\$" -f 2 -wi 5 -w 1s -i 5 -r 1s -prof gc $CPU
    want call && jmh "$java" "$tag" call "CallOverheadBench.($GUEST_PIECES)\$" -f 2 -wi 15 -w 1s -i 5 -r 2s -prof gc $CPU
    want batch && jmh "$java" "$tag" batch 'BatchBench' -f 2 -wi 15 -w 1s -i 5 -r 2s $CPU
    want startup && jmh "$java" "$tag" startup 'StartupBench' -f 10
  else
    want kernels && jmh "$java" "$tag" kernels 'KernelBench' -f 1 -wi 3 -w 500ms -i 3 -r 500ms $CPU
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
