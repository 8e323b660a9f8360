import json,sys,collections,subprocess
def load(f):
    d=json.loads(subprocess.run(['jfr','print','--json','--events','jdk.ExecutionSample',f],capture_output=True,text=True).stdout)
    c=collections.Counter(); n=0
    for e in d['recording']['events']:
        fr=e['values']['stackTrace']['frames']
        if not fr: continue
        m=fr[0]['method']; name=(m['type']['name'].split('/')[-1])+'::'+m['name']
        # attribute to the first generated frame too
        c[name]+=1; n+=1
    return c,n
a,na=load('Metered.jfr'); b,nb=load('Unmetered.jfr')
nsA=float(sys.argv[1]); nsB=float(sys.argv[2])
keys=sorted(set(a)|set(b), key=lambda k:-(a[k]/na*nsA))
print(f"{'method':50s} {'met ns':>8s} {'unmet ns':>8s} {'diff':>8s}")
for k in keys[:45]:
    x=a[k]/na*nsA; y=b[k]/nb*nsB
    print(f"{k[:50]:50s} {x:8.0f} {y:8.0f} {x-y:8.0f}")
