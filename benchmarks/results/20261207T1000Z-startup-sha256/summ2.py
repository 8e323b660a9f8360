import json,sys,statistics,glob
# main-thread CPU (thread.cpu.time/op) medians per row and side
d=sys.argv[1]
rows={}
for v in ['base','new']:
    for f in sorted(glob.glob(f'{d}/jmh-{v}-*.json')):
        for b in json.load(open(f)):
            name=b['benchmark'].split('.')[-1]
            t=b['secondaryMetrics'].get('thread.cpu.time/op',{}).get('rawData',[])
            rows.setdefault((name,v),[]).extend(x for fork in t for x in fork)
for (name,v),t in sorted(rows.items()):
    if t: print(f"{name:22s} {v:5s} main-thread cpu median {statistics.median(t):6.0f} (min {min(t):5.0f} max {max(t):5.0f}) n={len(t)}")
