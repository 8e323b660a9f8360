#!/usr/bin/env bash
# Rebuilds every test plugin from source into wasm/<name>.wasm, deterministically.
#
#   ./build.sh           rebuild everything into wasm/ (and regenerate wat/huge_function.wat)
#   ./build.sh --check   rebuild into a temporary directory and fail, naming the files, if any
#                        committed wasm/*.wasm (or wat/huge_function.wat) differs from a fresh build
#
# The same sources and the same toolchain give byte-identical .wasm files, whatever the absolute
# path of the checkout. The committed files were built with Debian 12's packages:
# rustc/cargo 1.63 (+ libstd-rust-dev-wasm32, librust-serde-json-dev, librust-serde-derive-dev),
# clang/lld 14 + wasi-libc + libclang-rt-dev-wasm32, wabt 1.0.32 and python3; another toolchain
# version may give other bytes (--check then says which files differ).
#
# Environment: RUSTC, CARGO and CC pick the tools (defaults: /usr/bin/rustc and /usr/bin/cargo if
# present, since a rustup rustc on PATH usually lacks the wasm32 target; clang).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# The plugin development kits the Rust and C plugins are built on (pdk/rust, pdk/c).
PDK="$(cd "$ROOT/../pdk" && pwd)"
MODE=build
case "${1:-}" in
  "") ;;
  --check) MODE=check ;;
  -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

# A reproducible environment.
export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=0
umask 022
unset CARGO_ENCODED_RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER \
      CARGO_BUILD_TARGET CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR CFLAGS LDFLAGS 2>/dev/null || true

die() { echo "build.sh: $*" >&2; exit 1; }

# ---- tools ---------------------------------------------------------------------------------
if [[ -z "${RUSTC:-}" ]]; then
  if [[ -x /usr/bin/rustc ]]; then RUSTC=/usr/bin/rustc; else RUSTC=rustc; fi
fi
if [[ -z "${CARGO:-}" ]]; then
  if [[ -x /usr/bin/cargo ]]; then CARGO=/usr/bin/cargo; else CARGO=cargo; fi
fi
CC="${CC:-clang}"
export RUSTC
for tool in python3 wat2wasm wasm-validate "$CC" "$RUSTC" "$CARGO"; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool (see test-plugins/README.md, 'Toolchain')"
done
ls "$("$RUSTC" --print target-libdir --target wasm32-unknown-unknown 2>/dev/null)"/libcore-*.rlib \
  >/dev/null 2>&1 || die "$RUSTC has no wasm32-unknown-unknown standard library (Debian: apt-get install libstd-rust-dev-wasm32; rustup: rustup target add wasm32-unknown-unknown; or set RUSTC)"
[[ -f "$("$CC" --target=wasm32-wasi -print-file-name=crt1-reactor.o)" ]] \
  || die "$CC cannot find the wasm32-wasi sysroot (Debian: apt-get install wasi-libc libclang-rt-dev-wasm32 lld)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/llmtb-test-plugins.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
OUT="$WORK/wasm"
mkdir -p "$OUT" "$WORK/wat"

# In build mode Cargo keeps its cache in test-plugins/target/ (ignored by git); --check always
# builds from scratch.
if [[ "$MODE" == build ]]; then CARGO_DIR="$ROOT/target/cargo"; else CARGO_DIR="$WORK/cargo"; fi

validate() { # file
  wasm-validate --enable-tail-call --enable-threads "$1" || die "invalid module: $1"
}

# ---- Rust: rust/<crate>/ -> wasm/<crate>.wasm -----------------------------------------------
# The crates on the Rust PDK depend on ../../../pdk/rust by path (it is in their Cargo.lock). That
# dependency lies outside each crate's workspace, and for such a path dependency Cargo hashes its
# *absolute* path into the crate's metadata, hence into symbol names, function order and data layout:
# built in two checkouts, the same sources gave different modules. So the crates and the PDK are built
# from a copy at one fixed path, the same on every machine (concurrent builds take turns on its lock),
# and the remaining paths are remapped so that none of them can end up in a module.
STAGE=/tmp/llmtb-rust-plugins-build
exec 9>"$STAGE.lock"
flock 9
rm -rf "$STAGE"
mkdir -p "$STAGE/test-plugins" "$STAGE/pdk"
cp -R "$ROOT/rust" "$STAGE/test-plugins/rust"
cp -R "$PDK/rust" "$STAGE/pdk/rust"
rm -rf "$STAGE"/test-plugins/rust/*/target "$STAGE/pdk/rust/target"
RUSTFLAGS="--remap-path-prefix=$STAGE/test-plugins=/llmtb/test-plugins --remap-path-prefix=$STAGE/pdk=/llmtb/pdk --remap-path-prefix=$CARGO_DIR=/llmtb/cargo"
export RUSTFLAGS
for manifest in "$STAGE"/test-plugins/rust/*/Cargo.toml; do
  crate_dir="$(dirname "$manifest")"
  crate="$(basename "$crate_dir")"
  echo "rust  $crate"
  # cd: cargo reads .cargo/config.toml (source replacement, target) from the working directory
  (cd "$crate_dir" && CARGO_TARGET_DIR="$CARGO_DIR" "$CARGO" build --quiet --release --locked --offline \
      --target wasm32-unknown-unknown) || die "cargo build failed for rust/$crate"
  cp "$CARGO_DIR/wasm32-unknown-unknown/release/${crate//-/_}.wasm" "$OUT/$crate.wasm"
  validate "$OUT/$crate.wasm"
