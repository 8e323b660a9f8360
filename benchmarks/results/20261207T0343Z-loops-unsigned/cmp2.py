import json,glob,collections,statistics,sys,os,math
# usage: cmp2.py DIR [base-name cand-name]
d=collections.defaultdict(list)
D=sys.argv[1]; B=sys.argv[2] if len(sys.argv)>2 else 'base'; C=sys.argv[3] if len(sys.argv)>3 else 'cand'
for f in sorted(glob.glob(D+"/*.json")):
    if os.path.getsize(f)==0: continue
    v=os.path.basename(f).rsplit('-',1)[0]
    jvm='25' if v.startswith('j25') else '17'
    kind='ev' if v.startswith('ev') else 'k'
    side=v[3:] if v.startswith('j25') else (v[2:] if v.startswith('ev') else v)
    for b in json.load(open(f)):
        p=b.get('params',{})
        k=(p.get('kernel','') + ' ' + p.get('runtime','').replace('ours-','')) if p else b['benchmark'].split('.')[-1]
        d[(jvm,k,side)].append(b['secondaryMetrics']['thread.cpu.time/op']['score'])
rows=sorted(set((j,k) for j,k,s in d))
print(f"{'jvm':4s} {'benchmark':32s} {'base median':>12s} {'cand median':>12s} {'cand/base':>9s}   legs base | cand")
g=collections.defaultdict(list)
for j,k in rows:
    b=d.get((j,k,B),[]); c=d.get((j,k,C),[])
    if not b or not c: continue
    mb=statistics.median(b); mc=statistics.median(c); r=mc/mb
    g[j].append(r)
    print(f"{j:4s} {k:32s} {mb:12.1f} {mc:12.1f} {r:9.3f}   {' '.join(f'{x:.0f}' for x in b)} | {' '.join(f'{x:.0f}' for x in c)}")
for j,rs in g.items(): print(f"geomean {j}: {math.exp(sum(map(math.log,rs))/len(rs)):.3f} over {len(rs)}")
