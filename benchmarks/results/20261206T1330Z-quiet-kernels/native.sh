#!/usr/bin/env bash
# The native scalar run of this directory (run.sh's own native line passed sizes.txt itself, which native_bench
# refuses: it takes kernel:n pairs, as benchmarks/run.sh builds them). Run under flock /work/bench.lock.
here="$(cd "$(dirname "$0")" && pwd)"
cd /work/wt/codegen
sizes=$(awk '!/^#/ && NF >= 2 {printf "%s:%s ", $1, $2}' benchmarks/kernels/sizes.txt)
benchmarks/target/native/native_bench_scalar --warmup-ms 500 --iter-ms 500 --iters 3 $sizes > "$here/native-scalar.json"
