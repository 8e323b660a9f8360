#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/abl/old
i=0
for v in new old old new new old base; do
  i=$((i+1))
  j=/tmp/lead-exp.jar
  case $v in new) a="-Dllmtb.exp.oldCheck=false";; old) a="-Dllmtb.exp.oldCheck=true";; base) a="-Dx=1"; j=/tmp/lead-base.jar;; esac
  java -jar $j KernelBench -p kernel=json -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s -jvmArgsAppend "$a" \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
done
touch $out/done
