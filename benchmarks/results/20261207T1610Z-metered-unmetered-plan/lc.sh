#!/usr/bin/env bash
# -XX:+LogCompilation of prog_emu metered and the evaluator metered, base and cand (Java 17); lc.py summarises
# each generated method's last C2 compile: call sites inlined and refused at its top level.
# usage: lc.sh OUTDIR
cd /work/wt/split
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out /tmp/split-lc
D=$(dirname $0)
for v in base cand; do
  flock /work/bench.lock java -jar /tmp/split-$v.jar KernelBench -p runtime=ours-metered -p kernel=prog_emu -f 1 -wi 6 -w 1s -i 1 -r 1s \
    -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/tmp/split-lc/emu-$v.log" > $out/emu-$v.txt 2>&1
  python3 $D/lc.py /tmp/split-lc/emu-$v.log > $out/lc-emu-$v.txt
  flock /work/bench.lock java -jar /tmp/split-$v.jar 'CallOverheadBench\.guestExecuteOnlyMetered$' -f 1 -wi 8 -w 1s -i 1 -r 1s \
    -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/tmp/split-lc/eval-$v.log" > $out/eval-$v.txt 2>&1
  python3 $D/lc.py /tmp/split-lc/eval-$v.log > $out/lc-eval-$v.txt
done
