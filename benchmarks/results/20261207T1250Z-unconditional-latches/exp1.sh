#!/usr/bin/env bash
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
for r in 1 2; do
for v in none noLoopCheck noCharge; do
  flock /work/bench.lock java -jar /tmp/meter2-exp.jar KernelBench -p runtime=ours-metered -p kernel=sha256,syrk,hashmap \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -jvmArgsAppend "-Dllmtb.exp.$v=true" -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$r.json > $out/last-$v.txt 2>&1
done
flock /work/bench.lock java -jar /tmp/meter2-exp.jar KernelBench -p runtime=ours-unmetered -p kernel=sha256,syrk,hashmap \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/unm-$r.json > $out/last-unm.txt 2>&1
done
touch $out/done
