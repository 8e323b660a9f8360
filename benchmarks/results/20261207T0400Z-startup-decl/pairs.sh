#!/bin/bash
# Fine-grained interleaving: one fork per JMH run, base and new alternating (ABBA), N pairs. Under flock /work/bench.lock.
set -e
cd /tmp/decl
out=${OUT:-/tmp/decl/out3}; mkdir -p $out
rows='StartupBench\.(precompiledJar|precompiledJarCached|wasmFromCache|chicoryInterpreter)$'
for r in $(seq 1 ${N:-10}); do
  order="base new"; [ $((r % 2)) = 0 ] && order="new base"
  for v in $order; do
    echo "== $v pair $r load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
    LLMTB_BENCH_DATA=/tmp/decl/data-$v java -jar /tmp/decl/$v.jar "$rows" -f 1 -jvmArgs -Xshare:auto -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-$v-$r.json > /dev/null 2>&1
  done
done
echo "== end $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"
