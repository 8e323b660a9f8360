import sys, collections
files = sys.argv[1:]
c = collections.Counter()
for f in files:
    for line in open(f):
        st, n = line.rsplit(' ', 1); n = int(n)
        if not st.startswith('[DestroyJavaVM'): continue
        fr = st.split(';')
        # outermost clinit only
        for x in fr:
            if x.endswith('.<clinit>'):
                c[x] += n; break
for k, v in c.most_common(30): print(f"{v/len(files):7.0f} {k}")
