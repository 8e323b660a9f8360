#!/usr/bin/env bash
# A/B: base = main 9bbcd81 (/tmp/acc-base.jar), cand = branch acc fb2c277 (/tmp/acc-cand4.jar; later commits change
# only comments and tests). usage: ab.sh OUTDIR JAVA [LEGS...]   legs as v:n, default base:1 cand:2 cand:3 base:4
# (interleaved, one fork per leg, thread CPU per op). Run here: j17 all four legs; t25 as far as time allowed.
# (int-add/: the same with cand = 7747e82, whose Unsafe address was (long) (index + 16): lu and matmul 2-2.5x slower.)
export LLMTB_BENCH_DATA=/tmp/acc-bench-data
out=$1; JAVA=$2; shift 2; mkdir -p $out
legs=${@:-base:1 cand:2 cand:3 base:4}
for leg in $legs; do
  v=${leg%:*}; i=${leg#*:}; jar=$( [ $v = cand ] && echo cand4 || echo base )
  flock /work/bench.lock $JAVA -jar /tmp/acc-$jar.jar 'KernelBench' -p runtime=ours-metered,ours-unmetered \
    -p kernel=msort,interp,json,hashmap,sha256,prog_emu,matmul,utf8,regex,lu \
    -f 1 -wi 4 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-k$i.json > $out/last-$v-k.txt 2>&1
  flock /work/bench.lock $JAVA -jar /tmp/acc-$jar.jar 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 1 -wi 6 -w 1s -i 5 -r 1s \
    -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-e$i.json > $out/last-$v-e.txt 2>&1
  uptime >> $out/load.txt
done
