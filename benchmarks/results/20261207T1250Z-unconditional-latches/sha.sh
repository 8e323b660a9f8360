#!/usr/bin/env bash
# sha256 alone: base metered, cand metered, base metered without loop-header checks (exp jar), base unmetered; 4 rounds
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
for r in 1 2 3 4; do
  flock /work/bench.lock java -jar /tmp/meter2-base.jar KernelBench -p runtime=ours-metered,ours-unmetered -p kernel=sha256 -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/base-$r.json > $out/last-base.txt 2>&1
  flock /work/bench.lock java -jar /tmp/meter2-cand.jar KernelBench -p runtime=ours-metered,ours-unmetered -p kernel=sha256 -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/cand-$r.json > $out/last-cand.txt 2>&1
  flock /work/bench.lock java -jar /tmp/meter2-exp.jar KernelBench -p runtime=ours-metered -p kernel=sha256 -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -jvmArgsAppend -Dllmtb.exp.noLoopCheck=true -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/nocheck-$r.json > $out/last-nocheck.txt 2>&1
done
touch $out/done
