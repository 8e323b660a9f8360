import re,sys
from collections import Counter
txt=open(sys.argv[1]).read()
meths=re.split(r'\n  (?=\S.*\(.*\).*;\n    Code:)', txt)
want=sys.argv[2:]
for m in meths:
    name=m.split('(')[0].split()[-1] if '(' in m else '?'
    if want and name not in want: continue
    ins=re.findall(r'^\s+(\d+): (\w+)(.*)$', m, re.M)
    if not ins: continue
    offs=[int(o) for o,_,_ in ins]
    c=Counter(r.split(',')[0].strip() for _,op,r in ins if op=='iinc')
    fs=c.most_common(1)[0][0] if c else '-1'
    cat=Counter()
    for k,(o,op,rest) in enumerate(ins):
        o=int(o); nxt=offs[k+1] if k+1<len(offs) else o+1
        sz=nxt-o
        if op=='iinc' and rest.strip().startswith(fs+','): cat['iinc_fuel']+=sz
        elif re.search(r'Budget\.(fuel|slices|stop)', rest): cat['budget_fuel']+=sz
        elif re.search(r'Budget\.(depth|maxDepth|tooDeep)', rest): cat['budget_depth']+=sz
        elif 'Meter.' in rest: cat['meter_call']+=sz
        elif op in('iload','istore') and rest.strip()==fs: cat['fuel_local']+=sz
        elif op.startswith('iload_') or op.startswith('istore_'): cat['other']+=sz
        else: cat['other']+=sz
    print(name, offs[-1]+1, 'fuelslot', fs, dict(cat))
