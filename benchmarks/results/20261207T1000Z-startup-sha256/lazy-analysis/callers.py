import sys, collections
anchor = sys.argv[1]; up = int(sys.argv[2]); files = sys.argv[3:]
c = collections.Counter()
for f in files:
    for line in open(f):
        st, n = line.rsplit(' ', 1); n = int(n)
        if not st.startswith('[DestroyJavaVM'): continue
        fr = st.split(';')
        ia = next((i for i, x in enumerate(fr) if anchor in x), None)
        if ia is None: continue
        c[';'.join(x.split('/')[-1] for x in fr[max(0,ia-up):ia+2])] += n
for k, v in c.most_common(20): print(f"{v/len(files):7.0f} {k}")
