#!/usr/bin/env bash
# Hostile plugins at run time: reproduces the rows of benchmarks/RESULTS.md's section of that name.
#   run.sh JAR OUT   e.g. run.sh cli/target/llmtb.jar before.txt   (from the repository root)
# The committed test plugins come from test-plugins/wat/ (built by test-plugins/build.sh); the probes here
# (probe.wat: deep nesting, long numbers, output sizes and length cells; deepeval.wat: an evaluator whose output nests
# 999 levels; alloc_same.wat: plugin_alloc returns one block for every buffer) are assembled by this script.
set -u
JAR="$(realpath "$1")"; OUT="$(realpath "$2")"
HERE="$(cd "$(dirname "$0")" && pwd)"; ROOT="$(cd "$HERE/../../.." && pwd)"
W="$(mktemp -d)"; trap 'rm -rf "$W"' EXIT
for f in probe deepeval alloc_same; do
  python3 "$ROOT/test-plugins/wat/assemble.py" "$HERE/$f.wat" > "$W/$f.wat" && wat2wasm "$W/$f.wat" -o "$W/$f.wasm"
done
P="$ROOT/test-plugins/wasm"
run() { # label, java options, llmtb arguments...
  local label="$1" opts="$2"; shift 2
  echo "== $label"
  /usr/bin/time -f "[%e s wall, %M KB max RSS, exit %x]" java $opts -jar "$JAR" "$@" 2>&1 | cut -c1-400 | tail -7
}
{
  run "host_log_forges_audit_line (--verbose: the plugin's log lines)" "" run "$P/host_log_forges_audit_line.wasm" --input '{}' --no-cache --verbose
  for heap in 1g 512m 256m; do
    run "output_value_bomb, 16 MiB of [{},...], -Xmx$heap" "-Xmx$heap" run "$P/output_value_bomb.wasm" --input '{}' --no-cache
  done
  run "metadata_value_bomb (4 MiB of {} in capabilities)" "" run "$P/metadata_value_bomb.wasm" --input '{"a":1}' --no-cache
  run "output_nested_deep, 1000 levels" "" run "$P/output_nested_deep.wasm" --input '{"depth":1000}' --no-cache
  run "output_nested_deep, 999 levels" "" run "$P/output_nested_deep.wasm" --input '{"depth":999}' --no-cache
  run "output_nested_deep, 900 levels" "" run "$P/output_nested_deep.wasm" --input '{"depth":900}' --no-cache
  ( cd "$W" && cp "$HERE/pipe.json" "$HERE/data.jsonl" . && \
    run "llmtb eval --out: an evaluator whose output nests 999 levels" "" eval --pipeline pipe.json --data data.jsonl --no-cache --out res.jsonl; \
    echo "results file: $(wc -c < res.jsonl) bytes" )
  run "host_functions_given_whole_memory (150 calls with 64 MiB ranges)" "" run "$P/host_functions_given_whole_memory.wasm" --input '{}' --no-cache
  for inp in '{"mode":1,"n":100000}' '{"mode":2,"n":1000}' '{"mode":2,"n":1001}' '{"mode":2,"n":1000000}' '{"mode":4}' '{"mode":5}'; do
    run "probe $inp" "" run "$W/probe.wasm" --input "$inp" --no-cache
  done
  for inp in '{"mode":3,"n":100000}' '{"mode":3,"n":100001}'; do
    run "probe $inp --max-output-bytes 100000" "" run "$W/probe.wasm" --input "$inp" --no-cache --max-output-bytes 100000
  done
  run "alloc_same" "" run "$W/alloc_same.wasm" --input '{"a":1}' --no-cache
} > "$OUT"
