#!/usr/bin/env bash
# Experiment (branch meter-exp, /tmp/meter-exp.jar): lu metered with the chunk limit from the fuel (off) or the
# unmetered constant (on: -Dllmtb.exp.constChunk=true), and lu unmetered; order off on on off, 2 rounds.
cd /work/wt/meter
out=$1; mkdir -p $out
i=0
for r in 1 2; do
for v in off on on off; do
  i=$((i+1))
  args=""; [ $v = on ] && args="-jvmArgsAppend -Dllmtb.exp.constChunk=true"
  flock /work/bench.lock java -jar /tmp/meter-exp.jar KernelBench -p runtime=ours-metered -p kernel=lu $args \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v.txt 2>&1
done
flock /work/bench.lock java -jar /tmp/meter-exp.jar KernelBench -p runtime=ours-unmetered -p kernel=lu \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/unmetered-k$r.json > $out/last-u.txt 2>&1
done
touch $out/done
