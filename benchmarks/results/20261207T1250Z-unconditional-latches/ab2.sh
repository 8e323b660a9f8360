#!/usr/bin/env bash
# A/B 2 (after the full verify ended): base = main 9bbcd81 (/tmp/meter2-base.jar), cand = 6ad2b40 (/tmp/meter2-cand.jar)
# usage: JAVA=... ab.sh OUTDIR ; order base cand cand base, one fork a leg, metered and unmetered
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for v in base cand cand base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/meter2-$v.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=sha256,qsort,prog_suite,prog_big -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock $JAVA -jar /tmp/meter2-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
