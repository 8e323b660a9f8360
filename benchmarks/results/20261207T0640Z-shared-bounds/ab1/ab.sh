#!/usr/bin/env bash
# base = main 6708ee1 (/tmp/bounds-base.jar), cand = one long range check against the array's length (/tmp/bounds-cand1.jar)
export LLMTB_BENCH_DATA=/tmp/bounds/bench-data
out=${OUT:-/tmp/bounds/ab1}
cand=${CAND:-/tmp/bounds-cand1.jar}
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
K=json,msort,utf8,strsearch,tokenize,hashmap,regex,memmove,sha256,matmul
i=0
for v in base cand cand base; do
  i=$((i+1))
  case $v in base) j=/tmp/bounds-base.jar;; cand) j=$cand;; esac
  uptime >> $out/load.txt
  java -jar $j KernelBench -p kernel=$K -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/j17-$v-$i.json > $out/last-j17-$v.txt 2>&1
  $J25 -jar $j KernelBench -p kernel=$K -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/j25-$v-$i.json > $out/last-j25-$v.txt 2>&1
  java -jar $j 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/ev17-$v-$i.json > $out/last-ev-$v.txt 2>&1
done
uptime >> $out/load.txt
touch $out/done
