#!/usr/bin/env bash
# A/B: base = main 85ed5c8 (/tmp/chunk2-base.jar), cand = chunk limits computed at the latch (/tmp/chunk2-cand.jar)
# usage: ab.sh OUTDIR   (JAVA=... for another JVM; KM/KU = kernels metered/unmetered; EVAL=0 skips the evaluator)
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
JAVA=${JAVA:-java}
KM=${KM:-matmul,stencil,sha256,memmove,mix64,tokenize,json,lu,cholesky,syrk,seidel,qsort,msort,hashmap,crc32,utf8,strsearch,regex,prog_linalg,prog_emu,prog_suite,prog_big}
KU=${KU:-regex,sha256,hashmap,syrk,lu,tokenize}
i=0
for v in base cand cand base; do
  i=$((i+1))
  flock /work/bench.lock $JAVA -jar /tmp/chunk2-$v.jar 'KernelBench' -p runtime=ours-metered -p kernel=$KM \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-m$i.json > $out/last-$v-m.txt 2>&1
  flock /work/bench.lock $JAVA -jar /tmp/chunk2-$v.jar 'KernelBench' -p runtime=ours-unmetered -p kernel=$KU \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-u$i.json > $out/last-$v-u.txt 2>&1
  if [ "${EVAL:-1}" = 1 ]; then
  flock /work/bench.lock $JAVA -jar /tmp/chunk2-$v.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
  fi
done
touch $out/done
