import json,sys,math,glob,os
HERE=os.path.dirname(os.path.abspath(__file__))
def load(f):
    d={}
    for b in json.load(open(f)):
        k=(b['params']['kernel'],b['params']['runtime'])
        sm=b['secondaryMetrics'].get('thread.cpu.time/op') or b['primaryMetric']
        d[k]=sm['score']
    return d
runs={n:load(os.path.join(HERE, n + '.json')) for n in sys.argv[1:]}
kernels=sorted({k for r in runs.values() for (k,_) in r})
print('kernel', *[f'{n}:{rt}' for n in runs for rt in ('ours-metered','ours-unmetered') if any(k[1]==rt for k in runs[n])])
for k in kernels:
    row=[]
    for n,r in runs.items():
        for rt in ('ours-metered','ours-unmetered'):
            if (k,rt) in r: row.append(f'{r[(k,rt)]:.1f}')
            elif any(x[1]==rt for x in r): row.append('-')
    print(k,*row)
