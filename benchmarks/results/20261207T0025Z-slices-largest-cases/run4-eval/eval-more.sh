#!/usr/bin/env bash
# The evaluator's plugin_execute metered, base (main 7f189e7) against cand (dcccc45), interleaved, one fork per value.
cd /work/wt/emu
export LLMTB_BENCH_DATA=/tmp/emu/bench-data
OUT=${OUT:-/tmp/emu/eval-more}; mkdir -p $OUT
declare -A JAR=([base]=/tmp/emu-base.jar [cand]=/tmp/emu-cand1.jar)
for v in base cand cand base base cand cand base; do
  echo "$v evaluator $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar ${JAR[$v]} 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/eval-$v-$RANDOM.json > $OUT/last-eval-$v.txt 2>&1
done
echo "done $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