done
rm -rf "$STAGE"
exec 9>&-

# ---- C: c/<plugin>/*.c -> wasm/<plugin>.wasm ---------------------------------------------
# Each file may include the C PDK, pdk/c/llmtb.h.
for dir in "$ROOT"/c/*/; do
  plugin="$(basename "$dir")"
  echo "c     $plugin"
  # Compile and link in two steps: a link command with -O makes clang run binaryen's wasm-opt when it is
  # on the PATH, so the output would depend on whether binaryen is installed. The link step has no -O.
  mkdir -p "$WORK/c/$plugin"
  (cd "$dir" && for src in ./*.c; do
      "$CC" --target=wasm32-wasi -Oz -Wall -Wextra -I"$PDK/c" \
        -ffile-prefix-map="$ROOT"=/llmtb/test-plugins -ffile-prefix-map="$PDK"=/llmtb/pdk \
        -c -o "$WORK/c/$plugin/$(basename "$src" .c).o" "$src" || exit 1
    done) || die "clang failed for c/$plugin"
  "$CC" --target=wasm32-wasi -mexec-model=reactor -o "$OUT/$plugin.wasm" "$WORK/c/$plugin"/*.o -Wl,--strip-all \
    || die "linking failed for c/$plugin"
  validate "$OUT/$plugin.wasm"
done

# ---- WAT: wat/<name>.wat -> wasm/<name>.wasm ----------------------------------------------
# A file starting with ";; @name" is a fragment, wrapped with the shared skeleton by assemble.py;
# any other .wat is a complete module.
python3 "$ROOT/wat/gen_huge_function.py" > "$WORK/wat/huge_function.wat"
if [[ "$MODE" == build ]]; then
  cmp -s "$WORK/wat/huge_function.wat" "$ROOT/wat/huge_function.wat" \
    || cp "$WORK/wat/huge_function.wat" "$ROOT/wat/huge_function.wat"
fi

wat_module() { # source.wat name [assemble.py options...] -> $OUT/name.wasm
  local src="$1" name="$2"; shift 2
  if head -n 1 "$src" | grep -q '^;; @name '; then
    python3 "$ROOT/wat/assemble.py" "$@" "$src" > "$WORK/wat/$name.module.wat" \
      || die "assemble.py failed for $src"
    wat2wasm --enable-tail-call --enable-threads "$WORK/wat/$name.module.wat" -o "$OUT/$name.wasm" || die "wat2wasm failed for $src"
  else
    wat2wasm --enable-tail-call --enable-threads "$src" -o "$OUT/$name.wasm" || die "wat2wasm failed for $src"
  fi
  validate "$OUT/$name.wasm"
}

count=0
for src in "$ROOT"/wat/*.wat; do
  name="$(basename "$src" .wat)"
  if [[ "$name" == huge_function ]]; then src="$WORK/wat/huge_function.wat"; fi
  wat_module "$src" "$name"
  count=$((count + 1))
done
# The probe a second time under another name: two plugins, to test that state is per plugin.
wat_module "$ROOT/wat/host_functions_probe.wat" host_functions_probe_twin --name host_functions_probe_twin
echo "wat   $((count + 1)) modules"

# ---- install or compare ----------------------------------------------------------------------
if [[ "$MODE" == build ]]; then
  mkdir -p "$ROOT/wasm"
  for old in "$ROOT"/wasm/*.wasm; do
    [[ -e "$old" ]] || continue
    [[ -e "$OUT/$(basename "$old")" ]] || { echo "removing stale wasm/$(basename "$old")"; rm -f "$old"; }
  done
  for new in "$OUT"/*.wasm; do
    cmp -s "$new" "$ROOT/wasm/$(basename "$new")" 2>/dev/null || cp "$new" "$ROOT/wasm/"
    chmod 0644 "$ROOT/wasm/$(basename "$new")"
  done
  echo "built $(ls "$OUT"/*.wasm | wc -l) modules into $ROOT/wasm/"
  exit 0
fi

problems=()
cmp -s "$WORK/wat/huge_function.wat" "$ROOT/wat/huge_function.wat" \
  || problems+=("wat/huge_function.wat differs from gen_huge_function.py's output")
for new in "$OUT"/*.wasm; do
  file="wasm/$(basename "$new")"
  if [[ ! -e "$ROOT/$file" ]]; then
    problems+=("$file is missing")
  elif ! cmp -s "$new" "$ROOT/$file"; then
    problems+=("$file differs from a fresh build")
  fi
done
for old in "$ROOT"/wasm/*.wasm; do
  [[ -e "$old" ]] || continue
  [[ -e "$OUT/$(basename "$old")" ]] || problems+=("wasm/$(basename "$old") has no source")
done
if (( ${#problems[@]} )); then
  echo "build.sh --check: FAILED: the committed files are not what the sources build to:" >&2
  printf '  %s\n' "${problems[@]}" >&2
  echo "toolchain: $("$RUSTC" --version); $("$CC" --version | head -n 1); wat2wasm $(wat2wasm --version)" >&2
  echo "Run test-plugins/build.sh and commit the result (or use the toolchain named in build.sh)." >&2
  exit 1
fi
echo "build.sh --check: OK: all $(ls "$OUT"/*.wasm | wc -l) modules in wasm/ match a fresh build"
