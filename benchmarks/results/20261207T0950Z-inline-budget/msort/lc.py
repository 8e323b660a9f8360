import re,sys
# print C2 tasks of generated methods with their inlining trees (LogCompilation)
f=open(sys.argv[1]).read()
for m in re.finditer(r"<task ([^>]*)>(.*?)</task>", f, re.S):
    attrs=m.group(1); body=m.group(2)
    if "llmtb.gen" not in attrs: continue
    lvl=re.search(r"level='(\d)'",attrs); 
    if lvl and lvl.group(1)!='4': continue
    meth=re.search(r"method='([^']*)'",attrs).group(1).split()[1]
    stamp=re.search(r"stamp='([^']*)'",attrs).group(1)
    osr=' OSR' if 'osr_bci' in attrs else ''
    print(f"== {stamp} {meth}{osr}")
    names={}
    for mm in re.finditer(r"<method id='(\d+)' holder='(\d+)' name='([^']*)'[^>]*bytes='(\d+)'",body):
        names[mm.group(1)]=(mm.group(3),mm.group(4))
    depth=0
    for ev in re.finditer(r"<(call|inline_fail|inline_success|parse|/parse|uncommon_trap|direct_call|intrinsic)( [^>]*)?/?>",body):
        tag=ev.group(1); a=ev.group(2) or ''
        if tag=='parse': depth+=1
        elif tag=='/parse': depth-=1
        elif tag=='call':
            mid=re.search(r"method='(\d+)'",a).group(1); n=names.get(mid,('?','?'))
            cnt=re.search(r"count='(\d+)'",a)
            last=(n, cnt.group(1) if cnt else '')
        elif tag in('inline_fail','inline_success'):
            r=re.search(r"reason='([^']*)'",a)
            if last[0][0].startswith(('func','call_indirect')):
                print('  '*depth+f"{last[0][0]}({last[0][1]}) cnt={last[1]} {tag} {r.group(1) if r else ''}")
