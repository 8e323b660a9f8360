#!/usr/bin/env bash
# prog_emu metered: split depth 3 (default schedule 7000 -> 4666) vs 2 (first target 5700 fits). main d92d0d2.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
for round in 1 2; do
 for cfg in "ours-metered 7000" "ours-metered 5700"; do
  set -- $cfg
  echo "== round $round runtime=$1 splitTarget=$2"
  java -jar /tmp/cg4/bench-main.jar 'KernelBench' -p kernel=prog_emu -p runtime=$1 -jvmArgsAppend "-Dllmtb.gen.splitTarget=$2" \
    -f 1 -wi 5 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|Exception|rror" | tail -6
 done
done
