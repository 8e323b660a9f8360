# loops (backward jumps) in a hexdis.py listing: per compiled method, each back-edge's span, instructions, stack (rsp) accesses
import re,sys
f=sys.argv[1]; which=sys.argv[2] if len(sys.argv)>2 else None
meth=None; ins={}
blocks=[]
for ln in open(f):
    if ln.startswith('#####'):
        meth=ln.strip(); blocks.append((meth,[])); continue
    m=re.match(r'\s*([0-9a-f]+):\t([0-9a-f ]+)\t(.*)$',ln)
    if m and blocks: blocks[-1][1].append((int(m.group(1),16),m.group(3).strip()))
for meth,code in blocks:
    if which and which not in meth: continue
    print(meth, len(code),'instructions')
    addrs=[a for a,_ in code]
    for i,(a,t) in enumerate(code):
        m=re.match(r'(j\w+)\s+0x([0-9a-f]+)',t)
        if m:
            tgt=int(m.group(2),16)
            if tgt<=a and tgt>=addrs[0]:
                body=[x for x in code if tgt<=x[0]<=a]
                rsp=sum(1 for _,x in body if 'rsp' in x)
                mem=sum(1 for _,x in body if 'PTR' in x)
                print(f"  loop {tgt:x}..{a:x} {m.group(1)}: {len(body)} instr, {rsp} rsp accesses, {mem} memory operands")
