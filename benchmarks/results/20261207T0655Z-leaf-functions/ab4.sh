#!/usr/bin/env bash
# A/B 4: base = main 6708ee1, leafd = leaves reached by direct calls only; Temurin 25, prog_emu and json, 2 forks a leg
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
i=0
for v in base leafd leafd base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/lead-$v.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=prog_emu,json -f 2 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
done
touch $out/done
