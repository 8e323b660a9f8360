#!/bin/bash
# A/B: main 6895053 (m) vs codegen Unsafe accessors (u), order m u u m, one fork per leg, thread CPU time
for v in m u u m; do
  jar=/tmp/cg/bench-main5.jar; [ $v = u ] && jar=/tmp/cg/bench-d.jar
  echo "=== $v $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar $jar 'KernelBench' -p runtime=ours-metered,ours-unmetered -p kernel=matmul,tokenize,hashmap,json,memmove,stencil,prog_big,prog_emu,prog_linalg,lu -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ./k-$v-$RANDOM.json 2>&1 | grep -E "^KernelBench.run:thread"
done
