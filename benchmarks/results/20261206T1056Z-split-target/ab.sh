#!/usr/bin/env bash
# A/B, one run: base = main d92d0d2 (split target retried a third smaller), cand = codegen (retried in proportion
# to the overshoot). KernelBench metered, thread CPU time; the order base, cand per kernel.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
for k in prog_emu prog_linalg prog_suite prog_big; do
 for v in base cand; do
  jar=/tmp/cg4/bench-main.jar; [ $v = cand ] && jar=/tmp/cg4/bench-cand.jar
  echo "== $k $v"
  java -jar $jar 'KernelBench' -p kernel=$k -p runtime=ours-metered \
    -f 1 -wi 5 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|Exception|rror" | tail -6
 done
done
