#!/usr/bin/env bash
# #14's 23 kernels against native: native scalar, ours metered and unmetered on Java 17 (-f 2), metered on
# Temurin 25 (-f 1, unless SKIP25=1), native again. Thread CPU time per op; native: process CPU, least of 3
# iterations. Needs benchmarks/target/benchmarks.jar, the bench data (io.llmtestbench.bench.Prepare) and the native
# build (benchmarks/kernels/build.sh native /tmp/native). Table: python3 benchmarks/kernels-vs-native.py OUT
# CHICORY=1 adds Chicory 1.7.5's compiler (runtime chicory-aot) to the Java 17 run, in the same forks' order (JMH runs
# a kernel's runtimes back to back): #14 bar 2, Chicory's time over ours unmetered. COMPILE=1 adds CompileBench
# (`llmtb compile`'s work on the evaluator, one shot per fresh JVM, 6 forks, ours metered against Chicory's compiler
# and parse + validate): #14 bar 6.
#
#   OUT=dir [NATIVE=path] [CHICORY=1] [COMPILE=1] benchmarks/kernels-vs-native.sh
set -u
out=${OUT:?set OUT to the output directory}
mkdir -p "$out"
cd "$(dirname "$0")/.."
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
jar=benchmarks/target/benchmarks.jar
native=${NATIVE:-/tmp/native/native_bench_scalar}
git rev-parse --short HEAD > "$out/git.txt"
uptime > "$out/load-before.txt"
sizes=$(awk '!/^#/ && NF >= 2 {printf "%s:%s ", $1, $2}' benchmarks/kernels/sizes.txt)
$native --warmup-ms 500 --iter-ms 500 --iters 3 $sizes > "$out/native-scalar.json"
runtimes=ours-metered,ours-unmetered
[ "${CHICORY:-}" = 1 ] && runtimes=$runtimes,chicory-aot
java -jar $jar KernelBench -p runtime=$runtimes -f 2 -wi 4 -w 1s -i 3 -r 1s \
  -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff "$out/jdk17-kernels.json" > "$out/jdk17-kernels.txt" 2>&1
uptime >> "$out/load-before.txt"
if [ "${SKIP25:-}" != 1 ]; then
  /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar $jar KernelBench -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff "$out/jdk25-kernels.json" > "$out/jdk25-kernels.txt" 2>&1
fi
if [ "${COMPILE:-}" = 1 ]; then
  java -jar $jar CompileBench -f 6 -rf json -rff "$out/jdk17-compile.json" > "$out/jdk17-compile.txt" 2>&1
fi
uptime > "$out/load-after.txt"
$native --warmup-ms 500 --iter-ms 500 --iters 3 $sizes > "$out/native-scalar-2.json"
