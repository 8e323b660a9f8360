#!/usr/bin/env bash
# Repeat of the kernels that looked worse in ab1: base cand cand base base cand.
export LLMTB_BENCH_DATA=/work/wt/lead/benchmarks/target/bench-data
out=${OUT:-/tmp/loops/ab2}
K=${K:-json,tokenize,prog_emu,regex}
K25=${K25:-json,regex,prog_emu}
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
i=0
for v in base cand cand base base cand; do
  i=$((i+1))
  j=/tmp/loops-$v.jar; [ $v = cand ] && j=/tmp/loops-cand1.jar
  java -jar $j KernelBench -p kernel=$K -p runtime=ours-metered,ours-unmetered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
  $J25 -jar $j KernelBench -p kernel=$K25 -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/j25$v-$i.json > $out/last-j25$v.txt 2>&1
  uptime >> $out/load.txt
done
touch $out/done
