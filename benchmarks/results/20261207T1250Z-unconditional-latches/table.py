# A/B table: per kernel and runtime, base and cand forks (thread CPU per op, each fork's mean), medians, change; usage: table.py DIR...
import json,glob,collections,statistics,sys,os
d=collections.defaultdict(list)
for f in sorted(x for a in sys.argv[1:] for x in glob.glob(a+"/*.json")):
    if os.path.getsize(f)==0: continue
    v=f.split('/')[-1].rsplit('-',1)[0]
    for b in json.load(open(f)):
        p=b.get('params',{})
        name=b['benchmark'].split('.')[-1]
        k=(p.get('kernel',name.replace('guestExecuteOnly','evaluator ')), p.get('runtime',''))
        for fork in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
            d[(k,v)].append(statistics.mean(fork))
keys=sorted({k for (k,v) in d})
print("| kernel | runtime | base | cand | change |\n|---|---|---|---|---:|")
for k in keys:
    b=d.get((k,'base'),[]); c=d.get((k,'cand'),[])
    if not b or not c: continue
    mb=statistics.median(b); mc=statistics.median(c)
    f=lambda xs:' '.join(f'{x:,.0f}' for x in xs)
    print(f"| {k[0]} | {k[1] or '-'} | {f(b)} ({mb:,.0f}) | {f(c)} ({mc:,.0f}) | {100*(mc/mb-1):+.1f}% |")
