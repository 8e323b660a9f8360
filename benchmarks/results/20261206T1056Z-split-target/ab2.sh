#!/usr/bin/env bash
# prog_big re-run (the first A/B had ±100% error): base, cand, cand, base; metered; thread CPU time.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
for v in base cand cand base; do
  jar=/tmp/cg4/bench-main.jar; [ $v = cand ] && jar=/tmp/cg4/bench-cand.jar
  echo "== prog_big $v"
  java -jar $jar 'KernelBench' -p kernel=prog_big -p runtime=ours-metered \
    -f 1 -wi 6 -w 1s -i 5 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|Exception|rror" | tail -6
done
