#!/bin/bash
# One fork per JMH invocation, base and new alternating ABBA, N pairs; then the First driver, ABBA, M pairs.
# Under flock /work/bench.lock. base.jar/new.jar: benchmarks.jar of main a973c97 and of branch lazy; data-*: each its own Prepare.
set -e
cd /tmp/lazy
out=${OUT:-/tmp/lazy/out}; mkdir -p $out
rows='StartupBench\.(precompiledJar|precompiledJarCached|wasmFromCache|chicoryInterpreter)$'
for r in $(seq 1 ${N:-10}); do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for v in $order; do
    echo "== $v pair $r load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
    LLMTB_BENCH_DATA=/tmp/lazy/data-$v java -jar /tmp/lazy/$v.jar "$rows" -f 1 -jvmArgs -Xshare:auto -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-$v-$r.json > /dev/null 2>&1
  done
done
for r in $(seq 1 ${M:-10}); do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for v in $order; do
    for mode in verified none; do
      echo "$v $mode $(java -cp fb:$v.jar First data-$v/plugin.jar $( [ $mode = none ] && echo none || echo data-$v/verified))" >> $out/first.txt
    done
  done
done
echo "== end $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
