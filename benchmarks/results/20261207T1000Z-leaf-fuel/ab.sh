#!/usr/bin/env bash
# A/B: base = main a973c97 (/tmp/meter-base.jar), cand = leaf charges in Budget.leafFuel (/tmp/meter-cand.jar).
# usage: ab.sh OUTDIR KERNELS [ROUNDS]   (JAVA=... for another JVM); order per round: base cand cand base
cd /work/wt/meter
out=$1; kernels=$2; rounds=${3:-1}; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for r in $(seq $rounds); do
for v in base cand cand base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/meter-$v.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=$kernels \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
done
done
touch $out/done
