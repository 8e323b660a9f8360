#!/usr/bin/env bash
# A/B: base cand cand base, metered+unmetered, the given kernels. Usage: OUT=dir CAND=jar K=... ab.sh
cd /work/wt/emu
K=${K:-prog_emu}
R=${R:-ours-metered,ours-unmetered}
OUT=${OUT:-/tmp/emu/ab}
CAND=${CAND:-/tmp/emu-cand.jar}
BASE=${BASE:-/tmp/emu-base.jar}
WI=${WI:-4}; I=${I:-3}
mkdir -p $OUT
for v in base cand cand base; do
  jar=$BASE; [ $v = cand ] && jar=$CAND
  java -jar $jar KernelBench -p kernel=$K -p runtime=$R -f 1 -wi $WI -w 1s -i $I -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $OUT/$v-$RANDOM.json > $OUT/last-$v.txt 2>&1
  echo "$v $(uptime)"
done
