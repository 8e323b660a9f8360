#!/usr/bin/env bash
# #14 bar 4 with more forks: metered and unmetered, Java 17, 3 forks per kernel and mode (main 6323656's benchmarks jar;
# generated code as at b96dc2d), thread CPU per op.
export LLMTB_BENCH_DATA=/tmp/lead/callab/data
cd /work/wt/lead
uptime > /tmp/lead/bar4/load.txt
flock /work/bench.lock java -jar /tmp/lead/callab/cand.jar KernelBench -p runtime=ours-metered,ours-unmetered -f 3 -wi 4 -w 1s -i 3 -r 1s \
  -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff /tmp/lead/bar4/kernels.json > /tmp/lead/bar4/kernels.txt 2>&1
uptime >> /tmp/lead/bar4/load.txt
touch /tmp/lead/bar4/done
