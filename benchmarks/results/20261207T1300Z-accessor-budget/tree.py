"""The inline tree under the first root-level call of ACCESSOR that C2 inlined in a generated method's C2 compile,
from -XX:+LogCompilation: each method with its bytecode size and C2's reason. usage: tree.py LOGFILE ACCESSOR"""
import re, sys
f = open(sys.argv[1]).read()
want = sys.argv[2]
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", f, re.S):
    attrs, body = m.group(1), m.group(2)
    if "llmtb.gen" not in attrs or "osr_bci" in attrs or ("level=" in attrs and "level='4'" not in attrs):
        continue
    names = {mm.group(1): (mm.group(2), int(mm.group(3)))
             for mm in re.finditer(r"<method id='(\d+)' holder='\d+' name='([^']*)'[^>]*bytes='(\d+)'", body)}
    depth = 0; last = None; out = []; started = False; done = False
    for ev in re.finditer(r"<(call|inline_fail|inline_success|intrinsic|parse|/parse)( [^>]*)?/?>", body):
        t, a = ev.group(1), ev.group(2) or ""
        if t == "parse":
            depth += 1
        elif t == "/parse":
            depth -= 1
            if started and depth <= 1:
                done = True
                break
        elif t == "call":
            last = names.get(re.search(r"method='(\d+)'", a).group(1), ("?", 0))
        elif t == "intrinsic":
            if started:
                out.append("  " * depth + "[intrinsic " + re.search(r"id='([^']*)'", a).group(1) + "]")
        else:
            r = re.search(r"reason='([^']*)'", a)
            r = r.group(1) if r else ""
            if not started and depth == 1 and last and last[0] == want and t == "inline_success":
                started = True
            if started:
                out.append("  " * depth + f"{last[0]}({last[1]}) {t} {r}")
    if done:
        print(attrs[:90]); print("\n".join(out)); break
