import sys, collections
pats = sys.argv[1].split(',')
files = sys.argv[2:]
tot = collections.Counter()
for f in files:
    for line in open(f):
        st, n = line.rsplit(' ', 1); n = int(n)
        if not st.startswith('[DestroyJavaVM'): continue
        tot['main'] += n
        fr = st.split(';')
        for p in pats:
            if '&' in p:
                a, b = p.split('&')
                ia = next((i for i, x in enumerate(fr) if a in x), None)
                if ia is not None and any(b in x for x in fr[ia:]): tot[p] += n
            elif any(p in x for x in fr): tot[p] += n
for k, v in tot.items(): print(f"{v/len(files):8.0f} {k}")
