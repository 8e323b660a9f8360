#!/usr/bin/env bash
# Three jars interleaved: base (main 7f189e7), cand (dcccc45, landed), entries (emu-entries 4d35120, not landed).
# prog_emu metered+unmetered -wi 6 -i 5, then the evaluator's plugin_execute metered+unmetered. Thread CPU, one fork per value.
cd /work/wt/emu
export LLMTB_BENCH_DATA=/tmp/emu/bench-data
OUT=${OUT:-/tmp/emu/ab3way}; mkdir -p $OUT
declare -A JAR=([base]=/tmp/emu-base.jar [cand]=/tmp/emu-cand1.jar [entries]=/tmp/emu-cand2.jar)
for v in base cand entries entries cand base; do
  echo "$v prog_emu $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar ${JAR[$v]} KernelBench -p kernel=prog_emu -p runtime=ours-metered,ours-unmetered -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/$v-$RANDOM.json > $OUT/last-$v.txt 2>&1
done
for v in base cand entries entries cand base; do
  echo "$v evaluator $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar ${JAR[$v]} 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/eval-$v-$RANDOM.json > $OUT/last-eval-$v.txt 2>&1
done
echo "done $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
