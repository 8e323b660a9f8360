#!/usr/bin/env bash
# A/B in one run on main 0b17c03 (Unsafe accessors landed): base = main, cand = + short entry/return fuel checks in
# loop-free functions (6007b1c). KernelBench metered, thread CPU (CpuTimeProfiler), one fork per row, order
# base cand cand base per kernel; then the evaluator's plugin_execute metered.
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() {
  echo "== $2 $1"
  java -jar /tmp/ab-$1.jar 'KernelBench' -p kernel=$2 -p runtime=ours-metered \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
ev() {
  echo "== evaluator $1"
  java -jar /tmp/ab-$1.jar 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
uptime

for k in ${KERNELS:-msort prog_emu interp regex json qsort hashmap utf8 tokenize strsearch}; do for v in base cand cand base base cand; do run $v $k; done; done

uptime
