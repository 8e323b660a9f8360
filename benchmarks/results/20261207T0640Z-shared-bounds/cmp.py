import json,glob,collections,statistics,sys
d=collections.defaultdict(list)
for f in sorted(glob.glob(sys.argv[1]+"/*.json")):
    if __import__("os").path.getsize(f)==0: continue
    v=f.split('/')[-1].rsplit('-',1)[0]
    for b in json.load(open(f)):
        k=b['benchmark'].split('.')[-1]+' '+str(b.get('params',''))
        d[(v,k)].append(b['secondaryMetrics']['thread.cpu.time/op']['score'])
for (v,k),xs in sorted(d.items(), key=lambda x:(x[0][1],x[0][0])):
    print(f"{k[:60]:60s} {v:10s} median {statistics.median(xs):10.1f}  {' '.join(f'{x:.0f}' for x in xs)}")
