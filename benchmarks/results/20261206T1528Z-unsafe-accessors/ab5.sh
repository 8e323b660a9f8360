#!/bin/bash
# Same jar (codegen), accessor shape by property: v = varhandle (main's shape), u = unsafe; order v u u v, -f 2 per leg
cd /work/wt/codegen/benchmarks
for v in v u u v; do
  mode=varhandle; [ $v = u ] && mode=unsafe
  echo "=== $v $(date +%T) $(cut -d' ' -f1-3 /proc/loadavg)"
  java -jar /tmp/cg/bench-d.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered -p kernel=hashmap,memmove -f 2 -wi 5 -w 1s -i 3 -r 1s -jvmArgsAppend -Dllmtb.memoryAccess=$mode -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff ./h-$( [ $v = u ] && echo u || echo m )-$RANDOM.json 2>&1 | grep -E "^KernelBench.run:thread"
done
