import json,sys,glob,statistics,math,collections,os
d=collections.defaultdict(list); order=[]
for f in sorted(glob.glob(os.path.join(sys.argv[1],'*.json'))):
    parts=os.path.basename(f).split('.'); k=parts[0]; leg=parts[2]
    if k not in order: order.append(k)
    try: b=json.load(open(f))[0]
    except Exception: continue
    d[(k,leg)].append(statistics.mean(b['secondaryMetrics']['thread.cpu.time/op']['rawData'][0]))
legs=sys.argv[2].split(',')
print("| kernel | "+" | ".join(f"{l} forks (mean)" for l in legs)+" | "+" | ".join(f"{l} vs {legs[0]}" for l in legs[1:])+" |")
print("|---|"+"---|"*len(legs)+"---:|"*(len(legs)-1))
logs=collections.defaultdict(list)
for k in order:
    ms={l:statistics.mean(d[(k,l)]) for l in legs if d[(k,l)]}
    if len(ms)<len(legs): continue
    row=[f"{' '.join(f'{x:,.0f}' for x in d[(k,l)])} ({ms[l]:,.0f})" for l in legs]
    ch=[]
    for l in legs[1:]:
        logs[l].append(math.log(ms[l]/ms[legs[0]])); ch.append(f"{100*(ms[l]/ms[legs[0]]-1):+.1f}%")
    print(f"| {k} | "+" | ".join(row)+" | "+" | ".join(ch)+" |")
print("| **geomean** |"+" |"*len(legs)+" | ".join(f" **{100*(math.exp(sum(v)/len(v))-1):+.1f}%**" for v in logs.values())+" |")
