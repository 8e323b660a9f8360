#!/usr/bin/env bash
# The #14 bars after the generator landed (main 7b77eab): a reduced benchmarks/run.sh, same commands per suite.
set -u
cd "$(dirname "$0")/../../.."
bench=benchmarks
jar=$bench/target/benchmarks.jar
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$bench/results/$stamp-codegen-bars
mkdir -p $out
log() { echo "[bars $(date +%H:%M:%S)] $*" | tee -a $out/run.log >&2; }
uptime > $out/load-before.txt
git rev-parse --short HEAD > $out/git.txt
export LLMTB_BENCH_DATA=$bench/target/bench-data
java -cp $jar io.llmtestbench.bench.Prepare "$PWD" > /dev/null 2>&1
sizes=$(awk '!/^#/ && NF >= 2 {printf "%s:%s ", $1, $2}' $bench/kernels/sizes.txt)
nargs="--warmup-ms 500 --iter-ms 500 --iters 3"
log "native: benchmarks/target/native/native_bench_scalar $nargs <sizes.txt>"
$bench/target/native/native_bench_scalar $nargs $sizes > $out/native-scalar.json
$bench/target/native/native_bench $nargs $sizes > $out/native.json
clang --version | head -1 > $out/clang-version.txt
log "v8: node benchmarks/kernels/v8_bench.mjs --dir benchmarks/src/main/resources/kernels $nargs <sizes.txt>"
node $bench/kernels/v8_bench.mjs --dir $bench/src/main/resources/kernels $nargs $sizes > $out/v8.json || log "v8 FAILED"
CPU="-prof io.llmtestbench.bench.CpuTimeProfiler"
jmh() { local java=$1 name=$2; shift 2; log "$name: java -jar benchmarks/target/benchmarks.jar $*"
  $java -jar $jar "$@" -rf json -rff $out/$name.json > $out/$name.txt 2>&1 || log "$name FAILED"; }
J17=java
J25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
$J17 -version > $out/jdk17-version.txt 2>&1; $J25 -version > $out/jdk25-version.txt 2>&1
jmh $J17 jdk17-call 'CallOverheadBench.(guestExecuteOnlyMetered|guestExecuteOnlyUnmetered|chicoryExecuteOnly|executePlugin)$' -f 1 -wi 8 -w 1s -i 3 -r 1s $CPU
jmh $J17 jdk17-compile-cold 'CompileBench' -f 5
jmh $J17 jdk17-kernels 'KernelBench' -f 1 -wi 6 -w 1s -i 3 -r 1s $CPU
jmh $J25 jdk25-kernels 'KernelBench' -p runtime=ours-metered -f 1 -wi 6 -w 1s -i 3 -r 1s $CPU
jmh $J25 jdk25-call 'CallOverheadBench.(guestExecuteOnlyMetered|guestExecuteOnlyUnmetered)$' -f 1 -wi 8 -w 1s -i 3 -r 1s $CPU

log "llmtb compile of the evaluator, before (integ 9803933, the last code before the generator: Chicory's translator + our instrumentation; llmtb.jar built 09:51) and after (main 7b77eab: our generator), 5 rounds alternated, plain java -jar, process CPU (user+sys s)"
for r in 1 2 3 4 5; do
  for v in before after; do
    /usr/bin/time -o /tmp/cg_compile/t -f '%U %S %e' java -jar /tmp/cg_compile/llmtb-$v.jar compile test-plugins/wasm/similarity-evaluator.wasm -o /tmp/cg_compile/$v.jar > /dev/null 2>&1
    echo "$v $r $(cat /tmp/cg_compile/t)" >> $out/llmtb-compile-cpu.txt
  done
done
uptime > $out/load-after.txt
log "done: $out"
