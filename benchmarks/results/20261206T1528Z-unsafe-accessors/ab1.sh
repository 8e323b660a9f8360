#!/bin/bash
for mode in varhandle unsafe varhandle unsafe; do
  echo "=== $mode $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar /tmp/cg/bench-d.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered -p kernel=matmul,tokenize -f 2 -wi 4 -w 1s -i 3 -r 1s -jvmArgsAppend -Dllmtb.memoryAccess=$mode -prof io.llmtestbench.bench.CpuTimeProfiler 2>&1 | grep -E "^KernelBench" 
done
