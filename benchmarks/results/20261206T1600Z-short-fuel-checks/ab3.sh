#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() {
  echo "== $2 $1"
  java -jar /tmp/ab-$1.jar 'KernelBench' -p kernel=$2 -p runtime=ours-metered \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu|Exception|rror" | tail -3
}
ev() {
  echo "== evaluator $1"
  java -jar /tmp/ab-$1.jar 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^CallOverheadBench|Exception|rror" | tail -3
}
uptime
for v in base cand cand base base cand; do run $v strsearch; run $v utf8; done
for v in base cand cand base; do ev $v; done
uptime
