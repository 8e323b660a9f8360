#!/usr/bin/env bash
# quiet A/B of branch split (lead), round 2: metered prog_linalg, prog_suite; Java 17; order base cand cand base cand base
cd /work/wt/split
export LLMTB_BENCH_DATA=/work/wt/split/benchmarks/target/bench-data
out=$1; mkdir -p $out
i=0
for v in base cand cand base cand base; do
  i=$((i+1))
  flock /work/bench.lock java -jar /tmp/lead/split-$v.jar 'KernelBench' -p runtime=ours-metered \
    -p kernel=prog_linalg,prog_suite -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
done
touch $out/done
