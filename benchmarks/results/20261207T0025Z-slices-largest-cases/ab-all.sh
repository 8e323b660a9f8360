#!/usr/bin/env bash
# A/B in one run: base = main 7f189e7, cand = emu dcccc45 (slices take the largest cases). Order base cand cand base,
# thread CPU (CpuTimeProfiler), one fork per value. Kernels then the evaluator's plugin_execute.
cd /work/wt/emu
export LLMTB_BENCH_DATA=/tmp/emu/bench-data
OUT=${OUT:-/tmp/emu/ab-all}; mkdir -p $OUT
K=${K:-prog_emu,interp,json,regex,tokenize,msort,prog_linalg}
for v in base cand cand base; do
  echo "$v kernels $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar /tmp/emu-$v.jar KernelBench -p kernel=$K -p runtime=ours-metered,ours-unmetered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/$v-$RANDOM.json > $OUT/last-$v.txt 2>&1
done
for v in base cand cand base; do
  echo "$v evaluator $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar /tmp/emu-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/eval-$v-$RANDOM.json > $OUT/last-eval-$v.txt 2>&1
done
echo "done $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
