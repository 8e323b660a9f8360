import re,sys,math,collections
vals=collections.OrderedDict()
for f in sys.argv[1:]:
    cur=None
    for line in open(f):
        m=re.match(r'== (\S+) (\S+) (\S+)',line)
        if m: cur=(m.group(1),m.group(2)); side=m.group(3); continue
        m=re.search(r'thread.cpu.time/op.*avgt\s+\d+\s+([\d.]+)',line)
        if m and cur:
            vals.setdefault(cur,{'base':[],'cand':[]})[side].append(float(m.group(1)))
ms=[];us=[]
for k,v in vals.items():
    b=sum(v['base'])/len(v['base']); c=sum(v['cand'])/len(v['cand'])
    d=c/b-1
    print(f"{k[0]:12s} {k[1]:15s} base {', '.join(f'{x:,.0f}' for x in v['base'])} -> cand {', '.join(f'{x:,.0f}' for x in v['cand'])}: {d*100:+.1f}%")
    (ms if 'Unmetered' not in k[1] and 'unmetered' not in k[1] else us).append(c/b)
g=lambda l: math.exp(sum(map(math.log,l))/len(l))
print(f"geomean metered {(g(ms)-1)*100:+.1f}% ({len(ms)}), unmetered {(g(us)-1)*100:+.1f}% ({len(us)})")
