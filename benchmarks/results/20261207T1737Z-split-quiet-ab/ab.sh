#!/usr/bin/env bash
# quiet A/B of branch split (lead): metered prog_emu, prog_big, and the evaluator; Java 17; order base cand cand base cand base base cand
cd /work/wt/split
export LLMTB_BENCH_DATA=/work/wt/split/benchmarks/target/bench-data
out=$1; mkdir -p $out
i=0
for v in base cand cand base cand base base cand; do
  i=$((i+1))
  flock /work/bench.lock java -jar /tmp/lead/split-$v.jar 'KernelBench' -p runtime=ours-metered \
    -p kernel=prog_emu,prog_big -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock java -jar /tmp/lead/split-$v.jar 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
