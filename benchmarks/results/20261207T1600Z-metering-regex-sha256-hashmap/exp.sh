#!/usr/bin/env bash
# Diagnosis toggles (exp jar = main 85ed5c8 + exp-toggles.diff; fuel meaningless with a toggle on)
cd /work/wt/chunk2
export LLMTB_BENCH_DATA=benchmarks/target/bench-data
out=$1; mkdir -p $out
K=sha256,syrk,lu,regex,hashmap
for r in 1 2; do
  for v in none noInnerCharge noCallChecks unm; do
    case $v in
      none) args="-p runtime=ours-metered"; jv="-Dllmtb.exp.none=true";;
      noInnerCharge) args="-p runtime=ours-metered"; jv="-Dllmtb.exp.noInnerCharge=true";;
      noCallChecks) args="-p runtime=ours-metered"; jv="-Dllmtb.exp.noEntryCheck=true -Dllmtb.exp.noReturnCheck=true";;
      unm) args="-p runtime=ours-unmetered"; jv="-Dllmtb.exp.none=true";;
    esac
    flock /work/bench.lock java -jar /tmp/chunk2-exp.jar KernelBench $args -p kernel=$K -f 1 -wi 4 -w 1s -i 3 -r 1s \
      -jvmArgsAppend "$jv" -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff $out/$v-$r.json > $out/last-$v.txt 2>&1
  done
done
touch $out/done
