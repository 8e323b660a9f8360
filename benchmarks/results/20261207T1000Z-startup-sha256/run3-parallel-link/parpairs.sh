#!/bin/bash
# Link on a thread of its own (branch lazy-par, hack) against lazy: StartupBench pairs (one fork per invocation, ABBA), then First.
set -e
cd /tmp/lazy
out=/tmp/lazy/out3; mkdir -p $out
rows='StartupBench\.(precompiledJar|precompiledJarCached|wasmFromCache)$'
for r in $(seq 1 12); do
  order="new par"; [ $((r % 2)) = 0 ] && order="par new"
  for v in $order; do
    echo "== $v pair $r load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
    LLMTB_BENCH_DATA=/tmp/lazy/data-$v java -jar /tmp/lazy/$v.jar "$rows" -f 1 -jvmArgs -Xshare:auto -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-$v-$r.json > /dev/null 2>&1
  done
done
for r in $(seq 1 10); do
  order="new par"; [ $((r % 2)) = 0 ] && order="par new"
  for v in $order; do
    echo "$v verified $(java -cp fb:$v.jar First data-$v/plugin.jar data-$v/verified)" >> $out/first.txt
  done
done
echo "== end $(date -u +%H:%M:%S)"
