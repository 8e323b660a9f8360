#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/abl/eval3; mkdir -p $out
for v in base emu main7 base emu main7 base emu main7; do
  java -jar /tmp/lead-$v.jar 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$RANDOM.json > $out/last-$v.txt 2>&1
done
