#!/bin/bash
# Experiment (not landed): the split target vs C2's inlining budget, Unsafe accessors (codegen jar), evaluator plugin_execute
cd /work/wt/codegen/benchmarks
for t in 7000 4000 2500 7000 4000 2500; do
  echo "=== target $t $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar /tmp/cg/bench-d.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 3 -r 1s -jvmArgsAppend -Dllmtb.gen.splitTarget=$t -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^CallOverheadBench.*thread.cpu"
done
