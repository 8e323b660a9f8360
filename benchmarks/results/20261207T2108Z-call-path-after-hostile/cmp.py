# per-fork thread CPU per op, each fork's mean of its measurement iterations; groups: file prefix letter (k,e = Java 17; t = Temurin 25)
import json,glob,collections,statistics,sys,os,math
d=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+"/*.json")):
    if os.path.getsize(f)==0: continue
    name=f.split('/')[-1][:-5]
    v,rest=name.split('-',1); jvm='J17'
    for b in json.load(open(f)):
        p=b.get('params',{})
        k=jvm+' '+b['benchmark'].split('.')[-1]+' '+' '.join(v2 for k2,v2 in p.items() if k2!='runtime')
        for fork in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
            d[(k,v)].append(statistics.mean(fork))
keys=sorted({k for k,_ in d})
print("| benchmark | base forks (median) | candidate forks (median) | change of medians |")
print("|---|---|---|---:|")
logs={'J17':[],'T25':[]}
for k in keys:
    b=d.get((k,'base'),[]); c=d.get((k,'cand'),[])
    if not b or not c: continue
    mb,mc=statistics.median(b),statistics.median(c)
    logs[k.split()[0]].append(math.log(mc/mb))
    print(f"| {k} | {' '.join(f'{x:,.0f}' for x in b)} (**{mb:,.0f}**) | {' '.join(f'{x:,.0f}' for x in c)} (**{mc:,.0f}**) | {100*(mc/mb-1):+.1f}% |")
for j,l in logs.items():
    if l: print(f"geomean {j} cand/base: {math.exp(sum(l)/len(l)):.3f} over {len(l)}")
