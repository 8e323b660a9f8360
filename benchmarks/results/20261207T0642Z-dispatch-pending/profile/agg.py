import json,sys,collections
d=json.load(open(sys.argv[1]))
c=collections.Counter(); m=collections.Counter()
n=0
for e in d['recording']['events']:
    fr=e['values']['stackTrace']['frames']
    if not fr: continue
    top=fr[0]; meth=top['method']['type']['name'].split('/')[-1]+'.'+top['method']['name']
    # first generated frame
    gen=None
    for f in fr:
        if f['method']['type']['name'].startswith('llmtb/gen'):
            gen=f; break
    if gen is None: continue
    n+=1
    m[gen['method']['name']]+=1
    c[(gen['method']['name'], gen['bytecodeIndex'], meth if top is not gen else '')]+=1
print(n)
for k,v in m.most_common(10): print(v,k)
for k,v in c.most_common(int(sys.argv[2]) if len(sys.argv)>2 else 40): print(v,k)
