#!/usr/bin/env bash
# Java 17 metered: base vs v1 (accessors bound by min(n - k, length - k) through Unsafe) vs v2 (v1, bytes at offset 0 as
# b[checkIndex(i, n)]); legs base v5 v3 v3 v5 base, one fork each, thread CPU per op.
cd /tmp/lead/grow
uptime > load5.txt
for k in json stencil json tokenize json; do
  for leg in base v5 v3 v3 v5 base; do
    n=$(( $(ls out5 2>/dev/null | grep -c "^$k\..*\.$leg\.json") + 1 ))
    java -jar $leg.jar KernelBench -p kernel=$k -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
      -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff out5/$k.$n$leg.$leg.json > out5/$k.$n$leg.$leg.txt 2>&1
  done
  uptime >> load5.txt
done
touch done5
