#!/usr/bin/env bash
cd /tmp/dsp/asm
for v in base c1; do
  java -Djmh.ignoreLock=true -jar /tmp/dispatch-$v.jar KernelBench -p kernel=interp -p runtime=ours-metered -f 1 -wi 3 -w 1s -i 1 -r 1s \
    -jvmArgsAppend "-XX:+UnlockDiagnosticVMOptions -XX:CompileCommand=print,*::func_1 -XX:+PrintCompilation" > $v-17.txt 2>&1
done
touch done
