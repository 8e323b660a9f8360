# per kernel: base and cand medians (thread CPU per op, each fork's mean), metered and unmetered, and the overhead
# (metered / unmetered - 1) of each; usage: overhead.py DIR...   (variant = file name before the last '-')
import json,glob,collections,statistics,sys,os,math
d=collections.defaultdict(list)
for dir_ in sys.argv[1:]:
    for f in sorted(glob.glob(dir_+"/*.json")):
        if os.path.getsize(f)==0: continue
        v=f.split('/')[-1].rsplit('-',1)[0]
        for b in json.load(open(f)):
            p=b.get('params',{})
            name=b['benchmark'].split('.')[-1]
            if 'kernel' in p: k,rt=p['kernel'],p['runtime'].replace('ours-','')
            else: k,rt='evaluator (ns)',('metered' if 'Metered' in name else 'unmetered')
            for fork in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
                x=statistics.mean(fork)
                d[(k,rt,v)].append(x)
ks=sorted({k for k,_,_ in d})
print("| kernel | metered base | metered cand | change | unmetered base | unmetered cand | overhead base | overhead cand |")
print("|---|---|---|---:|---|---|---:|---:|")
ob=[];oc=[]
for k in ks:
    def m(rt,v): return statistics.median(d[(k,rt,v)]) if d[(k,rt,v)] else float('nan')
    def fs(rt,v): return ' '.join(f'{x:,.0f}' for x in d[(k,rt,v)])
    mb,mc,ub,uc=m('metered','base'),m('metered','cand'),m('unmetered','base'),m('unmetered','cand')
    print(f"| {k} | {fs('metered','base')} (**{mb:,.0f}**) | {fs('metered','cand')} (**{mc:,.0f}**) | {100*(mc/mb-1):+.1f}% | {fs('unmetered','base')} (**{ub:,.0f}**) | {fs('unmetered','cand')} (**{uc:,.0f}**) | {100*(mb/ub-1):+.0f}% | {100*(mc/uc-1):+.0f}% |")
    if not k.startswith('evaluator'): ob.append(mb/ub); oc.append(mc/uc)
g=lambda xs: math.exp(sum(map(math.log,xs))/len(xs))
if ob: print(f"\ngeomean overhead of these kernels: base {100*(g(ob)-1):+.1f}%, cand {100*(g(oc)-1):+.1f}%")
