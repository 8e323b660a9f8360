#!/usr/bin/env bash
# A/B: base = main 6708ee1 (/tmp/lead-base.jar), leaf = leaf functions (/tmp/lead-leaf.jar); Java 17 (or $JAVA)
# usage: ab.sh OUTDIR
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for v in base leaf leaf base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/lead-$v.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=prog_emu,msort,qsort,regex,sha256,tokenize,hashmap,json,prog_big,mix64 \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock $JAVA -jar /tmp/lead-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
