# per kernel: thread CPU per op (us) of each leg's fork; change of the means of the two legs per side; geomean
import json,sys,glob,statistics,math,collections,os
d=collections.defaultdict(list)
order=[]
for f in sorted(glob.glob(os.path.join(sys.argv[1],'*.json')), key=lambda p:(os.path.basename(p).split('.')[0], int(os.path.basename(p).split('.')[1]))):
    k,n,leg=os.path.basename(f).split('.')[:3]
    if k not in order: order.append(k)
    try: b=json.load(open(f))[0]
    except Exception: continue
    raw=b['secondaryMetrics']['thread.cpu.time/op']['rawData'][0]
    d[(k,leg)].append(statistics.mean(raw))
logs=[]
print("| kernel | base forks (mean) | candidate forks (mean) | change |\n|---|---|---|---:|")
for k in order:
    a=d[(k,'base')]; c=d[(k,'cand')]
    if len(a)<2 or len(c)<2: continue
    ma,mc=statistics.mean(a),statistics.mean(c); logs.append(math.log(mc/ma))
    print(f"| {k} | {' '.join(f'{x:,.0f}' for x in a)} ({ma:,.0f}) | {' '.join(f'{x:,.0f}' for x in c)} ({mc:,.0f}) | {100*(mc/ma-1):+.1f}% |")
if logs: print(f"| **geomean** ({len(logs)} kernels) | | | **{100*(math.exp(sum(logs)/len(logs))-1):+.1f}%** |")
