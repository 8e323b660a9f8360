#!/usr/bin/env bash
# -XX:+LogCompilation of the evaluator's plugin_execute; analysed by lc.py into lc-<jvm>-<jar>-<mode>.txt
# usage: lc.sh JAR(base|cand3|cand4) JVM(j17|t25) MODE(Metered|Unmetered)...
export LLMTB_BENCH_DATA=/tmp/acc-bench-data
mkdir -p /tmp/acc-lc
v=$1; jv=$2; shift 2
J=$( [ $jv = j17 ] && echo java || echo /usr/lib/jvm/temurin-25-jdk-amd64/bin/java )
for m in "$@"; do
  flock /work/bench.lock $J -jar /tmp/acc-$v.jar "CallOverheadBench\.guestExecuteOnly$m\$" -f 1 -wi 8 -w 1s -i 1 -r 1s \
    -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=/tmp/acc-lc/$jv-$v-$m.log" > /tmp/acc-lc/$jv-$v-$m.txt 2>&1
  python3 lc.py /tmp/acc-lc/$jv-$v-$m.log > lc-$jv-$v-$m.txt
done
