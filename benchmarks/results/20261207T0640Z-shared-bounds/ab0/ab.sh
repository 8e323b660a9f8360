#!/usr/bin/env bash
# Temurin 25: main's accessors (VarHandle path on 24+) against the same jar with the Unsafe path forced on 25 (diagnostic only)
export LLMTB_BENCH_DATA=/tmp/bounds/bench-data
out=/tmp/bounds/ab0
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
i=0
for v in base cand cand base; do
  i=$((i+1))
  case $v in base) j=/tmp/bounds-base.jar;; cand) j=/tmp/bounds-unsafe25.jar;; esac
  $J25 -jar $j KernelBench -p kernel=json,msort,sha256,utf8 -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
done
touch $out/done
