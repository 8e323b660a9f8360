#!/usr/bin/env bash
# A/B in one run: base = main (e128783), cand = Meter.enter/leave at metered functions' entry and return.
# KernelBench metered and unmetered, thread CPU (CpuTimeProfiler), one fork per row, order base cand cand base;
# then the evaluator's plugin_execute (CallOverheadBench.guestExecuteOnly{Metered,Unmetered}), same order.
# Jars: /tmp/codegen-base.jar (main), /tmp/codegen-$CAND.jar (candidate: cand1 = first version, cand2 = landed); run from the worktree root.
cd /work/wt/codegen
CAND=${CAND:-cand2}
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() {
  echo "== $2 $3 $1"
  java -Djmh.ignoreLock=true -jar /tmp/codegen-$1.jar 'KernelBench' -p kernel=$2 -p runtime=$3 \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
ev() {
  echo "== evaluator $2 $1"
  java -Djmh.ignoreLock=true -jar /tmp/codegen-$1.jar "CallOverheadBench\.guestExecuteOnly$2\$" -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
uptime
for m in Metered Unmetered; do for v in base $CAND $CAND base; do ev $v $m; done; done
for k in ${KERNELS:-prog_emu msort utf8 json tokenize memmove interp regex strsearch sha256}; do
  for r in ours-metered ours-unmetered; do for v in base $CAND $CAND base; do run $v $k $r; done; done
done
uptime
