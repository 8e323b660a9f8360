#!/usr/bin/env bash
# A/B 3: base = main 6708ee1, leafd = leaves reached by direct calls only; the evaluator's plugin_execute, 2 forks a leg
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for v in base leafd leafd base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/lead-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 2 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
