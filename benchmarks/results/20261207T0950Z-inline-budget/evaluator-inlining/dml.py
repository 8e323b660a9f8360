import re,sys,collections
# For each generated method's LAST C2 (non-OSR) compile: its bytecode size, and inline failures by reason for runtime helpers
f=open(sys.argv[1]).read()
last={}
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", f, re.S):
    attrs=m.group(1); body=m.group(2)
    if "llmtb.gen" not in attrs or 'osr_bci' in attrs: continue
    lvl=re.search(r"level='(\d)'",attrs)
    if lvl and lvl.group(1)!='4': continue
    meth=re.search(r"method='([^']*)'",attrs).group(1).split()[1]
    size=re.search(r"bytes='(\d+)'",attrs).group(1)
    names={}
    for mm in re.finditer(r"<method id='(\d+)' holder='(\d+)' name='([^']*)'[^>]*bytes='(\d+)'",body):
        names[mm.group(1)]=mm.group(3)
    fails=collections.Counter(); ok=collections.Counter()
    lastcall=None
    for ev in re.finditer(r"<(call|inline_fail|inline_success)( [^>]*)?/?>",body):
        tag=ev.group(1); a=ev.group(2) or ''
        if tag=='call':
            lastcall=names.get(re.search(r"method='(\d+)'",a).group(1),'?')
        elif tag=='inline_fail':
            r=re.search(r"reason='([^']*)'",a).group(1)
            fails[(lastcall,r)]+=1
        else: ok[lastcall]+=1
    last[meth]=(int(size),fails,ok)
tot=collections.Counter()
for meth,(size,fails,ok) in sorted(last.items(), key=lambda x:-x[1][0]):
    d=sum(v for (c,r),v in fails.items() if 'DesiredMethodLimit' in r)
    for (c,r),v in fails.items(): tot[(c,r.replace('&gt;','>'))]+=v
    if size>=3000 or d: print(f"{meth:22s} {size:6d} bytes; DesiredMethodLimit fails {d:4d}; inlined {sum(ok.values()):4d}")
print('--- all fails by callee/reason (top)')
for (c,r),v in tot.most_common(200): print(f"{v:5d} {c} : {r}")
