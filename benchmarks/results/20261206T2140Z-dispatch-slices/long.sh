#!/usr/bin/env bash
# prog_emu metered, longer: -wi 8 -i 6, full iteration output; order base cand cand base.
cd /work/wt/codegen
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
for r in ${RUNTIMES:-ours-metered}; do
for v in base cand cand base; do
  echo "== prog_emu $r $v"
  java -Djmh.ignoreLock=true -jar /tmp/emu-$v.jar 'KernelBench' -p kernel=prog_emu -p runtime=$r \
    -f 1 -wi 8 -w 1s -i 6 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^Iteration|^# Warmup Iteration|thread.cpu.time/op  "
done
done
