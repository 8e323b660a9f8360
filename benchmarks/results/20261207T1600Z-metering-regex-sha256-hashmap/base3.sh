#!/usr/bin/env bash
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/chunk2/base3; mkdir -p $out
flock /work/bench.lock java -jar /tmp/chunk2-base.jar KernelBench -p runtime=ours-metered,ours-unmetered -p kernel=regex,sha256,hashmap -f 3 -wi 4 -w 1s -i 3 -r 1s \
  -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/base-1.json > $out/base.txt 2>&1
touch $out/done
