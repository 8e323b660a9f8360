#!/bin/bash
# Side by side: baseline = main eda6063 (before this work), candidate = callpath; run under flock /work/bench.lock
set -e
cd /tmp/st5
out=/tmp/st5/out2; mkdir -p $out
rows='StartupBench\.(precompiledJar|precompiledJarCached|wasmFromCache|chicoryInterpreter|baselineReadFile)$'
stamp() { echo "== $* load $(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%H:%M:%S)"; }
for round in 1 2; do
  order="base new"; [ $round = 2 ] && order="new base"
  for v in $order; do
    stamp $v round $round
    LLMTB_BENCH_DATA=/tmp/st5/data-$v java -jar $v/benchmarks/target/benchmarks.jar "$rows" -f 5 -jvmArgs -Xshare:auto -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-$v-$round.json 2>&1 | sed -n '/^Benchmark/,$p'
  done
done
stamp new with the old fork flags
LLMTB_BENCH_DATA=/tmp/st5/data-new java -jar new/benchmarks/target/benchmarks.jar 'StartupBench\.(precompiledJar|precompiledJarCached)$' -f 3 -jvmArgs '-Xms1g -Xmx1g' -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/jmh-new-xms1g.json 2>&1 | sed -n '/^Benchmark/,$p'
stamp floor
for i in 1 2 3 4 5 6; do
  /usr/bin/time -f 'floor-hello-classpath %e %U %S' java -cp new/benchmarks/target/benchmarks.jar:/tmp/st5/floor Hello >/dev/null
  /usr/bin/time -f "floor-java-version %e %U %S" java -version 2>&1 | grep floor
done 2>&1 | grep floor
for r in 1 2; do
  for root in /tmp/st5/basesrc /work/wt/callpath; do
    stamp cli $root
    (cd $root && benchmarks/startup-cli.sh --repeat 8 2>&1 | tail -6)
  done
done
stamp end
stamp profiles
AP=/tmp/st/ap/linux-x64/libasyncProfiler.so
for v in base new; do
  for m in none cached; do
    c=none; [ $m = cached ] && c=/tmp/st5/data-$v/verified
    for i in 1 2 3; do java -cp $v/benchmarks/target/benchmarks.jar:/tmp/st5 First /tmp/st5/data-$v/plugin.jar $c | sed "s/^/$v $m plain: /"; done
    java -agentpath:$AP=start,event=cpu,interval=200us,threads,file=$out/prof-$v-$m.collapsed,collapsed -cp $v/benchmarks/target/benchmarks.jar:/tmp/st5 First /tmp/st5/data-$v/plugin.jar $c | sed "s/^/$v $m profiled: /"
    java -Xlog:class+load=info:file=$out/cl-$v-$m.txt -cp $v/benchmarks/target/benchmarks.jar:/tmp/st5 First /tmp/st5/data-$v/plugin.jar $c >/dev/null
  done
done
stamp end2
