#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/abl/json
i=0
for v in base cand cand base base cand; do
  i=$((i+1))
  case $v in base) j=/tmp/lead-base.jar;; cand) j=/tmp/lead-c2.jar;; esac
  java -jar $j KernelBench -p kernel=json,utf8 -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
  java -jar $j 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/ev$v-$i.json > $out/last-ev$v.txt 2>&1
done
touch $out/done
