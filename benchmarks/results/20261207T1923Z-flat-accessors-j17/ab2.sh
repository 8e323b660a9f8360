#!/usr/bin/env bash
# A/B of branch accrt (lead): the runtime-only accessor changes of branch acc (generated code unchanged).
# Java 17: metered kernels with many memory accesses + the evaluator metered and unmetered; then Temurin 25 the same evaluator.
# order base cand cand base cand base base cand; one fork a leg; thread CPU per op.
export LLMTB_BENCH_DATA=/tmp/lead/accab/data
out=$1; mkdir -p $out
T25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
K=hashmap,tokenize,regex,prog_emu,json,sha256
i=0
for v in base cand cand base cand base base cand; do
  i=$((i+1))
  jar=/tmp/lead/$([ $v = base ] && echo base-b96 || echo cand-accj17).jar
  flock /work/bench.lock nice -n -5 java -jar $jar 'KernelBench' -p runtime=ours-metered \
    -p kernel=$K -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock java -jar $jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
done
touch $out/done
