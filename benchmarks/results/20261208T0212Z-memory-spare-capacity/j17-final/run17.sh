#!/usr/bin/env bash
# Kernels metered, Java 17, base (main d775789) vs cand (memory size bound), per kernel legs base cand cand base,
# one fork per leg, thread CPU per op.
cd /tmp/lead/final
uptime > load17.txt
for k in matmul stencil sha256 memmove mix64 tokenize json lu cholesky syrk seidel qsort msort hashmap crc32 utf8 strsearch regex interp prog_linalg prog_emu prog_suite prog_big; do
  n=0
  for leg in base cand cand base; do
    n=$((n+1))
    java -jar $leg.jar KernelBench -p kernel=$k -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
      -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff out/$k.$n.$leg.json > out/$k.$n.$leg.txt 2>&1
  done
  uptime >> load17.txt
done
touch done17
