#!/bin/bash
# Side by side: base = main 7f189e7 (before this work), new = branch startup; run under flock /work/bench.lock
set -e
cd /tmp/su
out=/tmp/su/out2; mkdir -p $out
rows='StartupBench\.(precompiledJar|precompiledJarCached|wasmFromCache|chicoryInterpreter|baselineReadFile)$'
stamp() { echo "== $* load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"; }
for round in 1 2; do
  order="base new"; [ $round = 2 ] && order="new base"
  for v in $order; do
    stamp $v round $round
    LLMTB_BENCH_DATA=/tmp/su/data-$v java -jar /tmp/su/$v.jar "$rows" -f 4 -jvmArgs -Xshare:auto -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-$v-$round.json 2>&1 | sed -n '/^Benchmark/,$p'
  done
done
stamp phases
for r in 1 2 3 4 5 6; do
  for v in base new; do
    echo -n "$v cached: "; java -cp /tmp/su/$v.jar:/tmp/su/first.jar First /tmp/su/data-$v/plugin.jar /tmp/su/data-$v/verified
    echo -n "$v none: "; java -cp /tmp/su/$v.jar:/tmp/su/first.jar First /tmp/su/data-$v/plugin.jar none
  done
done
for r in 1 2; do
  for root in /tmp/su/basesrc /tmp/su/newsrc; do
    stamp cli $root
    (cd $root && benchmarks/startup-cli.sh --repeat 4 2>&1 | tail -6)
  done
done
stamp end
