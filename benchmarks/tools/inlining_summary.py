#!/usr/bin/env python3
"""Counts the inlining decisions for Meter calls in a -XX:+PrintInlining log, by callee and decision.

    inlining_summary.py LOG

HotSpot's two compilers word their decisions differently; with tiered compilation both appear:
  C2 (the optimizing compiler that matters in steady state): "inline (hot)", "too big" (callee over
     MaxInlineSize=35 bytes at a call site C2 does not consider frequent), "hot method too big" (over
     FreqInlineSize=325), "size > DesiredMethodLimit" (the bytecode already inlined into this compilation
     exceeds 8000 bytes: no more inlining into this method), "call site not reached", "already compiled into
     a big method", "NodeCountInliningCutoff";
  C1 (tiers 1-3, transient): "callee is too large", "callee uses too much stack", "total inlining greater
     than DesiredMethodLimit".
"""
import collections
import re
import sys

C1 = ("callee is too large", "callee uses too much stack", "total inlining greater than DesiredMethodLimit")
meter = re.compile(r"(Meter::\w+) \((\d+) bytes\)\s+(.*)$")
counts = collections.Counter()
for line in open(sys.argv[1], errors="replace"):
    m = meter.search(line)
    if m:
        decision = re.sub(r"\s+", " ", m.group(3)).strip()
        decision = re.sub(r"callee changed to.*", "", decision).strip() or "inline"
        who = "C1" if decision.startswith(C1) else "C2"
        counts[(who, f"{m.group(1)} ({m.group(2)} bytes)", decision)] += 1
for (who, callee, decision), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1], -kv[1])):
    print(f"{n:6d}  {who}  {callee:28s} {decision}")
