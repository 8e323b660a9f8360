#!/usr/bin/env bash
# Records/s of the bundled pipeline (examples/pipeline.json) on a generated 100,000-record data set, through
# `llmtb eval --threads 2` and through Spark local[2] (spark/bin/llmtb-spark, EvalJob), side by side: the two are
# interleaved, ROUNDS times each, in one run. Run it under the machine's benchmark lock:
#
#   flock /work/bench.lock benchmarks/spark-vs-cli.sh [--records N] [--rounds R] [--no-build]
#
# Both write every result (--out, under benchmarks/target/spark-vs-cli/, deleted at the end with the data set) and
# compute the summary. "batch" is the summary's elapsed_ms, from the plugins loaded to the summary: for the CLI the
# evaluation; for Spark the job (numbering the lines, which starts while the driver loads the plugins, running the
# pipeline, writing the results, the summary's aggregation).
# "process" is the whole command's wall time (JVM and Spark start-up included), "cpu" its process CPU time (user +
# system, all threads: /usr/bin/time), which a busy neighbour inflates far less than wall time. Writes
# benchmarks/results/<UTC timestamp>-spark-vs-cli/{data.jsonl,runs.tsv,report.md} and prints report.md.
set -euo pipefail
cd "$(dirname "$0")/.."
records=100000
rounds=2
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --records) records="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --no-build) build=0 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$build" = 1 ]; then
  mvn -o -B -q package -DskipTests -pl spark -am
fi
out="benchmarks/results/$(date -u +%Y%m%dT%H%M%SZ)-spark-vs-cli"
big="benchmarks/target/spark-vs-cli"
mkdir -p "$out" "$big"
trap 'rm -rf "$big"' EXIT
python3 - "$records" "$big/data.jsonl" <<'PY'
import json, sys
n, dest = int(sys.argv[1]), sys.argv[2]
src = [json.loads(l) for l in open("examples/data.jsonl", encoding="utf-8") if l.strip()]
with open(dest, "w", encoding="utf-8") as f:
    for i in range(n):
        r = dict(src[i % len(src)])
        r["id"] = "%s-%d" % (r["id"], i // len(src))
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
printf 'round\tengine\tbatch_ms\trecords_per_second\tprocess_ms\tcpu_ms\tload\n' > "$out/runs.tsv"
for round in $(seq 1 "$rounds"); do
  for engine in cli spark; do
    start=$(date +%s%N)
    if [ "$engine" = cli ]; then
      /usr/bin/time -f '%U %S' -o "$out/time-cli.txt" "$java" -jar cli/target/llmtb.jar eval --pipeline examples/pipeline.json --data "$big/data.jsonl" \
        --out "$big/cli-results.jsonl" --threads 2 --format json --no-progress > "$out/summary-cli.json" 2> "$out/stderr-cli.txt"
    else
      SPARK_MASTER='local[2]' /usr/bin/time -f '%U %S' -o "$out/time-spark.txt" spark/bin/llmtb-spark --pipeline examples/pipeline.json --data "$big/data.jsonl" \
        --out "$big/spark-results" --overwrite --format json > "$out/summary-spark.json" 2> "$big/stderr-spark.txt"
    fi
    end=$(date +%s%N)
    python3 - "$round" "$engine" "$out/summary-$engine.json" $(( (end - start) / 1000000 )) "$out/time-$engine.txt" >> "$out/runs.tsv" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[3]))
u, st = open(sys.argv[5]).read().split()[-2:]
cpu = round((float(u) + float(st)) * 1000)
print("\t".join([sys.argv[1], sys.argv[2], str(s["elapsed_ms"]), str(s["records_per_second"]), sys.argv[4], str(cpu),
                 "%.1f" % os.getloadavg()[0]]))
PY
  done
done
python3 - "$out" "$records" <<'PY'
import csv, sys, statistics
out, n = sys.argv[1], int(sys.argv[2])
rows = list(csv.DictReader(open(out + "/runs.tsv"), delimiter="\t"))
best = {}
lines = ["| engine | round | batch ms | records/s | process ms | process CPU ms | load avg |", "|---|---|---|---|---|---|---|"]
for r in rows:
    lines.append("| %s | %s | %s | %s | %s | %s | %s |" % (r["engine"], r["round"], r["batch_ms"], r["records_per_second"], r["process_ms"],
                                                       r["cpu_ms"], r["load"]))
    b = int(r["batch_ms"])
    best[r["engine"]] = min(best.get(r["engine"], b), b)
cpu = {}
for r in rows:
    c = int(r["cpu_ms"])
    cpu[r["engine"]] = min(cpu.get(r["engine"], c), c)
lines.append("")
lines.append("%d records; least process CPU: CLI %d ms, Spark %d ms (%+.1f%%)" % (n, cpu["cli"], cpu["spark"], (cpu["spark"] / cpu["cli"] - 1) * 100))
lines.append("%d records; best batch: CLI %d ms, Spark %d ms: Spark's overhead %+.1f%% of the CLI's time"
             % (n, best["cli"], best["spark"], (best["spark"] / best["cli"] - 1) * 100))
open(out + "/report.md", "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
