import json,sys,collections,subprocess
def load(f):
    d=json.loads(subprocess.run(['jfr','print','--json','--events','jdk.ExecutionSample',f],capture_output=True,text=True).stdout)
    c=collections.Counter(); n=0; acc=collections.Counter()
    for e in d['recording']['events']:
        fr=e['values']['stackTrace']['frames']
        if not fr: continue
        n+=1
        if fr[0]['method']['name']!='checkIndex': continue
        chain=[]
        for f in fr[1:]:
            nm=f['method']['type']['name'].split('/')[-1]+'::'+f['method']['name']
            chain.append(nm+'@'+str(f.get('bytecodeIndex'))+('' if f.get('type')=='Inlined' else '*'))
            if nm.startswith('Module::'): break
        c[' < '.join(chain[-2:])]+=1
    return c,n
for f,ns in (('Metered.jfr',17688),('Unmetered.jfr',10834)):
    c,n=load(f); print('==',f)
    for k,v in c.most_common(14): print(f"{v/n*ns:7.0f} {k}")
