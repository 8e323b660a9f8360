#!/usr/bin/env bash
# Kernels metered, Java 17, base (main d775789) vs cand (memory size bound), per kernel legs base cand cand base,
# one fork per leg, thread CPU per op.
cd /tmp/lead/grow
uptime > load2.txt
for k in json regex stencil sha256 json regex; do
  n=$(( $(ls out2 2>/dev/null | grep -c "^$k\.") / 2 ))
  for leg in base cand cand base; do
    n=$((n+1))
    java -jar $leg.jar KernelBench -p kernel=$k -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
      -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff out2/$k.$n.$leg.json > out2/$k.$n.$leg.txt 2>&1
  done
  uptime >> load2.txt
done
touch done2
