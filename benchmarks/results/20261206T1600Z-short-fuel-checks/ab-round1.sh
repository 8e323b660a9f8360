#!/usr/bin/env bash
# A/B in one run: base = main 3b34b42 (inline fuel checks everywhere), cand = compact entry/return checks.
# KernelBench metered, thread CPU (CpuTimeProfiler), one fork per row, order base cand cand base per kernel.
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() {
  echo "== $2 $1"
  java -jar /tmp/ab-$1.jar 'KernelBench' -p kernel=$2 -p runtime=ours-metered \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|Exception|rror" | tail -3
}
uptime
for k in ${KERNELS:-prog_emu interp hashmap regex json tokenize qsort msort strsearch utf8 matmul}; do for v in base cand cand base; do run $v $k; done; done
uptime
