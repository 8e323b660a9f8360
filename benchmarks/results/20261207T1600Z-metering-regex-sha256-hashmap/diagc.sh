#!/usr/bin/env bash
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/chunk2/diagc; mkdir -p $out
flock /work/bench.lock java -jar /tmp/chunk2-cand.jar KernelBench -p runtime=ours-metered -p kernel=regex -f 1 -wi 6 -w 1s -i 3 -r 1s \
  -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=$out/regex-cand.log" -prof io.llmtestbench.bench.CpuTimeProfiler > $out/regex-cand.txt 2>&1
touch $out/done
