#!/usr/bin/env python3
"""Table of benchmarks/evaluator-vs-native.sh's run: plugin_execute in µs per call, and each ÷ native.

Native and V8: the least round (after the first, a warm-up) of each file; ours: JMH's thread CPU per op, the median
of each fork's iterations, then the least and the median over forks."""
import json
import statistics
import sys
from pathlib import Path

out = Path(sys.argv[1])


def rounds(name):
    values = [float(line.split()[1]) for line in (out / name).read_text().splitlines() if line.startswith('ns/call')]
    return min(values[1:] or values) / 1000


def jmh(name):
    path = out / name
    if not path.exists():
        return {}
    rows = {}
    for r in json.loads(path.read_text()):
        cpu = r['secondaryMetrics'].get('thread.cpu.time/op') or r['primaryMetric']
        forks = [statistics.median(f) for f in cpu['rawData']]
        rows[r['benchmark'].rsplit('.', 1)[1]] = (min(forks) / 1000, statistics.median(forks) / 1000, len(forks))
    return rows


native = min(rounds('native.txt'), rounds('native-2.txt'))
lines = ['| runtime | µs per plugin_execute | ÷ native |', '|---|---:|---:|',
         f'| native x86-64 (the crate\'s release profile, opt-level "z"), least of both runs | {native:.2f} | 1.00 |']
v8 = rounds('v8.txt')
lines.append(f'| V8 (node), TurboFan, no metering | {v8:.2f} | {v8 / native:.2f} |')
for jvm, name in (('Java 17', 'jdk17.json'), ('Temurin 25', 'jdk25.json')):
    for bench, (least, median, n) in sorted(jmh(name).items()):
        what = 'metered' if bench.endswith('Metered') else 'unmetered'
        lines.append(f'| ours {what}, {jvm} ({n} forks: least / median) | {least:.2f} / {median:.2f} | '
                     f'{least / native:.2f} / {median / native:.2f} |')
print('\n'.join(lines))
