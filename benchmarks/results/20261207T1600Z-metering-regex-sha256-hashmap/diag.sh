#!/usr/bin/env bash
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/chunk2/diag; mkdir -p $out
for k in ${KS:-regex}; do for r in ours-metered ours-unmetered; do
flock /work/bench.lock java -jar /tmp/chunk2-base.jar KernelBench -p runtime=$r -p kernel=$k -f 1 -wi 6 -w 1s -i 3 -r 1s \
  -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:StartFlightRecording=settings=/tmp/chunk2/prof.jfc,filename=$out/$k-$r.jfr -XX:+LogCompilation -XX:LogFile=$out/$k-$r.log" \
  -prof io.llmtestbench.bench.CpuTimeProfiler > $out/$k-$r.txt 2>&1
done; done
touch $out/done
