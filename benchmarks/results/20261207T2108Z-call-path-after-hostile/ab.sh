#!/usr/bin/env bash
# The call path before (main b96dc2d, the session's start) and after this session's landings (output value/depth
# counting, host-function copies, the unchecked-code gate): per-call cost on the caller's thread and on a guest
# thread, the evaluator's guest work. order base cand cand base cand base base cand; one fork a leg.
out=$1; mkdir -p $out
export LLMTB_BENCH_DATA=/tmp/lead/callab/data
B='CallOverheadBench\.(executePlugin|executePluginInline|echoExecutePlugin|echoExecutePluginBytes|guestExecuteOnlyMetered)$'
i=0
for v in base cand cand base cand base base cand; do
  i=$((i+1))
  jar=/tmp/lead/callab/$v.jar
  flock /work/bench.lock java -jar $jar "$B" -f 1 -wi 5 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -prof gc -rf json -rff $out/$v-c$i.json > $out/last-$v.txt 2>&1
done
touch $out/done
