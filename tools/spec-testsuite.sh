#!/usr/bin/env bash
# Makes a copy of the official WebAssembly spec test suite in the layout the spec tests read
# (runtime/src/test/java/io/llmtestbench/runtime/spec/), from a checkout of the upstream suite:
#
#   git clone https://github.com/WebAssembly/testsuite && git -C testsuite checkout 88e97b0f742f4c3ee01fea683da130f344dd7b02
#   tools/spec-testsuite.sh testsuite OUT
#   mvn -B verify -Dspec.testsuite.dir=OUT          (or: export WASM_SPEC_TESTSUITE=OUT; mvn -B verify)
#
# TESTSUITE  the checkout: core scripts *.wast at its root, proposals under proposals/<name>/ (the wast/
#            directory of an existing copy works too). The spec tests' exclusions and pass counts are for
#            commit 88e97b0f (the suite Chicory 1.7.5 is tested against); other commits may fail tests.
# OUT        a new or empty directory (or one this script made, which it refreshes). It gets
#            OUT/json/<script>/spec.json with its spec.N.wasm/.wat modules, for the core scripts and the
#            proposals in $SPEC_PROPOSALS (default: extended-const multi-memory tail-call threads), and the
#            sources in OUT/wast/.
#
# Each script is converted by wabt's wast2json as input/<name>.wast with --enable-all. By default the
# wast2json is the one of Chicory's wabt artifact (wabt compiled to JVM bytecode; needs only Java and
# Maven, ~1 minute), run by the standalone Maven project tools/spec-testsuite/: its output is byte-identical
# to the reference copy. WAST2JSON=/path/to/wast2json uses a native wabt instead, which must be recent:
# Debian 12's wabt 1.0.32 cannot parse 7 of the scripts (comments, if, table_fill/get/grow/set/size) and
# rounds two float literals of const.wast differently.
set -euo pipefail

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }
case "${1:-}" in -h|--help) usage; exit 0 ;; esac
if [[ $# -ne 2 ]]; then usage >&2; exit 2; fi
die() { echo "spec-testsuite.sh: $*" >&2; exit 1; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC="$(cd "$1" 2>/dev/null && pwd)" || die "no such directory: $1"
mkdir -p "$2"
OUT="$(cd "$2" && pwd)"
PROPOSALS="${SPEC_PROPOSALS-extended-const multi-memory tail-call threads}"
REFERENCE=88e97b0f742f4c3ee01fea683da130f344dd7b02
if commit="$(git -C "$SRC" rev-parse HEAD 2>/dev/null)" && [[ "$commit" != "$REFERENCE" ]]; then
  echo "spec-testsuite.sh: note: $SRC is at commit $commit, not $REFERENCE: the spec tests' exclusions and" \
       "pass counts may not fit it" >&2
fi

if [[ -z "${WAST2JSON:-}" ]]; then
  command -v mvn >/dev/null 2>&1 || die "mvn not found (or set WAST2JSON to a native wast2json)"
  exec mvn -B -q -f "$ROOT/spec-testsuite/pom.xml" compile exec:java \
    -Dtestsuite="$SRC" -Dout="$OUT" -Dproposals="${PROPOSALS// /,}"
fi

# ---- a native wast2json ----------------------------------------------------------------------
export LC_ALL=C
command -v "$WAST2JSON" >/dev/null 2>&1 || die "WAST2JSON=$WAST2JSON: not found"
compgen -G "$SRC/*.wast" >/dev/null || die "$SRC has no *.wast files: expected a checkout of WebAssembly/testsuite"
if [[ -n "$(ls -A "$OUT")" && ! -e "$OUT/.spec-testsuite" ]]; then
  die "$OUT exists and was not made by this script: give a new or empty directory"
fi
[[ "$OUT" != "$SRC" ]] || die "OUT must differ from TESTSUITE"
rm -rf "$OUT/json" "$OUT/wast"
echo "made by tools/spec-testsuite.sh from $SRC" > "$OUT/.spec-testsuite"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/spec-testsuite.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
failed=()
count=0
for dir in "" $(for p in $PROPOSALS; do echo "proposals/$p/"; done); do
  compgen -G "$SRC/$dir*.wast" >/dev/null || die "$SRC/$dir has no *.wast files (set SPEC_PROPOSALS)"
  mkdir -p "$OUT/wast/$dir"
  for wast in "$SRC/$dir"*.wast; do
    name="$(basename "$wast" .wast)"
    rm -rf "$WORK/input" && mkdir -p "$WORK/input" "$OUT/json/$dir$name"
    cp "$wast" "$WORK/input/$name.wast"
    cp "$wast" "$OUT/wast/$dir$name.wast"
    count=$((count + 1))
    (cd "$WORK" && "$WAST2JSON" --enable-all "input/$name.wast" -o "$OUT/json/$dir$name/spec.json") >/dev/null 2>&1 \
      || failed+=("$dir$name")
  done
done
[[ -f "$SRC/LICENSE" ]] && cp "$SRC/LICENSE" "$OUT/LICENSE"
echo "converted $((count - ${#failed[@]})) of $count scripts into $OUT/json with $("$WAST2JSON" --version)"
if (( ${#failed[@]} )); then
  die "$WAST2JSON failed on: ${failed[*]} (use a newer wabt, or leave WAST2JSON unset)"
fi
echo "run the spec tests with:  mvn -B verify -Dspec.testsuite.dir=$OUT"
