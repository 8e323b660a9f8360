#!/usr/bin/env bash
# A/B: base = main 85ed5c8 (/tmp/split-base.jar), cand = split (/tmp/split-cand.jar: a metered function split with
# its unmetered code's plan); order base cand cand base, one fork a leg; $JAVA (default: Java 17).
# usage: ab.sh OUTDIR
cd /work/wt/split
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
KERNELS=${KERNELS:-prog_emu,json,interp,prog_big,prog_suite,prog_linalg}
i=0
for v in base cand cand base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/split-$v.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=$KERNELS -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock $JAVA -jar /tmp/split-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
