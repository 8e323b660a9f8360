#!/usr/bin/env bash
# base (main 7f189e7) against fix (e9caa81: slices take the largest cases, a case larger than a part stays), interleaved,
# one fork per value, thread CPU: the evaluator's plugin_execute metered (-wi 6 -i 5), then prog_emu metered+unmetered.
cd /work/wt/emu
export LLMTB_BENCH_DATA=/tmp/emu/bench-data
OUT=${OUT:-/tmp/emu/ab-fix}; mkdir -p $OUT
declare -A JAR=([base]=/tmp/emu-base.jar [fix]=/tmp/emu-cand3.jar)
for v in base fix fix base base fix fix base; do
  echo "$v evaluator $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar ${JAR[$v]} 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/eval-$v-$RANDOM.json > $OUT/last-eval-$v.txt 2>&1
done
for v in base fix fix base; do
  echo "$v prog_emu $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
  java -jar ${JAR[$v]} KernelBench -p kernel=prog_emu -p runtime=ours-metered,ours-unmetered -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/$v-$RANDOM.json > $OUT/last-$v.txt 2>&1
done
echo "done $(date -u +%H:%M:%S) $(cat /proc/loadavg)"
