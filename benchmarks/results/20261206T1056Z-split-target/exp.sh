#!/usr/bin/env bash
# prog_emu: does the split structure (not metering's own code) cost the time? main d92d0d2 (generator = 7b77eab).
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
for round in 1 2; do
 for cfg in "ours-unmetered 7000" "ours-metered 7000" "ours-unmetered 4666" "ours-unmetered 3110" "ours-metered 10000"; do
  set -- $cfg
  echo "== round $round runtime=$1 splitTarget=$2"
  java -jar /tmp/cg4/bench-main.jar 'KernelBench' -p kernel=prog_emu -p runtime=$1 -jvmArgsAppend "-Dllmtb.gen.splitTarget=$2" \
    -f 1 -wi 5 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench|cpu|Exception|rror" | tail -6
 done
done
