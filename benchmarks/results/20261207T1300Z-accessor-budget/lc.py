"""-XX:+LogCompilation of the evaluator: for each generated method's last C2 compile (not OSR), its bytecode size,
the memory accessor call sites it inlined and refused ("size > DesiredMethodLimit"), and what C2 counted against
DesiredMethodLimit per inlined access: the accessor and everything inlined into it, a method C2 force-inlines by
annotation counting 1 byte (ciMethod::code_size_for_inlining), an intrinsic nothing (no inline_success).
usage: lc.py LOGFILE"""
import re, sys, collections
ACC = re.compile(r"^[if](8|16|32|64)(Offset)?$")
f = open(sys.argv[1]).read()
last = {}
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", f, re.S):
    attrs, body = m.group(1), m.group(2)
    if "llmtb.gen" not in attrs or "osr_bci" in attrs:
        continue
    lvl = re.search(r"level='(\d)'", attrs)
    if lvl and lvl.group(1) != "4":
        continue
    meth = re.search(r"method='([^']*)'", attrs).group(1).split()[1]
    size = int(re.search(r"bytes='(\d+)'", attrs).group(1))
    names = {mm.group(1): (mm.group(2), int(mm.group(3)))
             for mm in re.finditer(r"<method id='(\d+)' holder='\d+' name='([^']*)'[^>]*bytes='(\d+)'", body)}
    depth = 0; lastcall = None; cur = None
    inl = collections.Counter(); ref = collections.Counter(); costs = collections.defaultdict(list)
    for ev in re.finditer(r"<(call|inline_fail|inline_success|parse|/parse)( [^>]*)?/?>", body):
        t, a = ev.group(1), ev.group(2) or ""
        if t == "parse":
            depth += 1
        elif t == "/parse":
            depth -= 1
            if depth == 1:
                cur = None
        elif t == "call":
            lastcall = names.get(re.search(r"method='(\d+)'", a).group(1), ("?", 0))
        else:
            reason = re.search(r"reason='([^']*)'", a)
            reason = reason.group(1) if reason else ""
            n, b = lastcall
            cost = 1 if "force inline" in reason else b
            if depth == 1 and ACC.match(n):
                if t == "inline_success":
                    inl[n] += 1; cur = [n, cost]; costs[n].append(cur)
                elif "DesiredMethodLimit" in reason:
                    ref[n] += 1
            elif depth > 1 and cur is not None and t == "inline_success":
                cur[1] += cost
    last[meth] = (size, inl, ref, costs)
print(f"{'method':14s} {'bytes':>6s} {'acc inlined':>11s} {'acc refused':>11s}  counted bytes per inlined access (by accessor)")
tot_i = tot_r = 0; per = collections.defaultdict(collections.Counter)
for meth, (size, inl, ref, costs) in sorted(last.items(), key=lambda x: -x[1][0]):
    tot_i += sum(inl.values()); tot_r += sum(ref.values())
    for n, l in costs.items():
        for _, c in l:
            per[n][c] += 1
    if size >= 3000 or sum(ref.values()):
        print(f"{meth:14s} {size:6d} {sum(inl.values()):11d} {sum(ref.values()):11d}")
print(f"all methods: accessor call sites inlined {tot_i}, refused for DesiredMethodLimit {tot_r}")
for n in sorted(per):
    print(f"  {n:10s} " + ", ".join(f"{c} bytes x{k}" for c, k in sorted(per[n].items())))
