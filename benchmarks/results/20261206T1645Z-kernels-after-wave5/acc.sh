#!/usr/bin/env bash
# Same jar (main 07f7c8e), memory accessors through VarHandles (v) or Unsafe (u, the default on Java 17), order v u u v.
cd /work/wt/lead
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
run() {
  echo "== $2 $1"
  mode=varhandle; [ $1 = u ] && mode=unsafe
  java -jar benchmarks/target/benchmarks.jar 'KernelBench' -p kernel=$2 -p runtime=ours-metered,ours-unmetered \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -jvmArgsAppend -Dllmtb.memoryAccess=$mode -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "thread.cpu.time/op  |Exception|rror" | tail -3
}
uptime
for k in ${KERNELS:-stencil memmove sha256 matmul json}; do for v in v u u v; do run $v $k; done; done
uptime
