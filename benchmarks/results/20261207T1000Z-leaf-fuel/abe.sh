#!/usr/bin/env bash
# the evaluator's plugin_execute, metered and unmetered; same jars and order as ab.sh. usage: abe.sh OUTDIR [ROUNDS]
cd /work/wt/meter
export LLMTB_BENCH_DATA=${LLMTB_BENCH_DATA:-/tmp/meter-bench-data} # plugin.wasm = test-plugins/wasm/similarity-evaluator.wasm
out=$1; rounds=${2:-1}; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for r in $(seq $rounds); do
for v in base cand cand base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/meter-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
done
touch $out/done
