#!/usr/bin/env bash
# Temurin 25 only: base = main 6708ee1, cand = VarHandle-path offset accessors without their own end check (cand4)
export LLMTB_BENCH_DATA=/tmp/bounds/bench-data
out=/tmp/bounds/ab3
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
K=json,msort,utf8,strsearch,tokenize,hashmap,regex,memmove,sha256,matmul
i=0
for v in base cand cand base; do
  i=$((i+1))
  case $v in base) j=/tmp/bounds-base.jar;; cand) j=/tmp/bounds-cand4.jar;; esac
  uptime >> $out/load.txt
  $J25 -jar $j KernelBench -p kernel=$K -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/j25-$v-$i.json > $out/last-j25-$v.txt 2>&1
done
uptime >> $out/load.txt
touch $out/done
