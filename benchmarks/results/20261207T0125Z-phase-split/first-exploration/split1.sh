#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/abl/split1
for r in 1 2; do
for v in 8000 4000 5500; do
  java -jar /tmp/lead-exp2.jar KernelBench -p kernel=json,prog_linalg,prog_suite,prog_big,prog_emu -p runtime=ours-metered,ours-unmetered -f 1 -wi 5 -w 1s -i 3 -r 1s -jvmArgsAppend "-Dllmtb.exp.limit=$v" \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$r.json > $out/last-$v.txt 2>&1
done; done
for r in 1 2; do
for v in 8000 4000 5500; do
  java -jar /tmp/lead-exp2.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s -jvmArgsAppend "-Dllmtb.exp.limit=$v" \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/ev$v-$r.json > $out/last-ev$v.txt 2>&1
done; done
touch $out/done
