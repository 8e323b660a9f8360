#!/usr/bin/env bash
# Kernels metered, Java 17, base (main d775789) vs cand (memory size bound), per kernel legs base cand cand base,
# one fork per leg, thread CPU per op.
cd /tmp/lead/final
uptime > load25.txt
for k in json matmul sha256 utf8 memmove stencil tokenize interp hashmap regex; do
  n=0
  for leg in base cand cand base; do
    n=$((n+1))
    /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar $leg.jar KernelBench -p kernel=$k -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
      -jvm /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff out25/$k.$n.$leg.json > out25/$k.$n.$leg.txt 2>&1
  done
  uptime >> load25.txt
done
touch done25
