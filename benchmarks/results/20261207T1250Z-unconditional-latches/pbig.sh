#!/usr/bin/env bash
# prog_big and prog_suite with a long warm-up (10 x 1 s: past the JIT's backlog of their ~200 methods), metered;
# base = main 9bbcd81, cand = 6ad2b40; order base cand cand base, one fork a leg, Java 17
cd /work/wt/meter2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
i=0
for v in base cand cand base; do
  i=$((i+1))
  flock /work/bench.lock java -jar /tmp/meter2-$v.jar 'KernelBench' -p runtime=ours-metered \
    -p kernel=prog_big,prog_suite -f 1 -wi 10 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
done
touch $out/done
