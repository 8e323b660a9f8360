#!/bin/bash
# Temurin 25: VarHandle accessors (default) against Unsafe accessors allowed (-Dllmtb.memoryAccess=unsafe on the hacked PluginMemory), interleaved d u u d
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
CP=/tmp/lead/pm/classes:benchmarks/target/benchmarks.jar
out=/tmp/lead/t25ab
n=0
for mode in default unsafe unsafe default; do
  n=$((n+1))
  $J -cp $CP org.openjdk.jmh.Main 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 5 -w 1s -i 5 -r 1s \
     -jvmArgsAppend "-Dllmtb.memoryAccess=$mode" -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/eval-$mode-$n.json > $out/eval-$mode-$n.txt 2>&1
  $J -cp $CP org.openjdk.jmh.Main KernelBench -p kernel=interp,msort,json,prog_emu,hashmap,sha256,matmul -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
     -jvmArgsAppend "-Dllmtb.memoryAccess=$mode" -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/k-$mode-$n.json > $out/k-$mode-$n.txt 2>&1
done
