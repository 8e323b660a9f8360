#!/usr/bin/env bash
# JFR (1 ms, bytecode indexes) and PrintCompilation of interp and prog_emu, Java 17 and Temurin 25, metered and unmetered
cd /tmp/dsp/prof
J=/tmp/dispatch-base.jar
for jvm in 17 25; do
  if [ $jvm = 25 ]; then JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; else JAVA=java; fi
  for k in interp prog_emu; do
    for r in ours-metered ours-unmetered; do
      n=$jvm-$k-$r
      $JAVA -jar $J KernelBench -p kernel=$k -p runtime=$r -f 1 -wi 4 -w 1s -i 4 -r 1s -jvm $JAVA \
        -prof io.llmtestbench.bench.CpuTimeProfiler \
        -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -XX:+PrintCompilation -XX:StartFlightRecording=settings=/tmp/dsp/prof/jfr.jfc,filename=/tmp/dsp/prof/$n.jfr" \
        > $n.txt 2>&1
    done
  done
done
touch done
