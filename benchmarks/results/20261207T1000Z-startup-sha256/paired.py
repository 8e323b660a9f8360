# paired differences (new - base) per ABBA pair of run3-pairs: wall and main-thread CPU of each row
import json,os,statistics,sys
d=sys.argv[1]
def get(v,r):
    out={}
    for b in json.load(open(f'{d}/jmh-{v}-{r}.json')):
        n=b['benchmark'].split('.')[-1]
        out[n]=(b['primaryMetric']['rawData'][0][0], b['secondaryMetrics']['thread.cpu.time/op']['rawData'][0][0])
    return out
for n in ['precompiledJarCached','wasmFromCache','precompiledJar','chicoryInterpreter']:
    dw=[];dc=[]
    for r in range(1,100):
        if not (os.path.exists(f'{d}/jmh-base-{r}.json') and os.path.exists(f'{d}/jmh-new-{r}.json')): continue
        b=get('base',r)[n]; w=get('new',r)[n]
        dw.append(w[0]-b[0]); dc.append(w[1]-b[1])
    print(f'{n:22s} paired new-base (n={len(dw)}): wall median {statistics.median(dw):+.0f} ms, main-thread cpu median {statistics.median(dc):+.0f} ms; cpu diffs {sorted(round(x) for x in dc)}')
