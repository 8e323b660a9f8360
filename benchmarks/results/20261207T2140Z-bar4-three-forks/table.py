# metering per kernel from per-fork thread CPU means: median of metered forks / median of unmetered forks - 1; geomean
import json,sys,statistics,math,collections
d=collections.defaultdict(list)
for b in json.load(open(sys.argv[1])):
    k=b['params']['kernel']; r=b['params']['runtime']
    for f in b['secondaryMetrics']['thread.cpu.time/op']['rawData']:
        d[(k,r)].append(statistics.mean(f))
ks=sorted({k for k,_ in d}); logs=[]
print("| kernel | metered forks (median) | unmetered forks (median) | metering |\n|---|---|---|---:|")
for k in ks:
    m=d[(k,'ours-metered')]; u=d[(k,'ours-unmetered')]
    if not m or not u: continue
    mm,mu=statistics.median(m),statistics.median(u); logs.append(math.log(mm/mu))
    print(f"| {k} | {' '.join(f'{x:,.0f}' for x in m)} ({mm:,.0f}) | {' '.join(f'{x:,.0f}' for x in u)} ({mu:,.0f}) | {100*(mm/mu-1):+.1f}% |")
print(f"| **geomean** | | | **{100*(math.exp(sum(logs)/len(logs))-1):+.1f}%** |")
