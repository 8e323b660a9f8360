#!/bin/bash
# same jar; cand = -Dllmtb.gen.inlineBudget=$BUDGET
export LLMTB_BENCH_DATA=/work/wt/lead/benchmarks/target/bench-data
J=/tmp/lead-w.jar
n=0
for v in base cand cand base; do n=$((n+1))
  P=""; [ $v = cand ] && P="-Dllmtb.gen.inlineBudget=${BUDGET:-7800}"
  flock /work/bench.lock java -jar $J 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 3 -r 1s \
    ${P:+-jvmArgsAppend "$P"} -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $v-$n.json > $v-$n.txt 2>&1
done
