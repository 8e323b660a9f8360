#!/usr/bin/env bash
# Java 17 then Temurin 25
D=/work/wt/split/benchmarks/results/20261207T1610Z-metered-unmetered-plan
$D/ab.sh $D/j17
JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java $D/ab.sh $D/t25
