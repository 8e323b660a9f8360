#!/usr/bin/env bash
# msort's two modes (~14k and ~21k us/op, same jar): PrintCompilation per fork, main's jar, Java 17 and Temurin 25
export LLMTB_BENCH_DATA=/tmp/bounds/bench-data
cd /tmp/bounds/msort
java -jar /tmp/bounds-base.jar KernelBench -p kernel=msort -p runtime=ours-metered -f 5 -wi 4 -w 1s -i 2 -r 1s \
  -jvmArgsAppend "-XX:+PrintCompilation" > j17-pc.txt 2>&1
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar /tmp/bounds-base.jar KernelBench -p kernel=msort -p runtime=ours-metered -f 4 -wi 4 -w 1s -i 2 -r 1s \
  -jvmArgsAppend "-XX:+PrintCompilation" > j25-pc.txt 2>&1
touch done
