#!/usr/bin/env bash
# First A/B (ab.log; ab-first-shape.log was the shape without the re-entry, stopped): base = main 44e61bb, cand = the counted loop latch
# (FunctionEmitter.countedLatch). KernelBench metered and unmetered, thread CPU time (CpuTimeProfiler),
# -f 2 per row; per kernel the order base, cand, cand, base (one fork each), so drift hits both sides.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
KERNELS="${KERNELS:-matmul memmove lu stencil syrk sha256}"
for k in $KERNELS; do
 for v in base cand cand base; do
  jar=/tmp/cg/bench-main.jar; [ $v = cand ] && jar=/tmp/cg/bench-latch.jar
  echo "== $k $v"
  java -jar $jar 'KernelBench' -p kernel=$k -p runtime=ours-metered,ours-unmetered \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|Exception|rror" | tail -6
 done
done
