#!/bin/bash
# Temurin 25: base = main 3af9402 (+ benchmarks script), cand = + bounds-vh (VarHandle path without the second end check)
export LLMTB_BENCH_DATA=/work/wt/lead/benchmarks/target/bench-data
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
n=0
for v in base cand cand base; do n=$((n+1))
  if [ $v = base ]; then J=/tmp/lead-main3.jar; else J=/tmp/lead-vh.jar; fi
  flock /work/bench.lock sh -c "$J25 -jar $J KernelBench -p runtime=ours-metered -p kernel=json,interp,utf8,sha256,matmul,msort,memmove,tokenize,hashmap,strsearch,regex,prog_emu -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff k-$v-$n.json > k-$v-$n.txt 2>&1; $J25 -jar $J 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)\$' -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ev-$v-$n.json > ev-$v-$n.txt 2>&1"
  uptime >> load.txt
done
