import json,glob,collections,statistics,sys,os
# medians of the legs, per (JVM, benchmark): cand / base
d=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+"/*.json")):
    if os.path.getsize(f)==0: continue
    name=os.path.basename(f).rsplit('-',1)[0]
    jvm='25' if name.startswith('j25') else '17'
    v='cand' if name.endswith('cand') else 'base'
    for b in json.load(open(f)):
        p=b.get('params') or {}
        k=(p.get('kernel','evaluator')+' '+p.get('runtime', b['benchmark'].split('.')[-1]))
        d[(jvm,k,v)].append(b['secondaryMetrics']['thread.cpu.time/op']['score'])
rows=sorted({(j,k) for j,k,v in d})
import math
logs=collections.defaultdict(list)
for j,k in rows:
    b=d.get((j,k,'base'),[]); c=d.get((j,k,'cand'),[])
    if not b or not c: continue
    r=statistics.median(c)/statistics.median(b)
    logs[j].append(math.log(r))
    print(f"{j} {k:40s} base {' '.join(f'{x:9.0f}' for x in b):22s} cand {' '.join(f'{x:9.0f}' for x in c):22s} {r:6.3f}")
for j,l in logs.items(): print(j,'geomean',round(math.exp(sum(l)/len(l)),3), len(l))
