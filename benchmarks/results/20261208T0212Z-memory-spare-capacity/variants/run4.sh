#!/usr/bin/env bash
# Java 17 metered: base vs v1 (accessors bound by min(n - k, length - k) through Unsafe) vs v2 (v1, bytes at offset 0 as
# b[checkIndex(i, n)]); legs base v1 v3 v3 v1 base, one fork each, thread CPU per op.
cd /tmp/lead/grow
uptime > load4.txt
for k in json stencil tokenize json memmove; do
  for leg in base v1 v3 v3 v1 base; do
    n=$(( $(ls out4 2>/dev/null | grep -c "^$k\..*\.$leg\.json") + 1 ))
    java -jar $leg.jar KernelBench -p kernel=$k -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
      -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff out4/$k.$n$leg.$leg.json > out4/$k.$n$leg.$leg.txt 2>&1
  done
  uptime >> load4.txt
done
touch done4
