import collections,sys
def cats(fn):
    c=collections.Counter()
    for line in open(fn):
        st,n=line.rsplit(' ',1); n=int(n)
        fr=st.split(';'); t=fr[0]
        if t.startswith('[llmtb-guest'):
            if any(f.startswith('llmtb/gen') for f in fr):
                # plugin code: split accessor frames
                c['guest: plugin code']+=n
            else:
                key='guest host: other'
                for f in fr:
                    for k in ('OutputCheck','JsonBytes.write','Json.bytesLine','RecordResult.toJson','JsonBytes.tree','JsonBytes.parseRecord','JsonBytes.topLevel','InstancePool','ArrayBlockingQueue','PluginHandle'):
                        if k in f: key='guest host: '+k; break
                    else: continue
                    break
                c[key]+=n
        elif t.startswith('[C2'): c['C2']+=n
        elif t.startswith('[C1'): c['C1']+=n
        elif t.startswith('[main'): c['main']+=n
        elif t.startswith('[GC'): c['GC']+=n
        else: c['other: '+t[:20]]+=n
    return c
a=cats(sys.argv[1]); b=cats(sys.argv[2])
for k in sorted(set(a)|set(b), key=lambda k:-a.get(k,0)):
    print(f"{a.get(k,0):7d} {b.get(k,0):7d}  {k}")
print(sum(a.values()), sum(b.values()))
