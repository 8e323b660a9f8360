#!/bin/bash
# leaves with loops: base = main (lead-base2.jar), cand = lead-cand2.jar; interleaved base cand cand base
export LLMTB_BENCH_DATA=/work/wt/lead/benchmarks/target/bench-data
n=0
for v in base cand cand base; do n=$((n+1))
  J=/tmp/lead-$v'2'.jar
  flock /work/bench.lock sh -c "java -jar $J 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)\$' -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ev-$v-$n.json > ev-$v-$n.txt 2>&1; java -jar $J KernelBench -p runtime=ours-metered,ours-unmetered -p kernel=crc32,sha256 -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff k-$v-$n.json > k-$v-$n.txt 2>&1"
done
