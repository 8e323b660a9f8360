#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/abl/clip
i=0
for v in base clip clip base; do
  i=$((i+1))
  case $v in base) a="-XX:+ClipInlining";; clip) a="-XX:-ClipInlining";; esac
  java -jar /tmp/lead-base.jar KernelBench -p kernel=json,interp,prog_emu,memmove -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s -jvmArgsAppend "$a" \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
  java -jar /tmp/lead-base.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s -jvmArgsAppend "$a" \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/ev$v-$i.json > $out/last-ev$v.txt 2>&1
done
touch $out/done
