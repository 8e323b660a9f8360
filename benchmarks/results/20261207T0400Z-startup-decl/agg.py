import json,sys,subprocess,collections
incl=collections.Counter(); top=collections.Counter(); n=0
stacks=[]
for f in sys.argv[1:]:
    out=subprocess.run(['jfr','print','--json','--events','jdk.ExecutionSample','--stack-depth','200',f],capture_output=True,text=True).stdout
    d=json.loads(out)
    for e in d['recording']['events']:
        st=e['values']['stackTrace']
        if not st: continue
        t=e['values'].get('sampledThread')
        if not t or t.get('javaName')!='main': continue
        fr=[x['method']['type']['name']+'.'+x['method']['name'] for x in st['frames']]
        n+=1
        for m in set(fr): incl[m]+=1
        top[fr[0]]+=1
        stacks.append(fr)
print('samples main',n)
for m,c in incl.most_common(150): print(c,m)
print('--- top')
for m,c in top.most_common(40): print(c,m)
import pickle; pickle.dump(stacks,open('stacks.pkl','wb'))
