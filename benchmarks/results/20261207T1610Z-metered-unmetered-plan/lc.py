"""-XX:+LogCompilation: for each generated method's last C2 compile (not OSR; with osr=1, OSR compiles too, keyed
method@bci), its bytecode size and the call sites at its top level (depth 1) inlined and refused, by reason.
usage: lc.py LOGFILE"""
import re, sys, collections
f = open(sys.argv[1]).read()
last = {}
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", f, re.S):
    attrs, body = m.group(1), m.group(2)
    if "llmtb.gen" not in attrs:
        continue
    lvl = re.search(r"level='(\d)'", attrs)
    if lvl and lvl.group(1) != "4":
        continue
    meth = re.search(r"method='([^']*)'", attrs).group(1).split()[1]
    osr = re.search(r"osr_bci='(\d+)'", attrs)
    if osr:
        meth += "@" + osr.group(1)
    size = int(re.search(r"bytes='(\d+)'", attrs).group(1))
    names = {mm.group(1): mm.group(2) for mm in re.finditer(r"<method id='(\d+)' holder='\d+' name='([^']*)'", body)}
    depth = 0; callee = "?"
    inl = collections.Counter(); ref = collections.Counter()
    for ev in re.finditer(r"<(call|inline_fail|inline_success|parse|/parse)( [^>]*)?/?>", body):
        t, a = ev.group(1), ev.group(2) or ""
        if t == "parse":
            depth += 1
        elif t == "/parse":
            depth -= 1
        elif t == "call":
            callee = names.get(re.search(r"method='(\d+)'", a).group(1), "?")
        elif depth == 1:
            reason = re.search(r"reason='([^']*)'", a)
            reason = reason.group(1) if reason else ""
            kind = "func" if callee.startswith("func_") else "other"
            if t == "inline_success":
                inl[kind] += 1
            else:
                ref[(kind, reason)] += 1
    last[meth] = (size, inl, ref)
print(f"{'method':22s} {'bytes':>6s} {'inlined':>8s} {'refused':>8s}  refusals by (callee kind, reason)")
for meth, (size, inl, ref) in sorted(last.items(), key=lambda x: -x[1][0]):
    if size < 2000:
        continue
    print(f"{meth:22s} {size:6d} {sum(inl.values()):8d} {sum(ref.values()):8d}  " + "; ".join(f"{k}/{r}: {n}" for (k, r), n in ref.most_common()))
