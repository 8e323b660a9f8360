#!/usr/bin/env bash
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/meter2/diag/pc; mkdir -p $out
for k in hashmap sha256 syrk; do for r in ours-metered ours-unmetered; do
flock /work/bench.lock java -jar /tmp/meter2-base.jar KernelBench -p runtime=$r -p kernel=$k -f 1 -wi 3 -w 1s -i 2 -r 1s \
  -jvmArgsAppend "-XX:+PrintCompilation" > $out/$k-$r.txt 2>&1
done; done
touch $out/done
