#!/usr/bin/env bash
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=/tmp/abl/fis
i=0
for v in base fis fis base base fis; do
  i=$((i+1))
  case $v in base) a="-XX:FreqInlineSize=325";; fis) a="-XX:FreqInlineSize=700";; esac
  java -jar /tmp/lead-base.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s -jvmArgsAppend "$a" \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$i.json > $out/last-$v.txt 2>&1
done
touch $out/done
