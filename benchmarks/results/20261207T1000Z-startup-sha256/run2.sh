#!/bin/bash
# Run 2 (under flock /work/bench.lock): HotSpot's class counters around each phase (Probe, 4 JVMs per side, alternating),
# the StartupBench pairs again (N=16), then benchmarks/startup-cli.sh --repeat 4 of the base export and of the branch, twice.
set -e
cd /tmp/lazy
out=/tmp/lazy/out2; mkdir -p $out
for r in 1 2 3 4; do for v in base new; do
  echo "== $v $r" >> $out/probe.txt
  java --add-exports jdk.internal.jvmstat/sun.jvmstat.monitor=ALL-UNNAMED -cp fb:$v.jar Probe data-$v/plugin.jar data-$v/verified >> $out/probe.txt
done; done
OUT=$out N=16 M=0 ./pairs.sh
for round in 1 2; do
  (cd /tmp/lazy/base-src && benchmarks/startup-cli.sh --repeat 4 > $out/cli-base-$round.txt 2>&1)
  (cd /work/wt/lazy && benchmarks/startup-cli.sh --repeat 4 > $out/cli-new-$round.txt 2>&1)
done
echo "== end $(date -u +%H:%M:%S)"
