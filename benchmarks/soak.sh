#!/usr/bin/env bash
# Soak tests of a long-running host (issue #22), each scenario in a JVM of its own, through the public API only
# (io.llmtestbench.bench.Soak; what each checks is in its class comment). Not part of `mvn verify`: they take
# 10-40 minutes here. Exit status 1 if any check fails.
#
#   benchmarks/soak.sh [--no-build] [SCENARIO[=COUNT]]...
#
# Default: footprint=100 many=1000 cycles=2000 reload=60 storm=20000 close=50. `many` runs with -Xmx1g, the
# others with -Xmx2g. Run it under the machine's benchmark lock, niced:
#   flock /work/bench.lock nice -n 5 benchmarks/soak.sh
# Writes benchmarks/results/<UTC timestamp>-soak/soak.log (the RESULT lines, load averages, the JDK).
set -euo pipefail

bench="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$bench")"
cd "$repo"
build=1
scenarios=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    -h|--help) sed -n '2,/^set /p' "$0" | grep '^#'; exit 0 ;;
    *) scenarios+=("$a") ;;
  esac
done
[ ${#scenarios[@]} -eq 0 ] && scenarios=(footprint=100 many=1000 cycles=2000 reload=60 storm=20000 close=50)

if [ "$build" = 1 ]; then
  mvn -o -B -q package -DskipTests -pl benchmarks -am
fi
jar="$bench/target/benchmarks.jar"
out="$bench/results/$(date -u +%Y%m%dT%H%M%SZ)-soak"
mkdir -p "$out"
log="$out/soak.log"
{ echo "# $(java -version 2>&1 | head -1); $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"; } | tee "$log"
status=0
for s in "${scenarios[@]}"; do
  name="${s%%=*}"; count=""; [[ "$s" == *=* ]] && count="${s#*=}"
  heap=-Xmx2g; [ "$name" = many ] && heap=-Xmx1g
  echo "# $name $count ($heap, started $(date -u +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$log"
  if ! java "$heap" -cp "$jar" io.llmtestbench.bench.Soak "$name" $count --plugins test-plugins/wasm 2>"$out/$name.err" \
      | tee -a "$log"; then
    status=1
  fi
  grep -q "^OK $name" "$log" || status=1
done
echo "# done $(date -u +%H:%M:%S), load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
exit $status
