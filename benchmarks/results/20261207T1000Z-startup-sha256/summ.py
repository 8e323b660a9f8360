import json,sys,statistics,glob
d=sys.argv[1]
rows={}
for v in ['base','new']:
    for f in sorted(glob.glob(f'{d}/jmh-{v}-*.json')):
        for b in json.load(open(f)):
            name=b['benchmark'].split('.')[-1]
            walls=[x for fork in b['primaryMetric']['rawData'] for x in fork]
            cpu=b['secondaryMetrics'].get('cpu.time/op',{}).get('rawData',[])
            cpu=[x for fork in cpu for x in fork]
            r=rows.setdefault((name,v),{'wall':[],'cpu':[]})
            r['wall']+=walls; r['cpu']+=cpu
for f in glob.glob(f'{d}/jmh-new-xms1g.json'):
    for b in json.load(open(f)):
        name=b['benchmark'].split('.')[-1]
        walls=[x for fork in b['primaryMetric']['rawData'] for x in fork]
        cpu=[x for fork in b['secondaryMetrics'].get('cpu.time/op',{}).get('rawData',[]) for x in fork]
        rows[(name,'new -Xms1g')]={'wall':walls,'cpu':cpu}
for (name,v),r in sorted(rows.items()):
    w=r['wall']; c=r['cpu']
    print(f"{name:22s} {v:11s} n={len(w)} wall median {statistics.median(w):7.1f} (min {min(w):6.1f} max {max(w):6.1f}) mean {statistics.mean(w):6.1f} | cpu median {statistics.median(c) if c else 0:6.0f}  forks: {' '.join('%.0f'%x for x in w)}")
