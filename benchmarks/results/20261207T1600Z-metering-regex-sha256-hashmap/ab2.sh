#!/usr/bin/env bash
# A/B 2: base = main 85ed5c8 (/tmp/chunk2-base.jar), cand2 = a header's first run computes no limit (/tmp/chunk2-cand2.jar)
# usage: ab2.sh OUTDIR   (JAVA=...; KM = kernels metered; KU = unmetered; EVAL=0 skips the evaluator)
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
i=0
for v in base cand2 cand2 base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/chunk2-$v.jar 'KernelBench' -p runtime=ours-metered -p kernel=$KM \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-m$i.json > $out/last-$v-m.txt 2>&1
  if [ -n "${KU:-}" ]; then
  flock /work/bench.lock $JAVA -jar /tmp/chunk2-$v.jar 'KernelBench' -p runtime=ours-unmetered -p kernel=$KU \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-u$i.json > $out/last-$v-u.txt 2>&1
  fi
  if [ "${EVAL:-1}" = 1 ]; then
  flock /work/bench.lock $JAVA -jar /tmp/chunk2-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
  fi
done
touch $out/done
