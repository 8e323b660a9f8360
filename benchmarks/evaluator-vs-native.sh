#!/usr/bin/env bash
# The evaluator plugin's plugin_execute (#14 bar 3) against anchors, in one run: the same Rust crate built for this
# machine (its own release profile, opt-level "z") called from C, the same .wasm on V8 (node), and ours metered and
# unmetered on Java 17 (-f 2) and Temurin 25 (-f 1, unless SKIP25=1), native again at the end. Every harness calls
# plugin_execute as CallOverheadBench.guestExecuteOnly does (input written once; per call the output capacity
# stored and one call) on BenchData.PLUGIN_INPUT, and the native and V8 outputs must equal each other.
# Needs benchmarks/target/benchmarks.jar and the bench data (io.llmtestbench.bench.Prepare); Debian's rustc/cargo
# (RUSTC, CARGO override), a C compiler (CC, default cc) and node.
#
#   OUT=dir benchmarks/evaluator-vs-native.sh
set -euo pipefail
out=${OUT:?set OUT to the output directory}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/.."
root=$(pwd)
export LLMTB_BENCH_DATA=${LLMTB_BENCH_DATA:-benchmarks/target/bench-data}
jar=benchmarks/target/benchmarks.jar
rustc=${RUSTC:-/usr/bin/rustc}
cargo=${CARGO:-/usr/bin/cargo}
cc=${CC:-cc}
wasm="$LLMTB_BENCH_DATA/plugin.wasm"
[ -f "$wasm" ] || { echo "no $wasm: run java -cp $jar io.llmtestbench.bench.Prepare" >&2; exit 1; }

# The crate and the PDK at the same relative places as in the repository (the crate depends on ../../../pdk/rust).
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/test-plugins/rust" "$stage/pdk"
cp -R test-plugins/rust/similarity-evaluator "$stage/test-plugins/rust/"
cp -R pdk/rust "$stage/pdk/"
rm -rf "$stage/test-plugins/rust/similarity-evaluator/target" "$stage/pdk/rust/target"
host=$("$rustc" -vV | sed -n 's/^host: //p')
(cd "$stage/test-plugins/rust/similarity-evaluator" && RUSTC="$rustc" CARGO_TARGET_DIR="$stage/target" \
  "$cargo" build --quiet --release --locked --offline --target "$host")
lib="$stage/target/$host/release/libsimilarity_evaluator.so"
"$cc" -O2 -o "$stage/native_eval" benchmarks/evaluator/native_eval.c -ldl
java -cp "$jar" io.llmtestbench.bench.BenchData > "$out/input.json"

git rev-parse --short HEAD > "$out/git.txt"
{ "$rustc" --version; "$cc" --version | head -n 1; echo "node $(node --version)"; } > "$out/tools.txt"
uptime > "$out/load.txt"
"$stage/native_eval" "$lib" "$out/input.json" > "$out/native.txt"
node benchmarks/evaluator/v8_eval.mjs "$wasm" "$out/input.json" > "$out/v8.txt"
java -jar "$jar" 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' -f 2 -wi 6 -w 1s -i 3 -r 1s \
  -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff "$out/jdk17.json" > "$out/jdk17.txt" 2>&1
uptime >> "$out/load.txt"
if [ "${SKIP25:-}" != 1 ]; then
  /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar "$jar" 'CallOverheadBench\.guestExecuteOnly(Metered|Unmetered)$' \
    -f 1 -wi 6 -w 1s -i 3 -r 1s -prof io.llmtestbench.bench.CpuTimeProfiler -rf json -rff "$out/jdk25.json" \
    > "$out/jdk25.txt" 2>&1
fi
"$stage/native_eval" "$lib" "$out/input.json" > "$out/native-2.txt"
uptime >> "$out/load.txt"
if [ "$(head -n 1 "$out/native.txt")" != "$(head -n 1 "$out/v8.txt")" ]; then
  echo "native and V8 outputs differ:" >&2; head -n 1 "$out/native.txt" "$out/v8.txt" >&2; exit 1
fi
python3 benchmarks/evaluator-vs-native.py "$out" | tee "$out/summary.md"
