#!/usr/bin/env bash
# A/B of the loop-header re-entry experiment (codegen-loop-reentry, d8d43c1 on codegen 4494375):
# same benchmarks.jar, the experiment switched on in the fork with -Dllmtb.gen.loopReentry=true.
set -u
jar=${JAR:-/tmp/cg-exp/benchmarks/target/benchmarks.jar}  # benchmarks.jar built from codegen 4494375 + d8d43c1
export LLMTB_BENCH_DATA=/tmp/cg-exp/benchmarks/target/bench-data
K=matmul,memmove,tokenize,json,cholesky,lu,stencil,seidel,sha256,crc32,qsort
common="-f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler"
run() { # name extra...
  local name=$1; shift
  echo "[ab $(date +%H:%M:%S)] $name" >&2
  java -jar $jar KernelBench -p kernel=$K $common "$@" -rf json -rff /tmp/cg_ab/$name.json > /tmp/cg_ab/$name.txt 2>&1
}
uptime > /tmp/cg_ab/load-before.txt
run base1 -p runtime=ours-metered,ours-unmetered
run reentry1 -p runtime=ours-metered -jvmArgsAppend -Dllmtb.gen.loopReentry=true
run reentry2 -p runtime=ours-metered -jvmArgsAppend -Dllmtb.gen.loopReentry=true
run base2 -p runtime=ours-metered,ours-unmetered
uptime > /tmp/cg_ab/load-after.txt
