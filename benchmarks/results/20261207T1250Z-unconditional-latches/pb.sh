#!/usr/bin/env bash
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/meter2/diag/pb; mkdir -p $out
for v in cand base; do
flock /work/bench.lock java -jar /tmp/meter2-$v.jar KernelBench -p runtime=ours-metered -p kernel=prog_big,prog_suite -f 1 -wi 4 -w 1s -i 3 -r 1s \
  -jvmArgsAppend "-XX:+PrintCompilation" > $out/$v.txt 2>&1
done
touch $out/done
