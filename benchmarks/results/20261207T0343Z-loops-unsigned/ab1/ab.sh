#!/usr/bin/env bash
# A/B: base = main b8837de (/tmp/loops-base.jar), cand = unsigned compares as + MIN_VALUE (/tmp/loops-cand1.jar).
# Order base cand cand base; Java 17 metered+unmetered, Temurin 25 metered; then the evaluator on Java 17.
export LLMTB_BENCH_DATA=/work/wt/lead/benchmarks/target/bench-data
out=${OUT:-/tmp/loops/ab1}
K=${K:-json,interp,prog_emu,memmove,regex,tokenize,utf8,strsearch,msort}
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
i=0
for v in base cand cand base; do
  i=$((i+1))
  j=/tmp/loops-$v.jar; [ $v = cand ] && j=/tmp/loops-cand1.jar
  java -jar $j KernelBench -p kernel=$K -p runtime=ours-metered,ours-unmetered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
  $J25 -jar $j KernelBench -p kernel=$K -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/j25$v-$i.json > $out/last-j25$v.txt 2>&1
  java -jar $j 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/ev$v-$i.json > $out/last-ev$v.txt 2>&1
  uptime >> $out/load.txt
done
touch $out/done
