#!/usr/bin/env bash
# A/B round 2 (Java 17): the kernels whose code changes (prog_emu, prog_big, prog_linalg) and the evaluator, 8 legs
# of one fork, order base cand cand base cand base base cand. usage: ab2.sh OUTDIR
cd /work/wt/split
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for v in base cand cand base cand base base cand; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/split-$v.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=prog_emu,prog_big,prog_linalg -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock $JAVA -jar /tmp/split-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
