#!/usr/bin/env bash
# json, utf8, crc32 on main after wave 7, with and without C2's loop unrolling (diagnostic only)
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=${OUT:-/tmp/abl/unroll}
mkdir -p $out
for f in default LoopUnrollLimit=0 default LoopUnrollLimit=0; do
  extra=""; [ $f != default ] && extra="-jvmArgsAppend -XX:$f"
  java -jar /tmp/lead-main7.jar KernelBench -p kernel=json,utf8,crc32 -p runtime=ours-metered,ours-unmetered -f 1 -wi 4 -w 1s -i 3 -r 1s $extra \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$f-$RANDOM.json > $out/last-$f.txt 2>&1
done
