#!/usr/bin/env bash
# #14's 23 kernels on main after wave 7 (chunked counted loops 6ef8056, dispatch slices 873077e): native scalar, ours
# metered and unmetered on Java 17 (-f 2), ours metered on Temurin 25 (-f 1). Thread CPU time per op
# (CpuTimeProfiler); native: process CPU, least of 3 iterations. Run under flock /work/bench.lock from a checkout of
# main with benchmarks/target/benchmarks.jar built; summary: python3 summary.py (this directory).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../../.."
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
jar=${JAR:-benchmarks/target/benchmarks.jar}
native=${NATIVE:-benchmarks/target/native/native_bench_scalar}
git rev-parse --short HEAD > "$here/git.txt"
uptime > "$here/load-before.txt"
sizes=$(awk '!/^#/ && NF >= 2 {printf "%s:%s ", $1, $2}' benchmarks/kernels/sizes.txt)
$native --warmup-ms 500 --iter-ms 500 --iters 3 $sizes > "$here/native-scalar.json"
java -jar $jar KernelBench -p runtime=ours-metered,ours-unmetered -f 2 -wi 4 -w 1s -i 3 -r 1s \
  -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff "$here/jdk17-kernels.json" > "$here/jdk17-kernels.txt" 2>&1
uptime >> "$here/load-before.txt"
if [ "${SKIP25:-}" != 1 ]; then
  /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar $jar KernelBench -p runtime=ours-metered -f 1 -wi 4 -w 1s -i 3 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff "$here/jdk25-kernels.json" > "$here/jdk25-kernels.txt" 2>&1
fi
uptime > "$here/load-after.txt"
