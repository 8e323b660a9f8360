# thread CPU per op (us; the evaluator ns), each value one fork; the % compares each side's best (least) value
import json,glob,sys,collections,math
d=sys.argv[1] if len(sys.argv)>1 else '/tmp/abl'
res=collections.defaultdict(lambda: collections.defaultdict(list))
for f in sorted(glob.glob(d+'/*.json')):
    v=f.split('/')[-1].replace('eval-','').split('-')[0]
    try: data=json.load(open(f))
    except Exception: continue
    for r in data:
        p=r.get('params') or {'kernel': r['benchmark'].split('.')[-1], 'runtime': 'evaluator-ns'}
        sec=r.get('secondaryMetrics',{})
        cpu=None
        for k,m in sec.items():
            if k=='thread.cpu.time/op':
                cpu=m['score']; break
        if cpu is None: cpu=r['primaryMetric']['score']
        res[(p['kernel'],p['runtime'])][v].append(cpu)
gm=collections.defaultdict(list)
for (k,rt),vv in sorted(res.items()):
    b=vv.get('base',[]); c=vv.get('cand',[])
    if b and c:
        ratio=min(c)/min(b)
        gm[rt].append(ratio)
        print(f"{k:12s} {rt:15s} base {' '.join('%.1f'%x for x in b):24s} cand {' '.join('%.1f'%x for x in c):24s} {100*(ratio-1):+.1f}%")
for rt,l in gm.items():
    if rt!='evaluator-ns': print(rt,'geomean %+.1f%%'%(100*(math.exp(sum(map(math.log,l))/len(l))-1)))
