#!/usr/bin/env bash
# A/B in one run: cand2b (Meter.enter/leave in loop-free functions) vs cand3 (cand2b + the short entry/return
# check in functions with loops too; loop headers keep the long form). Metered only (unmetered code is identical).
# KernelBench thread CPU (CpuTimeProfiler), one fork per row, order cand2b cand3 cand3 cand2b; then the evaluator.
cd /work/wt/codegen
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
for v in cand2b cand3 cand3 cand2b; do ev $v Metered; done
for k in ${KERNELS:-utf8 memmove sha256 json regex strsearch tokenize interp}; do
  for v in cand2b cand3 cand3 cand2b; do run $v $k ours-metered; done
done
uptime
