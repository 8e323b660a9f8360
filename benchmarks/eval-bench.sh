#!/usr/bin/env bash
# The batch benchmark of issue #16: `llmtb eval` on the bundled pipeline (examples/pipeline.json: text-normalizer ->
# similarity-evaluator -> threshold-filter, the records carry their responses) over N records generated from
# examples/data.jsonl, with --threads 1 and 2, this checkout's CLI side by side with a baseline CLI, alternated run by
# run in one invocation so that a neighbour's load hits both alike.
#
#   benchmarks/eval-bench.sh [--baseline-ref REF | --baseline-jar JAR] [--jar NAME=JAR]... [--records N] [--repeat R]
#                            [--threads "1 2"]
#
#   --baseline-ref REF  build the CLI of git commit REF (git archive into a temporary directory, reactor build offline)
#   --baseline-jar JAR  or use this llmtb.jar as the baseline; without either, no baseline runs
#   --candidate-jar JAR the candidate's llmtb.jar (default: this checkout's cli/target/llmtb.jar; give a copy when
#                       this checkout may be rebuilt during the run)
#   --jar NAME=JAR      also run this llmtb.jar, named NAME in the results (repeatable; after the baseline, before
#                       this checkout's "candidate"): for a change measured step by step in one run
#   --records N         records per run (default 100000)
#   --repeat R          runs per jar and thread count (default 2)
#   --threads "1 2"     thread counts to run (default "1 2")
#
# Needs this checkout built (mvn -o -B -q package -DskipTests: cli/target/llmtb.jar and the test-plugins jar, which
# both CLIs use, so the plugins are the same). Every run: `java -jar JAR eval --pipeline P
# --data D --threads T --out OUT --format json --no-progress` (HotSpot's defaults, as the launcher runs `eval`
# apart from its class-data archive; until 2026-12-06 18:45 UTC runs added -XX:-DontCompileHugeMethods, which no
# generated method needs since #14's generator), timed by /usr/bin/time.
# Reported per run: records/s as the summary reports it (plugin loading excluded, JIT warm-up included), the warm
# rate over the second half of the records (`records_per_second_second_half`, CLIs that report it), process CPU
# time per record (user + sys, JIT and loading included), the peak resident set size of the process (/usr/bin/time's
# %M: heap, Metaspace, code cache, thread stacks), and the load average. Run it under the machine's lock:
#   flock /work/bench.lock nice -n 5 benchmarks/eval-bench.sh --baseline-ref <commit>
# Writes benchmarks/results/<UTC stamp>-eval/ (summaries, times, results.md).
set -euo pipefail

records=100000
repeat=2
threads="1 2"
base_ref=""
base_jar=""
cand_jar=""
extra_jars=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline-ref) base_ref="$2"; shift ;;
    --baseline-jar) base_jar="$2"; shift ;;
    --jar) extra_jars+=("$2"); shift ;;
    --candidate-jar) cand_jar="$2"; shift ;;
    --records) records="$2"; shift ;;
    --repeat) repeat="$2"; shift ;;
    --threads) threads="$2"; shift ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
cand_jar="${cand_jar:-$repo/cli/target/llmtb.jar}"
plugins="$(ls "$repo"/test-plugins/target/llmtb-test-plugins-*.jar 2>/dev/null | grep -v -- '-sources\|-javadoc' | head -1)"
if [ ! -f "$cand_jar" ] || [ -z "$plugins" ]; then
  echo "eval-bench: build first: (cd $repo && mvn -o -B -q package -DskipTests)" >&2
  exit 1
fi
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$bench/results/$stamp-eval"
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
log() { echo "[eval-bench $(date +%H:%M:%S)] $*" | tee -a "$out/run.log" >&2; }

if [ -n "$base_ref" ]; then
  log "building the baseline CLI of $base_ref"
  mkdir -p "$work/base-src"
  git -C "$repo" archive "$base_ref" | tar -x -C "$work/base-src"
  ln -s "$repo/../shared" "$work/shared" 2>/dev/null || true
  (cd "$work/base-src" && mvn -o -B -q package -DskipTests -pl cli -am >"$out/baseline-build.log" 2>&1)
  base_jar="$work/base-src/cli/target/llmtb.jar"
  echo "$(git -C "$repo" rev-parse "$base_ref")" >"$out/baseline-ref"
fi

log "generating $records records from examples/data.jsonl"
python3 "$bench/tools/eval_data.py" "$repo/examples/data.jsonl" "$records" "$work/data.jsonl"
cp "$plugins" "$work/plugins.jar" # a copy: a build of this checkout during the run must not change the plugins under it
sed "s#\.\./test-plugins/target/llmtb-test-plugins-\*\.jar#$work/plugins.jar#" "$repo/examples/pipeline.json" >"$work/pipeline.json"

jars=("${extra_jars[@]}" "candidate=$cand_jar")
[ -n "$base_jar" ] && jars=("baseline=$base_jar" "${jars[@]}")
{
  echo "git: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo ' + uncommitted changes'); baseline: ${base_ref:-${base_jar:-none}}"
  echo "command: benchmarks/eval-bench.sh --records $records --repeat $repeat --threads \"$threads\"${base_ref:+ --baseline-ref $base_ref}${base_jar:+ --baseline-jar $base_jar}${extra_jars[*]:+$(printf ' --jar %s' "${extra_jars[@]}")} --candidate-jar $cand_jar"
  echo "java: $(java -version 2>&1 | head -1)"
  echo
  echo "| jar | threads | run | records/s | second half records/s | CPU µs/record | peak RSS MiB | load avg before |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
} >"$out/results.md"
for t in $threads; do
  for r in $(seq 1 "$repeat"); do
    for entry in "${jars[@]}"; do
      name="${entry%%=*}"; jar="${entry#*=}"
      load="$(cut -d' ' -f1 /proc/loadavg)"
      log "$name --threads $t run $r (load $load)"
      /usr/bin/time -f '%U %S %e %M' -o "$out/$name-t$t-r$r.time" \
        java -jar "$jar" eval --pipeline "$work/pipeline.json" --data "$work/data.jsonl" \
        --threads "$t" --out "$work/out.jsonl" --format json --no-progress >"$out/$name-t$t-r$r.json" 2>"$out/$name-t$t-r$r.err"
      python3 - "$out/$name-t$t-r$r" "$name" "$t" "$r" "$load" "$records" >>"$out/results.md" <<'PY'
import json, sys
base, name, t, r, load, n = sys.argv[1:]
s = json.load(open(base + ".json"))
user, sys_, wall, rss_kb = map(float, open(base + ".time").read().split()[-4:])
half = s.get("records_per_second_second_half")
print("| %s | %s | %s | %.0f | %s | %.1f | %.0f | %s |" % (name, t, r, s["records_per_second"],
      "%.0f" % half if isinstance(half, (int, float)) else "n/a", (user + sys_) / int(n) * 1e6, rss_kb / 1024, load))
PY
    done
  done
done
cat "$out/results.md"
