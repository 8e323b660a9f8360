#!/usr/bin/env bash
# Start-up of the CLI as a whole process (issue #16 point 4): `llmtb run` of a pre-compiled plugin jar (the similarity
# evaluator, compiled by this checkout's `llmtb compile`) with one input, timed from outside by /usr/bin/time (wall,
# user + sys CPU, peak RSS). Variants, alternated run by run so that a neighbour's load hits them alike:
#   plain      java -jar llmtb.jar run ...   (what the launcher ran before #16 point 4: the baseline)
#   launcher   ./llmtb run ...   (C1 only for a one-shot run, AppCDS archive; written by a first, untimed run)
#   version    ./llmtb --version (the floor of any command: JVM start, picocli)
#
#   benchmarks/startup-cli.sh [--repeat N]      (default 10)
# Needs this checkout built (mvn -o -B -q package -DskipTests). Run it under the machine's lock:
#   flock /work/bench.lock nice -n 5 benchmarks/startup-cli.sh
# Writes benchmarks/results/<UTC stamp>-startup-cli/ (times, results.md).
set -euo pipefail

repeat=10
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat="$2"; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
jar="$repo/cli/target/llmtb.jar"
[ -f "$jar" ] || { echo "startup-cli: build first: (cd $repo && mvn -o -B -q package -DskipTests)" >&2; exit 1; }
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$bench/results/$stamp-startup-cli"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/xdg" LLMTB_CACHE_DIR="$work/cache"
unset LLMTB_JAVA_OPTS LLMTB_CDS
plugin="$work/sim.jar"
java -jar "$jar" compile "$repo/test-plugins/wasm/similarity-evaluator.wasm" -o "$plugin" >/dev/null
input='{"text":"Paris is the capital of France.","expected":"The capital of France is Paris."}'
"$repo/llmtb" run "$plugin" --input "$input" >/dev/null  # writes the launcher's archive (untimed)

run() { # name command...
  local name="$1"; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  echo "$name $(cat "$work/t") $(cut -d' ' -f1 /proc/loadavg)" >>"$out/times.txt"
}
for r in $(seq 1 "$repeat"); do
  run plain java -jar "$jar" run "$plugin" --input "$input"
  run launcher "$repo/llmtb" run "$plugin" --input "$input"
  run version "$repo/llmtb" --version
done
python3 - "$out/times.txt" "$repeat" >"$out/results.md" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, user, sys_, rss, load = line.split()
    rows.setdefault(name, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024, float(load)))
print("| variant | wall ms median (min–max) | CPU ms median | peak RSS MiB | load avg |")
print("|---|---:|---:|---:|---:|")
for name in ("plain", "launcher", "version"):
    v = rows.get(name, [])
    if not v:
        continue
    w = [x[0] * 1000 for x in v]
    c = [x[1] * 1000 for x in v]
    print("| %s | %.0f (%.0f–%.0f) | %.0f | %.0f | %.1f–%.1f |" % (name, statistics.median(w), min(w), max(w),
          statistics.median(c), statistics.median([x[2] for x in v]), min(x[3] for x in v), max(x[3] for x in v)))
PY
{ echo "git: $(git -C "$repo" rev-parse --short HEAD); java: $(java -version 2>&1 | head -1); runs: $repeat"; cat "$out/results.md"; } | tee "$out/summary.md"
