#!/usr/bin/env bash
# A/B/C in one run, thread CPU time (CpuTimeProfiler), KernelBench metered and unmetered, one fork per row:
#   base  = main 44e61bb (before this work)
#   split = codegen 20db313 (split plans bottom up or top down, exits through a tableswitch; landed on main)
#   latch = codegen 3ebab91 (split + the counted loop latch)
# prog_* kernels (split functions, and strided "!=" latches): order base split latch latch split base.
# Other kernels (not split, so split == base byte for byte): order base latch latch base.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() { # $1 side, $2 kernel
  jar=/tmp/cg/bench-main.jar; [ $1 = split ] && jar=/tmp/cg/bench-split.jar; [ $1 = latch ] && jar=/tmp/cg/bench-latch2.jar
  echo "== $2 $1"
  java -jar $jar 'KernelBench' -p kernel=$2 -p runtime=ours-metered,ours-unmetered \
    -f 1 -wi 3 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|Exception|rror" | tail -6
}
uptime
for k in prog_emu prog_suite prog_linalg prog_big; do for v in base split latch latch split base; do run $v $k; done; done
for k in matmul memmove lu stencil syrk sha256; do for v in base latch latch base; do run $v $k; done; done
uptime
