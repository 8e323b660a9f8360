# thread CPU per op (us; evaluator ns), each value one fork; % = each jar's best (least) against base's best
import json,glob,sys,collections
d=sys.argv[1]
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob(d+'/*.json')):
    v=f.split('/')[-1].replace('eval-','').split('-')[0]
    try: data=json.load(open(f))
    except Exception: continue
    for r in data:
        p=r.get('params') or {'kernel': r['benchmark'].split('.')[-1], 'runtime': 'evaluator-ns'}
        cpu=r.get('secondaryMetrics',{}).get('thread.cpu.time/op',{}).get('score', r['primaryMetric']['score'])
        res[(p['kernel'],p['runtime'])][v].append(cpu)
for (k,rt),vv in sorted(res.items()):
    b=min(vv['base']) if vv.get('base') else None
    line=f"{k:26s} {rt:15s}"
    for v in ('base','cand','entries','fix'):
        xs=vv.get(v,[])
        line+=f" {v} {', '.join('%.0f'%x for x in xs):16s}"
        if v!='base' and xs and b: line+=f" ({100*(min(xs)/b-1):+.1f}%)"
    print(line)
