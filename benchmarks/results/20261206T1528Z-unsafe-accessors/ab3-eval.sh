#!/bin/bash
# A/B: main 6895053 (m) vs codegen Unsafe accessors (u): the evaluator's plugin_execute, order m u u m
cd /tmp/cg/ab3
for v in m u u m; do
  jar=/tmp/cg/bench-main5.jar; [ $v = u ] && jar=/tmp/cg/bench-d.jar
  echo "=== $v $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar $jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 2 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ./c-$v-$RANDOM.json 2>&1 | grep -E "^CallOverheadBench"
done
# JIT time of one llmtb eval (30,000 records, 1 thread), -XX:+CITime, order m u u m
for v in m u u m; do
  jar=/tmp/cg/mainwt/cli/target/llmtb.jar; [ $v = u ] && jar=/work/wt/codegen/cli/target/llmtb.jar
  echo "=== eval $v $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "wall %e s user %U s sys %S s maxrss %M KB" java -XX:-DontCompileHugeMethods -XX:+UnlockDiagnosticVMOptions -XX:+CITime -jar $jar eval --pipeline pipeline.json --data data.jsonl --threads 1 --out ./out-$v.json --format json --no-progress > eval-$v-$RANDOM.txt 2>&1
  f=$(ls -t eval-$v-*.txt | head -1); grep -E "C1 {speed|C2 {speed|Total compilation time|nmethod total size|wall " $f; grep -o '"records_per_second[a-z_]*": *[0-9.]*' ./out-$v.json | head -3
done
