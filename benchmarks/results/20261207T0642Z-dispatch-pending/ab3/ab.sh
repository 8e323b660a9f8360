#!/usr/bin/env bash
# A/B of the kernels whose code changes: base = main 6708ee1, cand = dispatch b91f61f; order base cand cand base base cand
cd /work/wt/dispatch
out=/tmp/dsp/ab3
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
i=0
for v in base cand cand base base cand; do
  i=$((i+1))
  case $v in base) j=/tmp/dispatch-base.jar;; cand) j=/tmp/dispatch-c2.jar;; esac
  java -jar $j KernelBench -p kernel=interp,regex,json,tokenize -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
  $J25 -jar $j KernelBench -p kernel=interp,regex,json,tokenize -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s -jvm $J25 \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/j25$v-$i.json > $out/last-j25$v.txt 2>&1
  java -jar $j 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/ev$v-$i.json > $out/last-ev$v.txt 2>&1
done
touch $out/done
