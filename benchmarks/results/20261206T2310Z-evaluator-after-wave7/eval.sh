#!/usr/bin/env bash
# evaluator plugin_execute: main before wave 7 (6e0e46e) vs after (5f8f421), interleaved
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=${OUT:-/tmp/abl/eval}
mkdir -p $out
for v in base main7 main7 base; do
  java -jar /tmp/lead-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 5 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$RANDOM.json > $out/last-$v.txt 2>&1
done
