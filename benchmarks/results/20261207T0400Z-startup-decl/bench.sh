#!/bin/bash
# Side by side (issue #16 point 4, remembered declarations): base = main b8837de, new = branch decl; each its own
# benchmarks.jar and Prepare'd data directory. Run under flock /work/bench.lock.
set -e
cd /tmp/decl
out=${OUT:-/tmp/decl/out}; mkdir -p $out
rows='StartupBench\.(precompiledJar|precompiledJarCached|wasmFromCache|chicoryInterpreter|baselineReadFile)$'
stamp() { echo "== $* load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"; }
for round in 1 2; do
  order="base new"; [ $round = 2 ] && order="new base"
  for v in $order; do
    stamp $v round $round
    LLMTB_BENCH_DATA=/tmp/decl/data-$v java -jar /tmp/decl/$v.jar "$rows" -f 4 -jvmArgs -Xshare:auto -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-$v-$round.json 2>&1 | sed -n '/^Benchmark/,$p'
  done
done
stamp phases
for r in 1 2 3 4 5 6 7 8; do
  for v in base new; do
    echo -n "$v cached: "; java -cp /tmp/decl/$v.jar:/tmp/decl/first.jar First /tmp/decl/data-$v/plugin.jar /tmp/decl/data-$v/verified
  done
done
stamp jfr
for r in 1 2 3 4 5 6; do
  for v in base new; do
    java -XX:StartFlightRecording=filename=$out/$v-$r.jfr,settings=/tmp/decl/jfr.jfc -cp /tmp/decl/$v.jar:/tmp/decl/first.jar First /tmp/decl/data-$v/plugin.jar /tmp/decl/data-$v/verified > /dev/null 2>&1
  done
done
for r in 1 2; do
  for root in /tmp/decl/basesrc /tmp/decl/newsrc; do
    stamp cli $root
    (cd $root && benchmarks/startup-cli.sh --repeat 4 2>&1 | tail -6)
  done
done
stamp end
