import re,sys,collections
def summ(f):
    c=collections.Counter(); tot=0; cds=0
    for l in open(f):
        m=re.search(r'\] (\S+) source: (.*)$',l)
        if not m: continue
        tot+=1
        name,src=m.groups()
        if 'shared objects file' in src: cds+=1; continue
        if name.startswith('com.dylibso.chicory.wasm'): k='chicory wasm'
        elif name.startswith('com.dylibso.chicory'): k='chicory runtime'
        elif name.startswith('com.fasterxml'): k='jackson'
        elif name.startswith('org.slf4j'): k='slf4j'
        elif name.startswith('org.objectweb'): k='asm'
        elif name.startswith('io.llmtestbench') or name.startswith('llmtb.gen'): k='ours'+(' (lambdas)' if '$$Lambda' in name else '')
        elif 'LambdaForm$' in name or '$$Lambda' in name: k='JDK lambdas/forms'
        elif name.startswith('java.util.stream'): k='JDK java.util.stream'
        else: k='JDK other (not in CDS)'
        c[k]+=1
    return tot,cds,c
b=summ(sys.argv[1]); n=summ(sys.argv[2])
print('| classes loaded | base | new |'); print('|---|---:|---:|')
print(f'| all | {b[0]} | {n[0]} |'); print(f'| from the JDK CDS archive | {b[1]} | {n[1]} |')
for k in sorted(set(b[2])|set(n[2]), key=lambda k:-b[2][k]):
    print(f'| {k} | {b[2][k]} | {n[2][k]} |')
