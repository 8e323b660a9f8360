import json,glob,sys,collections
d=sys.argv[1]
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob(d+'/*.json')):
    v=f.split('/')[-1].rsplit('-',1)[0]
    try: data=json.load(open(f))
    except Exception: continue
    for r in data:
        key=r['benchmark'].split('.')[-1]+' '+' '.join(f"{k}={x}" for k,x in r.get('params',{}).items())
        res[key][v].append(r['secondaryMetrics']['thread.cpu.time/op']['score'])
for k,vv in sorted(res.items()):
    print(k, {v:[round(x,1) for x in xs] for v,xs in vv.items()})
