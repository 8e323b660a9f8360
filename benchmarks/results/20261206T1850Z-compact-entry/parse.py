import sys,re,collections,math
cur=None; rows=collections.OrderedDict()
for line in open(sys.argv[1]):
    m=re.match(r'== (\S+) (\S+) (\S+)$',line.strip())
    if m:
        a,b,c=m.groups()
        if a=='evaluator': key=('evaluator',b); v=c
        else: key=(a,b); v=c
        cur=(key,v); continue
    m=re.search(r'thread\.cpu\.time/op.*?avgt\s+\d+\s+([\d.,]+)',line)
    if m and cur:
        rows.setdefault(cur[0],collections.defaultdict(list))[cur[1]].append(float(m.group(1).replace(',','')))
g=collections.defaultdict(list)
for k,d in rows.items():
    vs=sorted(d.keys())
    B=sys.argv[2] if len(sys.argv)>2 else 'base'; base=d.get(B,[]); cands=[x for x in vs if x!=B]
    s=f"{k[0]:10s} {k[1]:15s} {B} {' '.join('%.1f'%x for x in base)}"
    for c in cands:
        s+=f" | {c} {' '.join('%.1f'%x for x in d[c])}"
        if base and d[c]:
            r=(sum(d[c])/len(d[c]))/(sum(base)/len(base)); rm=min(d[c])/min(base)
            s+=f"  mean {100*(r-1):+.1f}% min {100*(rm-1):+.1f}%"
            g[(c,k[1] if k[0]!='evaluator' else 'ev-'+k[1])].append(r)
    print(s)
for k,v in g.items():
    print(k, "geomean %+.1f%%" % (100*(math.exp(sum(map(math.log,v))/len(v))-1)), len(v))
