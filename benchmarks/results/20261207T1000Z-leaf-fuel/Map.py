import re,sys
lines=open(sys.argv[1]).read().split('\n')
# find func_2 method body
start=[i for i,l in enumerate(lines) if re.search(r'static long func_2\(',l)][0]
ts=[i for i in range(start,len(lines)) if 'tableswitch' in lines[i] and '0 to 255' in lines[i]][0]
tgt={}
i=ts+1
while '}' not in lines[i] or 'default' in lines[i]:
    m=re.match(r'\s+(\d+|default): (\d+)',lines[i])
    if m and m.group(1)!='default': tgt[int(m.group(1))]=int(m.group(2))
    i+=1
    if lines[i].strip()=='}': break
# instruction index by offset in func_2
ins={}
for j in range(start,len(lines)):
    m=re.match(r'\s+(\d+): (\w+)\s*(.*)',lines[j])
    if m: ins[int(m.group(1))]=(m.group(2),m.group(3))
    if j>start+5 and re.match(r'\s+(private|public) static',lines[j]): break
offs=sorted(ins)
def classify(o):
    k=offs.index(o)
    op,arg=ins[offs[k]]
    if op in('iconst_0','iconst_1','iconst_2','iconst_3','iconst_4','iconst_5','bipush','sipush','ldc') and ins[offs[k+1]][0]=='goto':
        g=int(ins[offs[k+1]][1]); 
        # follow to call
        for o2 in offs:
            if o2>=g and ins[o2][0]=='invokestatic' and 'func_2$' in ins[o2][1]:
                return 'S'+re.search(r'func_2\$(\d)',ins[o2][1]).group(1)
    return 'in'
res=[classify(tgt[k]) for k in range(256)]
names="LDI MOVRA MOVAR ADD ADC SUB SBC AND OR XOR CMP INC DEC LDHL STHL PUSH POP SHL SHR ROL ROR ADDI CMPI JP JR CALL RET LDABS STABS LDHLI STHLI MISC".split()
for g in range(32): print(names[g], ' '.join(res[g*8:g*8+8]))
