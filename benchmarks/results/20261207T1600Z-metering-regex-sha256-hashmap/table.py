# base vs cand per kernel and runtime: per-fork thread CPU (each fork's mean of its iterations), medians, change
import json,glob,collections,statistics,sys,os
d=collections.defaultdict(list)
for dd in sys.argv[1:]:
  for f in sorted(glob.glob(dd+"/*.json")):
    if os.path.getsize(f)==0: continue
    v=f.split('/')[-1].rsplit('-',1)[0].replace('cand2','cand')
    for b in json.load(open(f)):
        p=b.get('params',{})
        name=b['benchmark'].split('.')[-1]
        k=(p.get('kernel') or name.replace('guestExecuteOnly','evaluator ').strip(), p.get('runtime','ns').replace('ours-',''))
        for fork in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
            x=statistics.mean(fork)
            if name.startswith('guestExecute'): x*=1000
            d[(k,v)].append(x)
keys=sorted(set(k for k,_ in d))
print("| kernel | runtime | base | cand | change |\n|---|---|---|---|---:|")
for k in keys:
    b=d.get((k,'base'),[]); c=d.get((k,'cand'),[])
    if not b or not c: continue
    mb=statistics.median(b); mc=statistics.median(c)
    fmt=lambda xs: ' '.join(f'{x:,.0f}' for x in xs)
    print(f"| {k[0]} | {k[1]} | {fmt(b)} ({mb:,.0f}) | {fmt(c)} ({mc:,.0f}) | {100*(mc/mb-1):+.1f}% |")
