#!/usr/bin/env bash
# memmove: native scalar and ours (main b8837de jar) alternately in one session, to see whether wave 8's 3.14x is the run.
export LLMTB_BENCH_DATA=/work/wt/lead/benchmarks/target/bench-data
for i in 1 2 3; do
  /tmp/native/native_bench_scalar --warmup-ms 500 --iter-ms 500 --iters 3 memmove:65536 > native-$i.json
  java -jar /tmp/loops-base.jar KernelBench -p kernel=memmove,matmul -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ours-$i.json > ours-$i.txt 2>&1
  /tmp/native/native_bench_scalar --warmup-ms 500 --iter-ms 500 --iters 3 matmul:96 > native-matmul-$i.json
  uptime >> load.txt
done
