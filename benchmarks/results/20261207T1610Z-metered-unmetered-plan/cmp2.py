# per-fork thread CPU per op (µs), each fork's mean of its measurement iterations; variant = file name before the last '-'
import json,glob,collections,statistics,sys,os
d=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+"/*.json")):
    if os.path.getsize(f)==0: continue
    v=f.split('/')[-1].rsplit('-',1)[0]
    for b in json.load(open(f)):
        p=b.get('params',{})
        k=b['benchmark'].split('.')[-1]+' '+' '.join(p.values())
        for fork in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
            d[(k,v)].append(statistics.mean(fork))
for (k,v),xs in sorted(d.items()):
    print(f"{k:40s} {v:6s} median {statistics.median(xs):9.0f}   forks {' '.join(f'{x:.0f}' for x in xs)}")
