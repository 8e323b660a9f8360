#!/usr/bin/env bash
# A/B: base cand cand base, metered+unmetered, the given kernels
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
K=${K:-matmul,stencil,memmove,lu,cholesky,syrk,seidel,json,tokenize,utf8,sha256,crc32,strsearch,prog_linalg}
R=${R:-ours-metered,ours-unmetered}
for v in base cand cand base; do
  java -jar /tmp/lead-$v.jar KernelBench -p kernel=$K -p runtime=$R -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff /tmp/abl/$v-$RANDOM.json > /tmp/abl/last-$v.txt 2>&1
done
