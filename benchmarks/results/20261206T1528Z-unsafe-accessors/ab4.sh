#!/bin/bash
# A/B: main 6895053 (m) vs codegen Unsafe accessors (u): the evaluator's plugin_execute, order m u u m
cd /work/wt/codegen/benchmarks
for v in m u u m; do
  jar=/tmp/cg/bench-main5.jar; [ $v = u ] && jar=/tmp/cg/bench-d.jar
  echo "=== $v $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar $jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 2 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ./c-$v-$RANDOM.json 2>&1 | grep -E "^CallOverheadBench"
done
