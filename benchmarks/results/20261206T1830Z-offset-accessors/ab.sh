#!/usr/bin/env bash
# A/B in one run: KernelBench, thread CPU (CpuTimeProfiler), one fork per leg, legs in the order given.
# usage: ab.sh "<kernels>" "<runtimes>" "<variants>"; variant v is the benchmarks jar /tmp/loops-<v>.jar
#   base = main e128783, offs = + the offset accessors (4493687); built with
#   mvn -o -B -q package -DskipTests -pl benchmarks -am, benchmarks/target/benchmarks.jar copied.
# run as: flock /work/bench.lock ab.sh "matmul lu ..." "ours-metered" "base offs offs base" > metered.log
cd /work/wt/kernels
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
uptime
for k in $1; do for rt in $2; do for v in $3; do
  r=$(java -jar /tmp/loops-$v.jar KernelBench -p kernel=$k -p runtime=$rt -f 1 -wi ${WI:-4} -w 1s -i ${IT:-3} -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -1)
  echo "$k $rt $v :: $r"
done; done; done
uptime
