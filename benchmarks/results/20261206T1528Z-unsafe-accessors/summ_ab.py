import json,glob,sys,math,collections
# usage: summ_ab.py DIR PREFIX  -> per (bench, params) least and median thread CPU time of m and u legs, ratio u/m
d,prefix=sys.argv[1],sys.argv[2]
vals=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob(f"{d}/{prefix}-*.json")):
    v=f.split('/')[-1].split('-')[1]
    for r in json.load(open(f)):
        key=r['benchmark'].split('.')[-1]+' '+' '.join(f"{k}={x}" for k,x in sorted(r.get('params',{}).items()))
        sm=r['secondaryMetrics'].get('thread.cpu.time/op') or r['primaryMetric']
        vals[key][v].append(sm['score'])
rs=[]
print(f"{'benchmark':50s} {'main (least; all)':>30s} {'ours (least; all)':>30s}  least u/m")
for k in sorted(vals):
    m,u=vals[k]['m'],vals[k]['u']
    if not m or not u: continue
    r=min(u)/min(m); rs.append(r)
    fm=lambda xs: f"{min(xs):.1f}; "+"/".join(f"{x:.0f}" for x in xs)
    print(f"{k:50s} {fm(m):>30s} {fm(u):>30s}  {r:.3f}")
if rs: print("geomean u/m", round(math.exp(sum(map(math.log,rs))/len(rs)),3))
