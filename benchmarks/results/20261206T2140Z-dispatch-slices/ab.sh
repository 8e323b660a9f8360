#!/usr/bin/env bash
# A/B in one run: base = main, cand = dispatch-nest slices. Order base cand cand base, thread CPU.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() {
  echo "== $2 $3 $1"
  java -Djmh.ignoreLock=true -jar /tmp/emu-$1.jar 'KernelBench' -p kernel=$2 -p runtime=$3 \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
ev() {
  echo "== evaluator $2 $1"
  java -Djmh.ignoreLock=true -jar /tmp/emu-$1.jar "CallOverheadBench\.guestExecuteOnly$2\$" -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
uptime
if [ -n "$EVAL" ]; then for m in Metered Unmetered; do for v in base cand cand base; do ev $v $m; done; done; fi
for k in ${KERNELS:-prog_emu}; do
  for r in ours-metered ours-unmetered; do for v in base cand cand base; do run $v $k $r; done; done
done
uptime
