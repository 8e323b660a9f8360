#!/usr/bin/env bash
# main 9bbcd81, Java 17: the five kernels metered and unmetered, three forks each, one run (12:49-12:54 UTC)
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
flock /work/bench.lock java -jar /tmp/meter2-base.jar KernelBench -p runtime=ours-metered,ours-unmetered \
  -p kernel=sha256,hashmap,interp,syrk,tokenize -f 3 -wi 4 -w 1s -i 3 -r 1s \
  -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff base5.json > base5.txt 2>&1
