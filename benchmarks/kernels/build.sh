#!/usr/bin/env bash
# Builds the benchmark kernels from the C sources in this directory.
#
#   kernels/build.sh wasm             -> src/main/resources/kernels/<k>.wasm (committed) + expected.txt
#   kernels/build.sh check            rebuilds the .wasm files and expected.txt elsewhere and fails unless they
#                                     are byte for byte the committed ones
#   kernels/build.sh native [OUTDIR]  -> OUTDIR/native_bench and OUTDIR/native_bench_scalar
#                                        (default OUTDIR: benchmarks/target/native)
#
# wasm:   clang --target=wasm32-unknown-unknown -O2 (no libc; exports init, run, memory), compiled and
#         linked in two steps: a link command with -O makes clang run binaryen's wasm-opt when it is on
#         the PATH, so the committed .wasm would depend on whether binaryen is installed. The link step
#         (wasm-ld through clang, -nostdlib) has no -O.
# native: clang -O2 (x86-64 baseline, SSE2 auto-vectorization on), and a scalar variant with
#         -fno-vectorize -fno-slp-vectorize (wasm code here has no SIMD).
# The same per-kernel flags go to both: memmove.c gets -fno-builtin so its loops stay loops.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bench="$(dirname "$here")"
CLANG="${CLANG:-clang}"
mode="${1:-wasm}"

gen="$bench/target/kernels-gen"
mkdir -p "$gen"
# The JSON document as a C array (python3, or od as a fallback).
inc="$gen/llm_response.inc"
if [ ! -f "$inc" ] || [ "$here/llm_response.json" -nt "$inc" ]; then
  {
    echo "/* generated from llm_response.json by kernels/build.sh */"
    echo "static const uint8_t LLM_RESPONSE[] = {"
    od -An -v -tu1 "$here/llm_response.json" | tr -s ' ' | sed -e 's/^ //' -e 's/ $//' -e 's/ /, /g' -e 's/$/,/'
    echo "};"
    echo "#define LLM_RESPONSE_LEN $(wc -c < "$here/llm_response.json")"
  } > "$inc"
fi

kernels=$(awk '!/^#/ && NF >= 2 {print $1}' "$here/sizes.txt")
# The kernel list for native_bench.c, from sizes.txt: K(name) per kernel.
{
  echo "/* generated from sizes.txt by kernels/build.sh */"
  for k in $kernels; do echo "K($k)"; done
} > "$gen/kernels.inc.tmp"
cmp -s "$gen/kernels.inc.tmp" "$gen/kernels.inc" 2>/dev/null || mv "$gen/kernels.inc.tmp" "$gen/kernels.inc"
rm -f "$gen/kernels.inc.tmp"
flags_for() { case "$1" in memmove) echo "-fno-builtin";; *) echo "";; esac; }

case "$mode" in
  wasm|check)
    out="$bench/src/main/resources/kernels"
    [ "$mode" = check ] && out="$gen/check"
    mkdir -p "$out"
    mkdir -p "$gen/wasm-obj"
    for k in $kernels; do
      # shellcheck disable=SC2046
      "$CLANG" --target=wasm32-unknown-unknown -O2 -msign-ext -mbulk-memory -mnontrapping-fptoint \
        $(flags_for "$k") -DKERNEL="$k" -I"$gen" -c -o "$gen/wasm-obj/$k.o" "$here/$k.c"
      "$CLANG" --target=wasm32-unknown-unknown -nostdlib -Wl,--no-entry -Wl,-z,stack-size=65536 \
        -o "$out/$k.wasm" "$gen/wasm-obj/$k.o"
      echo "built $out/$k.wasm ($(wc -c < "$out/$k.wasm") bytes)"
    done
    # expected checksums at the benchmark and the test size, from the native build of the same sources
    "$0" native "$bench/target/native" > /dev/null
    args=$(awk '!/^#/ && NF >= 2 {printf "%s:%s ", $1, $2; if (NF >= 3 && $3 != $2) printf "%s:%s ", $1, $3}' "$here/sizes.txt")
    # shellcheck disable=SC2086
    "$bench/target/native/native_bench" --check $args > "$out/expected.txt"
    cp "$here/sizes.txt" "$out/sizes.txt"
    if [ "$mode" = check ]; then
      committed="$bench/src/main/resources/kernels"
      bad=0
      for f in "$out"/*; do
        cmp -s "$f" "$committed/$(basename "$f")" || { echo "differs from the committed file: $(basename "$f")" >&2; bad=1; }
      done
      for f in "$committed"/*; do
        [ -e "$out/$(basename "$f")" ] || { echo "committed but not built from the sources: $(basename "$f")" >&2; bad=1; }
      done
      [ "$bad" = 0 ] && echo "kernels: committed .wasm files and expected.txt are reproducible" || exit 1
    else
      cat "$out/expected.txt"
    fi
    ;;
  native)
    out="${2:-$bench/target/native}"
    mkdir -p "$out/obj" "$out/obj-scalar"
    objs=() sobjs=()
    for k in $kernels; do
      # shellcheck disable=SC2046
      "$CLANG" -O2 $(flags_for "$k") -DKERNEL="$k" -I"$gen" -c -o "$out/obj/$k.o" "$here/$k.c"
      # shellcheck disable=SC2046
      "$CLANG" -O2 -fno-vectorize -fno-slp-vectorize $(flags_for "$k") -DKERNEL="$k" -I"$gen" -c -o "$out/obj-scalar/$k.o" "$here/$k.c"
      objs+=("$out/obj/$k.o"); sobjs+=("$out/obj-scalar/$k.o")
    done
    "$CLANG" -O2 -I"$gen" -o "$out/native_bench" "$here/native_bench.c" "${objs[@]}" -lm
    "$CLANG" -O2 -I"$gen" -o "$out/native_bench_scalar" "$here/native_bench.c" "${sobjs[@]}" -lm
    echo "built $out/native_bench and $out/native_bench_scalar"
    ;;
  *)
    echo "usage: $0 wasm | check | native [OUTDIR]" >&2; exit 2;;
esac
