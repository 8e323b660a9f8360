#!/usr/bin/env python3
"""Writes N evaluation records for the batch benchmark (benchmarks/eval-bench.sh) from examples/data.jsonl:
the example records repeated in order, each copy with its own id ("rec-0001-3" is the 4th copy of rec-0001).
Deterministic.  usage: eval_data.py SOURCE.jsonl N OUT.jsonl"""
import json
import sys

src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with open(src, encoding="utf-8") as f:
    records = [json.loads(line) for line in f if line.strip()]
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        r = dict(records[i % len(records)])
        r["id"] = "%s-%d" % (r["id"], i // len(records))
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
