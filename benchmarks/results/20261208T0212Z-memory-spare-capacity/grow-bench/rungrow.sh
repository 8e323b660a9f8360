#!/usr/bin/env bash
# MemoryGrowBench, Java 17: base = main d775789 + the benchmark, cand = integ; legs base cand cand base
cd /tmp/lead/final
uptime > loadgrow.txt
n=0
for leg in gbase gcand gcand gbase; do
  n=$((n+1))
  java -jar $leg.jar MemoryGrowBench -prof gc -rf json -rff grow.$n.$leg.json > grow.$n.$leg.txt 2>&1
done
uptime >> loadgrow.txt
touch donegrow
