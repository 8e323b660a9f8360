#!/usr/bin/env bash
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/chunk2/print; mkdir -p $out
for kf in sha256:func_2 hashmap:func_1 regex:func_1 regex:func_2; do k=${kf%%:*}; f=${kf##*:}
for r in ours-metered ours-unmetered; do
flock /work/bench.lock java -jar /tmp/chunk2-base.jar KernelBench -p runtime=$r -p kernel=$k -f 1 -wi 6 -w 1s -i 1 -r 1s \
  -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,*::$f" > $out/$k-$f-$r.txt 2>&1
python3 benchmarks/experiments/loop-checks/hexdis.py $out/$k-$f-$r.txt '(c2)' > $out/$k-$f-$r.dis 2>&1
done; done
touch $out/done
